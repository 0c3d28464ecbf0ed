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
  const removed: string[] = [];
  walk(obj, schema, resolver, options.rootPath ?? "", options.isRoot === true, removed, 0);
  return removed;
}

const MAX_DEPTH = 100;

function walk(
  value: unknown,
  schema: Schema,
  resolver: SchemaResolver,
  path: string,
  keepResourceKeys: boolean,
  removed: string[],
  depth: number,
): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return;
  const s = derefSchema(schema, resolver);
  if (isOpaque(s)) return;

  if (Array.isArray(value)) {
    if (!s.items) return;
    value.forEach((item, i) =>
      walk(item, s.items as Schema, resolver, index(path, i), false, removed, depth + 1)
    );
    return;
  }
  if (!isJsonObject(value)) return;

  const embedded = keepResourceKeys || s["x-kubernetes-embedded-resource"] === true;
  const preserve = preservesUnknown(s);
  const map = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const name of Object.keys(value)) {
    const prop = s.properties?.[name];
    if (prop) {
      walk(value[name], prop, resolver, child(path, name), false, removed, depth + 1);
    } else if (map) {
      walk(value[name], map, resolver, child(path, name), false, removed, depth + 1);
    } else if (embedded && RESOURCE_KEYS.has(name)) {
      continue;
    } else if (!preserve) {
      delete value[name];
      removed.push(child(path, name));
    }
  }
}
