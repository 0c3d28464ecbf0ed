/**
 * The OpenAPI v2 (Swagger 2.0) document at `/openapi/v2`: every definition of the served
 * group-versions' v3 documents in one `definitions` map, in the shape v2 readers expect.
 * kubectl still reads it, as protobuf, to validate the items of a `kind: List` file client-side
 * (`kubectl create|apply -f` of what `kubectl get -o yaml` printed); without it those commands fail.
 * No paths: v2 readers in use (kubectl's validator, kube-openapi's proto models) read only the
 * definitions, and every endpoint is described in v3.
 *
 * From v3 to v2: `$ref`s point into `#/definitions/`; a `$ref` wrapped in `allOf` (v3's way of
 * giving a reference siblings) is unwrapped; `oneOf`/`anyOf`/`not` go (v2 has none of them), as a
 * JSON-type choice (`int-or-string`, quantities) becomes `type: string`, which v2 readers accept
 * numbers for; a `nullable` value and one that preserves unknown fields lose their type and
 * fields, so that a reader accepts what the server accepts (null, fields no schema names).
 */
import { REF_PREFIX } from "../schema/types.ts";
import type { OpenApiV3Document } from "./document.ts";

type Json = Record<string, unknown>;

export const V2_REF_PREFIX = "#/definitions/";

export interface OpenApiV2Document {
  swagger: "2.0";
  info: { title: "Kubernetes"; version: string };
  paths: Record<string, never>;
  definitions: Record<string, Json>;
}

/** Keys whose value is a schema. */
const SCHEMA_KEYS = new Set(["items", "additionalProperties"]);
/** v3 keys with no v2 counterpart. */
const DROPPED = new Set([
  "oneOf",
  "anyOf",
  "not",
  "nullable",
  "x-kubernetes-preserve-unknown-fields",
]);

/** One v3 schema as v2 has it. */
export function toV2Schema(schema: Json): Json {
  if (schema.nullable === true || schema["x-kubernetes-preserve-unknown-fields"] === true) {
    // Anything goes, as far as a v2 reader can tell: it has no way to say "or null".
    const out: Json = {};
    for (const [k, v] of Object.entries(schema)) {
      if (k.startsWith("x-kubernetes-") && k !== "x-kubernetes-preserve-unknown-fields") out[k] = v;
      else if (k === "description" || k === "default" || k === "format") out[k] = v;
    }
    return out;
  }
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && typeof allOf[0]?.$ref === "string") {
    const { allOf: _a, ...siblings } = schema;
    return toV2Schema({ ...siblings, $ref: allOf[0].$ref });
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (DROPPED.has(k) || v === undefined) continue;
    if (k === "$ref" && typeof v === "string") {
      out.$ref = v.startsWith(REF_PREFIX) ? V2_REF_PREFIX + v.slice(REF_PREFIX.length) : v;
    } else if (k === "properties" && v !== null && typeof v === "object") {
      out.properties = Object.fromEntries(
        Object.entries(v as Record<string, Json>).map(([name, p]) => [name, toV2Schema(p)]),
      );
    } else if (SCHEMA_KEYS.has(k) && v !== null && typeof v === "object") {
      out[k] = toV2Schema(v as Json);
    } else if (k === "allOf" && Array.isArray(v)) {
      out.allOf = v.map((s: Json) => toV2Schema(s));
    } else out[k] = v;
  }
  if (Array.isArray(schema.oneOf) && out.type === undefined) {
    // A choice of JSON types (int-or-string, quantity): v2 readers take numbers for strings.
    out.type = "string";
  }
  return out;
}

/** The v2 document holding every definition of `docs`. */
export function buildOpenApiV2Document(
  docs: OpenApiV3Document[],
  version: string,
): OpenApiV2Document {
  const definitions: Record<string, Json> = {};
  for (const doc of docs) {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      definitions[name] ??= toV2Schema(schema);
    }
  }
  const sorted = Object.fromEntries(
    Object.keys(definitions).sort().map((name) => [name, definitions[name]!]),
  );
  return { swagger: "2.0", info: { title: "Kubernetes", version }, paths: {}, definitions: sorted };
}
