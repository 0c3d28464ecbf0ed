/**
 * The admission a new pod passes through upstream (and in k3s) before it is stored, for what the
 * kubelet and scheduler of later issues rely on:
 * - ServiceAccount: the pod runs as an account that exists (`default` unless named; a new
 *   namespace's `default` is waited for briefly, as upstream retries it), and, unless the pod
 *   or the account opts out, every container mounts a projected `kube-api-access-<suffix>`
 *   volume at /var/run/secrets/kubernetes.io/serviceaccount: a bound token, the cluster CA
 *   (kube-root-ca.crt) and the namespace, which is how in-cluster clients find the API.
 * - DefaultTolerationSeconds: tolerate `not-ready` and `unreachable` nodes for 300 s.
 * - Priority: the pod's priority and preemption policy come from its PriorityClass (or the
 *   global default class, else 0); a class that does not exist is refused.
 * - LimitRanger: the namespace's LimitRanges give containers default requests and limits and
 *   bound them (limit_ranges.ts).
 * Refusals are 403 Forbidden with upstream's messages.
 */
import { forbidden } from "../../api/status.ts";
import type { KubeObject, ObjectLookup } from "../registry/types.ts";
import { generateSuffix } from "../rest/meta.ts";
import { MIRROR_ANNOTATION } from "./pods.ts";
import { admitPodLimits, aggregate } from "./limit_ranges.ts";
import { fieldObject, items, type Obj, obj } from "./shape.ts";
import { admitRuntimeClass } from "./runtime_classes.ts";

export const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const TOKEN_VOLUME_PREFIX = "kube-api-access-";
/** A bound token's lifetime as upstream projects it (an hour, plus seven seconds to tell). */
const TOKEN_SECONDS = 3607;
const DEFAULT_ACCOUNT_WAIT_MS = 2_000;

function podForbidden(pod: KubeObject, why: string) {
  const name = String(pod.metadata?.name ?? "");
  return forbidden(`pods "${name}" is forbidden: ${why}`, { group: "", resource: "pods", name });
}

async function serviceAccount(
  lookup: ObjectLookup,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  const found = lookup.get("core/serviceaccounts", namespace, name);
  if (found || name !== "default") return found;
  // A namespace's `default` account is made just after the namespace: wait for it a little.
  const deadline = Date.now() + DEFAULT_ACCOUNT_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const sa = lookup.get("core/serviceaccounts", namespace, name);
    if (sa) return sa;
  }
  return undefined;
}

/** The projected volume upstream mounts for a service account. */
export function tokenVolumeSource(): Obj {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_SECONDS, path: "token" } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
      {
        downwardAPI: {
          items: [{
            path: "namespace",
            fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" },
          }],
        },
      },
    ],
  };
}

/** Mounts the token volume into every container of `lists` that has nothing at its path. */
function mountToken(spec: Obj, lists: string[], volume: string): boolean {
  let mounted = false;
  for (const field of lists) {
    const list = spec[field];
    for (const c of (Array.isArray(list) ? list : []).map(obj)) {
      if (!c) continue; // not a container: schema validation refuses it afterwards
      const mounts = items(c.volumeMounts);
      if (mounts.some((m) => m.mountPath === TOKEN_MOUNT_PATH)) continue;
      const own = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
      c.volumeMounts = [...own, { name: volume, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      mounted = true;
    }
  }
  return mounted;
}

function tokenVolumeName(spec: Obj): string | undefined {
  const v = items(spec.volumes).find((v) => String(v.name ?? "").startsWith(TOKEN_VOLUME_PREFIX));
  return v ? String(v.name) : undefined;
}

async function admitServiceAccount(pod: KubeObject, spec: Obj, lookup: ObjectLookup) {
  if (obj(pod.metadata?.annotations)?.[MIRROR_ANNOTATION] !== undefined) return;
  const namespace = String(pod.metadata?.namespace ?? "");
  const name = String(spec.serviceAccountName ?? "default");
  const sa = await serviceAccount(lookup, namespace, name);
  if (!sa) {
    throw podForbidden(
      pod,
      `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`,
    );
  }
  const automount = typeof spec.automountServiceAccountToken === "boolean"
    ? spec.automountServiceAccountToken
    : typeof sa.automountServiceAccountToken === "boolean"
    ? sa.automountServiceAccountToken
    : true;
  if (!automount) return;
  const existing = tokenVolumeName(spec);
  const volume = existing ?? TOKEN_VOLUME_PREFIX + generateSuffix();
  const lists = ["initContainers", "containers", "ephemeralContainers"];
  if (mountToken(spec, lists, volume) && !existing) {
    const own = Array.isArray(spec.volumes) ? spec.volumes : [];
    spec.volumes = [...own, { name: volume, projected: tokenVolumeSource() }];
  }
}

const NODE_TOLERATIONS = ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];

function admitTolerations(spec: Obj) {
  const own = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const added = NODE_TOLERATIONS.filter((key) =>
    !own.some((t) => {
      const o = obj(t);
      return o && (o.key === key || !o.key) && (o.effect === "NoExecute" || !o.effect);
    })
  ).map((key) => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }));
  // Appended to what the pod sent, as it sent it (schema validation judges that afterwards).
  spec.tolerations = [...own, ...added];
}

function admitPriority(pod: KubeObject, spec: Obj, lookup: ObjectLookup) {
  const wanted = typeof spec.priorityClassName === "string" ? spec.priorityClassName : "";
  let cls: KubeObject | undefined;
  if (wanted) {
    cls = lookup.get("scheduling.k8s.io/priorityclasses", "", wanted);
    if (!cls) throw podForbidden(pod, `no PriorityClass with name ${wanted} was found`);
  } else {
    cls = lookup.list("scheduling.k8s.io/priorityclasses").find((c) => c.globalDefault === true);
  }
  const value = cls ? Number(cls.value ?? 0) : 0;
  const policy = String(cls?.preemptionPolicy ?? "PreemptLowerPriority");
  if (typeof spec.priority === "number" && spec.priority !== value) {
    throw podForbidden(
      pod,
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
    );
  }
  if (typeof spec.preemptionPolicy === "string" && spec.preemptionPolicy !== policy) {
    throw podForbidden(
      pod,
      `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
    );
  }
  if (cls && !wanted) spec.priorityClassName = cls.metadata?.name;
  spec.priority = value;
  spec.preemptionPolicy = policy;
}

/** Admits a new pod (mutating it) or throws 403. */
export async function admitNewPod(pod: KubeObject, lookup: ObjectLookup): Promise<void> {
  const spec = fieldObject(pod, "spec");
  if (!spec) return;
  spec.serviceAccountName ??= "default";
  await admitServiceAccount(pod, spec, lookup);
  admitTolerations(spec);
  admitPriority(pod, spec, lookup);
  const rejected = admitRuntimeClass(spec, lookup);
  if (rejected) throw podForbidden(pod, rejected);
  const namespace = String(pod.metadata?.namespace ?? "");
  const errors = admitPodLimits(pod, lookup.list(`core/limitranges/${namespace}`));
  if (errors.length) throw podForbidden(pod, aggregate(errors));
}

/** Ephemeral containers added to a pod with a token volume mount it too, as the others do. */
export function admitNewEphemeralContainers(pod: KubeObject, old: KubeObject): void {
  const spec = obj(pod.spec);
  const volume = spec && tokenVolumeName(spec);
  if (!spec || !volume) return;
  const before = new Set(items(obj(old.spec)?.ephemeralContainers).map((c) => c.name));
  const added = items(spec.ephemeralContainers).filter((c) => !before.has(c.name));
  mountToken({ added }, ["added"], volume);
}
