/**
 * delete and deletecollection: DeleteOptions (body or query), preconditions, finalizers and
 * graceful deletion. An object with finalizers (or a pod bound to a node, which its kubelet must
 * stop) gets a deletionTimestamp and stays until they are gone.
 */
import { admitByPolicies } from "../admission/policy_gate.ts";
import { badRequest, conflict } from "../../api/status.ts";
import { apiVersionOf, type KubeObject } from "../registry/types.ts";
import type { Entry } from "../storage/cache.ts";
import { asObject, decodeBytes, mediaType, readBytes } from "./body.ts";
import { type Call, isDryRun, refOf, type RestServices } from "./context.ts";
import { clone, pendingFinalizers } from "./meta.ts";
import { rfc3339Seconds } from "../../api/time.ts";
import { getObject, listPage, parseFilter, respondJson, viewObject } from "./read.ts";
import { retryLostRaces } from "./retry.ts";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  /** `dryRun: ["All"]` in the body (kubectl sends it there) or the query. */
  dryRun?: boolean;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export async function readDeleteOptions(call: Call): Promise<DeleteOptions> {
  const opts: DeleteOptions = {};
  const bytes = await readBytes(call.req);
  if (bytes.byteLength) {
    const type = mediaType(call.req) || "application/json";
    const format = type === "application/vnd.kubernetes.protobuf"
      ? "protobuf"
      : type === "application/yaml"
      ? "yaml"
      : "json";
    const body = asObject(await decodeBytes(bytes, format, call.t.resolver));
    if (body.kind !== undefined && body.kind !== "DeleteOptions") {
      throw badRequest(`expected DeleteOptions, got ${String(body.kind)}`);
    }
    if (body.gracePeriodSeconds !== undefined) {
      opts.gracePeriodSeconds = Number(body.gracePeriodSeconds);
    }
    if (typeof body.propagationPolicy === "string") opts.propagationPolicy = body.propagationPolicy;
    if (body.preconditions && typeof body.preconditions === "object") {
      opts.preconditions = body.preconditions as DeleteOptions["preconditions"] & object;
    }
    if (body.dryRun !== undefined && body.dryRun !== null) {
      if (!Array.isArray(body.dryRun) || body.dryRun.some((v) => v !== "All")) {
        throw badRequest(`dryRun must be ["All"], not ${JSON.stringify(body.dryRun)}`);
      }
      opts.dryRun = body.dryRun.length > 0;
    }
  }
  const g = call.query.int("gracePeriodSeconds");
  if (g !== undefined) opts.gracePeriodSeconds = g;
  const p = call.query.get("propagationPolicy");
  if (p) opts.propagationPolicy = p;
  if (
    opts.propagationPolicy &&
    !["Orphan", "Background", "Foreground"].includes(opts.propagationPolicy)
  ) {
    throw badRequest(
      `propagationPolicy must be one of Orphan, Background or Foreground, not "${opts.propagationPolicy}"`,
    );
  }
  if (
    opts.gracePeriodSeconds !== undefined &&
    (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)
  ) {
    throw badRequest("gracePeriodSeconds must be a non-negative integer");
  }
  return opts;
}

/** DeleteOptions or Binding preconditions on uid and resourceVersion: 409 when they fail. */
export function checkPreconditions(
  o: KubeObject,
  pre: { uid?: unknown; resourceVersion?: unknown },
  ref: { group: string; resource: string; name: string },
): void {
  const meta = o.metadata ?? {};
  if (pre.uid && pre.uid !== meta.uid) {
    throw conflict(
      ref,
      `Precondition failed: UID in precondition: ${String(pre.uid)}, UID in object meta: ${
        String(meta.uid)
      }`,
    );
  }
  if (pre.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
    throw conflict(
      ref,
      `Precondition failed: ResourceVersion in precondition: ${
        String(pre.resourceVersion)
      }, ResourceVersion in object meta: ${String(meta.resourceVersion)}`,
    );
  }
}

