/**
 * `/openapi/v3` (an index of group-versions with content hashes) and one document per
 * group-version, built from the schema table and CRD schemas, cached until the registry changes.
 */
import type { OpenApiKind, OpenApiSubresource, OpenApiV3Document } from "../../api/openapi/mod.ts";

// The document builder is loaded on the first /openapi request: an idle server need not hold it.
const builder = () => import("../../api/openapi/mod.ts");
import { REF_PREFIX, type SchemaResolver } from "../../api/schema/types.ts";
import { findKind, schemaTable } from "../../api/schema/table.ts";
import type { Registry } from "../registry/registry.ts";
import { subresourceInfo } from "../registry/subresources.ts";

interface Doc {
  /** The document, encoded once. */
  bytes: Uint8Array<ArrayBuffer>;
  hash: string;
}

export class OpenApiCache {
  #docs = new Map<string, Doc>();
  #v2: { json: Uint8Array<ArrayBuffer>; protobuf: Uint8Array<ArrayBuffer> } | undefined;
  #generation = -1;

  constructor(
    private registry: Registry,
    private resolver: SchemaResolver,
    private kubeVersion: string,
  ) {}

  #refresh() {
    if (this.#generation === this.registry.generation) return;
    this.#docs.clear();
    this.#v2 = undefined;
    this.#generation = this.registry.generation;
  }

  /** "api/v1" or "apis/<group>/<version>" for every served group-version. */
  paths(): string[] {
    const out: string[] = [];
    for (const g of this.registry.groups()) {
      for (const v of g.versions) out.push(g.name ? `apis/${g.name}/${v}` : `api/${v}`);
    }
    return out;
  }

  async document(path: string): Promise<Doc | undefined> {
    const { buildOpenApiV3Document, crdDefinitionName, hashDocument } = await builder();
    this.#refresh();
    const cached = this.#docs.get(path);
    if (cached) return cached;
    const m = /^(?:api\/(v[^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) return undefined;
    const group = m[2] ?? "";
    const version = m[1] ?? m[3]!;
    const rows = this.registry.groupVersion(group, version);
    if (!rows.length) return undefined;
    const doc = buildOpenApiV3Document({
      groupVersion: group ? `${group}/${version}` : version,
      version: this.kubeVersion,
      resolver: this.resolver,
      kinds: rows.flatMap((t): OpenApiKind[] => {
        const gvk = { group: t.group, version: t.version, kind: t.kind };
        const common = {
          gvk,
          namespaced: t.namespaced,
          resource: t.resource,
          subresources: t.subresources.map(subresourceOf),
          verbs: t.verbs,
        };
        if (t.custom) {
          const schema = t.schema();
          if (!schema) return [];
          const definitionName = crdDefinitionName(t.group, t.version, t.kind);
          return [{
            ...common,
            schema,
            definitionName,
            listDefinitionName: `${definitionName}List`,
            strategicMerge: false,
          }];
        }
        const entry = findKind(schemaTable, gvk);
        if (!entry) return [];
        return [{
          ...common,
          schema: { $ref: REF_PREFIX + entry.definition },
          definitionName: entry.definition,
          ...(entry.listDefinition ? { listDefinitionName: entry.listDefinition } : {}),
          strategicMerge: true,
        }];
      }),
    });
    const json = JSON.stringify(doc);
    const entry = { bytes: new TextEncoder().encode(json), hash: hashDocument(json) };
    this.#docs.set(path, entry);
    return entry;
  }

  /** The v2 document (every served definition), as JSON and as protobuf. */
  async v2(): Promise<{ json: Uint8Array<ArrayBuffer>; protobuf: Uint8Array<ArrayBuffer> }> {
    const { buildOpenApiV2Document, encodeOpenApiV2 } = await builder();
    this.#refresh();
    if (this.#v2) return this.#v2;
    const docs: OpenApiV3Document[] = [];
    const decoder = new TextDecoder();
    for (const p of this.paths()) {
      const d = await this.document(p);
      if (d) docs.push(JSON.parse(decoder.decode(d.bytes)) as OpenApiV3Document);
    }
    const doc = buildOpenApiV2Document(docs, this.kubeVersion);
    const v2 = {
      json: new TextEncoder().encode(JSON.stringify(doc)),
      protobuf: new Uint8Array(encodeOpenApiV2(doc)),
    };
    // Only when nothing changed the registry meanwhile: else the next request builds it anew.
    if (this.#generation === this.registry.generation) this.#v2 = v2;
    return v2;
  }

  async index(): Promise<unknown> {
    const { buildOpenApiV3Index } = await builder();
    const entries: { path: string; hash: string }[] = [];
    for (const p of this.paths()) {
      const d = await this.document(p);
      if (d) entries.push({ path: p, hash: d.hash });
    }
    return buildOpenApiV3Index(entries);
  }
}

/** A subresource as the OpenAPI paths describe it, from the subresource table. */
function subresourceOf(name: string): OpenApiSubresource {
  const info = subresourceInfo(name);
  const out: OpenApiSubresource = { name, verbs: info?.verbs ?? [] };
  const entry = info?.kind ? findKind(schemaTable, info.kind) : undefined;
  if (info?.kind && entry) {
    out.gvk = info.kind;
    out.definitionName = entry.definition;
  }
  return out;
}
