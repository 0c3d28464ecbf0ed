/**
 * Whether a CRD version's openAPIV3Schema is structural, as apiextensions/v1 requires: every
 * specified node has a type (unless it is int-or-string or preserves unknown fields), no `$ref`,
 * properties and additionalProperties not both, no `uniqueItems: true`, embedded resources are
 * objects. Messages as upstream's. Pruning, defaulting and validation all rely on this: a field
 * without a type would let anything through.
 */
import { forbidden, invalid, required } from "../../api/schema/field_errors.ts";
import type { Schema } from "../../api/schema/types.ts";
import type { StatusCause } from "../../api/status.ts";

type Level = "root" | "item" | "field";

const EMPTY_TYPE: Record<Level, string> = {
  root: "must not be empty at the root",
  item: "must not be empty for specified array items",
  field: "must not be empty for specified object fields",
};

/** The causes that make `schema` (at `path`) not structural; empty when it is. */
export function structuralCauses(schema: Schema, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  walk(schema, path, "root", out, 0);
  return out;
}

/** Deeper than any schema kubectl or helm would send; the walk stops there. */
const MAX_DEPTH = 64;

function walk(s: Schema, path: string, level: Level, out: StatusCause[], depth: number) {
  if (depth > MAX_DEPTH || s === null || typeof s !== "object") return;
  if (s.$ref !== undefined) out.push(forbidden(`${path}.$ref`, "$ref is not supported"));
  const type = typeof s.type === "string" ? s.type : "";
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  if (s["x-kubernetes-embedded-resource"] === true && type !== "object") {
    const detail = "must be object if x-kubernetes-embedded-resource is true";
    out.push(type ? invalid(`${path}.type`, type, detail) : required(`${path}.type`, detail));
  } else if (type === "" && !intOrString && !preserve) {
    out.push(required(`${path}.type`, EMPTY_TYPE[level]));
  }
  if (intOrString && type !== "") {
    out.push(invalid(`${path}.type`, type, "must be empty if x-kubernetes-int-or-string is true"));
  }
  if (s.properties !== undefined && s.additionalProperties !== undefined) {
    out.push(
      forbidden(
        `${path}.additionalProperties`,
        "additionalProperties and properties are mutual exclusive",
      ),
    );
  }
  if (s.uniqueItems === true) {
    out.push(
      forbidden(
        `${path}.uniqueItems`,
        "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
      ),
    );
  }
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    walk(p, `${path}.properties[${name}]`, "field", out, depth + 1);
  }
  if (s.items && typeof s.items === "object" && !Array.isArray(s.items)) {
    walk(s.items as Schema, `${path}.items`, "item", out, depth + 1);
  }
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    walk(s.additionalProperties, `${path}.additionalProperties`, "field", out, depth + 1);
  }
  // Value validations under allOf/anyOf/oneOf/not: no $ref there either (nothing resolves it).
  for (const junctor of ["allOf", "anyOf", "oneOf"] as const) {
    const list = s[junctor];
    if (Array.isArray(list)) {
      list.forEach((b, i) => refsIn(b, `${path}.${junctor}[${i}]`, out, depth + 1));
    }
  }
  if (s.not !== undefined) refsIn(s.not, `${path}.not`, out, depth + 1);
}

/** `$ref`s anywhere below a value validation. */
function refsIn(s: unknown, path: string, out: StatusCause[], depth: number): void {
  if (depth > MAX_DEPTH || s === null || typeof s !== "object") return;
  if (Array.isArray(s)) {
    s.forEach((x, i) => refsIn(x, `${path}[${i}]`, out, depth + 1));
    return;
  }
  const node = s as Record<string, unknown>;
  if (node.$ref !== undefined) out.push(forbidden(`${path}.$ref`, "$ref is not supported"));
  for (const [k, v] of Object.entries(node)) {
    if (k === "default" || k === "enum" || k === "example" || k === "x-kubernetes-validations") {
      continue;
    }
    const at = k === "properties" ? path : `${path}.${k}`;
    if (k === "properties" && v && typeof v === "object") {
      for (const [name, p] of Object.entries(v)) {
        refsIn(p, `${path}.properties[${name}]`, out, depth + 1);
      }
    } else refsIn(v, at, out, depth + 1);
  }
}
