/**
 * Defaulting: fills the `default` of every absent property, recursively, into the objects that
 * exist. A defaulted object gets its own nested defaults in turn. Defaults reach through `$ref`s,
 * array items and map values; a `default` beside a `$ref` wins over the target's.
 *
 * A property whose value is `null` is defaulted too when the schema does not allow null (as
 * upstream does for structural schemas, and as Go decoding does for built-ins, where null means
 * absent). For custom resources, prune first and default after (the structural-schema order).
 */
import type { Schema, SchemaResolver } from "./types.ts";
import { derefSchema, isJsonObject, isOpaque } from "./schema_node.ts";

const MAX_DEPTH = 100;

/** Applies the schema's defaults to `obj` in place. */
export function applyDefaults(obj: unknown, schema: Schema, resolver: SchemaResolver): void {
  walk(obj, schema, resolver, 0);
}

function walk(value: unknown, schema: Schema, resolver: SchemaResolver, depth: number): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return;
  const s = derefSchema(schema, resolver);
  if (isOpaque(s)) return;

  if (Array.isArray(value)) {
    if (!s.items) return;
    for (const item of value) walk(item, s.items, resolver, depth + 1);
    return;
  }
  if (!isJsonObject(value)) return;

  if (s.properties) {
    for (const [name, propSchema] of Object.entries(s.properties)) {
      const current = value[name];
      if (current === undefined || current === null) {
        const p = derefSchema(propSchema, resolver);
        if (p.default === undefined) continue;
        if (current === null && p.nullable) continue;
        value[name] = structuredClone(p.default);
      }
    }
    for (const [name, propSchema] of Object.entries(s.properties)) {
      if (value[name] !== undefined) walk(value[name], propSchema, resolver, depth + 1);
    }
  }
  if (typeof s.additionalProperties === "object") {
    for (const [name, v] of Object.entries(value)) {
      if (s.properties?.[name]) continue;
      walk(v, s.additionalProperties, resolver, depth + 1);
    }
  }
}
