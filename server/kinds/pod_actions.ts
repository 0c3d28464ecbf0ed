/**
 * The pod subresources that act on the pod rather than store a body: `pods/binding` (the
 * scheduler's write: the pod gets the node a Binding names, once) and `pods/eviction`
 * (`kubectl drain`: the pod is deleted if its PodDisruptionBudget allows one more disruption,
 * which the eviction then uses up). Checks, messages and codes as upstream's BindingREST and
 * EvictionREST.
 */
import { fromLabelSelectorObject, matchesLabels } from "../../api/labels.ts";
import { notSupported, required } from "../../api/schema/field_errors.ts";
import {
  ApiError,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  type StatusCause,
} from "../../api/status.ts";
import { rfc3339Seconds } from "../../api/time.ts";
import type { KubeObject, ResourceType, VirtualContext } from "../registry/types.ts";
import type { InternalClient } from "../rest/internal.ts";
import { checkPreconditions, type DeleteOptions } from "../rest/delete.ts";
import { type Obj, obj } from "./shape.ts";

/** Upstream's bound on pods evicted but not yet seen gone by the disruption controller. */
const MAX_DISRUPTED_PODS = 2000;
const EVICTION_RETRIES = 5;

/** What a create of an action subresource answers: Success, 201. */
function created(): KubeObject {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };
}

/**
 * The body must name the URL's pod (and namespace, when it names one). Returns the pod's name: a
 * Binding posted to the `bindings` collection names it in the body alone.
 */
function checkTarget(body: KubeObject, ctx: VirtualContext, kind: string): string {
  const meta = body.metadata ?? {};
  if (!ctx.name && kind === "Binding" && typeof meta.name === "string" && meta.name) {
    checkNamespace(meta, ctx);
    return meta.name;
  }
  if (meta.name !== ctx.name) {
    throw badRequest(`name in URL does not match name in ${kind} object`);
  }
  checkNamespace(meta, ctx);
  return ctx.name;
}

function checkNamespace(meta: Obj, ctx: VirtualContext): void {
  if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== ctx.namespace) {
    throw badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
}

/** Sets a pod condition as upstream's UpdatePodCondition: the transition time moves on change. */
function setCondition(pod: KubeObject, condition: Obj, now: Date): void {
  const status = (pod.status ??= {}) as Obj;
  const conditions = Array.isArray(status.conditions) ? status.conditions as Obj[] : [];
  const at = conditions.findIndex((c) => c.type === condition.type);
  const old = at < 0 ? undefined : conditions[at]!;
  const next: Obj = {
    ...condition,
    lastTransitionTime: old && old.status === condition.status
      ? old.lastTransitionTime
      : rfc3339Seconds(now),
  };
  if (at < 0) conditions.push(next);
  else conditions[at] = next;
  status.conditions = conditions;
}

/** `pods/binding`: assigns the pod to the Binding's node, once. */
export async function bindPod(
  client: InternalClient,
  pods: ResourceType,
  binding: KubeObject,
  ctx: VirtualContext,
): Promise<KubeObject> {
  const name = checkTarget(binding, ctx, "Binding");
  const target = obj(binding.target) ?? {};
  const causes: StatusCause[] = [];
  if (target.kind !== undefined && target.kind !== "" && target.kind !== "Node") {
    causes.push(notSupported("target.kind", target.kind, ["Node", "<empty>"]));
  }
  if (typeof target.name !== "string" || target.name === "") causes.push(required("target.name"));
  if (causes.length) throw invalid("Binding", "", name, causes);
  const meta = binding.metadata ?? {};
  const annotations = obj(meta.annotations) ?? {};
  const ref = { group: "", resource: "pods/binding", name };
  await client.update(
    pods,
    ctx.namespace,
    name,
    (pod) => {
      checkPreconditions(pod, { uid: meta.uid, resourceVersion: meta.resourceVersion }, ref);
      const spec = (pod.spec ??= {}) as Obj;
      if (pod.metadata?.deletionTimestamp) {
        throw conflict(ref, `pod ${name} is being deleted, cannot be assigned to a host`);
      }
      if (spec.nodeName) {
        throw conflict(
          ref,
          `pod ${name} is already assigned to node ${JSON.stringify(spec.nodeName)}`,
        );
      }
      if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length) {
        throw conflict(ref, `pod ${name} has non-empty .spec.schedulingGates`);
      }
      spec.nodeName = target.name;
      const podMeta = pod.metadata!;
      if (Object.keys(annotations).length) {
        podMeta.annotations = { ...(obj(podMeta.annotations) ?? {}), ...annotations };
      }
      setCondition(pod, { type: "PodScheduled", status: "True" }, ctx.now);
    },
    "binding",
    { dryRun: ctx.dryRun, keepManagedFields: true },
  );
  return created();
}

