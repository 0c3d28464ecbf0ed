/**
 * Field errors in the upstream shape: a `StatusCause` whose `type` is the cause type
 * (`FieldValueInvalid`, …), whose `field` is the field path and whose `message` is the error body
 * (`Invalid value: 3: detail`). Shared by schema validation and object-meta validation.
 */
import type { StatusCause } from "../status.ts";

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueTooFew"
  | "FieldValueTooShort"
  | "FieldValueTypeInvalid"
  | "InternalError";

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  FieldValueTooFew: "Too few",
  FieldValueTooShort: "Too short",
  FieldValueTypeInvalid: "Invalid value",
  InternalError: "Internal error",
};

/** Error types whose body never shows the bad value. */
const VALUELESS = new Set<FieldErrorType>([
  "FieldValueRequired",
  "FieldValueForbidden",
  "FieldValueTooLong",
  "FieldValueTooShort",
  "InternalError",
]);

/** Marks a value that must not be shown. */
export const OMIT_VALUE: unique symbol = Symbol("omit value");

/** A string quoted as Go's `%q` does (printable characters kept, controls escaped). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

/** JSON with object keys sorted and `<`, `>`, `&` escaped, as Go's json.Marshal writes it. */
export function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) out[k] = sorted(o[k]);
      return out;
    }
    return v;
  };
  return (JSON.stringify(sorted(value)) ?? "null")
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026");
}

/** How a bad value is printed inside an error body. */
export function formatBadValue(value: unknown): string {
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === undefined || value === null) return "null";
  return goJson(value);
}

/** The error body, without the field: `Invalid value: "x": detail`. */
export function errorBody(type: FieldErrorType, value: unknown, detail: string): string {
  let s = TYPE_TEXT[type];
  if (!VALUELESS.has(type) && value !== OMIT_VALUE) s += `: ${formatBadValue(value)}`;
  if (detail) s += `: ${detail}`;
  return s;
}

export function fieldError(
  type: FieldErrorType,
  field: string,
  value: unknown,
  detail = "",
): StatusCause {
  return { type, message: errorBody(type, value, detail), field };
}

export const required = (field: string, detail = ""): StatusCause =>
  fieldError("FieldValueRequired", field, "", detail);

export const invalid = (field: string, value: unknown, detail: string): StatusCause =>
  fieldError("FieldValueInvalid", field, value, detail);

export const typeInvalid = (field: string, value: unknown, detail: string): StatusCause =>
  fieldError("FieldValueTypeInvalid", field, value, detail);

export const duplicate = (field: string, value: unknown): StatusCause =>
  fieldError("FieldValueDuplicate", field, value);

export const forbidden = (field: string, detail: string): StatusCause =>
  fieldError("FieldValueForbidden", field, "", detail);

export function notSupported(field: string, value: unknown, valid: unknown[]): StatusCause {
  const detail = valid.length
    ? "supported values: " +
      valid.map((v) => goQuote(typeof v === "string" ? v : goJson(v))).join(", ")
    : "";
  return fieldError("FieldValueNotSupported", field, value, detail);
}

export function tooLong(field: string, maxLength: number, unit = "bytes"): StatusCause {
  const detail = maxLength >= 0
    ? `may not be more than ${maxLength} ${maxLength === 1 ? unit.replace(/s$/, "") : unit}`
    : "value is too long";
  return fieldError("FieldValueTooLong", field, OMIT_VALUE, detail);
}

export function tooMany(field: string, actual: number, max: number): StatusCause {
  const detail = max >= 0
    ? `must have at most ${max} ${max === 1 ? "item" : "items"}`
    : "has too many items";
  return fieldError("FieldValueTooMany", field, actual >= 0 ? actual : OMIT_VALUE, detail);
}

/** Field paths as upstream prints them: `spec.containers[0].image`, `metadata.labels[app]`. */
export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;
