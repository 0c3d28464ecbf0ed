/**
 * The kinds with behaviour of their own beyond the schema: what upstream's strategies and
 * admission do on create and update that kubectl users see. Those of the cluster's fabric are
 * here (a Secret's stringData, a Namespace's phase and finalizer, PriorityClasses, a Service's
 * addresses in services.ts); those of pods and what makes or holds them are in
 * workload_hooks.ts, loaded on the first write of such a kind.
 */
import type { HookTable } from "../registry/builtin.ts";
import type { KubeObject, ObjectLookup, ResourceHooks } from "../registry/types.ts";
import { forbidden as fieldForbidden, invalid } from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import { type ServiceAllocators, serviceHooks } from "./services.ts";
import { validateConfigMap, validateSecret } from "./config_data.ts";
import { fieldObject, obj } from "./shape.ts";

function b64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function foldStringData(o: KubeObject) {
  const sd = obj(o.stringData);
  if (!sd) return;
  const data = obj(o.data) ?? {};
  for (const [k, v] of Object.entries(sd)) data[k] = b64(String(v));
  o.data = data;
  delete o.stringData;
}

/** The kinds whose hooks workload_hooks.ts makes (workload_hooks_test.ts checks the list). */
export const WORKLOAD_KINDS = [
  "/Pod",
  "/PodTemplate",
  "/ReplicationController",
  "apps/Deployment",
  "apps/ReplicaSet",
  "apps/StatefulSet",
  "apps/DaemonSet",
  "batch/Job",
  "batch/CronJob",
  "/PersistentVolumeClaim",
  "/PersistentVolume",
  "storage.k8s.io/VolumeAttributesClass",
  "storage.k8s.io/CSIStorageCapacity",
  "node.k8s.io/RuntimeClass",
  "/LimitRange",
  "networking.k8s.io/Ingress",
  "/Node",
];

/** The kinds whose hooks cluster_hooks.ts makes (cluster_hooks_test.ts checks the list). */
export const CLUSTER_KINDS = [
  "certificates.k8s.io/CertificateSigningRequest",
  "flowcontrol.apiserver.k8s.io/FlowSchema",
  "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
  "apiregistration.k8s.io/APIService",
];

/**
 * The hooks of `kind` from a table loaded on first use. A write prepares before it validates,
 * so the prepare hooks load the table and validation (and a status write's rules, and the
 * warnings) find it there. Nothing is given back after writes or deletes: the lazily loaded
 * kinds hold nothing (workload_hooks_test.ts checks), so those take no extra turns for it.
 */
function lazyHooks(kind: string, load: () => Promise<HookTable>): ResourceHooks {
  let hooks: ResourceHooks | undefined;
  const get = async () => hooks ??= (await load())[kind] ?? {};
  const loaded = () => {
    if (!hooks) throw new Error(`the rules of ${kind} were used before they were loaded`);
    return hooks;
  };
  return {
    prepareCreate: async (o, ctx) => await (await get()).prepareCreate?.(o, ctx),
    prepareUpdate: async (o, old, ctx) => await (await get()).prepareUpdate?.(o, old, ctx),
    validate: (o, old, subresource) => loaded().validate?.(o, old, subresource) ?? [],
    validateStatus: (o, old) => loaded().validateStatus?.(o, old) ?? [],
    warnings: (o) => loaded().warnings?.(o) ?? [],
  };
}

export function builtinHooks(services: ServiceAllocators, objects: ObjectLookup): HookTable {
  let workloads: Promise<HookTable> | undefined;
  const load = () =>
    workloads ??= import("./workload_hooks.ts").then((m) => m.workloadHooks(objects));
  const table: HookTable = {
    ...admissionConfiguration(),
    "scheduling.k8s.io/PriorityClass": {
      validate: (o, old) => validatePriorityClass(o, old, objects),
    },
    "/Secret": {
      prepareCreate: foldStringData,
      prepareUpdate: foldStringData,
      validate: validateSecret,
    },
    "/ConfigMap": { validate: validateConfigMap },
    "/Namespace": {
      prepareCreate(o) {
        const meta = o.metadata!;
        meta.labels = {
          ...(obj(meta.labels) ?? {}),
          "kubernetes.io/metadata.name": String(meta.name),
        };
        // The `kubernetes` finalizer is added to whatever else the namespace asks for.
        const spec = fieldObject(o, "spec");
        if (!spec) return;
        const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
        spec.finalizers = finalizers.includes("kubernetes")
          ? finalizers
          : [...finalizers, "kubernetes"];
        o.status = { phase: "Active" };
      },
      prepareUpdate(o) {
        const meta = o.metadata!;
        meta.labels = {
          ...(obj(meta.labels) ?? {}),
          "kubernetes.io/metadata.name": String(meta.name),
        };
      },
    },
    "/Service": serviceHooks(services),
  };
  for (const kind of WORKLOAD_KINDS) table[kind] = lazyHooks(kind, load);
  let cluster: Promise<HookTable> | undefined;
  const loadCluster = () => cluster ??= import("./cluster_hooks.ts").then((m) => m.clusterHooks());
  for (const kind of CLUSTER_KINDS) table[kind] = lazyHooks(kind, loadCluster);
  return table;
}

