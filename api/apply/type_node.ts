/**
 * How server-side apply sees a value: a scalar (or anything owned as one leaf), a map whose
 * entries are owned one by one, or a list whose elements are (list-map by keys, set by value).
 * Read from the schema's list/map/struct-type and patch extensions; values with no schema
 * (CRD fields under `x-kubernetes-preserve-unknown-fields`, opaque codecs) are deduced from the
 * value itself as upstream does: objects are granular maps, lists are atomic.
 */
import { isObject } from "../patch/json.ts";
import { fieldSchema, isDeclaredField, patchMetaOf, resolveSchema } from "../patch/schema_nav.ts";
import { memoizedPerNode, ownProperty } from "../schema/schema_node.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";

export type TypeNode =
  | { kind: "leaf" }
  /** `schema` is the resolved object schema; undefined for a deduced (untyped) map. */
  | { kind: "map"; schema: Schema | undefined }
  | { kind: "list"; relationship: "set" | "map"; keys: string[]; items: Schema | undefined };

const LEAF: TypeNode = { kind: "leaf" };
const UNTYPED_MAP: TypeNode = { kind: "map", schema: undefined };

/** Codecs whose content is any JSON: deduced from the value. */
const OPAQUE = new Set([
  "rawExtension",
  "json",
  "schemaOrBool",
  "schemaOrArray",
  "schemaOrStringArray",
]);

function isUntyped(s: Schema): boolean {
  const codec = s["x-kno-codec"];
  if (codec !== undefined) return OPAQUE.has(codec);
  return s.type === undefined && s.properties === undefined &&
    s.additionalProperties === undefined &&
    s.items === undefined && s["x-kubernetes-int-or-string"] !== true;
}

/**
 * What a schema node makes of an object, of an array and of anything else: it depends on the
 * value's JSON type only, so it is worked out once per schema node (every write walks the same
 * nodes of its kind again).
 */
interface StaticType {
  object: TypeNode;
  array: TypeNode;
}

const UNTYPED: StaticType = { object: UNTYPED_MAP, array: LEAF };
const ALWAYS_LEAF: StaticType = { object: LEAF, array: LEAF };

const staticTypeOf = memoizedPerNode((schema, resolver): StaticType => {
  const s = resolveSchema(schema, resolver);
  if (!s || isUntyped(s)) return UNTYPED;
  if (s["x-kno-codec"] !== undefined || s["x-kubernetes-int-or-string"] === true) {
    return ALWAYS_LEAF;
  }
  if (s.type === "array" || s.items !== undefined) return { object: LEAF, array: listNode(s) };
  if (s.type === "object" || s.properties !== undefined || s.additionalProperties !== undefined) {
    const atomic = s["x-kubernetes-map-type"] === "atomic" ||
      s["x-kubernetes-struct-type"] === "atomic";
    return { object: atomic ? LEAF : { kind: "map", schema: s }, array: LEAF };
  }
  return ALWAYS_LEAF;
});

/** The type node of `value` under the (unresolved) schema node `schema`. Never mutate it. */
export function typeOf(
  schema: Schema | undefined,
  value: unknown,
  resolver: SchemaResolver,
): TypeNode {
  const st = schema ? staticTypeOf(schema, resolver) : UNTYPED;
  if (Array.isArray(value)) return st.array;
  return isObject(value) ? st.object : LEAF;
}

function listNode(s: Schema): TypeNode {
  const meta = patchMetaOf(s);
  let type = s["x-kubernetes-list-type"];
  let keys = s["x-kubernetes-list-map-keys"] ?? [];
  if (type === undefined && meta.strategy === "merge") {
    type = meta.mergeKey !== undefined ? "map" : "set";
    if (meta.mergeKey !== undefined && keys.length === 0) keys = [meta.mergeKey];
  }
  if (type === "map" && keys.length === 0 && meta.mergeKey !== undefined) keys = [meta.mergeKey];
  if (type === "set") return { kind: "list", relationship: "set", keys: [], items: s.items };
  if (type === "map" && keys.length > 0) {
    return { kind: "list", relationship: "map", keys, items: s.items };
  }
  return LEAF;
}

/** The schema of a map entry or struct field. */
export function childSchema(node: TypeNode, key: string): Schema | undefined {
  return node.kind === "map" ? fieldSchema(node.schema, key) : undefined;
}

/** Whether `key` is a declared field of the struct `node` (not a map entry). */
export function isNamedField(node: TypeNode, key: string): boolean {
  return node.kind === "map" && isDeclaredField(node.schema, key);
}

/** The declared fields of an object schema that hold structs, found once per schema node. */
const structFieldsOf = memoizedPerNode((s, resolver) => {
  const out = new Set<string>();
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const p = resolveSchema(prop, resolver);
    if (p?.properties !== undefined && p.additionalProperties === undefined) out.add(name);
  }
  return out;
});

/** Whether `key` of `node` holds a struct (declared, with declared fields of its own). */
export function isStructField(node: TypeNode, key: string, resolver: SchemaResolver): boolean {
  if (node.kind !== "map" || node.schema === undefined) return false;
  return structFieldsOf(node.schema, resolver).has(key);
}

/** The default of a list-map key field, from the item schema (e.g. a port's protocol "TCP"). */
export function keyDefault(
  items: Schema | undefined,
  key: string,
  resolver: SchemaResolver,
): unknown {
  const s = resolveSchema(items, resolver);
  const field = s ? ownProperty(s, key) : undefined;
  if (!field) return undefined;
  return field.default ?? resolveSchema(field, resolver)?.default;
}
