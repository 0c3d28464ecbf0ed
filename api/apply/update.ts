/**
 * managedFields for writes that are not applies (create, update, patch): the writer becomes
 * owner, under operation "Update", of every field its write added or changed, and those fields
 * are taken from every other manager; removed fields leave every set.
 */
import { isObject, type JsonObject } from "../patch/json.ts";
import type { WriteContext } from "./apply.ts";
import { compareObjects } from "./compare.ts";
import { createdFieldsV1 } from "./created.ts";
import type { FieldSet } from "./field_set.ts";
import { defaultIgnoredFields, ignoredFields, stripIgnored } from "./ignored.ts";
import {
  decodeManagedFields,
  encodeManagedFields,
  identity,
  type ManagedFieldsEntry,
  type ManagerRecord,
  recordId,
  withoutManagedFields,
} from "./managed_fields.ts";
import { rfc3339Seconds } from "../time.ts";

export interface UpdateOptions extends WriteContext {
  /** The stored object; undefined on create. */
  old: JsonObject | undefined;
  /** The object about to be stored. Its own `metadata.managedFields`, when a client set them on
   * the main resource, replace the stored ones (a single empty entry `[{}]` clears them all). */
  updated: JsonObject;
}

/** The `metadata.managedFields` the updated object should be stored with. */
export function updateManagedFields(o: UpdateOptions): ManagedFieldsEntry[] {
  const records = startingRecords(o);
  const ignored = o.resetPaths ? ignoredFields(o.resetPaths) : defaultIgnoredFields(o.subresource);
  if (!o.old && records.length === 0) return createdEntries(o, ignored);
  const diff = compareObjects(
    o.old ? withoutManagedFields(o.old) : {},
    withoutManagedFields(o.updated),
    o.schema,
    o.resolver,
  );
  const changed = stripIgnored(diff.added.union(diff.modified), ignored);
  const removed = stripIgnored(diff.removed, ignored);

  const selfId = identity(o.manager, "Update", o.subresource);
  for (const r of records) {
    r.set = r.set.difference(removed);
    if (recordId(r) !== selfId) r.set = r.set.difference(changed);
  }
  if (!changed.isEmpty()) {
    const self = records.find((r) => recordId(r) === selfId);
    if (self) {
      self.set = self.set.union(changed);
      self.time = rfc3339Seconds(o.now);
      self.apiVersion = o.apiVersion;
    } else {
      records.push({
        manager: o.manager,
        operation: "Update",
        apiVersion: o.apiVersion,
        time: rfc3339Seconds(o.now),
        subresource: o.subresource ?? "",
        set: changed,
      });
    }
  }
  return encodeManagedFields(records);
}

/** A create with no managedFields sent: one entry owning every field set, if any. */
function createdEntries(o: UpdateOptions, ignored: FieldSet): ManagedFieldsEntry[] {
  const fieldsV1 = createdFieldsV1(o.updated, o.schema, o.resolver, ignored);
  for (const _ in fieldsV1) {
    const e: ManagedFieldsEntry = {
      manager: o.manager,
      operation: "Update",
      apiVersion: o.apiVersion,
      time: rfc3339Seconds(o.now),
      fieldsType: "FieldsV1",
      fieldsV1,
    };
    if (o.subresource) e.subresource = o.subresource;
    return [e];
  }
  return [];
}

function startingRecords(o: UpdateOptions): ManagerRecord[] {
  const sent = isObject(o.updated.metadata) ? o.updated.metadata.managedFields : undefined;
  if (!o.subresource && Array.isArray(sent) && sent.length > 0) {
    if (sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0) return [];
    return decodeManagedFields(sent, true);
  }
  const stored = o.old && isObject(o.old.metadata) ? o.old.metadata.managedFields : undefined;
  return decodeManagedFields(stored, false);
}