/**
 * Admission configuration: webhooks kno stores but does not call yet (each write answers with a
 * Warning, so that nobody takes one for enforced when it is not), and policies, whose
 * expressions are checked here and evaluated on writes (server/admission).
 */
function admissionConfiguration(): HookTable {
  const warn = (what: string) => ({
    warnings: () => [`kno does not ${what} yet: this configuration is stored, not enforced`],
  });
  const group = "admissionregistration.k8s.io";
  return {
    [`${group}/ValidatingWebhookConfiguration`]: warn("call admission webhooks"),
    [`${group}/MutatingWebhookConfiguration`]: warn("call admission webhooks"),
    [`${group}/ValidatingAdmissionPolicy`]: policyHooks(),
  };
}

/** A ValidatingAdmissionPolicy's expressions must compile (the CEL engine loads with them). */
function policyHooks(): ResourceHooks {
  let policies: typeof import("../admission/validating_policies.ts") | undefined;
  const load = async () => {
    policies ??= await import("../admission/validating_policies.ts");
    await (await import("../../api/schema/rules.ts")).loadRuleEngine();
  };
  return {
    prepareCreate: load,
    prepareUpdate: load,
    validate: (o, _old, subresource) =>
      subresource === "status" ? [] : policies?.policyCompileCauses(o) ?? [],
  };
}

/** The PriorityClasses every cluster has, made at start-up as upstream's apiserver does. */
export const SYSTEM_PRIORITY_CLASSES = [
  {
    name: "system-node-critical",
    value: 2000001000,
    description: "For pods a node cannot do without: never moved off their node.",
  },
  {
    name: "system-cluster-critical",
    value: 2000000000,
    description: "For pods the cluster cannot do without: they may move to another node.",
  },
];

/** The largest priority a user's PriorityClass may have; higher ones are the system's. */
const MAX_USER_PRIORITY = 1_000_000_000;

/**
 * A PriorityClass: `system-` names and values above a billion are the system's own; one class
 * at most is the global default; value and preemption policy never change.
 */
export function validatePriorityClass(
  pc: KubeObject,
  old: KubeObject | undefined,
  lookup: ObjectLookup,
): StatusCause[] {
  const name = String(pc.metadata?.name ?? "");
  const system = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  const causes: StatusCause[] = [];
  if (!old) {
    if (name.startsWith("system-") && !system) {
      causes.push(
        invalid(
          "metadata.name",
          name,
          "priority class names with 'system-' prefix are reserved for system use only",
        ),
      );
    }
    if (!system && typeof pc.value === "number" && pc.value > MAX_USER_PRIORITY) {
      causes.push(
        fieldForbidden(
          "value",
          `maximum allowed value of a user defined priority is ${MAX_USER_PRIORITY}`,
        ),
      );
    }
  } else {
    if (pc.value !== old.value) {
      causes.push(fieldForbidden("value", "may not be changed in an update."));
    }
    if (
      (pc.preemptionPolicy ?? "PreemptLowerPriority") !==
        (old.preemptionPolicy ?? "PreemptLowerPriority")
    ) {
      causes.push(fieldForbidden("preemptionPolicy", "may not be changed in an update."));
    }
  }
  if (pc.globalDefault === true) {
    const other = lookup.list("scheduling.k8s.io/priorityclasses").find((c) =>
      c.globalDefault === true && c.metadata?.name !== name
    );
    if (other) {
      causes.push(
        invalid(
          "globalDefault",
          true,
          `PriorityClass ${
            String(other.metadata?.name)
          } is already marked as default. Only one default can exist`,
        ),
      );
    }
  }
  return causes;
}
