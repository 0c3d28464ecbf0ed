/**
 * RuntimeClasses (node.k8s.io/v1): which container runtime handler a pod runs under (k3s makes
 * one per runtime it finds, e.g. crun or nvidia). Their rules, and upstream's RuntimeClass
 * admission of new pods: the named class must exist, its fixed overhead becomes the pod's, and
 * its node selector and tolerations join the pod's, so that the scheduler places the pod only
 * where that runtime is.
 */
import { isDns1123Label, validateLabels } from "../../api/names.ts";
import { jsonEqual } from "../../api/patch/json.ts";
import { nanos } from "../../api/quantity.ts";
import { invalid, required } from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import type { KubeObject, ObjectLookup } from "../registry/types.ts";
import { type Obj, obj } from "./shape.ts";

export function validateRuntimeClass(rc: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  const handler = rc.handler;
  if (typeof handler !== "string" || handler === "") out.push(required("handler"));
  else {
    for (const msg of isDns1123Label(handler)) out.push(invalid("handler", handler, msg));
  }
  const fixed = obj(obj(rc.overhead)?.podFixed) ?? {};
  for (const [name, q] of Object.entries(fixed)) {
    const n = nanos(q);
    if (n !== undefined && n < 0n) {
      out.push(invalid(`overhead.podFixed[${name}]`, q, "must be greater than or equal to 0"));
    }
  }
  const selector = obj(rc.scheduling)?.nodeSelector;
  if (selector !== undefined) out.push(...validateLabels(selector, "scheduling.nodeSelector"));
  return out;
}

/**
 * Applies a new pod's RuntimeClass to its spec; returns why the pod is rejected when the class is
 * missing or contradicts the pod (overhead, node selector), as upstream words it.
 */
export function admitRuntimeClass(spec: Obj, lookup: ObjectLookup): string | undefined {
  const name = spec.runtimeClassName;
  const rc = typeof name === "string" && name !== ""
    ? lookup.get("node.k8s.io/runtimeclasses", "", name)
    : undefined;
  if (typeof name === "string" && name !== "" && !rc) {
    return `pod rejected: RuntimeClass "${name}" not found`;
  }
  const fixed = obj(obj(rc?.overhead)?.podFixed);
  if (fixed) {
    if (spec.overhead !== undefined && !jsonEqual(spec.overhead, fixed)) {
      return "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";
    }
    spec.overhead = structuredClone(fixed);
  } else if (spec.overhead !== undefined && spec.overhead !== null) {
    return "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead";
  }
  const scheduling = obj(rc?.scheduling);
  if (!scheduling) return undefined;
  const wanted = obj(scheduling.nodeSelector) ?? {};
  if (Object.keys(wanted).length) {
    const selector = { ...(obj(spec.nodeSelector) ?? {}) };
    for (const [key, value] of Object.entries(wanted)) {
      const existing = selector[key];
      if (existing !== undefined && existing !== value) {
        return `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${existing}`;
      }
      selector[key] = value;
    }
    spec.nodeSelector = selector;
  }
  const own = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const extra = Array.isArray(scheduling.tolerations) ? scheduling.tolerations : [];
  const added = extra.filter((t) => !own.some((o) => jsonEqual(o, t)));
  if (added.length) spec.tolerations = [...own, ...structuredClone(added)];
  return undefined;
}
