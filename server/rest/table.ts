/**
 * The `as=` views a client may ask for in Accept. Server-side printing:
 * `application/json;as=Table;v=v1;g=meta.k8s.io` turns a list, a get or each watch event into a
 * `meta.k8s.io/v1` Table with the registry's columns; `as=PartialObjectMetadata(List)` into
 * objects of metadata only.
 */
import { badRequest } from "../../api/status.ts";
import { nameColumn } from "../registry/columns.ts";
import type { KubeObject, ResourceType, TableColumn } from "../registry/types.ts";

export type IncludeObject = "None" | "Metadata" | "Object";

/**
 * Whether the client asks for objects as metadata only (`as=PartialObjectMetadata` or
 * `…List`, group meta.k8s.io: client-go's metadata client, controller-runtime's metadata-only
 * watches) and not for a Table.
 */
export function wantsPartialMetadata(req: Request): boolean {
  const accept = req.headers.get("accept") ?? "";
  if (!accept.includes("as=PartialObjectMetadata")) return false;
  return !wantsTable(req) && accept.split(",").some((part) => {
    const params = part.split(";").map((p) => p.trim());
    return params.includes("g=meta.k8s.io") &&
      (params.includes("as=PartialObjectMetadata") ||
        params.includes("as=PartialObjectMetadataList"));
  });
}

/** An object as PartialObjectMetadata: its metadata, nothing else. */
export function partialMetadata(obj: KubeObject): Record<string, unknown> {
  return {
    kind: "PartialObjectMetadata",
    apiVersion: "meta.k8s.io/v1",
    metadata: obj.metadata ?? {},
  };
}

export function wantsTable(req: Request): boolean {
  const accept = req.headers.get("accept") ?? "";
  return accept.split(",").some((part) => {
    const params = part.split(";").map((p) => p.trim());
    return params.includes("as=Table") && params.includes("g=meta.k8s.io");
  });
}

/**
 * Whether the request asks only for a Table or metadata view (no plain media type to fall back
 * on): what an object with no such view (a review, a token request) answers with 406, as
 * upstream's backends without a table converter do.
 */
export function wantsOnlyAView(req: Request): boolean {
  if (!wantsTable(req) && !wantsPartialMetadata(req)) return false;
  const accept = req.headers.get("accept") ?? "";
  return !accept.split(",").some((part) => !/;\s*as=/.test(part) && part.trim() !== "");
}

export function includeObjectOf(v: string | undefined): IncludeObject {
  if (v === undefined || v === "") return "Metadata";
  if (v === "None" || v === "Metadata" || v === "Object") return v;
  throw badRequest(`includeObject must be one of None, Metadata or Object, not "${v}"`);
}

/** NAME first, unless the kind places its own (events show it only with -o wide). */
function columnsOf(t: ResourceType): TableColumn[] {
  return t.columns.some((c) => c.format === "name") ? t.columns : [nameColumn, ...t.columns];
}

export function columnDefinitions(t: ResourceType) {
  return columnsOf(t).map((c) => ({
    name: c.name,
    type: c.type === "date" ? "string" : c.type,
    format: c.format ?? "",
    description: c.description ?? "",
    priority: c.priority,
  }));
}

function cellValue(c: TableColumn, obj: KubeObject, now: Date): unknown {
  try {
    const v = c.cell(obj, now);
    return v === undefined || v === null ? "<none>" : v;
  } catch {
    return "<error>";
  }
}

export function tableRow(t: ResourceType, obj: KubeObject, include: IncludeObject, now: Date) {
  const row: Record<string, unknown> = { cells: columnsOf(t).map((c) => cellValue(c, obj, now)) };
  if (include === "Object") row.object = obj;
  else if (include === "Metadata") {
    row.object = {
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: obj.metadata ?? {},
    };
  }
  return row;
}

export function toTable(
  t: ResourceType,
  objs: KubeObject[],
  opts: {
    include: IncludeObject;
    now: Date;
    listMeta?: Record<string, unknown>;
    withDefinitions?: boolean;
  },
): Record<string, unknown> {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: opts.listMeta ?? {},
    columnDefinitions: opts.withDefinitions === false ? null : columnDefinitions(t),
    rows: objs.map((o) => tableRow(t, o, opts.include, opts.now)),
  };
}
