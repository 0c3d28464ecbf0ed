/**
 * What each subresource is, as data: the verbs it serves and, when its body is not the parent's
 * kind, which kind it speaks. Discovery, OpenAPI and the dispatcher all read this one table.
 */
import type { GroupVersionKind } from "../../api/schema/types.ts";
import type { Verb } from "./types.ts";

export interface SubresourceInfo {
  verbs: readonly Verb[];
  /** The kind of the request and response bodies; absent: the parent's own kind. */
  kind?: GroupVersionKind;
}

export const SUBRESOURCES: Readonly<Record<string, SubresourceInfo>> = {
  status: { verbs: ["get", "patch", "update"] },
  scale: {
    verbs: ["get", "patch", "update"],
    kind: { group: "autoscaling", version: "v1", kind: "Scale" },
  },
  // `kubectl create token`: a TokenRequest in, the same with a signed token out; nothing stored.
  token: {
    verbs: ["create"],
    kind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
  },
};

/** The verbs a subresource serves (none for a name not in the table). */
export function subresourceVerbs(name: string): readonly Verb[] {
  return Object.hasOwn(SUBRESOURCES, name) ? SUBRESOURCES[name]!.verbs : [];
}

/** The kind a subresource's bodies are, given its parent's. */
export function subresourceKind(name: string, parent: GroupVersionKind): GroupVersionKind {
  return (Object.hasOwn(SUBRESOURCES, name) ? SUBRESOURCES[name]!.kind : undefined) ?? parent;
}
