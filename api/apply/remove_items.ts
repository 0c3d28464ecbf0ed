/** Removes from an object every path that is a member of a field set (with its subtree). */
import { isObject, type JsonObject } from "../patch/json.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import type { FieldSet } from "./field_set.ts";
import { elementPe, fieldPe } from "./path_element.ts";
import { childSchema, typeOf } from "./type_node.ts";

/** A copy of `obj` without the members of `set`. */
export function removeItems(
  obj: JsonObject,
  set: FieldSet,
  schema: Schema | undefined,
  resolver: SchemaResolver,
): JsonObject {
  const out = structuredClone(obj);
  prune(out, set, schema, resolver);
  return out;
}

function prune(value: unknown, set: FieldSet, schema: Schema | undefined, r: SchemaResolver): void {
  if (set.children.size === 0) return;
  const node = typeOf(schema, value, r);
  if (node.kind === "map" && isObject(value)) {
    for (const k of Object.keys(value)) {
      const sub = set.children.get(fieldPe(k));
      if (!sub) continue;
      if (sub.member) delete value[k];
      else prune(value[k], sub, childSchema(node, k), r);
    }
  } else if (node.kind === "list" && Array.isArray(value)) {
    const keep: unknown[] = [];
    value.forEach((item, i) => {
      const sub = set.children.get(elementPe(node, item, i, r, false));
      if (sub?.member) return;
      if (sub) prune(item, sub, node.items, r);
      keep.push(item);
    });
    value.splice(0, value.length, ...keep);
  }
}