/** The eviction's DeleteOptions, merged with the request's dryRun. */
function deleteOptionsOf(eviction: KubeObject, dryRun: boolean): DeleteOptions {
  const o = obj(eviction.deleteOptions) ?? {};
  const opts: DeleteOptions = {};
  if (typeof o.gracePeriodSeconds === "number") opts.gracePeriodSeconds = o.gracePeriodSeconds;
  if (typeof o.propagationPolicy === "string") opts.propagationPolicy = o.propagationPolicy;
  const pre = obj(o.preconditions);
  if (pre) opts.preconditions = pre as DeleteOptions["preconditions"] & object;
  const bodyDryRun = Array.isArray(o.dryRun) && o.dryRun.includes("All");
  if (dryRun || bodyDryRun) opts.dryRun = true;
  return opts;
}

/** Terminal and pending pods, and those already going, are evicted without asking a budget. */
function canIgnoreBudget(pod: KubeObject): boolean {
  const phase = obj(pod.status)?.phase;
  return phase === "Succeeded" || phase === "Failed" || phase === "Pending" ||
    Boolean(pod.metadata?.deletionTimestamp);
}

function isReady(pod: KubeObject): boolean {
  const conditions = obj(pod.status)?.conditions;
  return Array.isArray(conditions) &&
    conditions.some((c) => obj(c)?.type === "Ready" && obj(c)?.status === "True");
}

/** The budgets whose (valid, non-empty) selector selects the pod. */
function budgetsOf(client: InternalClient, pdbs: ResourceType, pod: KubeObject): KubeObject[] {
  const labels = (obj(pod.metadata?.labels) ?? {}) as Record<string, string>;
  return client.list(pdbs, String(pod.metadata?.namespace ?? "")).map((e) => e.obj).filter(
    (pdb) => {
      const selector = obj(obj(pdb.spec)?.selector);
      if (!selector) return false;
      try {
        const reqs = fromLabelSelectorObject(selector);
        return reqs.length > 0 && matchesLabels(reqs, labels);
      } catch {
        return false; // an invalid selector selects nothing
      }
    },
  );
}

function budgetRefused(detail: string, retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    "TooManyRequests",
    "Cannot evict pod as it would violate the pod's disruption budget.",
    {
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
      causes: [{ type: "DisruptionBudget", message: detail }],
    },
  );
}

/** Uses up one allowed disruption of `pdb` for `podName` (writes nothing on a dry run). */
async function takeDisruption(
  client: InternalClient,
  pdbs: ResourceType,
  pdb: KubeObject,
  podName: string,
  ctx: { now: Date; dryRun: boolean },
): Promise<void> {
  const name = String(pdb.metadata?.name);
  const check = (current: KubeObject): Obj => {
    const status = obj(current.status) ?? {};
    const observed = Number(status.observedGeneration ?? 0);
    if (observed < Number(current.metadata?.generation ?? 0)) {
      throw budgetRefused(
        `The disruption budget ${name} is still being processed by the server.`,
        10,
      );
    }
    const allowed = Number(status.disruptionsAllowed ?? 0);
    const ref = { group: "policy", resource: "poddisruptionbudget", name };
    if (allowed < 0) {
      throw forbidden(
        `poddisruptionbudget.policy "${name}" is forbidden: pdb disruptions allowed is negative`,
        ref,
      );
    }
    if (Object.keys(obj(status.disruptedPods) ?? {}).length > MAX_DISRUPTED_PODS) {
      throw forbidden(
        `poddisruptionbudget.policy "${name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`,
        ref,
      );
    }
    if (allowed === 0) {
      throw budgetRefused(
        `The disruption budget ${name} needs ${
          Number(status.desiredHealthy ?? 0)
        } healthy pods and has ${Number(status.currentHealthy ?? 0)} currently`,
        0,
      );
    }
    return status;
  };
  if (ctx.dryRun) {
    check(pdb);
    return;
  }
  await client.update(pdbs, String(pdb.metadata?.namespace), name, (current) => {
    const status = check(current);
    status.disruptionsAllowed = Number(status.disruptionsAllowed) - 1;
    if (status.disruptionsAllowed === 0) {
      setCondition(current, {
        type: "DisruptionAllowed",
        status: "False",
        reason: "InsufficientPods",
        message: "",
        observedGeneration: status.observedGeneration ?? 0,
      }, ctx.now);
    }
    status.disruptedPods = {
      ...(obj(status.disruptedPods) ?? {}),
      [podName]: rfc3339Seconds(ctx.now),
    };
    current.status = status;
  }, "status");
}

