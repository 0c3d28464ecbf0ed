/**
 * How server-side apply sees a value: a scalar (or anything owned as one leaf), a map whose
 * entries are owned one by one, or a list whose elements are (list-map by keys, set by value).
 * Read from the schema's list/map/struct-type and patch extensions; values with no schema
 * (CRD fields under `x-kubernetes-preserve-unknown-fields`, opaque codecs) are deduced from the
 * value itself as upstream does: objects are granular maps, lists are atomic.
 */
import { isObject } from "../patch/json.ts";
import { fieldSchema, isDeclaredField, patchMetaOf, resolveSchema } from "../patch/schema_nav.ts";
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

/** The type node of `value` under the (unresolved) schema node `schema`. */
export function typeOf(
  schema: Schema | undefined,
  value: unknown,
  resolver: SchemaResolver,
): TypeNode {
  const s = resolveSchema(schema, resolver);
  if (!s || isUntyped(s)) return isObject(value) ? UNTYPED_MAP : LEAF;
  if (s["x-kno-codec"] !== undefined || s["x-kubernetes-int-or-string"] === true) return LEAF;
  if (s.type === "array" || s.items !== undefined) {
    if (!Array.isArray(value)) return LEAF;
    return listNode(s);
  }
  if (s.type === "object" || s.properties !== undefined || s.additionalProperties !== undefined) {
    if (!isObject(value)) return LEAF;
    if (s["x-kubernetes-map-type"] === "atomic" || s["x-kubernetes-struct-type"] === "atomic") {
      return LEAF;
    }
    return { kind: "map", schema: s };
  }
  return LEAF;
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

/** Whether `key` of `node` holds a struct (declared, with declared fields of its own). */
export function isStructField(node: TypeNode, key: string, resolver: SchemaResolver): boolean {
  if (!isNamedField(node, key)) return false;
  const s = resolveSchema(childSchema(node, key), resolver);
  return s?.properties !== undefined && s.additionalProperties === undefined;
}

/** The default of a list-map key field, from the item schema (e.g. a port's protocol "TCP"). */
export function keyDefault(
  items: Schema | undefined,
  key: string,
  resolver: SchemaResolver,
): unknown {
  const s = resolveSchema(items, resolver);
  const field = s?.properties?.[key];
  if (!field) return undefined;
  return field.default ?? resolveSchema(field, resolver)?.default;
}
