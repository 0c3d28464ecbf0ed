/**
 * Key checks and prefix ranges. Keys are compared by their UTF-8 bytes (SQLite's BINARY
 * collation), which is the same order as Unicode code points, so a prefix's range end is the
 * prefix with its last code point incremented.
 */

/** A key the store refuses: empty, holding NUL, or not well-formed UTF-16. */
export class InvalidKeyError extends TypeError {
  constructor(readonly key: string, reason: string) {
    super(`Invalid key ${JSON.stringify(key)}: ${reason}`);
    this.name = "InvalidKeyError";
  }
}

/** Throws InvalidKeyError unless `key` can be stored and compared byte-wise. */
export function checkKey(key: string): void {
  if (key.length === 0) throw new InvalidKeyError(key, "empty");
  checkPrefix(key);
}

/** Like checkKey but an empty string is allowed (it means every key). */
export function checkPrefix(prefix: string): void {
  if (prefix.includes("\0")) throw new InvalidKeyError(prefix, "contains NUL");
  if (!prefix.isWellFormed()) throw new InvalidKeyError(prefix, "lone surrogate");
}

const maxCodePoint = 0x10ffff;

/**
 * The smallest string greater than every string starting with `prefix`, in code point order;
 * undefined when there is none (empty prefix, or only U+10FFFF characters).
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < maxCodePoint) {
      // Skip the surrogate block: it has no UTF-8 encoding.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join("") + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** Compares two strings in code point (UTF-8 byte) order, as SQLite does. */
export function compareKeys(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
