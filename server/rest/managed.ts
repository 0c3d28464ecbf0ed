// TEMPORARY until api/apply lands: no managed fields, apply = merge.
import { applyMergePatch } from "../../api/patch/merge_patch.ts";
import type { Schema, SchemaResolver } from "../../api/schema/types.ts";
export function updateManagedFields(_o: { old: unknown; updated: unknown; manager: string; schema: Schema | undefined; resolver: SchemaResolver; apiVersion: string; now: Date; subresource?: string }): unknown[] {
  return [];
}
export function applyPatch(o: { live: unknown; applied: Record<string, unknown>; manager: string; force: boolean; schema: Schema | undefined; resolver: SchemaResolver; apiVersion: string; now: Date; subresource?: string }): { object: Record<string, unknown>; managedFields: unknown[] } {
  return { object: o.live ? applyMergePatch(o.live, o.applied) : o.applied, managedFields: [] };
}
