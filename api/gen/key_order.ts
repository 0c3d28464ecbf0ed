/**
 * Puts the keys of schema nodes in one reading order (shape first, then Kubernetes extensions,
 * then kno's own), so the generated table reads alike everywhere and diffs stay small.
 */
import type { Schema } from "../schema/types.ts";

const ORDER = [
  "type",
  "format",
  "$ref",
  "items",
  "additionalProperties",
  "properties",
  "required",
  "default",
];

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  if (i >= 0) return i;
  if (key.startsWith("x-kubernetes-")) return ORDER.length;
  if (key.startsWith("x-kno-")) return ORDER.length + 1;
  return ORDER.length - 1; // other JSON-schema keywords: just before the extensions
}

/** A copy of `schema` with keys ordered, recursively through items/properties/maps. */
export function orderSchemaKeys(schema: Schema): Schema {
  const keys = Object.keys(schema).sort((a, b) =>
    rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)
  );
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (schema as Record<string, unknown>)[key];
    if (key === "items" || (key === "additionalProperties" && typeof value === "object")) {
      out[key] = orderSchemaKeys(value as Schema);
    } else if (key === "properties") {
      const props: Record<string, Schema> = {};
      for (const [name, prop] of Object.entries(value as Record<string, Schema>)) {
        props[name] = orderSchemaKeys(prop);
      }
      out[key] = props;
    } else {
      out[key] = value;
    }
  }
  return out as Schema;
}
