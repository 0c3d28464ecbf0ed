/**
 * Legacy discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/<g>`, `/apis/<g>/<v>`), built
 * from the registry. kubectl resolves every kind through these.
 */
import type { Registry } from "../registry/registry.ts";
import { gvkOf, type ResourceType } from "../registry/types.ts";
import { subresourceKind, subresourceVerbs } from "../registry/subresources.ts";

export function apiVersions(serverAddress: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupDoc(name: string, versions: string[]) {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(registry: Registry) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: registry.groups().filter((g) => g.name !== "").map((g) => groupDoc(g.name, g.versions)),
  };
}

export function apiGroup(registry: Registry, name: string) {
  const g = registry.groups().find((x) => x.name === name);
  if (!g || name === "") return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...groupDoc(g.name, g.versions) };
}

function resourceEntries(t: ResourceType): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: t.resource,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: [...t.verbs].sort(),
  };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories.length) main.categories = t.categories;
  const out = [main];
  for (const sub of t.subresources) {
    const e: Record<string, unknown> = {
      name: `${t.resource}/${sub}`,
      singularName: "",
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: [...subresourceVerbs(sub)].sort(),
    };
    // Its kind always; its group and version only when they are not the parent's (as upstream).
    const kind = subresourceKind(sub, gvkOf(t));
    e.kind = kind.kind;
    if (kind.group !== t.group || kind.version !== t.version) {
      Object.assign(e, { group: kind.group, version: kind.version });
    }
    out.push(e);
  }
  return out;
}

export function apiResourceList(registry: Registry, group: string, version: string) {
  const rows = registry.groupVersion(group, version);
  if (!rows.length) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources: rows.flatMap(resourceEntries),
  };
}

/** The client accepts aggregated discovery (`apidiscovery.k8s.io/v2` APIGroupDiscoveryList). */
export function wantsAggregated(req: Request): boolean {
  const accept = req.headers.get("accept") ?? "";
  return accept.split(",").some((part) => {
    const p = part.split(";").map((s) => s.trim());
    return p.includes("g=apidiscovery.k8s.io") && p.includes("v=v2") &&
      p.includes("as=APIGroupDiscoveryList");
  });
}

export const AGGREGATED_CONTENT_TYPE =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

function discoveryResource(t: ResourceType): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: t.resource,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? "Namespaced" : "Cluster",
    singularResource: t.singular,
    verbs: [...t.verbs].sort(),
  };
  if (t.shortNames.length) r.shortNames = t.shortNames;
  if (t.categories.length) r.categories = t.categories;
  if (t.subresources.length) {
    r.subresources = t.subresources.map((sub) => ({
      subresource: sub,
      responseKind: subresourceKind(sub, gvkOf(t)),
      verbs: [...subresourceVerbs(sub)].sort(),
    }));
  }
  return r;
}

/** `/api` (core only) or `/apis` (every other group) as one aggregated document. */
export function aggregatedDiscovery(registry: Registry, core: boolean) {
  const items = registry.groups().filter((g) => (g.name === "") === core).map((g) => ({
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v,
      resources: registry.groupVersion(g.name, v).map(discoveryResource),
      freshness: "Current",
    })),
  }));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items,
  };
}
