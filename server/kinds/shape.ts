/**
 * Reading decoded objects whose shape is not yet checked (the kind rules run before or beside
 * schema validation): a value as an object, or undefined; a value as a list of objects.
 */
export type Obj = Record<string, unknown>;

/** `v` when it is a JSON object (not null, not an array), else undefined. */
export const obj = (v: unknown): Obj | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? v as Obj : undefined;

/**
 * The items of a list, each as an object (`{}` for an item that is not one, so that indexes
 * still name the right field paths); `[]` when `v` is not a list. Reading only: what is set on
 * a stand-in `{}` is not kept.
 */
export const items = (v: unknown): Obj[] => Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : [];

/**
 * The object at `o[key]` for a rule to fill in: made when absent or null; undefined when the
 * field holds anything else, which schema validation then refuses (400). A rule must not replace
 * such a value, or `spec: 5` would be stored as `{}`; nor set fields on it (a 500).
 */
export function fieldObject(o: Obj, key: string): Obj | undefined {
  const v = o[key];
  if (v === undefined || v === null) return (o[key] = {}) as Obj;
  return obj(v);
}
