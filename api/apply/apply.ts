/**
 * Server-side apply (`application/apply-patch+yaml`): the subset of structured-merge-diff
 * semantics kubectl and helm use.
 *
 * 1. The applied configuration is merged into the live object (see `merge.ts`).
 * 2. Fields the merge changes (or adds) that another manager owns are conflicts: a 409, unless
 *    `force`, which moves their ownership to the applier.
 * 3. The applier's entry becomes exactly the applied configuration's field set.
 * 4. Fields the applier owned by its previous apply but no longer specifies are removed from
 *    the object, unless another manager still owns them.
 */
import { isObject, jsonEqual, type JsonObject } from "../patch/json.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import { badRequest } from "../status.ts";
import { compareObjects } from "./compare.ts";
import { type Conflict, conflictError } from "./conflicts.ts";
import { FieldSet } from "./field_set.ts";
import { defaultIgnoredFields, ignoredFields, stripIgnored } from "./ignored.ts";
import {
  decodeManagedFields,
  encodeManagedFields,
  identity,
  type ManagedFieldsEntry,
  type ManagerRecord,
  recordId,
  withManagedFields,
  withoutManagedFields,
} from "./managed_fields.ts";
import { rfc3339Seconds } from "../time.ts";
import { mergeApplied } from "./merge.ts";
import { removeItems } from "./remove_items.ts";
import { fieldSetOf } from "./to_field_set.ts";

/** The manager that takes the fields of an object written before any managedFields existed. */
export const BEFORE_FIRST_APPLY = "before-first-apply";

/** What every managed-fields computation needs: who writes, through which endpoint, when. */
export interface WriteContext {
  manager: string;
  /** The kind's top-level schema. */
  schema: Schema | undefined;
  resolver: SchemaResolver;
  /** The apiVersion the request was made in (recorded in the entry). */
  apiVersion: string;
  now: Date;
  /** "status", "scale", …; undefined for the main resource. */
  subresource?: string;
  /** Root field paths the registry resets on this endpoint, excluded from ownership; by default
   * `status` on the main resource and `spec` on the status subresource. */
  resetPaths?: string[][];
}

export interface ApplyOptions extends WriteContext {
  /** The stored object; undefined when the apply creates it. */
  live: JsonObject | undefined;
  /** The applied configuration (already decoded from YAML/JSON). */
  applied: JsonObject;
  force: boolean;
}

export interface ApplyResult {
  /** The new object, `metadata.managedFields` included. */
  object: JsonObject;
  managedFields: ManagedFieldsEntry[];
  /** Whether anything (managedFields included) differs from the live object. */
  changed: boolean;
}

/** Applies a configuration. Throws ApiError 409 Conflict (or 400 for a malformed config). */
export function applyPatch(o: ApplyOptions): ApplyResult {
  if (!isObject(o.applied)) throw badRequest("the applied configuration must be an object");
  const appliedMeta = o.applied.metadata;
  if (
    isObject(appliedMeta) && appliedMeta.managedFields !== undefined &&
    appliedMeta.managedFields !== null
  ) {
    if (!Array.isArray(appliedMeta.managedFields) || appliedMeta.managedFields.length > 0) {
      throw badRequest("metadata.managedFields must be nil");
    }
  }
  const applied = withoutManagedFields(o.applied);
  const ignored = o.resetPaths ? ignoredFields(o.resetPaths) : defaultIgnoredFields(o.subresource);
  const live = o.live ? withoutManagedFields(o.live) : {};
  const setOf = (obj: unknown) => stripIgnored(fieldSetOf(obj, o.schema, o.resolver), ignored);
  const now = rfc3339Seconds(o.now);

  const records = decodeManagedFields(
    o.live?.metadata && (o.live.metadata as JsonObject).managedFields,
    false,
  );
  if (o.live && records.length === 0) {
    const set = setOf(live);
    if (!set.isEmpty()) {
      records.push({
        manager: BEFORE_FIRST_APPLY,
        operation: "Update",
        apiVersion: o.apiVersion,
        time: now,
        subresource: "",
        set,
      });
    }
  }

  const selfId = identity(o.manager, "Apply", o.subresource);
  const previous = records.find((r) => recordId(r) === selfId);
  const lastSet = previous?.set;
  const merged = mergeApplied(live, applied, o.schema, o.resolver);
  const diff = compareObjects(live, merged, o.schema, o.resolver);
  const changedFields = stripIgnored(diff.added.union(diff.modified), ignored);

  const conflicts: Conflict[] = [];
  for (const r of records) {
    if (recordId(r) === selfId) continue;
    const fields = r.set.intersection(changedFields);
    if (!fields.isEmpty()) conflicts.push({ owner: r, fields });
  }
  if (conflicts.length > 0 && !o.force) throw conflictError(conflicts);
  for (const c of conflicts) c.owner.set = c.owner.set.difference(c.fields);

  const self: ManagerRecord = previous ?? {
    manager: o.manager,
    operation: "Apply",
    apiVersion: o.apiVersion,
    time: now,
    subresource: o.subresource ?? "",
    set: new FieldSet(),
  };
  if (!previous) records.push(self);
  self.set = setOf(applied);
  self.apiVersion = o.apiVersion;

  let result = merged;
  if (lastSet) {
    // Ignored fields count as owned, so metadata (name, uid, …) and status are never dropped.
    const owned = records.reduce((acc, r) => acc.union(r.set), ignored);
    const drop = lastSet.ensureFieldsAreMembers().difference(owned.ensureFieldsAreMembers());
    if (!drop.isEmpty()) result = removeItems(merged, drop, o.schema, o.resolver);
  }
  const removed = compareObjects(live, result, o.schema, o.resolver).removed;
  for (const r of records) {
    if (r !== self) r.set = r.set.difference(removed);
  }

  const objectChanged = !o.live || !jsonEqual(live, result);
  if (objectChanged || !previous) self.time = now;
  const managedFields = encodeManagedFields(records);
  const object = withManagedFields(result, managedFields);
  const changed = !o.live || !jsonEqual(o.live, object);
  return { object, managedFields, changed };
}
