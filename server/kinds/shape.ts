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
