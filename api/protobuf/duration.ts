/**
 * Go `time.Duration` text: the JSON form of `metav1.Duration` ("1h2m3s", "1.5s", "250ms", "0s").
 * Durations are int64 nanoseconds, so they are handled as bigint.
 */

const NS_PER_US = 1_000n;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const NS_PER_MIN = 60n * NS_PER_S;
const NS_PER_H = 60n * NS_PER_MIN;

/** Formats nanoseconds the way Go's `Duration.String` does. */
export function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return "0s";
  const sign = nanos < 0n ? "-" : "";
  const abs = nanos < 0n ? -nanos : nanos;
  if (abs < NS_PER_S) {
    if (abs < NS_PER_US) return `${sign}${abs}ns`;
    if (abs < NS_PER_MS) return `${sign}${withFraction(abs, NS_PER_US)}µs`;
    return `${sign}${withFraction(abs, NS_PER_MS)}ms`;
  }
  let out = `${withFraction(abs % NS_PER_MIN, NS_PER_S)}s`;
  if (abs >= NS_PER_MIN) {
    out = `${(abs % NS_PER_H) / NS_PER_MIN}m${out}`;
    if (abs >= NS_PER_H) out = `${abs / NS_PER_H}h${out}`;
  }
  return sign + out;
}

/** `value / unit` as a decimal with trailing zeros of the fraction dropped. */
function withFraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  const frac = rest.toString().padStart(digits, "0").replace(/0+$/, "");
  return `${whole}.${frac}`;
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: NS_PER_US,
  "µs": NS_PER_US,
  "μs": NS_PER_US,
  ms: NS_PER_MS,
  s: NS_PER_S,
  m: NS_PER_MIN,
  h: NS_PER_H,
};

/** Parses a Go duration string ("1h2m3.5s", "-1.5ms", "0") into nanoseconds. */
export function parseDuration(text: string): bigint {
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest[0] === "-";
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") throw new SyntaxError(`invalid duration "${text}"`);
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== "") {
    const m = part.exec(rest);
    const unitName = m?.[3];
    const unit = unitName === undefined ? undefined : UNITS[unitName];
    if (!m || unit === undefined || (m[1] === "" && (m[2] ?? "") === "")) {
      throw new SyntaxError(`invalid duration "${text}"`);
    }
    const whole = BigInt(m[1] || "0");
    const fracDigits = m[2] ?? "";
    let frac = 0n;
    if (fracDigits !== "") {
      const scale = 10n ** BigInt(fracDigits.length);
      frac = (BigInt(fracDigits) * unit) / scale;
    }
    total += whole * unit + frac;
    rest = rest.slice(m[0].length);
  }
  return negative ? -total : total;
}
