/** Server-side apply: field sets, managedFields, the apply merge and its conflicts. */
export {
  type ApplyOptions,
  applyPatch,
  type ApplyResult,
  BEFORE_FIRST_APPLY,
  type WriteContext,
} from "./apply.ts";
export { updateManagedFields, type UpdateOptions } from "./update.ts";
export {
  difference,
  FieldSet,
  FieldsV1Error,
  fromFieldsV1,
  intersection,
  toFieldsV1,
  union,
} from "./field_set.ts";
export { fieldSetOf } from "./to_field_set.ts";
export { compareObjects, type Comparison } from "./compare.ts";
export type { ManagedFieldsEntry, Operation } from "./managed_fields.ts";
export { displayPath } from "./path_element.ts";
