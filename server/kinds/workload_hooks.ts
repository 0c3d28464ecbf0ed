/**
 * The rules of pods and of what makes or holds them (workload templates, Jobs, claims and
 * volumes and their classes and capacities, runtime classes, limit ranges, Ingresses' classes,
 * nodes' immutable fields): upstream's strategies and admission for these kinds. Loaded on the
 * first write of one of them (hooks.ts): a server that holds none does not hold this code either.
 */
import { forbidden } from "../../api/status.ts";
import type { HookTable } from "../registry/builtin.ts";
import type { KubeObject } from "../registry/types.ts";
import { validateWorkload, WORKLOAD_RULES } from "./workloads.ts";
import { validatePod, validatePodSpec } from "./pods.ts";
import { admitNewEphemeralContainers, admitNewPod } from "./pod_admission.ts";
import type { ObjectLookup } from "../registry/types.ts";
import { defaultIngressClass, defaultStorageClass } from "./default_classes.ts";
import {
  validateClaim,
  validateStorageCapacity,
  validateVolume,
  validateVolumeAttributesClass,
} from "./volumes.ts";
import { validateRuntimeClass } from "./runtime_classes.ts";
import { IMMUTABLE_RULES, validateImmutable, validateRollingUpdate } from "./immutable.ts";
import {
  admitClaimLimits,
  aggregate,
  defaultLimitRange,
  validateLimitRange,
} from "./limit_ranges.ts";
import { fieldObject, items, type Obj, obj } from "./shape.ts";
import { validateCronJob, validateJob } from "./jobs.ts";

/** `Always` for `:latest` or untagged images, `IfNotPresent` otherwise (upstream's rule). */
export function defaultPullPolicy(image: unknown): string {
  if (typeof image !== "string") return "IfNotPresent";
  if (image.includes("@")) return "IfNotPresent";
  const last = image.split("/").pop() ?? image;
  const tag = last.includes(":") ? last.slice(last.lastIndexOf(":") + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultPodSpec(spec: Obj | undefined) {
  if (!spec) return;
  for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
    for (const c of items(spec[field])) {
      if (c.imagePullPolicy === undefined) c.imagePullPolicy = defaultPullPolicy(c.image);
    }
  }
}

function at(o: unknown, path: string[]): Obj | undefined {
  let cur = obj(o);
  for (const p of path) cur = obj(cur?.[p]);
  return cur;
}

/**
 * Update strategies given as `{}` or with only a type get upstream's conditional defaults
 * (the schema default applies only when the whole field is absent).
 */
function defaultStrategy(o: KubeObject, field: string, rolling: Obj) {
  const spec = obj(o.spec);
  const strategy = obj(spec?.[field]);
  if (!spec || !strategy) return;
  strategy.type ??= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = fieldObject(strategy, "rollingUpdate");
    if (!ru) return;
    for (const [k, v] of Object.entries(rolling)) if (ru[k] === undefined) ru[k] = v;
  }
}

const STRATEGIES: Record<string, [string, Obj]> = {
  "apps/Deployment": ["strategy", { maxUnavailable: "25%", maxSurge: "25%" }],
  "apps/StatefulSet": ["updateStrategy", { partition: 0 }],
  "apps/DaemonSet": ["updateStrategy", { maxUnavailable: 1, maxSurge: 0 }],
};

const templated = (path: string[], kind?: string) => {
  const strategy = kind ? STRATEGIES[kind] : undefined;
  const rule = kind ? WORKLOAD_RULES[kind] : undefined;
  const apply = (o: KubeObject) => {
    defaultPodSpec(at(o, path));
    if (strategy) defaultStrategy(o, strategy[0], strategy[1]);
  };
  return {
    prepareCreate: apply,
    prepareUpdate: apply,
    validate: (o: KubeObject) => [
      ...(rule ? validateWorkload(o, rule) : []),
      ...validatePodSpec(at(o, path) ?? {}, path.join(".")),
      ...(kind === "apps/Deployment" ? validateRollingUpdate(o) : []),
    ],
  };
};

function cronJobHooks() {
  const hooks = templated(["spec", "jobTemplate", "spec", "template", "spec"]);
  return {
    ...hooks,
    validate: (o: KubeObject, old?: KubeObject) => [
      ...validateCronJob(o, old),
      ...hooks.validate(o),
    ],
  };
}

/**
 * Upstream's defaults of a Job's spec, on create and update alike. They are the Job's own: a
 * CronJob's jobTemplate keeps what its author wrote (upstream defaults the Job made from it).
 */
function jobSpecDefaults(spec: Obj) {
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  } else if (spec.parallelism == null) spec.parallelism = 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy != null ? "Failed" : "TerminatingOrFailed";
}

