/**
 * Element order after a strategic merge: items named by the patch (or by its
 * `$setElementOrder/<field>` list) keep the patch's order, items only the server had keep their
 * live order, and the two are interleaved by their positions in the live list.
 */

/** Identifies a list element: its merge key value for maps, its value for primitives. */
export type ElementId = (item: unknown) => string | undefined;

/** Splits `merged` into the items named in `wanted` and the others, keeping their order. */
export function partitionByPresence(
  merged: unknown[],
  wanted: unknown[],
  id: ElementId,
): { named: unknown[]; others: unknown[] } {
  const want = new Set(wanted.map(id).filter((k) => k !== undefined));
  const named: unknown[] = [];
  const others: unknown[] = [];
  for (const item of merged) {
    const k = id(item);
    (k !== undefined && want.has(k) ? named : others).push(item);
  }
  return { named, others };
}

/** Stable sort of `items` by their position in `order`; items not found there go last. */
function sortByOrder(items: unknown[], order: unknown[], id: ElementId): unknown[] {
  const pos = indexOf(order, id);
  const at = (item: unknown) => pos.get(id(item) ?? "") ?? Number.MAX_SAFE_INTEGER;
  return items.map((item, i) => ({ item, i })).sort((a, b) => at(a.item) - at(b.item) || a.i - b.i)
    .map((e) => e.item);
}

function indexOf(list: unknown[], id: ElementId): Map<string, number> {
  const m = new Map<string, number>();
  list.forEach((item, i) => {
    const k = id(item);
    if (k !== undefined && !m.has(k)) m.set(k, i);
  });
  return m;
}

/**
 * Orders the merged list: `named` sorted by `namedOrder`, `serverOnly` sorted by `liveOrder`,
 * then each server-only item is placed before the first named item that comes after it in the
 * live list (relative orders of both groups are always kept).
 */
export function normalizeElementOrder(
  named: unknown[],
  serverOnly: unknown[],
  namedOrder: unknown[],
  liveOrder: unknown[],
  id: ElementId,
): unknown[] {
  const right = sortByOrder(named, namedOrder, id);
  const left = sortByOrder(serverOnly, liveOrder, id);
  const live = indexOf(liveOrder, id);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) {
      out.push(right[j++]);
    } else if (j >= right.length) {
      out.push(left[i++]);
    } else {
      const li = live.get(id(left[i]) ?? "");
      const ri = live.get(id(right[j]) ?? "");
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
