/**
 * Pruning: removes the fields a schema does not describe, as the API server does for custom
 * resources with structural schemas. Fields survive under `x-kubernetes-preserve-unknown-fields`,
 * in maps (`additionalProperties`), and `apiVersion`/`kind`/`metadata` survive in embedded
 * resources and at the root of a custom resource.
 */
import type { Schema, SchemaResolver } from "./types.ts";
import { child, index } from "./field_errors.ts";
import {
  derefSchema,
  isJsonObject,
  isOpaque,
  nestedSchemaOf,
  ownProperty,
  preservesUnknown,
  RESOURCE_KEYS,
} from "./schema_node.ts";

export interface PruneOptions {
  /** `obj` is a whole custom resource: its `apiVersion`, `kind` and `metadata` are kept. */
  isRoot?: boolean;
  /** Field path of `obj` in the removed-field paths. */
  rootPath?: string;
}

/** Removes unknown fields from `obj` in place; returns the paths of what was removed. */
export function pruneUnknownFields(
  obj: unknown,
  schema: Schema,
  resolver: SchemaResolver,
  options: PruneOptions = {},
): string[] {
  const p = new Pruner(resolver, options.rootPath ?? "");
  p.walk(obj, schema, options.isRoot === true, 0);
  return p.removed;
}

const MAX_DEPTH = 100;

/**
 * One pruning walk. The path to the current node is kept as a stack of names and indexes and
 * spelled out only for what is removed: most walks remove nothing.
 */
class Pruner {
  readonly removed: string[] = [];
  readonly #path: (string | number)[] = [];

  constructor(private readonly resolver: SchemaResolver, private readonly root: string) {}

  walk(value: unknown, schema: Schema, keepResourceKeys: boolean, depth: number): void {
    if (depth > MAX_DEPTH || value === null || typeof value !== "object") return;
    const s = derefSchema(schema, this.resolver);
    if (isOpaque(s)) {
      // A CRD's nested schema (items, additionalProperties...) is a schema all the same.
      const nested = nestedSchemaOf(s, value);
      if (nested) this.walk(value, nested, false, depth + 1);
      return;
    }

    if (Array.isArray(value)) {
      const items = s.items;
      if (!items) return;
      for (let i = 0; i < value.length; i++) {
        this.#path.push(i);
        this.walk(value[i], items, false, depth + 1);
        this.#path.pop();
      }
      return;
    }
    if (!isJsonObject(value)) return;

    const embedded = keepResourceKeys || s["x-kubernetes-embedded-resource"] === true;
    const preserve = preservesUnknown(s);
    const map = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
    for (const name of Object.keys(value)) {
      const prop = ownProperty(s, name) ?? map;
      if (prop) {
        this.#path.push(name);
        this.walk(value[name], prop, false, depth + 1);
        this.#path.pop();
      } else if (embedded && RESOURCE_KEYS.has(name)) {
        continue;
      } else if (!preserve) {
        delete value[name];
        this.removed.push(child(this.#spelled(), name));
      }
    }
  }

  /** The current path as field paths spell it: `spec.containers[0].name`. */
  #spelled(): string {
    let out = this.root;
    for (const part of this.#path) {
      out = typeof part === "number" ? index(out, part) : child(out, part);
    }
    return out;
  }
}
