/**
 * How deeply objects and arrays may nest in a request body and in a stored object. The schema
 * walks (pruning, defaulting, validation, managed fields, patches) recurse once per level, so a
 * body nested tens of thousands of levels deep (3 MiB allows over a million) would exhaust the
 * stack and turn a client's input into a server error. Real objects nest a few dozen levels;
 * upstream's JSON decoder stops at 10,000, a depth this server's walks cannot reach (measured: a
 * custom resource with unknown-field preservation failed at 2,000 levels), so kno draws the line
 * lower, and says so with a 400. The protobuf decoder stops at the body limit too.
 */
export const MAX_NESTING_DEPTH = 500;

/**
 * A request body may go a little deeper: an object sent back whole (kubectl replace, edit) carries
 * its managedFields, whose field sets mirror the object's paths a few levels below metadata.
 */
export const MAX_BODY_NESTING_DEPTH = MAX_NESTING_DEPTH + 16;

/**
 * Whether `value` nests objects and arrays more than `limit` levels deep (a top-level object is
 * one level). Walks with its own stack, so any depth is measured safely.
 */
export function nestsDeeperThan(value: unknown, limit = MAX_NESTING_DEPTH): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > limit) return true;
    // No array of children per node (Object.values): every write runs this twice, and a
    // Deployment takes ~1 us this way instead of ~3.
    if (Array.isArray(v)) {
      for (const c of v) {
        if (c !== null && typeof c === "object") {
          values.push(c);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const k in v as Record<string, unknown>) {
      const c = (v as Record<string, unknown>)[k];
      if (c !== null && typeof c === "object") {
        values.push(c);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * Whether an object nests deeper than {@link MAX_NESTING_DEPTH}, its managedFields aside: they
 * are derived from the object and sit a few levels deeper than the fields they name.
 */
export function objectNestsTooDeep(obj: Record<string, unknown>): boolean {
  const meta = obj.metadata;
  if (
    meta === null || typeof meta !== "object" || Array.isArray(meta) || !("managedFields" in meta)
  ) {
    return nestsDeeperThan(obj);
  }
  const { managedFields: _m, ...rest } = meta as Record<string, unknown>;
  return nestsDeeperThan({ ...obj, metadata: rest });
}
