/**
 * String formats and wire grammars checked by validation: Kubernetes quantities, Go durations,
 * base64 (`format: byte`), RFC 3339 times and the common OpenAPI string formats CRDs use.
 */

/** The pattern upstream quotes when a quantity does not parse. */
export const QUANTITY_MESSAGE_REGEX = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

const QUANTITY_RE =
  /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** A Kubernetes quantity string: signed decimal, then a binary-SI, decimal-SI or exponent suffix. */
export const isQuantity = (s: string): boolean => QUANTITY_RE.test(s);

const DURATION_RE = /^[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

/** A Go `time.Duration` string ("1h2m3.5s", "300ms", "0"). */
export const isGoDuration = (s: string): boolean => /^[-+]?0$/.test(s) || DURATION_RE.test(s);

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard padded base64, as Go decodes `[]byte` (line breaks are ignored). */
export const isBase64 = (s: string): boolean => BASE64_RE.test(s.replace(/[\r\n]/g, ""));

const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

/** The last string isDateTime accepted: most are the server's own stamps of the current second. */
let lastDateTime = "";

/** An RFC 3339 date-time ("2024-01-02T03:04:05Z", fractional seconds and offsets allowed). */
export function isDateTime(s: string): boolean {
  if (s === lastDateTime) return true;
  const m = DATE_TIME_RE.exec(s);
  if (!m) return false;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  const ok = validDate(n(1), n(2), n(3)) && n(4) < 24 && n(5) < 60 && n(6) < 61 && n(7) < 24 &&
    n(8) < 60;
  if (ok) lastDateTime = s;
  return ok;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

const IPV4_RE =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

export const isIpv4 = (s: string): boolean => IPV4_RE.test(s);

export function isIpv6(s: string): boolean {
  if (!s.includes(":")) return false;
  try {
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HOSTNAME_RE =
  /^(?=.{1,255}$)[A-Za-z0-9](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;
const MAC_RE = /^(?:[0-9A-Fa-f]{2}[:-]){5,19}[0-9A-Fa-f]{2}$/;

function isCidr(s: string): boolean {
  const slash = s.indexOf("/");
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  return (isIpv4(ip) && n <= 32) || (isIpv6(ip) && n <= 128);
}

/** The string formats checked; a format not listed here is informational and not checked. */
const FORMAT_CHECKS: Record<string, (s: string) => boolean> = {
  byte: isBase64,
  "date-time": isDateTime,
  date: isDate,
  duration: isGoDuration,
  uuid: (s) => UUID_RE.test(s),
  uuid3: (s) => UUID_RE.test(s),
  uuid4: (s) => UUID_RE.test(s),
  uuid5: (s) => UUID_RE.test(s),
  ipv4: isIpv4,
  ipv6: isIpv6,
  cidr: isCidr,
  hostname: (s) => HOSTNAME_RE.test(s),
  mac: (s) => MAC_RE.test(s),
};

/** Whether `s` satisfies `format`; true for formats that are not checked. */
export function matchesFormat(format: string, s: string): boolean {
  const check = FORMAT_CHECKS[format];
  return check ? check(s) : true;
}

/** Whether an integer fits its `format` (int32, int64); true for other formats. */
export function fitsIntegerFormat(format: string | undefined, v: number): boolean {
  if (format === "int32") return v >= -(2 ** 31) && v < 2 ** 31;
  if (format === "int64") return v >= -(2 ** 63) && v < 2 ** 63;
  return true;
}
