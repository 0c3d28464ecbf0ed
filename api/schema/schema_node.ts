/**
 * Small helpers shared by the schema walkers (defaulting, validation, pruning, OpenAPI):
 * following `$ref`s, recognising the special codecs, and plain-JSON value checks.
 */
import { REF_PREFIX, type Schema, type SchemaResolver, type SpecialCodec } from "./types.ts";

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (v: unknown): v is JsonObject =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Thrown when a `$ref` names no known definition: the table (or a CRD schema) is broken. */
export class UnresolvedRefError extends Error {
  readonly ref: string;
  constructor(ref: string) {
    super(`Unresolved schema reference: "${ref}"`);
    this.name = "UnresolvedRefError";
    this.ref = ref;
  }
}

/** The definition name a `$ref` points at. */
export const refName = (ref: string): string =>
  ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;

const MAX_REF_DEPTH = 32;

/**
 * The schema a node stands for: `$ref`s are followed, and keys set beside a `$ref` (such as
 * `default` or `nullable`) win over the target's.
 */
export function derefSchema(schema: Schema, resolver: SchemaResolver): Schema {
  return schema.$ref === undefined ? schema : dereferenced(schema, resolver);
}

/**
 * `compute` of a schema node under a resolver, computed once per pair and then shared (never
 * mutate a result). Schema nodes are immutable data (the table, or a CRD's schema, replaced as a
 * whole when the CRD changes), and every write walks the same nodes of its kind again.
 */
export function memoizedPerNode<T extends object>(
  compute: (schema: Schema, resolver: SchemaResolver) => T,
): (schema: Schema, resolver: SchemaResolver) => T {
  const byResolver = new WeakMap<SchemaResolver, WeakMap<Schema, T>>();
  return (schema, resolver) => {
    let memo = byResolver.get(resolver);
    if (!memo) byResolver.set(resolver, memo = new WeakMap());
    let out = memo.get(schema);
    if (!out) memo.set(schema, out = compute(schema, resolver));
    return out;
  };
}

const dereferenced = memoizedPerNode((schema, resolver) => derefUncached(schema, resolver));

function derefUncached(schema: Schema, resolver: SchemaResolver): Schema {
  let node = schema;
  let siblings: Schema | undefined;
  for (let depth = 0; node.$ref !== undefined; depth++) {
    if (depth >= MAX_REF_DEPTH) throw new UnresolvedRefError(node.$ref);
    const target = resolver.resolve(node.$ref) ?? resolver.resolve(refName(node.$ref));
    if (!target) throw new UnresolvedRefError(node.$ref);
    const { $ref: _ref, ...rest } = node;
    siblings = siblings ? { ...rest, ...siblings } : rest;
    node = target;
  }
  return siblings ? { ...node, ...siblings } : node;
}

/** Codecs whose value is any JSON (never checked or pruned inside). */
const OPAQUE_CODECS = new Set<SpecialCodec>([
  "json",
  "rawExtension",
  "fieldsV1",
  "schemaOrBool",
  "schemaOrArray",
  "schemaOrStringArray",
]);

export const codecOf = (s: Schema): SpecialCodec | undefined => s["x-kno-codec"];

const STRING: Schema = { type: "string" };

/**
 * The schema a CRD's nested schema value holds, for the codecs that are "a schema or something
 * else" (items, additionalProperties, dependencies): an object is a JSONSchemaProps; an array
 * holds schemas (items) or strings (dependencies); a boolean holds nothing. Undefined for other
 * codecs and values, which stay opaque.
 */
export function nestedSchemaOf(s: Schema, value: unknown): Schema | undefined {
  const codec = codecOf(s);
  if (codec !== "schemaOrArray" && codec !== "schemaOrBool" && codec !== "schemaOrStringArray") {
    return undefined;
  }
  const schema = s.properties?.Schema;
  if (isJsonObject(value)) return schema;
  if (!Array.isArray(value)) return undefined;
  if (codec === "schemaOrArray") return schema && { type: "array", items: schema };
  if (codec === "schemaOrStringArray") return { type: "array", items: STRING };
  return undefined;
}

export const isIntOrString = (s: Schema): boolean =>
  s["x-kubernetes-int-or-string"] === true || codecOf(s) === "intOrString" ||
  s.format === "int-or-string";

/** The value's content is not described: nothing inside is unknown, pruned or checked. */
export function isOpaque(s: Schema): boolean {
  const codec = codecOf(s);
  if (codec && OPAQUE_CODECS.has(codec)) return true;
  return s.type === undefined && s.properties === undefined &&
    s.additionalProperties === undefined &&
    s.items === undefined && !isIntOrString(s) && codec === undefined;
}

/** Fields of an object that the schema does not name may stay. */
export const preservesUnknown = (s: Schema): boolean =>
  s["x-kubernetes-preserve-unknown-fields"] === true || s.additionalProperties === true;

/**
 * The schema of the declared property `name`, if the object schema declares it. Only own keys:
 * a field named like an Object.prototype member (`constructor`, `toString`) is not declared.
 */
export function ownProperty(s: Schema, name: string): Schema | undefined {
  const props = s.properties;
  return props !== undefined && Object.hasOwn(props, name) ? props[name] : undefined;
}

/** The schema of a property of an object node, or of a map value; undefined when unknown. */
export function propertySchema(s: Schema, name: string): Schema | undefined {
  return ownProperty(s, name) ??
    (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
}

/** Keys an embedded resource (or a custom resource's root) always keeps. */
export const RESOURCE_KEYS: ReadonlySet<string> = new Set(["apiVersion", "kind", "metadata"]);

/**
 * Whether a schema (any JSON) names `keyword` anywhere: a cheap first look before a walk, which
 * may also find it where it is a property's name or data.
 */
export function mentionsKeyword(schema: unknown, keyword: string): boolean {
  return schema !== undefined && JSON.stringify(schema).includes(`"${keyword}"`);
}

/** The JSON type name of a value, as upstream validation reports it. */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      return Number.isInteger(v) ? "integer" : "number";
    default:
      return "object";
  }
}
