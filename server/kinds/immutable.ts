/**
 * What may not change once an object exists, per kind, as data: the fields upstream's update
 * validation calls immutable (a workload's selector, a Job's template and completion settings),
 * and the kinds whose spec may change only in a few named fields (a StatefulSet, a bound
 * PersistentVolumeClaim). Controllers rely on these: a Deployment whose selector changed would
 * orphan its ReplicaSets, a StatefulSet whose volume claims changed would strand its volumes.
 * Messages as upstream's validation words them.
 */
import { forbidden, invalid } from "../../api/schema/field_errors.ts";
import { jsonEqual } from "../../api/patch/json.ts";
import type { StatusCause } from "../../api/status.ts";
import type { KubeObject } from "../registry/types.ts";
import { obj } from "./shape.ts";

function at(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const k of path.split(".")) cur = obj(cur)?.[k];
  return cur;
}

export interface ImmutableRule {
  /**
   * Fields that never change once set (dotted paths from the object's root); with a message,
   * a change is Forbidden with it rather than "field is immutable".
   */
  fields?: (string | [string, string])[];
  /** The spec may change only in these fields; `message` says so when anything else does. */
  specOnly?: { fields: string[]; message: string };
  /** Exceptions that hold for one update (e.g. a suspended Job's template). */
  allow?: (o: KubeObject, old: KubeObject, field: string) => boolean;
}

const STATEFULSET_MUTABLE = [
  "replicas",
  "ordinals",
  "template",
  "updateStrategy",
  "persistentVolumeClaimRetentionPolicy",
  "minReadySeconds",
];

/** What a suspended Job's template may change: where its pods may run, and their labels. */
const SUSPENDED_TEMPLATE_FIELDS = [
  "metadata.labels",
  "metadata.annotations",
  "spec.nodeSelector",
  "spec.tolerations",
  "spec.affinity",
  "spec.schedulingGates",
];

function onlySchedulingChanged(o: KubeObject, old: KubeObject): boolean {
  if (at(old, "spec.suspend") !== true) return false;
  const strip = (t: unknown) => {
    const copy = structuredClone(obj(t) ?? {});
    for (const path of SUSPENDED_TEMPLATE_FIELDS) {
      const [head, tail] = path.split(".") as [string, string];
      delete obj(copy[head])?.[tail];
    }
    return copy;
  };
  return jsonEqual(strip(at(o, "spec.template")), strip(at(old, "spec.template")));
}

export const IMMUTABLE_RULES: Record<string, ImmutableRule> = {
  "apps/Deployment": { fields: ["spec.selector"] },
  "apps/ReplicaSet": { fields: ["spec.selector"] },
  "apps/DaemonSet": { fields: ["spec.selector"] },
  "apps/StatefulSet": {
    specOnly: {
      fields: STATEFULSET_MUTABLE,
      message: `updates to statefulset spec for fields other than ${
        STATEFULSET_MUTABLE.slice(0, -1).map((f) => `'${f}'`).join(", ")
      } and '${STATEFULSET_MUTABLE.at(-1)}' are forbidden`,
    },
  },
  "batch/Job": {
    fields: [
      "spec.selector",
      "spec.template",
      "spec.completionMode",
      "spec.podFailurePolicy",
      "spec.backoffLimitPerIndex",
      "spec.managedBy",
    ],
    allow: (o, old, field) => field === "spec.template" && onlySchedulingChanged(o, old),
  },
  // What the node's agent and the network were set up with: set once, from nothing.
  "/Node": {
    fields: [
      ["spec.podCIDR", 'node updates may not change podCIDR except from "" to valid'],
      ["spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'],
      ["spec.providerID", 'node updates may not change providerID except from "" to valid'],
    ],
  },
  "node.k8s.io/RuntimeClass": { fields: ["handler"] },
  "storage.k8s.io/VolumeAttributesClass": { fields: ["driverName", "parameters"] },
  "storage.k8s.io/CSIStorageCapacity": { fields: ["storageClassName", "nodeTopology"] },
  "/PersistentVolumeClaim": {
    specOnly: {
      fields: ["resources", "volumeAttributesClassName", "volumeName"],
      message:
        "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
    },
    // Binding a claim to a volume fills in volumeName once.
    allow: (_o, old, field) => field === "spec.volumeName" && !at(old, "spec.volumeName"),
  },
};

/** The causes an update of `o` over `old` fails `rule` with. */
export function validateImmutable(o: KubeObject, old: KubeObject, rule: ImmutableRule) {
  const causes: StatusCause[] = [];
  for (const entry of rule.fields ?? []) {
    const [field, message] = typeof entry === "string" ? [entry, undefined] : entry;
    const was = at(old, field);
    const now = at(o, field);
    const unset = was === undefined || was === "" || (Array.isArray(was) && was.length === 0);
    if (unset || jsonEqual(was, now) || rule.allow?.(o, old, field)) {
      continue;
    }
    causes.push(
      message ? forbidden(field, message) : invalid(field, now ?? null, "field is immutable"),
    );
  }
  if (rule.specOnly) {
    const spec = obj(o.spec) ?? {};
    const oldSpec = obj(old.spec) ?? {};
    const mutable = new Set(rule.specOnly.fields);
    const changed = [...new Set([...Object.keys(spec), ...Object.keys(oldSpec)])].some((k) =>
      !jsonEqual(spec[k], oldSpec[k]) &&
      (!mutable.has(k) || (k === "volumeName" && !rule.allow?.(o, old, "spec.volumeName")))
    );
    if (changed) causes.push(forbidden("spec", rule.specOnly.message));
  }
  return causes;
}

/** A rolling update must be able to make progress: maxSurge and maxUnavailable not both 0. */
export function validateRollingUpdate(o: KubeObject): StatusCause[] {
  const ru = obj(at(o, "spec.strategy.rollingUpdate"));
  if (!ru) return [];
  const zero = (v: unknown) => v === 0 || v === "0%";
  if (zero(ru.maxSurge) && zero(ru.maxUnavailable)) {
    return [
      invalid(
        "spec.strategy.rollingUpdate.maxUnavailable",
        ru.maxUnavailable,
        "may not be 0 when `maxSurge` is 0",
      ),
    ];
  }
  return [];
}
