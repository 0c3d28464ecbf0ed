/**
 * The value checks of schema validation that look at one node: JSON type (with the special
 * codecs), string length/pattern/format, numeric bounds, array sizes and list uniqueness, enum.
 * Messages follow upstream CRD validation (`spec.x in body should be …`).
 */
import type { StatusCause } from "../status.ts";
import type { Schema } from "./types.ts";
import {
  duplicate,
  fieldError,
  goQuote,
  index,
  invalid,
  notSupported,
  tooLong,
  tooMany,
  typeInvalid,
} from "./field_errors.ts";
import {
  fitsIntegerFormat,
  isDateTime,
  isGoDuration,
  isQuantity,
  matchesFormat,
  QUANTITY_MESSAGE_REGEX,
} from "./formats.ts";
import { codecOf, isIntOrString, isJsonObject, jsonTypeName } from "./schema_node.ts";
import { findsPattern, patternError } from "./patterns.ts";
import { canonicalJson, jsonEqual } from "../patch/json.ts";

/** `spec.x in body must be of type integer: "string"`, with the actual type as the value. */
export function typeFail(path: string, expected: string, value: unknown): StatusCause {
  const actual = jsonTypeName(value);
  return typeInvalid(path, actual, `${path} in body must be of type ${expected}: "${actual}"`);
}

/** The JSON type(s) a node accepts, as named in type errors; undefined when any value goes. */
export function expectedType(s: Schema): string | undefined {
  if (isIntOrString(s)) return "integer,string";
  switch (codecOf(s)) {
    case "quantity":
      return "string,number";
    case "time":
    case "microTime":
    case "duration":
      return "string";
    case "rawExtension":
    case "fieldsV1":
      return "object";
    case "schemaOrBool":
      return "object,boolean";
    case "schemaOrArray":
    case "schemaOrStringArray":
      return "object,array";
    case "json":
      return undefined;
  }
  return s.type;
}

/** `expectedType` results split at their commas, once per distinct string (a handful). */
const TYPE_LISTS = new Map<string, string[]>();

function typeMatches(expected: string, value: unknown): boolean {
  const actual = jsonTypeName(value);
  if (expected === actual) return true;
  let types = TYPE_LISTS.get(expected);
  if (!types) TYPE_LISTS.set(expected, types = expected.split(","));
  for (const t of types) {
    if (t === actual || (t === "number" && actual === "integer")) return true;
    if (t === "object" && isJsonObject(value)) return true;
  }
  return false;
}

