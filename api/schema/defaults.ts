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
import { derefSchema, isJsonObject, isOpaque, memoizedPerNode } from "./schema_node.ts";

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

  const props = s.properties;
  if (props) {
    for (const d of defaultedProperties(s, resolver)) {
      const current = value[d.name];
      if (current === undefined || (current === null && !d.nullable)) {
        value[d.name] = cloneDefault(d.value);
      }
    }
  }
  const map = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  if (!props && !map) return;
  for (const name in value) {
    const v = value[name];
    if (props && Object.hasOwn(props, name)) {
      if (v !== undefined) walk(v, props[name]!, resolver, depth + 1);
    } else if (map) walk(v, map, resolver, depth + 1);
  }
}

interface Defaulted {
  name: string;
  value: unknown;
  nullable: boolean;
}

/**
 * The properties of an object schema that have a default, found once per schema node: an object
 * schema lists dozens of properties (a PodSpec about forty) and few have defaults.
 */
const defaultedProperties = memoizedPerNode((s, resolver) => {
  const out: Defaulted[] = [];
  for (const [name, propSchema] of Object.entries(s.properties ?? {})) {
    const p = derefSchema(propSchema, resolver);
    if (p.default !== undefined) {
      out.push({ name, value: p.default, nullable: p.nullable === true });
    }
  }
  return out;
});

/** A fresh copy of a default for the object it goes into (scalars are immutable already). */
function cloneDefault(v: unknown): unknown {
  return v !== null && typeof v === "object" ? structuredClone(v) : v;
}
