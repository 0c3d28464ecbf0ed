/**
 * The fields a create sets, straight as `FieldsV1`. On a create every field of the new object is
 * added, so the general path (compare with an empty object, union with the modified set, strip
 * the ignored fields, encode) reduces to one walk of the object that writes the sorted FieldsV1
 * JSON as it goes, with no intermediate field sets. It must give exactly what that path gives:
 * created_test.ts checks both on the same objects.
 */
import { isObject, type JsonObject } from "../patch/json.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import type { FieldSet } from "./field_set.ts";
import { comparePe, elementPe, fieldPe } from "./path_element.ts";
import { childSchema, isStructField, type TypeNode, typeOf } from "./type_node.ts";

const METADATA = fieldPe("metadata");

/**
 * `FieldsV1` of every field `obj` sets, less the `ignored` paths (and never `metadata` itself):
 * what `stripIgnored(compareObjects({}, obj).added, ignored).toFieldsV1()` gives.
 */
export function createdFieldsV1(
  obj: JsonObject,
  schema: Schema | undefined,
  resolver: SchemaResolver,
  ignored: FieldSet,
): JsonObject {
  const out: JsonObject = {};
  new Walker(resolver).children(obj, typeOf(schema, obj, resolver), ignored, out, true);
  return out;
}

class Walker {
  constructor(private readonly r: SchemaResolver) {}

  /**
   * Writes the FieldsV1 of the entries of a map or list node (not of the node itself) into `out`
   * in sorted order; returns how many it wrote.
   */
  children(
    value: unknown,
    node: TypeNode,
    ignored: FieldSet | undefined,
    out: JsonObject,
    root = false,
  ): number {
    let n = 0;
    if (node.kind === "map") {
      if (!isObject(value)) return 0;
      for (const key of Object.keys(value).sort()) {
        const v = value[key];
        if (v === undefined) continue;
        const pe = fieldPe(key);
        const ign = ignored?.children.get(pe);
        if (ign?.member) continue;
        // `metadata` is never owned itself, whatever its value.
        const owned = !(root && pe === METADATA);
        const child = typeOf(childSchema(node, key), v, this.r);
        if (child.kind === "leaf") {
          if (owned) {
            out[pe] = {};
            n++;
          }
          continue;
        }
        if (this.#node(out, pe, owned && !isStructField(node, key, this.r), v, child, ign)) n++;
      }
    } else if (node.kind === "list" && Array.isArray(value)) {
      const items = new Map<string, unknown>();
      value.forEach((item, i) => {
        const pe = elementPe(node, item, i, this.r, false);
        if (!items.has(pe)) items.set(pe, item);
      });
      for (const pe of [...items.keys()].sort(comparePe)) {
        const ign = ignored?.children.get(pe);
        if (ign?.member) continue;
        const item = items.get(pe);
        const child = typeOf(node.items, item, this.r);
        if (child.kind === "leaf") out[pe] = {};
        else this.#node(out, pe, true, item, child, ign);
        n++;
      }
    }
    return n;
  }

  /**
   * Writes one container node: `{}` for a member without entries, `"."` before the entries of a
   * member, nothing for a non-member without entries. Returns whether it wrote anything.
   */
  #node(
    out: JsonObject,
    pe: string,
    member: boolean,
    value: unknown,
    node: TypeNode,
    ignored: FieldSet | undefined,
  ): boolean {
    const inner: JsonObject = member ? { ".": {} } : {};
    if (this.children(value, node, ignored, inner) > 0) out[pe] = inner;
    else if (member) out[pe] = {};
    else return false;
    return true;
  }
}
