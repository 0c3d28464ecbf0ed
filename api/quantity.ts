/**
 * Kubernetes resource quantities ("100m", "1.5Gi", "2e3") as exact numbers, for comparing and
 * adding them: the value in billionths (nano units) as a bigint, rounded up as upstream rounds a
 * quantity finer than a nano. The text form is kept by callers (messages quote what was sent).
 */
const QUANTITY =
  /^([+-]?)(\d+\.?\d*|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** The quantity in nano units, or undefined when `q` is not a quantity. */
export function nanos(q: unknown): bigint | undefined {
  if (typeof q === "number") {
    if (!Number.isFinite(q)) return undefined;
    q = String(q);
  }
  if (typeof q !== "string") return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const [, sign, number, suffix, exponent] = m;
  const [whole = "0", fraction = ""] = number!.split(".");
  // value = digits / 10^fraction.length × multiplier × 1e9
  let num = BigInt((whole || "0") + fraction) * pow10(9);
  let den = pow10(fraction.length);
  if (suffix && suffix in BINARY) num *= 1n << BigInt(10 * BINARY[suffix]!);
  else {
    const e = exponent !== undefined ? Number(exponent) : DECIMAL[suffix ?? ""]!;
    if (Math.abs(e) > 100) return undefined;
    if (e >= 0) num *= pow10(e);
    else den *= pow10(-e);
  }
  const value = (num + den - 1n) / den; // round up to a whole nano
  return sign === "-" ? -value : value;
}

/** -1, 0 or 1 as a is less than, equal to or more than b (both quantities). */
export function compareQuantities(a: unknown, b: unknown): number {
  const x = nanos(a) ?? 0n;
  const y = nanos(b) ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}
