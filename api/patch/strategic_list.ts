/**
 * Strategic merge of one list field. The field's `x-kubernetes-patch-strategy` decides:
 * "merge" with a merge key merges elements by key (`$patch: delete|replace` elements are
 * honoured), "merge" on primitives is a union without duplicates, anything else replaces.
 */
import type { Schema } from "../schema/types.ts";
import { badRequest } from "../status.ts";
import { canonicalJson, isObject, type JsonObject } from "./json.ts";
import type { PatchMeta } from "./schema_nav.ts";
import { type ElementId, normalizeElementOrder, partitionByPresence } from "./strategic_order.ts";

export const DIRECTIVE = "$patch";

/** Merges one map element into another (or into nothing); supplied by the map merger. */
export type MergeElement = (original: JsonObject | undefined, patch: JsonObject) => JsonObject;

export interface ListField {
  /** The field name, for error messages. */
  name: string;
  meta: PatchMeta;
  /** The resolved schema of the list's items. */
  items: Schema | undefined;
}

/** The identity of list elements for ordering: merge key value for maps, value otherwise. */
export function elementId(mergeKey: string | undefined, maps: boolean): ElementId {
  if (maps && mergeKey !== undefined) {
    return (item) =>
      isObject(item) && item[mergeKey] !== undefined ? canonicalJson(item[mergeKey]) : undefined;
  }
  return (item) => canonicalJson(item);
}

/** Whether the list holds maps (judged from the values, as upstream does). */
export const holdsMaps = (...lists: unknown[][]): boolean => lists.some((l) => l.some(isObject));

/** Merges `patch` into `original` (neither is mutated) following the field's strategy. */
export function mergeList(
  original: unknown[],
  patch: unknown[],
  field: ListField,
  mergeElement: MergeElement,
): unknown[] {
  if (field.meta.strategy !== "merge") return structuredClone(patch);
  if (!holdsMaps(original, patch)) return mergePrimitives(original, patch);
  const key = field.meta.mergeKey;
  if (key === undefined) {
    throw badRequest(`cannot merge lists without merge key for ${field.name}`);
  }
  const { kept, items, replace } = takeSpecialElements(original, patch, key);
  let merged: unknown[];
  if (replace) {
    merged = items.map((item) => mergeElement(undefined, item));
  } else {
    merged = [...kept];
    // Elements found by their key's canonical JSON (the first of equal keys, as a scan would):
    // a patch of n elements into a list of n costs n, not n².
    const at = new Map<string, number>();
    const index = (e: unknown, i: number) => {
      const k = keyText(e, key);
      if (k !== undefined && !at.has(k)) at.set(k, i);
    };
    merged.forEach(index);
    for (const item of items) {
      const i = at.get(keyText(item, key)!);
      if (i !== undefined) {
        merged[i] = mergeElement(merged[i] as JsonObject, item);
      } else {
        merged.push(mergeElement(undefined, item));
        index(merged[merged.length - 1], merged.length - 1);
      }
    }
  }
  const id = elementId(key, true);
  const { named, others } = partitionByPresence(merged, items, id);
  return normalizeElementOrder(named, others, items, kept, id);
}

/** The canonical JSON of a map element's merge key; undefined when it has none. */
function keyText(e: unknown, key: string): string | undefined {
  return isObject(e) && e[key] !== undefined ? canonicalJson(e[key]) : undefined;
}

/** Union of two primitive lists, without duplicates, in first-seen order. */
function mergePrimitives(original: unknown[], patch: unknown[]): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (const v of [...original, ...patch]) {
    const text = canonicalJson(v);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(structuredClone(v));
  }
  const id = elementId(undefined, false);
  const { named, others } = partitionByPresence(out, patch, id);
  return normalizeElementOrder(named, others, patch, original, id);
}

/**
 * Handles `$patch` elements: `delete` removes the original elements with the same key,
 * `replace` discards the original list. Returns the original elements left and the plain
 * patch elements (each checked to carry the merge key).
 */
function takeSpecialElements(
  original: unknown[],
  patch: unknown[],
  key: string,
): { kept: unknown[]; items: JsonObject[]; replace: boolean } {
  const deleted = new Set<string>();
  const items: JsonObject[] = [];
  let replace = false;
  for (const el of patch) {
    if (!isObject(el)) {
      throw badRequest(
        `list element ${JSON.stringify(el)} is not a map: merge key "${key}" expected`,
      );
    }
    const directive = el[DIRECTIVE];
    if (directive === undefined) {
      if (el[key] === undefined) throw noMergeKey(el, key);
      items.push(el);
      continue;
    }
    switch (directive) {
      case "delete": {
        if (el[key] === undefined) throw noMergeKey(el, key);
        deleted.add(canonicalJson(el[key]));
        break;
      }
      case "replace":
        replace = true;
        break;
      case "merge":
        throw badRequest("merging lists cannot yet be specified in the patch");
      default:
        throw badRequest(
          `unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(el)}`,
        );
    }
  }
  if (replace) return { kept: [], items, replace };
  const kept = deleted.size
    ? original.filter((o) => !deleted.has(keyText(o, key) ?? ""))
    : original;
  return { kept, items, replace };
}

function noMergeKey(el: JsonObject, key: string) {
  return badRequest(`map: ${JSON.stringify(el)} does not contain declared merge key: ${key}`);
}

/** `$deleteFromPrimitiveList/<field>`: drops every listed value from the original list. */
export function deleteFromPrimitiveList(original: unknown, values: unknown): unknown {
  if (!Array.isArray(values)) throw badRequest("invalid patch format of primitive list");
  if (!Array.isArray(original)) return original;
  const drop = new Set(values.map(canonicalJson));
  return original.filter((o) => !drop.has(canonicalJson(o)));
}

/** `$setElementOrder/<field>`: reorders the merged list as the directive lists it. */
export function setElementOrder(
  merged: unknown[],
  order: unknown[],
  live: unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const id = elementId(mergeKey, holdsMaps(merged, order));
  const { named, others } = partitionByPresence(merged, order, id);
  return normalizeElementOrder(named, others, order, live, id);
}
