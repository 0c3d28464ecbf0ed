/**
 * The scale subresource: every scalable kind (and CRD with a scale subresource) read and written
 * as an `autoscaling/v1` Scale, whatever its own group.
 */
import { badRequest } from "../../api/status.ts";
import { labelSelectorString } from "../../api/labels.ts";
import type { KubeObject, ResourceType } from "../registry/types.ts";
import { at } from "../registry/columns.ts";
import { clone } from "./meta.ts";

function pathOf(p: string): string[] {
  return p.replace(/^\./, "").split(".");
}

function setAt(obj: Record<string, unknown>, path: string[], value: unknown) {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== "object") cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

export function scaleOf(t: ResourceType, obj: KubeObject): KubeObject {
  const s = t.scale!;
  const meta = obj.metadata ?? {};
  const sel = s.labelSelectorPath ? at(obj, pathOf(s.labelSelectorPath).join(".")) : undefined;
  const specSel = at(obj, "spec.selector");
  let selector = typeof sel === "string" ? sel : sel ? labelSelectorString(sel) : "";
  if (!selector && specSel && typeof specSel === "object" && !t.custom) {
    selector = "matchLabels" in specSel || "matchExpressions" in specSel
      ? labelSelectorString(specSel)
      : Object.entries(specSel as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(",");
  }
  const status: Record<string, unknown> = {
    replicas: Number(at(obj, pathOf(s.statusReplicasPath).join(".")) ?? 0),
  };
  if (selector) status.selector = selector;
  const scaleMeta: Record<string, unknown> = {
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    creationTimestamp: meta.creationTimestamp,
  };
  if (meta.namespace) scaleMeta.namespace = meta.namespace;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: scaleMeta,
    spec: { replicas: Number(at(obj, pathOf(s.specReplicasPath).join(".")) ?? 0) },
    status,
  };
}

/** The parent object with the Scale's replicas written into it. */
export function applyScale(t: ResourceType, parent: KubeObject, scale: KubeObject): KubeObject {
  if (scale.kind !== undefined && scale.kind !== "Scale") {
    throw badRequest(`expected a Scale, got ${String(scale.kind)}`);
  }
  const replicas = (scale.spec as Record<string, unknown> | undefined)?.replicas;
  if (replicas !== undefined && (typeof replicas !== "number" || !Number.isInteger(replicas))) {
    throw badRequest("spec.replicas of a Scale must be an integer");
  }
  const next = clone(parent);
  setAt(next, pathOf(t.scale!.specReplicasPath), replicas ?? 0);
  const rv = (scale.metadata as Record<string, unknown> | undefined)?.resourceVersion;
  if (typeof rv === "string" && rv) next.metadata = { ...next.metadata, resourceVersion: rv };
  return next;
}