function jobDefaults(o: KubeObject) {
  const meta = o.metadata!;
  const spec = obj(o.spec);
  if (!spec) return;
  jobSpecDefaults(spec);
  if (spec.manualSelector !== true) {
    const uid = String(meta.uid);
    const name = String(meta.name);
    const template = fieldObject(spec, "template");
    const tmeta = template && fieldObject(template, "metadata");
    if (tmeta) {
      tmeta.labels = {
        ...(obj(tmeta.labels) ?? {}),
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
      };
    }
    spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
  }
  // Upstream: a Job without labels takes its pod template's labels.
  const tlabels = obj(obj(obj(spec.template)?.metadata)?.labels);
  if (!obj(meta.labels) || Object.keys(obj(meta.labels)!).length === 0) {
    if (tlabels) meta.labels = { ...tlabels };
  }
  defaultPodSpec(at(o, ["spec", "template", "spec"]));
}

const JOB_POD = ["spec", "template", "spec"];

/** A claim's storage request within its namespace's LimitRanges, or 403. */
function admitClaim(pvc: KubeObject, objects: ObjectLookup): void {
  const namespace = String(pvc.metadata?.namespace ?? "");
  const errors = admitClaimLimits(pvc, objects.list(`core/limitranges/${namespace}`));
  if (!errors.length) return;
  const name = String(pvc.metadata?.name ?? "");
  throw forbidden(
    `persistentvolumeclaims "${name}" is forbidden: ${aggregate(errors)}`,
    { group: "", resource: "persistentvolumeclaims", name },
  );
}

export function workloadHooks(objects: ObjectLookup): HookTable {
  return withImmutableFields({
    "/Pod": {
      async prepareCreate(o) {
        defaultPodSpec(obj(o.spec));
        await admitNewPod(o, objects);
        const spec = obj(o.spec);
        if (spec && spec.serviceAccountName !== undefined && spec.serviceAccount === undefined) {
          spec.serviceAccount = spec.serviceAccountName;
        }
        o.status = { phase: "Pending", qosClass: qosClass(spec) };
      },
      prepareUpdate(o, old) {
        defaultPodSpec(obj(o.spec));
        admitNewEphemeralContainers(o, old);
      },
      validate: validatePod,
    },
    "/LimitRange": {
      prepareCreate: defaultLimitRange,
      prepareUpdate: defaultLimitRange,
      validate: validateLimitRange,
    },
    "/PersistentVolumeClaim": {
      prepareCreate(o) {
        defaultStorageClass(o, objects);
        admitClaim(o, objects);
      },
      prepareUpdate: (o) => admitClaim(o, objects),
      validate: validateClaim,
    },
    "/PersistentVolume": { validate: validateVolume },
    "storage.k8s.io/VolumeAttributesClass": { validate: validateVolumeAttributesClass },
    "storage.k8s.io/CSIStorageCapacity": { validate: validateStorageCapacity },
    "node.k8s.io/RuntimeClass": { validate: validateRuntimeClass },
    "networking.k8s.io/Ingress": { prepareCreate: (o) => defaultIngressClass(o, objects) },
    "/PodTemplate": templated(["template", "spec"]),
    "/ReplicationController": templated(["spec", "template", "spec"], "/ReplicationController"),
    "apps/Deployment": templated(["spec", "template", "spec"], "apps/Deployment"),
    "apps/ReplicaSet": templated(["spec", "template", "spec"], "apps/ReplicaSet"),
    "apps/StatefulSet": templated(["spec", "template", "spec"], "apps/StatefulSet"),
    "apps/DaemonSet": templated(["spec", "template", "spec"], "apps/DaemonSet"),
    "batch/CronJob": cronJobHooks(),
    "batch/Job": {
      validate: (o) => [
        ...validateJob(o),
        ...validatePodSpec(at(o, JOB_POD) ?? {}, JOB_POD.join(".")),
      ],
      prepareCreate: jobDefaults,
      prepareUpdate(o) {
        const spec = obj(o.spec);
        if (spec) jobSpecDefaults(spec);
        defaultPodSpec(at(o, ["spec", "template", "spec"]));
      },
    },
  });
}

/** Adds each kind's immutable-field rules (immutable.ts) to its validation on update. */
function withImmutableFields(table: HookTable): HookTable {
  for (const [kind, rule] of Object.entries(IMMUTABLE_RULES)) {
    const hooks = table[kind] ??= {};
    const validate = hooks.validate;
    hooks.validate = (o, old, subresource) => [
      ...(validate?.(o, old, subresource) ?? []),
      ...(old ? validateImmutable(o, old, rule) : []),
    ];
  }
  return table;
}

function qosClass(spec: Obj | undefined): string {
  const containers = [...items(spec?.containers), ...items(spec?.initContainers)];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = obj(c.resources) ?? {};
    const req = obj(res.requests) ?? {};
    const lim = obj(res.limits) ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ["cpu", "memory"]) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (guaranteed && anySet) return "Guaranteed";
  return anySet ? "Burstable" : "BestEffort";
}
