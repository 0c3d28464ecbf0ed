/**
 * Finds the top-level kinds of the table: structs that embed `metav1.TypeMeta` inline and
 * carry `metadata` of type `metav1.ObjectMeta`, registered either with a `<Kind>List` sibling or
 * as one of the list-less request bodies; plus the meta/v1 kinds every group version serves.
 */
import type { GroupVersionKind, KindEntry, Schema } from "../schema/types.ts";
import type { GoStruct } from "./go_parse.ts";
import { derefType, type GoType } from "./go_types.ts";
import { KINDS_WITHOUT_LIST, META } from "./packages.ts";
import { parseJsonTag, parseStructTag } from "./tags.ts";
import type { GoPackage } from "./upstream.ts";

const META_DEF = "io.k8s.apimachinery.pkg.apis.meta.v1";

/** Whether `t`, written in a file with `imports`, names `name` of the meta/v1 package. */
function isMeta(t: GoType, name: string, pkg: GoPackage, imports: Map<string, string>): boolean {
  const d = derefType(t);
  if (d.kind !== "named" || d.name !== name) return false;
  const path = d.pkg === undefined ? pkg.importPath : imports.get(d.pkg);
  return path === META;
}

/** A struct that looks like a top-level object (TypeMeta inline, ObjectMeta metadata). */
export function isObjectStruct(pkg: GoPackage, struct: GoStruct): boolean {
  const imports = pkg.structs.get(struct.name)?.imports ?? new Map<string, string>();
  let typeMeta = false;
  let objectMeta = false;
  for (const f of struct.fields) {
    const json = parseJsonTag(parseStructTag(f.tag).get("json"));
    if (f.embedded && (json?.name ?? "") === "" && isMeta(f.type, "TypeMeta", pkg, imports)) {
      typeMeta = true;
    }
    if (json?.name === "metadata" && isMeta(f.type, "ObjectMeta", pkg, imports)) objectMeta = true;
  }
  return typeMeta && objectMeta;
}

/** The kinds one API package serves, in Go declaration order. */
export function packageKinds(
  pkg: GoPackage,
  group: string,
  version: string,
): KindEntry[] {
  const out: KindEntry[] = [];
  for (const name of pkg.typesFileStructs) {
    const struct = pkg.structs.get(name)?.decl;
    if (!struct || !isObjectStruct(pkg, struct)) continue;
    const list = pkg.structs.has(`${name}List`) ? `${name}List` : undefined;
    if (!list && !KINDS_WITHOUT_LIST.has(name)) continue;
    const entry: KindEntry = { group, version, kind: name, definition: `${pkg.defPrefix}.${name}` };
    if (list) entry.listDefinition = `${pkg.defPrefix}.${list}`;
    out.push(entry);
  }
  return out;
}

/**
 * The meta/v1 kinds: `Status` in the core group, and `DeleteOptions` and `WatchEvent` in every
 * group version served (as upstream registers them) plus `meta.k8s.io/v1`.
 */
export function metaKinds(groupVersions: GroupVersionKind[]): KindEntry[] {
  const gvs = [{ group: "", version: "v1" }, { group: "meta.k8s.io", version: "v1" }];
  for (const gv of groupVersions) {
    if (!gvs.some((g) => g.group === gv.group && g.version === gv.version)) {
      gvs.push({ group: gv.group, version: gv.version });
    }
  }
  const out: KindEntry[] = [{
    group: "",
    version: "v1",
    kind: "Status",
    definition: `${META_DEF}.Status`,
  }];
  for (const kind of ["DeleteOptions", "WatchEvent"]) {
    for (const gv of gvs) out.push({ ...gv, kind, definition: `${META_DEF}.${kind}` });
  }
  return out;
}

/** Sets `x-kubernetes-group-version-kind` on each kind's (and list's) definition. */
export function tagKinds(definitions: Map<string, Schema>, kinds: KindEntry[]): void {
  const add = (name: string, gvk: GroupVersionKind) => {
    const def = definitions.get(name);
    if (!def) return;
    const list = def["x-kubernetes-group-version-kind"] ?? [];
    if (
      !list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)
    ) {
      list.push(gvk);
    }
    def["x-kubernetes-group-version-kind"] = list;
  };
  for (const k of kinds) {
    add(k.definition, { group: k.group, version: k.version, kind: k.kind });
    if (k.listDefinition) {
      add(k.listDefinition, { group: k.group, version: k.version, kind: `${k.kind}List` });
    }
  }
}
