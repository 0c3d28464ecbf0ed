/**
 * Fields never owned by anyone: the server-maintained metadata (and apiVersion/kind), plus the
 * part of the object a write cannot change, which the registry resets (status on the main
 * resource, spec through the status subresource).
 */
import { FieldSet } from "./field_set.ts";
import { fieldPe } from "./path_element.ts";

const SERVER_METADATA = [
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "selfLink",
  "managedFields",
];

/** Reset paths by subresource, as field names from the root. */
export function defaultResetPaths(subresource: string | undefined): string[][] {
  if (!subresource) return [["status"]];
  if (subresource === "status") return [["spec"]];
  return [];
}

/** The set of ignored paths (removed with their subtrees from every field set). */
export function ignoredFields(resetPaths: string[][]): FieldSet {
  const set = FieldSet.of(["f:apiVersion"], ["f:kind"]);
  for (const name of SERVER_METADATA) set.insert([fieldPe("metadata"), fieldPe(name)]);
  for (const p of resetPaths) if (p.length > 0) set.insert(p.map(fieldPe));
  return set;
}

const defaults = new Map<string, FieldSet>();

/** {@link ignoredFields} of the default reset paths of `subresource`, built once (never mutate). */
export function defaultIgnoredFields(subresource: string | undefined): FieldSet {
  const key = subresource ?? "";
  let set = defaults.get(key);
  if (!set) defaults.set(key, set = ignoredFields(defaultResetPaths(subresource)));
  return set;
}

/** `set` without the ignored fields; `metadata` itself is never owned either. */
export function stripIgnored(set: FieldSet, ignored: FieldSet): FieldSet {
  const out = set.recursiveDifference(ignored);
  const meta = out.children.get(fieldPe("metadata"));
  if (meta) {
    meta.member = false;
    if (meta.isEmpty()) out.children.delete(fieldPe("metadata"));
  }
  return out;
}
