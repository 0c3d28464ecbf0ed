/**
 * The registry: the one table of served resource types. Built-in rows are fixed; CRDs add and
 * remove rows at run time, and every change bumps `generation` so discovery and OpenAPI caches
 * know to rebuild.
 */
import type { GroupVersionKind } from "../../api/schema/types.ts";
import type { ResourceType } from "./types.ts";

export interface GroupInfo {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

/** Kubernetes version priority: v1 > v1beta2 > v1beta1 > v1alpha1 > anything else. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0, v] as const;
    const stage = m[2] === "alpha" ? 1 : m[2] === "beta" ? 2 : 3;
    return [1, stage, Number(m[1]), Number(m[3] ?? 0)] as const;
  };
  const pa = parse(a);
  const pb = parse(b);
  if (pa[0] !== pb[0]) return pb[0] - pa[0];
  if (pa[0] === 0) return a < b ? -1 : a > b ? 1 : 0;
  if (pa[1] !== pb[1]) return (pb[1] as number) - (pa[1] as number);
  if (pa[2] !== pb[2]) return (pb[2] as number) - (pa[2] as number);
  return (pb[3] as number) - (pa[3] as number);
}

export class Registry {
  #types = new Map<string, ResourceType>();
  #byKind = new Map<string, ResourceType>();
  #groupOrder: string[] = [];
  #generation = 0;

  constructor(builtin: ResourceType[]) {
    for (const t of builtin) this.#put(t);
  }

  get generation(): number {
    return this.#generation;
  }

  #put(t: ResourceType) {
    this.#types.set(`${t.group}/${t.version}/${t.resource}`, t);
    this.#byKind.set(`${t.group}/${t.version}/${t.kind}`, t);
    if (!this.#groupOrder.includes(t.group)) this.#groupOrder.push(t.group);
  }

  #changed() {
    this.#generation++;
  }

  /** Adds or replaces the rows of one custom resource (all its served versions). */
  setCustom(group: string, resource: string, rows: ResourceType[]) {
    this.#drop(group, resource);
    for (const r of rows) this.#put(r);
    this.#changed();
  }

  removeCustom(group: string, resource: string) {
    if (this.#drop(group, resource)) this.#changed();
  }

  #drop(group: string, resource: string): boolean {
    let dropped = false;
    for (const [k, t] of this.#types) {
      if (t.custom && t.group === group && t.resource === resource) {
        this.#types.delete(k);
        this.#byKind.delete(`${t.group}/${t.version}/${t.kind}`);
        dropped = true;
      }
    }
    if (dropped && ![...this.#types.values()].some((t) => t.group === group)) {
      this.#groupOrder = this.#groupOrder.filter((g) => g !== group);
    }
    return dropped;
  }

  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    return this.#types.get(`${group}/${version}/${resource}`);
  }

  byKind(gvk: GroupVersionKind): ResourceType | undefined {
    return this.#byKind.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
  }

  all(): ResourceType[] {
    return [...this.#types.values()];
  }

  /** Every row of one group/version, in registration order. */
  groupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  /** Groups in registration order (core "" first), each with its versions, preferred first. */
  groups(): GroupInfo[] {
    return this.#groupOrder.map((name) => {
      const versions = [
        ...new Set(this.all().filter((t) => t.group === name).map((t) => t.version)),
      ];
      versions.sort(compareVersions);
      return { name, versions };
    });
  }

  /** Rows of the same group and resource in other versions (for `none` conversion). */
  versionsOf(group: string, resource: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.resource === resource);
  }
}
