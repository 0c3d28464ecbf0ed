/**
 * `metadata.managedFields`: decoding entries into per-manager field sets and encoding them
 * back. A manager is identified by (manager, operation, subresource).
 */
import { isObject, type JsonObject } from "../patch/json.ts";
import { badRequest } from "../status.ts";
import { FieldSet, FieldsV1Error } from "./field_set.ts";

export type Operation = "Apply" | "Update";

/** One `metadata.managedFields` entry, as served. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  /** RFC 3339, seconds precision, UTC. */
  time?: string;
  fieldsType: "FieldsV1";
  fieldsV1: JsonObject;
  subresource?: string;
}

/** A decoded entry: its fields as a {@link FieldSet}. */
export interface ManagerRecord {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string | undefined;
  subresource: string;
  set: FieldSet;
}

/** The manager identity of a record. */
export const identity = (manager: string, operation: Operation, subresource = ""): string =>
  JSON.stringify([manager, operation, subresource]);

export const recordId = (r: ManagerRecord): string =>
  identity(r.manager, r.operation, r.subresource);

/**
 * Decodes `metadata.managedFields`. With `strict` (entries a client sent) a malformed entry is
 * a 400; otherwise (stored entries) malformed entries are dropped. Entries of one identity are
 * merged.
 */
export function decodeManagedFields(value: unknown, strict: boolean): ManagerRecord[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    if (strict) throw badRequest("metadata.managedFields must be a list");
    return [];
  }
  const byId = new Map<string, ManagerRecord>();
  for (const [i, e] of value.entries()) {
    const rec = decodeEntry(e, i, strict);
    if (!rec) continue;
    const id = recordId(rec);
    const prev = byId.get(id);
    byId.set(id, prev ? { ...rec, set: prev.set.union(rec.set) } : rec);
  }
  return [...byId.values()];
}

function decodeEntry(e: unknown, i: number, strict: boolean): ManagerRecord | undefined {
  const fail = (why: string) => {
    if (strict) throw badRequest(`metadata.managedFields[${i}]: ${why}`);
    return undefined;
  };
  if (!isObject(e)) return fail("must be an object");
  const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = e;
  if (operation !== "Apply" && operation !== "Update") {
    return fail(`unknown operation ${JSON.stringify(operation)}`);
  }
  if (fieldsType !== undefined && fieldsType !== "FieldsV1") {
    return fail(`unknown fieldsType ${JSON.stringify(fieldsType)}`);
  }
  let set: FieldSet;
  try {
    set = fieldsV1 === undefined ? new FieldSet() : FieldSet.fromFieldsV1(fieldsV1);
  } catch (err: unknown) {
    if (err instanceof FieldsV1Error) return fail(err.message);
    throw err;
  }
  return {
    manager: typeof manager === "string" ? manager : "",
    operation,
    apiVersion: typeof apiVersion === "string" ? apiVersion : "",
    time: typeof time === "string" ? time : undefined,
    subresource: typeof subresource === "string" ? subresource : "",
    set,
  };
}

/** Encodes records, dropping empty ones, in upstream's order (operation, time, manager, …). */
export function encodeManagedFields(records: ManagerRecord[]): ManagedFieldsEntry[] {
  const seconds = (t: string | undefined) => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return records
    .filter((r) => !r.set.isEmpty())
    .sort((a, b) =>
      cmp(a.operation, b.operation) || seconds(a.time) - seconds(b.time) ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource, b.subresource)
    )
    .map((r) => {
      const e: ManagedFieldsEntry = {
        manager: r.manager,
        operation: r.operation,
        apiVersion: r.apiVersion,
        fieldsType: "FieldsV1",
        fieldsV1: r.set.toFieldsV1(),
      };
      if (r.time !== undefined) e.time = r.time;
      if (r.subresource) e.subresource = r.subresource;
      return orderKeys(e);
    });
}

/** Key order as upstream serialises an entry. */
function orderKeys(e: ManagedFieldsEntry): ManagedFieldsEntry {
  const out: ManagedFieldsEntry = {
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
  } as ManagedFieldsEntry;
  if (e.time !== undefined) out.time = e.time;
  out.fieldsType = e.fieldsType;
  out.fieldsV1 = e.fieldsV1;
  if (e.subresource !== undefined) out.subresource = e.subresource;
  return out;
}

/** `obj` without `metadata.managedFields` (a shallow copy where needed). */
export function withoutManagedFields(obj: JsonObject): JsonObject {
  const meta = obj.metadata;
  if (!isObject(meta) || !("managedFields" in meta)) return obj;
  const { managedFields: _m, ...rest } = meta;
  return { ...obj, metadata: rest };
}

/** `obj` with `metadata.managedFields` set (or removed when empty). */
export function withManagedFields(obj: JsonObject, entries: ManagedFieldsEntry[]): JsonObject {
  const meta = isObject(obj.metadata) ? { ...obj.metadata } : {};
  if (entries.length > 0) meta.managedFields = entries;
  else delete meta.managedFields;
  return { ...obj, metadata: meta };
}
