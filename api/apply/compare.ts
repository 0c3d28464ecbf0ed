/**
 * What a write changed, as field sets: `added` (paths only in the new object, including a map
 * or list that appeared as a whole and every list element), `modified` (leaves whose value
 * changed) and `removed` (paths only in the old object).
 */
import { isObject, jsonEqual } from "../patch/json.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import { FieldSet } from "./field_set.ts";
import { elementPe, fieldPe } from "./path_element.ts";
import { childSchema, isStructField, type TypeNode, typeOf } from "./type_node.ts";

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compares two objects of the kind described by `schema`. */
export function compareObjects(
  lhs: unknown,
  rhs: unknown,
  schema: Schema | undefined,
  resolver: SchemaResolver,
): Comparison {
  const c: Comparison = {
    added: new FieldSet(),
    modified: new FieldSet(),
    removed: new FieldSet(),
  };
  new Comparer(resolver, c).children(lhs, rhs, typeOf(schema, rhs ?? lhs ?? {}, resolver), []);
  return c;
}

/** Whether the comparison found no change. */
export const isSame = (c: Comparison): boolean =>
  c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();

class Comparer {
  constructor(private readonly r: SchemaResolver, private readonly c: Comparison) {}

  /** Compares one value; `self` says whether an added/removed container is itself recorded. */
  value(
    lhs: unknown,
    rhs: unknown,
    schema: Schema | undefined,
    path: string[],
    self: boolean,
  ): void {
    if (lhs === undefined && rhs === undefined) return;
    const ln = lhs === undefined ? undefined : typeOf(schema, lhs, this.r);
    const rn = rhs === undefined ? undefined : typeOf(schema, rhs, this.r);
    const node = rn ?? ln;
    if (!node) return;
    if (node.kind === "leaf" || (ln && rn && ln.kind !== rn.kind)) {
      if (lhs === undefined) this.c.added.insert(path);
      else if (rhs === undefined) this.c.removed.insert(path);
      else if (!jsonEqual(lhs, rhs)) this.c.modified.insert(path);
      return;
    }
    if (self && lhs === undefined) this.c.added.insert(path);
    if (self && rhs === undefined) this.c.removed.insert(path);
    this.children(lhs, rhs, node, path);
  }

  /** Compares the entries of two containers; `path` is a stack, restored before returning. */
  children(lhs: unknown, rhs: unknown, node: TypeNode, path: string[]): void {
    if (node.kind === "map") {
      const l = isObject(lhs) ? lhs : {};
      const rr = isObject(rhs) ? rhs : {};
      for (const k in rr) this.entry(Object.hasOwn(l, k) ? l[k] : undefined, rr[k], node, k, path);
      for (const k in l) if (!Object.hasOwn(rr, k)) this.entry(l[k], undefined, node, k, path);
    } else if (node.kind === "list") {
      const l = this.index(lhs, node);
      const rr = this.index(rhs, node);
      for (const [pe, item] of rr) {
        path.push(pe);
        if (!l.has(pe)) this.c.added.insert(path);
        this.element(l.get(pe), item, node, path);
        path.pop();
      }
      for (const [pe, item] of l) {
        if (rr.has(pe)) continue;
        path.push(pe);
        this.c.removed.insert(path);
        this.element(item, undefined, node, path);
        path.pop();
      }
    }
  }

  private entry(
    lhs: unknown,
    rhs: unknown,
    node: TypeNode & { kind: "map" },
    key: string,
    path: string[],
  ): void {
    const self = !isStructField(node, key, this.r);
    path.push(fieldPe(key));
    this.value(lhs, rhs, childSchema(node, key), path, self);
    path.pop();
  }

  private element(
    lhs: unknown,
    rhs: unknown,
    list: TypeNode & { kind: "list" },
    path: string[],
  ): void {
    const node = typeOf(list.items, rhs ?? lhs, this.r);
    if (node.kind === "leaf") {
      if (lhs !== undefined && rhs !== undefined && !jsonEqual(lhs, rhs)) {
        this.c.modified.insert(path);
      }
      return;
    }
    this.children(lhs, rhs, node, path);
  }

  /** List elements by path element; the first of duplicates wins. */
  private index(list: unknown, node: TypeNode & { kind: "list" }): Map<string, unknown> {
    const m = new Map<string, unknown>();
    if (!Array.isArray(list)) return m;
    list.forEach((item, i) => {
      const pe = elementPe(node, item, i, this.r, false);
      if (!m.has(pe)) m.set(pe, item);
    });
    return m;
  }
}
