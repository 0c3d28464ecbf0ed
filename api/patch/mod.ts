/** Patches: RFC 6902 JSON patch, RFC 7386 merge patch and strategic merge patch. */
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS, parseJsonPatch } from "./json_patch.ts";
export { applyMergePatch, mergePatchValue } from "./merge_patch.ts";
export {
  applyStrategicMergePatch,
  DELETE_FROM_PRIMITIVE_LIST,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
} from "./strategic.ts";
export {
  fieldSchema,
  isDeclaredField,
  type PatchMeta,
  patchMetaOf,
  resolveSchema,
  strategicPatchSupported,
} from "./schema_nav.ts";
export { canonicalJson, isObject, jsonEqual, type JsonObject } from "./json.ts";
