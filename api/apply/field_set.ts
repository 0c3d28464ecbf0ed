/**
 * A set of field paths, kept as the tree `FieldsV1` spells: each node is one path element; a
 * node is a member when the path leading to it is in the set (`"."` in FieldsV1 when the node
 * also has children). Operations never mutate their operands.
 */
import { isObject, type JsonObject } from "../patch/json.ts";
import { comparePe, displayPath, isPathElement } from "./path_element.ts";

/** A `FieldsV1` value that could not be decoded. */
export class FieldsV1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FieldsV1Error";
  }
}

export class FieldSet {
  /** Whether the path to this node is itself in the set (meaningless on the root). */
  member = false;
  readonly children = new Map<string, FieldSet>();

  /** Adds one path (a list of path elements). */
  insert(path: readonly string[]): this {
    if (path.length === 0) return this;
    // deno-lint-ignore no-this-alias
    let node: FieldSet = this;
    for (const pe of path) {
      let next = node.children.get(pe);
      if (!next) {
        next = new FieldSet();
        node.children.set(pe, next);
      }
      node = next;
    }
    node.member = true;
    return this;
  }

  /** Whether `path` is a member. */
  has(path: readonly string[]): boolean {
    const node = this.at(path);
    return node !== undefined && node.member && path.length > 0;
  }

  /** The node at `path`, if any. */
  at(path: readonly string[]): FieldSet | undefined {
    // deno-lint-ignore no-this-alias
    let node: FieldSet | undefined = this;
    for (const pe of path) {
      node = node.children.get(pe);
      if (!node) return undefined;
    }
    return node;
  }

  /** True when the set holds no path. */
  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [pe, c] of this.children) out.children.set(pe, c.clone());
    return out;
  }

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this.clone();
    if (this.isEmpty()) return other.clone();
    const out = this.clone();
    out.member ||= other.member;
    for (const [pe, c] of other.children) {
      const mine = out.children.get(pe);
      out.children.set(pe, mine ? mine.union(c) : c.clone());
    }
    return out;
  }

  /** Paths of this set that are not paths of `other`. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      const d = theirs ? c.difference(theirs) : c.clone();
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      if (!theirs) continue;
      const i = c.intersection(theirs);
      if (!i.isEmpty()) out.children.set(pe, i);
    }
    return out;
  }

  /** Paths of this set that are neither in `other` nor below a member of `other`. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      if (theirs?.member) continue;
      const d = theirs ? c.recursiveDifference(theirs) : c.clone();
      if (!d.isEmpty()) out.children.set(pe, d);
    }
    return out;
  }

  /**
   * The set plus every field (`f:`) node that has members below it, as a member: removing a
   * member path removes its whole subtree, so a struct someone still owns a part of is kept.
   */
  ensureFieldsAreMembers(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [pe, c] of this.children) {
      const e = c.ensureFieldsAreMembers();
      if (pe.startsWith("f:") && !e.isEmpty()) e.member = true;
      out.children.set(pe, e);
    }
    return out;
  }

  /** Every member path: members of a node first, then each child's, in path element order. */
  paths(): string[][] {
    const out: string[][] = [];
    const walk = (node: FieldSet, prefix: string[]) => {
      const keys = [...node.children.keys()].sort(comparePe);
      for (const pe of keys) if (node.children.get(pe)?.member) out.push([...prefix, pe]);
      for (const pe of keys) {
        const c = node.children.get(pe);
        if (c && c.children.size > 0) walk(c, [...prefix, pe]);
      }
    };
    walk(this, []);
    return out;
  }

  /** Member paths in display form (`.spec.replicas`). */
  displayPaths(): string[] {
    return this.paths().map(displayPath);
  }

  /** The `FieldsV1` JSON of this set. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    for (const pe of [...this.children.keys()].sort(comparePe)) {
      const c = this.children.get(pe)!;
      const inner = c.toFieldsV1();
      let empty = true;
      for (const _ in inner) {
        empty = false;
        break;
      }
      if (empty) {
        if (c.member) out[pe] = inner;
      } else out[pe] = c.member ? { ".": {}, ...inner } : inner;
    }
    return out;
  }

  /** Decodes `FieldsV1` JSON; throws {@link FieldsV1Error} on a malformed value. */
  static fromFieldsV1(v: unknown): FieldSet {
    if (!isObject(v)) throw new FieldsV1Error("fieldsV1 must be a JSON object");
    const out = new FieldSet();
    for (const [key, child] of Object.entries(v)) {
      if (key === ".") continue;
      if (!isPathElement(key)) {
        throw new FieldsV1Error(`invalid path element in fieldsV1: "${key}"`);
      }
      if (!isObject(child)) throw new FieldsV1Error(`fieldsV1 entry "${key}" must be an object`);
      const node = FieldSet.fromFieldsV1(child);
      if (Object.keys(child).length === 0 || "." in child) node.member = true;
      out.children.set(key, node);
    }
    return out;
  }

  /** A set of the given paths. */
  static of(...paths: (readonly string[])[]): FieldSet {
    const out = new FieldSet();
    for (const p of paths) out.insert(p);
    return out;
  }
}

/** Union of two field sets. */
export const union = (a: FieldSet, b: FieldSet): FieldSet => a.union(b);
/** Paths of `a` not in `b`. */
export const difference = (a: FieldSet, b: FieldSet): FieldSet => a.difference(b);
/** Paths in both. */
export const intersection = (a: FieldSet, b: FieldSet): FieldSet => a.intersection(b);
/** The `FieldsV1` JSON of a set. */
export const toFieldsV1 = (s: FieldSet): JsonObject => s.toFieldsV1();
/** Decodes `FieldsV1` JSON; throws {@link FieldsV1Error} when malformed. */
export const fromFieldsV1 = (v: unknown): FieldSet => FieldSet.fromFieldsV1(v);
