/**
 * What each subresource is, as data: the verbs it serves, the part of its parent it writes and,
 * when its body is not the parent's kind, which kind it speaks. Discovery, OpenAPI, the
 * dispatcher and the update path all read this one table.
 */
import type { GroupVersionKind } from "../../api/schema/types.ts";
import type { Verb } from "./types.ts";

export interface SubresourceInfo {
  verbs: readonly Verb[];
  /** The kind of the request and response bodies; absent: the parent's own kind. */
  kind?: GroupVersionKind;
  /**
   * The one field of the parent that writes through this subresource change (and that writes to
   * the parent itself keep as stored), as a path of keys; `[]`: the whole parent, as its handler
   * changes it (a binding).
   */
  owns?: readonly string[];
}

export const SUBRESOURCES: Readonly<Record<string, SubresourceInfo>> = {
  status: { verbs: ["get", "patch", "update"], owns: ["status"] },
  scale: {
    verbs: ["get", "patch", "update"],
    kind: { group: "autoscaling", version: "v1", kind: "Scale" },
  },
  // `kubectl certificate approve|deny`: a CertificateSigningRequest's conditions only.
  approval: { verbs: ["get", "patch", "update"], owns: ["status", "conditions"] },
  // A Namespace's own finalizers (spec.finalizers) change here only: what removes the last one
  // (the namespace controller, or a user forcing a stuck namespace) writes through it.
  finalize: { verbs: ["update"], owns: ["spec", "finalizers"] },
  // `kubectl debug`: a Pod in and out, of which only the ephemeral containers change.
  ephemeralcontainers: { verbs: ["get", "patch", "update"], owns: ["spec", "ephemeralContainers"] },
  // The scheduler's write: a Binding names the node; the pod gets it (nothing else is stored).
  binding: { verbs: ["create"], kind: { group: "", version: "v1", kind: "Binding" }, owns: [] },
  // `kubectl drain`: an Eviction deletes the pod if its disruption budget allows.
  eviction: { verbs: ["create"], kind: { group: "policy", version: "v1", kind: "Eviction" } },
  // `kubectl create token`: a TokenRequest in, the same with a signed token out; nothing stored.
  token: {
    verbs: ["create"],
    kind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
  },
};

/** What the table says of `name` (undefined: no such subresource). */
export function subresourceInfo(name: string): SubresourceInfo | undefined {
  return Object.hasOwn(SUBRESOURCES, name) ? SUBRESOURCES[name] : undefined;
}

/** The verbs a subresource serves (none for a name not in the table). */
export function subresourceVerbs(name: string): readonly Verb[] {
  return subresourceInfo(name)?.verbs ?? [];
}

/** The kind a subresource's bodies are, given its parent's. */
export function subresourceKind(name: string, parent: GroupVersionKind): GroupVersionKind {
  return subresourceInfo(name)?.kind ?? parent;
}

/** The field a subresource writes (undefined: none of its own, e.g. scale or token). */
export function subresourceField(name: string): readonly string[] | undefined {
  return subresourceInfo(name)?.owns;
}