/** Marks the pod as disrupted (DisruptionTarget) and deletes it with the eviction's options. */
async function markAndDelete(
  client: InternalClient,
  pods: ResourceType,
  ctx: VirtualContext,
  opts: DeleteOptions,
): Promise<void> {
  const ref = { group: "", resource: "pods", name: ctx.name };
  if (!opts.dryRun) {
    await client.update(
      pods,
      ctx.namespace,
      ctx.name,
      (pod) => {
        checkPreconditions(pod, opts.preconditions ?? {}, ref);
        setCondition(pod, {
          type: "DisruptionTarget",
          status: "True",
          reason: "EvictionByEvictionAPI",
          message: "Eviction API: evicting",
        }, ctx.now);
      },
      "status",
      { keepManagedFields: true },
    );
  }
  const entry = await client.get(pods, ctx.namespace, ctx.name);
  if (!entry) throw notFound(ref);
  // The condition write moved the resourceVersion a client's precondition named.
  const preconditions = opts.preconditions?.resourceVersion
    ? { ...opts.preconditions, resourceVersion: String(entry.obj.metadata?.resourceVersion) }
    : opts.preconditions;
  await client.delete(pods, entry, { ...opts, ...(preconditions ? { preconditions } : {}) });
}

/** `pods/eviction`: deletes the pod unless its disruption budget forbids it. */
export async function evictPod(
  client: InternalClient,
  pods: ResourceType,
  pdbs: ResourceType,
  eviction: KubeObject,
  ctx: VirtualContext,
): Promise<KubeObject> {
  checkTarget(eviction, ctx, "Eviction");
  const opts = deleteOptionsOf(eviction, ctx.dryRun);
  const ref = { group: "", resource: "pods", name: ctx.name };
  // Conflicts (the pod changed meanwhile) are retried, unless the client named a version.
  const retries = opts.preconditions?.resourceVersion ? 0 : EVICTION_RETRIES;
  for (let attempt = 0;; attempt++) {
    try {
      const entry = await client.get(pods, ctx.namespace, ctx.name);
      if (!entry) throw notFound(ref);
      const pod = entry.obj;
      if (!canIgnoreBudget(pod)) {
        const budgets = budgetsOf(client, pdbs, pod);
        if (budgets.length > 1) {
          throw new ApiError(
            500,
            "InternalError",
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
          );
        }
        const pdb = budgets[0];
        if (pdb) {
          const status = obj(pdb.status) ?? {};
          const spareHealthy = Number(status.currentHealthy ?? 0) >=
              Number(status.desiredHealthy ?? 0) && Number(status.desiredHealthy ?? 0) > 0;
          const alwaysAllow = obj(pdb.spec)?.unhealthyPodEvictionPolicy === "AlwaysAllow";
          if (isReady(pod) || !(spareHealthy || alwaysAllow)) {
            await takeDisruption(client, pdbs, pdb, ctx.name, {
              now: ctx.now,
              dryRun: opts.dryRun === true,
            });
          }
        }
      }
      await markAndDelete(client, pods, ctx, opts);
      return created();
    } catch (e) {
      if (!(e instanceof ApiError) || e.reason !== "Conflict" || attempt >= retries) throw e;
    }
  }
}