/** Deletes one object (or marks it for deletion). Returns the object as it now is. */
export async function deleteEntry(
  svc: RestServices,
  call: Call,
  entry: Entry,
  opts: DeleteOptions,
): Promise<{ obj: KubeObject; gone: boolean }> {
  const { t } = call;
  const meta = entry.obj.metadata ?? {};
  const ref = refOf(call, String(meta.name));
  checkPreconditions(entry.obj, opts.preconditions ?? {}, ref);
  const dryRun = isDryRun(call) || opts.dryRun === true;
  const now = svc.now();
  const finalizers = pendingFinalizers(t, entry.obj);
  // A pod bound to a node waits for its kubelet, unless it has already finished (upstream's
  // CheckGracefulDelete: unscheduled or terminated pods go at once).
  const phase = (entry.obj.status as Record<string, unknown> | undefined)?.phase;
  const boundPod = t.group === "" && t.kind === "Pod" &&
    Boolean((entry.obj.spec as Record<string, unknown> | undefined)?.nodeName) &&
    phase !== "Succeeded" && phase !== "Failed";
  const grace = opts.gracePeriodSeconds ??
    (boundPod
      ? Number((entry.obj.spec as Record<string, unknown>).terminationGracePeriodSeconds ?? 30)
      : 0);
  const isNamespace = t.group === "" && t.kind === "Namespace";
  await admitByPolicies(svc, call, "DELETE", undefined, entry.obj);
  if (finalizers.length || (boundPod && grace > 0)) {
    if (meta.deletionTimestamp) return { obj: entry.obj, gone: false };
    const next = clone(entry.obj);
    const nm = next.metadata!;
    nm.deletionTimestamp = rfc3339Seconds(new Date(now.getTime() + (boundPod ? grace * 1000 : 0)));
    nm.deletionGracePeriodSeconds = boundPod ? grace : 0;
    if (nm.generation !== undefined) nm.generation = Number(nm.generation) + 1;
    if (isNamespace) {
      next.status = { ...(next.status as object | undefined), phase: "Terminating" };
    }
    delete nm.resourceVersion;
    if (dryRun) return { obj: next, gone: false };
    const obj = await svc.store.update(entry.key, next, entry.rev, ref);
    return { obj, gone: false };
  }
  if (dryRun) return { obj: entry.obj, gone: true };
  const obj = await svc.store.delete(entry.key, entry.rev, ref);
  await t.hooks?.afterDelete?.(obj, { now, dryRun });
  return { obj, gone: true };
}

export async function handleDelete(svc: RestServices, call: Call): Promise<Response> {
  const opts = await readDeleteOptions(call);
  const { obj, gone } = await retryLostRaces(
    Boolean(opts.preconditions?.resourceVersion),
    async () => await deleteEntry(svc, call, await getObject(svc, call), opts),
  );
  return respondJson(viewObject(call.t, obj), gone ? 200 : 202, call.warnings);
}

export async function handleDeleteCollection(svc: RestServices, call: Call): Promise<Response> {
  const opts = await readDeleteOptions(call);
  const filter = parseFilter(call);
  const page = await listPage(svc, call, filter);
  const items: KubeObject[] = [];
  for (const listed of page.objs) {
    let first = true;
    try {
      const deleted = await retryLostRaces(
        Boolean(opts.preconditions?.resourceVersion),
        async () => {
          // Listed first; read again after a lost race (gone meanwhile: nothing left to delete).
          const e = first ? listed : await svc.store.get(listed.key);
          first = false;
          return e ? (await deleteEntry(svc, call, e, opts)).obj : undefined;
        },
      );
      if (deleted) items.push(deleted);
    } catch (err) {
      // Vanished, or a precondition fails: upstream skips it too.
      if ((err as { code?: number }).code !== 404 && (err as { code?: number }).code !== 409) {
        throw err;
      }
    }
  }
  return respondJson({
    kind: call.t.listKind,
    apiVersion: apiVersionOf(call.t),
    metadata: { resourceVersion: String(page.rev) },
    items,
  });
}
