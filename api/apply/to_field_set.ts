/**
 * The fields an object sets, as server-side apply records them for an applied configuration:
 * every scalar and atomic value, every list element (as `k:`/`v:` plus its fields), every map
 * entry that is not a struct field, and empty or null values.
 */
import { isObject } from "../patch/json.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import { FieldSet } from "./field_set.ts";
import { elementPe, fieldPe } from "./path_element.ts";
import { childSchema, isNamedField, typeOf } from "./type_node.ts";

/** The field set of `obj` under `schema` (the kind's top-level schema). */
export function fieldSetOf(
  obj: unknown,
  schema: Schema | undefined,
  resolver: SchemaResolver,
): FieldSet {
  const set = new FieldSet();
  walk(obj, schema, [], set, resolver);
  return set;
}

function walk(
  value: unknown,
  schema: Schema | undefined,
  path: string[],
  set: FieldSet,
  r: SchemaResolver,
) {
  const node = typeOf(schema, value, r);
  switch (node.kind) {
    case "leaf":
      set.insert(path);
      return;
    case "map": {
      if (!isObject(value)) return;
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const p = [...path, fieldPe(k)];
        walk(v, childSchema(node, k), p, set, r);
        const empty = v === null || (isObject(v) && Object.keys(v).length === 0);
        if (empty || !isNamedField(node, k)) set.insert(p);
      }
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return;
      value.forEach((item, i) => {
        const p = [...path, elementPe(node, item, i, r, false)];
        walk(item, node.items, p, set, r);
        set.insert(p);
      });
      return;
    }
  }
}