/** Length in Unicode code points, as Go counts a string's runes, without splitting it. */
function codePointLength(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Checks the value's JSON type and wire grammar; false when further checks make no sense. */
export function checkType(value: unknown, s: Schema, path: string, out: StatusCause[]): boolean {
  const expected = expectedType(s);
  if (expected === undefined) return true;
  if (!typeMatches(expected, value)) {
    out.push(typeFail(path, expected, value));
    return false;
  }
  if (typeof value !== "string") return true;
  switch (codecOf(s)) {
    case "quantity":
      if (isQuantity(value)) return true;
      out.push(
        invalid(
          path,
          value,
          `quantities must match the regular expression '${QUANTITY_MESSAGE_REGEX}'`,
        ),
      );
      return false;
    case "time":
    case "microTime":
      if (isDateTime(value)) return true;
      out.push(
        typeInvalid(path, value, `${path} in body must be of type date-time: ${goQuote(value)}`),
      );
      return false;
    case "duration":
      if (isGoDuration(value)) return true;
      out.push(invalid(path, value, `time: invalid duration ${goQuote(value)}`));
      return false;
  }
  return true;
}

export function checkString(value: string, s: Schema, path: string, out: StatusCause[]): void {
  if (s.format && !isIntOrString(s) && !matchesFormat(s.format, value)) {
    out.push(
      typeInvalid(path, value, `${path} in body must be of type ${s.format}: ${goQuote(value)}`),
    );
  }
  // UTF-16 units are never fewer than code points: most strings need no count.
  const length = s.maxLength === undefined && s.minLength === undefined
    ? 0
    : value.length <= (s.maxLength ?? 0) && s.minLength === undefined
    ? value.length
    : codePointLength(value);
  if (s.maxLength !== undefined && length > s.maxLength) {
    out.push(tooLong(path, s.maxLength));
  } else if (s.minLength !== undefined && length < s.minLength) {
    out.push(invalid(path, value, `${path} in body should be at least ${s.minLength} chars long`));
  } else if (s.pattern !== undefined) {
    // A pattern that is not RE2 never got into a stored CRD; a built-in schema has none.
    if (patternError(s.pattern) !== undefined) {
      out.push(fieldError("InternalError", path, "", `invalid pattern ${goQuote(s.pattern)}`));
    } else if (!findsPattern(s.pattern, value)) {
      out.push(invalid(path, value, `${path} in body should match '${s.pattern}'`));
    }
  }
}

export function checkNumber(value: number, s: Schema, path: string, out: StatusCause[]): void {
  if (s.type === "integer" && !fitsIntegerFormat(s.format, value)) {
    out.push(
      invalid(
        path,
        value,
        `Checked value must be of type integer with format ${s.format} in ${path}`,
      ),
    );
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const m = s.multipleOf < 1 ? (1 / s.multipleOf) * value : value / s.multipleOf;
    if (!Number.isInteger(m)) {
      out.push(invalid(path, value, `${path} in body should be a multiple of ${s.multipleOf}`));
    }
  }
  if (s.minimum !== undefined) {
    const bad = s.exclusiveMinimum ? value <= s.minimum : value < s.minimum;
    if (bad) {
      const rel = s.exclusiveMinimum ? "greater than" : "greater than or equal to";
      out.push(invalid(path, value, `${path} in body should be ${rel} ${s.minimum}`));
    }
  }
  if (s.maximum !== undefined) {
    const bad = s.exclusiveMaximum ? value >= s.maximum : value > s.maximum;
    if (bad) {
      const rel = s.exclusiveMaximum ? "less than" : "less than or equal to";
      out.push(invalid(path, value, `${path} in body should be ${rel} ${s.maximum}`));
    }
  }
}

export function checkArray(value: unknown[], s: Schema, path: string, out: StatusCause[]): void {
  if (s.minItems !== undefined && value.length < s.minItems) {
    out.push(
      invalid(path, value.length, `${path} in body should have at least ${s.minItems} items`),
    );
  }
  if (s.maxItems !== undefined && value.length > s.maxItems) {
    out.push(tooMany(path, value.length, s.maxItems));
  }
  // Items are told apart by their canonical JSON, in one pass: a list of n items costs n, not
  // the n² a pairwise comparison would (a 3 MiB list holds tens of thousands of items).
  if (s.uniqueItems && hasDuplicate(value.map(canonicalJson))) {
    out.push(invalid(path, "", `${path} in body shouldn't contain duplicates`));
  }
  const listType = s["x-kubernetes-list-type"];
  if (listType === "set") {
    const seen = new Set<string>();
    value.forEach((v, i) => {
      const text = canonicalJson(v);
      if (seen.has(text)) out.push(duplicate(index(path, i), v));
      seen.add(text);
    });
  } else if (listType === "map") {
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    const keyOf = (v: unknown): Record<string, unknown> => {
      const o = isJsonObject(v) ? v : {};
      const k: Record<string, unknown> = {};
      for (const name of keys) if (o[name] !== undefined) k[name] = o[name];
      return k;
    };
    const seen = new Set<string>();
    value.forEach((v, i) => {
      const k = keyOf(v);
      const text = canonicalJson(k);
      if (seen.has(text)) out.push(duplicate(index(path, i), k));
      seen.add(text);
    });
  }
}

function hasDuplicate(texts: string[]): boolean {
  return new Set(texts).size !== texts.length;
}

export function checkEnum(value: unknown, s: Schema, path: string, out: StatusCause[]): void {
  if (!s.enum || s.enum.length === 0) return;
  if (s.enum.some((e) => jsonEqual(e, value))) return;
  out.push(notSupported(path, value, s.enum));
}
