/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), driven by the schema's
 * `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key`.
 *
 * Maps and structs merge recursively and `null` deletes a key. Lists follow their field's
 * strategy (see `strategic_list.ts`); a list without patch metadata (a CRD's, say) is replaced,
 * as a merge patch would. Directives:
 * - `$patch: replace` in a map replaces it with the rest of the patch map; `$patch: delete`
 *   empties it; `$patch: merge` is the default.
 * - in list elements, `{"<key>": "x", "$patch": "delete"}` removes element x and
 *   `{"$patch": "replace"}` replaces the whole list with the other elements.
 * - `$retainKeys: [...]` drops every key of the original map not listed.
 * - `$deleteFromPrimitiveList/<field>: [...]` removes those values from a primitive list.
 * - `$setElementOrder/<field>: [...]` orders the merged list.
 */
import type { Schema, SchemaResolver } from "../schema/types.ts";
import { badRequest } from "../status.ts";
import { isObject, type JsonObject } from "./json.ts";
import { fieldSchema, patchMetaOf, resolveSchema } from "./schema_nav.ts";
import {
  deleteFromPrimitiveList,
  DIRECTIVE,
  type ListField,
  mergeList,
  setElementOrder,
} from "./strategic_list.ts";

export const RETAIN_KEYS = "$retainKeys";
export const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";
export const SET_ELEMENT_ORDER = "$setElementOrder/";

/**
 * Applies a strategic merge patch to a copy of `original`. `schema` is the kind's top-level
 * schema (it may be undefined: every list is then replaced). Throws 400 BadRequest for a patch
 * that is not a JSON object or whose directives are malformed.
 */
export function applyStrategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: Schema | undefined,
  resolver: SchemaResolver,
): JsonObject {
  if (!isObject(patch)) throw badRequest("strategic merge patch must be a JSON object");
  const merger = new StrategicMerger(resolver);
  // One deep copy up front; the merger then works in place on it.
  return merger.mergeMap(
    isObject(original) ? structuredClone(original) : undefined,
    patch,
    resolveSchema(schema, resolver),
  );
}

class StrategicMerger {
  constructor(private readonly resolver: SchemaResolver) {}

  /** Merges a patch map into an original map (or into nothing). `original` is a private copy,
   * changed in place; `patchIn` is never mutated. */
  mergeMap(
    original: JsonObject | undefined,
    patchIn: JsonObject,
    node: Schema | undefined,
  ): JsonObject {
    const directive = patchIn[DIRECTIVE];
    if (directive !== undefined && directive !== "merge") {
      const { [DIRECTIVE]: _d, ...rest } = patchIn;
      if (directive === "replace") return this.mergeMap(undefined, rest, node);
      if (directive === "delete") return {};
      throw badRequest(
        `unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patchIn)}`,
      );
    }
    const patch: JsonObject = { ...patchIn };
    delete patch[DIRECTIVE];
    const out: JsonObject = original ?? {};
    retainKeys(out, patch);

    const orders = new Map<string, unknown[]>();
    for (const k of Object.keys(patch)) {
      const v = patch[k];
      if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        const field = k.slice(DELETE_FROM_PRIMITIVE_LIST.length);
        if (field in out) out[field] = deleteFromPrimitiveList(out[field], v);
        else if (!Array.isArray(v)) throw badRequest("invalid patch format of primitive list");
        delete patch[k];
      } else if (k.startsWith(SET_ELEMENT_ORDER)) {
        if (!Array.isArray(v)) throw badRequest("invalid patch format of setElementOrder list");
        orders.set(k.slice(SET_ELEMENT_ORDER.length), v);
        delete patch[k];
      }
    }
    const live = new Map([...orders.keys()].map((k) => [k, out[k]]));

    for (const [k, v] of Object.entries(patch)) {
      if (v === null) {
        delete out[k];
        continue;
      }
      out[k] = this.mergeValue(k, out[k], v, resolveSchema(fieldSchema(node, k), this.resolver));
    }

    for (const [k, order] of orders) {
      const merged = out[k];
      if (!Array.isArray(merged)) continue;
      const before = live.get(k);
      const meta = patchMetaOf(resolveSchema(fieldSchema(node, k), this.resolver));
      out[k] = setElementOrder(merged, order, Array.isArray(before) ? before : [], meta.mergeKey);
    }
    return out;
  }

  /** The merge of one field's value. */
  private mergeValue(
    name: string,
    original: unknown,
    patch: unknown,
    node: Schema | undefined,
  ): unknown {
    const meta = patchMetaOf(node);
    if (isObject(patch)) {
      if (meta.strategy === "replace") return this.mergeMap(undefined, patch, node);
      return this.mergeMap(isObject(original) ? original : undefined, patch, node);
    }
    if (Array.isArray(patch)) {
      const field: ListField = { name, meta, items: resolveSchema(node?.items, this.resolver) };
      return mergeList(
        Array.isArray(original) ? original : [],
        patch,
        field,
        (o, p) => this.mergeMap(o, p, field.items),
      );
    }
    return patch;
  }
}

/** `$retainKeys`: every non-null patch key must be listed (else 400); unlisted original keys go. */
function retainKeys(out: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS in patch)) return;
  const keys = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keys)) throw badRequest("invalid patch format of retainKeys");
  const keep = new Set(keys.filter((k): k is string => typeof k === "string"));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith("$")) continue;
    if (!keep.has(k)) {
      throw badRequest(`invalid patch format of retainKeys: "${k}" is not listed in $retainKeys`);
    }
  }
  for (const k of Object.keys(out)) {
    if (!keep.has(k)) delete out[k];
  }
}
