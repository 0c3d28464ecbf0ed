/**
 * Turns table schema nodes into the form an OpenAPI v3 document serves: kno-only `x-kno-*` keys
 * dropped, and a `$ref` with siblings (a default, an extension) wrapped as
 * `{ allOf: [{ $ref }], …siblings }`, since a `$ref` may stand alone only.
 */
import type { Schema } from "../schema/types.ts";

type Json = Record<string, unknown>;

/** Keys whose value is a schema. */
const SCHEMA_KEYS = new Set(["items", "additionalProperties", "not"]);
/** Keys whose value is a list of schemas. */
const SCHEMA_LIST_KEYS = new Set(["allOf", "anyOf", "oneOf"]);

/** Definitions upstream serves as a `oneOf` of JSON types instead of one `type` (v3 only). */
const ONE_OF_CODECS: Record<string, { types: string[]; format?: string }> = {
  quantity: { types: ["string", "number"] },
  intOrString: { types: ["integer", "string"], format: "int-or-string" },
};

export function toOpenApiSchema(schema: Schema): Json {
  const codec = schema["x-kno-codec"];
  const oneOf = codec ? ONE_OF_CODECS[codec] : undefined;
  if (oneOf) {
    const {
      type: _t,
      format: _f,
      "x-kubernetes-int-or-string": _i,
      "x-kno-codec": _c,
      ...rest
    } = schema;
    const out = toOpenApiSchema(rest);
    return {
      ...out,
      ...(oneOf.format ? { format: oneOf.format } : {}),
      oneOf: oneOf.types.map((type) => ({ type })),
    };
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith("x-kno-") || v === undefined) continue;
    if (k === "properties" && v && typeof v === "object") {
      out.properties = Object.fromEntries(
        Object.entries(v as Record<string, Schema>).map(([name, p]) => [name, toOpenApiSchema(p)]),
      );
    } else if (SCHEMA_KEYS.has(k) && v !== null && typeof v === "object") {
      out[k] = toOpenApiSchema(v as Schema);
    } else if (SCHEMA_LIST_KEYS.has(k) && Array.isArray(v)) {
      out[k] = v.map((s: Schema) => toOpenApiSchema(s));
    } else {
      out[k] = v;
    }
  }
  if (typeof out.$ref === "string" && Object.keys(out).length > 1) {
    const { $ref, ...siblings } = out;
    return { allOf: [{ $ref }], ...siblings };
  }
  return out;
}

/** Every definition name referenced by `$ref`s anywhere inside `value` (a schema, or an object
 * holding schemas such as a path item); values of `default`, `enum` and `example` are data. */
export function collectRefs(value: unknown, prefix: string, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, prefix, into);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value)) {
    if (k === "$ref" && typeof v === "string") {
      into.add(v.startsWith(prefix) ? v.slice(prefix.length) : v);
    } else if (k === "properties" && v !== null && typeof v === "object") {
      for (const p of Object.values(v)) collectRefs(p, prefix, into);
    } else if (k !== "default" && k !== "enum" && k !== "example") {
      collectRefs(v, prefix, into);
    }
  }
}
