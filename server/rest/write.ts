/**
 * The write path shared by create, update, patch and apply: metadata semantics, admission,
 * managed fields, then one conditional datastore write.
 */
import { admitByPolicies } from "../admission/policy_gate.ts";
import {
  ApiError,
  badRequest,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
} from "../../api/status.ts";
import { updateManagedFields } from "../../api/apply/mod.ts";
import { rfc3339Seconds } from "../../api/time.ts";
import { jsonEqual } from "../../api/patch/json.ts";
import { apiVersionOf, type KubeObject, type ResourceType } from "../registry/types.ts";
import { objectKey, objectModified } from "../storage/objects.ts";
import type { Entry } from "../storage/cache.ts";
import { subresourceField } from "../registry/subresources.ts";
import { admit, type Decoding, type FieldValidation } from "./admission.ts";
import { type Call, isDryRun, refOf, type RestServices } from "./context.ts";
import {
  clone,
  generateSuffix,
  metaOf,
  pendingFinalizers,
  specChanged,
  tracksGeneration,
} from "./meta.ts";

export interface WriteOptions {
  manager: string;
  fieldValidation: FieldValidation;
  /** How the body was decoded, for strict decoding's errors (absent: the server's own write). */
  decoding?: Decoding;
  /** Managed fields already computed (server-side apply); otherwise derived from the change. */
  managedFields?: unknown[];
}

/** Tries at a free generated name before a create with generateName gives up with 409. */
const GENERATE_NAME_ATTEMPTS = 8;

const SYSTEM_FIELDS = [
  "uid",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "generation",
  "selfLink",
];

/** Checks the body's apiVersion and kind against the URL's type; fills them when absent. */
export function checkTypeMeta(t: ResourceType, obj: KubeObject, version = t.version) {
  const apiVersion = apiVersionOf(t, version);
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${
        String(obj.apiVersion)
      }) does not match the expected API version (${apiVersion})`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== t.kind) {
    throw badRequest(
      `the kind in the data (${String(obj.kind)}) does not match the expected kind (${t.kind})`,
    );
  }
  obj.apiVersion = apiVersion;
  obj.kind = t.kind;
}

/** The namespace must exist and not be terminating (upstream NamespaceLifecycle admission). */
export async function checkNamespace(svc: RestServices, ns: string) {
  const nsType = svc.registry.lookup("", "v1", "namespaces")!;
  const entry = await svc.store.get(objectKey(nsType, "", ns));
  if (!entry) throw notFound({ group: "", resource: "namespaces", name: ns });
  if (entry.obj.metadata?.deletionTimestamp) {
    throw forbidden(
      `unable to create new content in namespace ${ns} because it is being terminated`,
    );
  }
}

export async function createObject(
  svc: RestServices,
  call: Call,
  obj: KubeObject,
  opts: WriteOptions,
): Promise<KubeObject> {
  const { t } = call;
  checkTypeMeta(t, obj);
  const meta = metaOf(obj);
  const ns = call.path.namespace;
  if (t.namespaced) {
    if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== ns) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    meta.namespace = ns;
  } else delete meta.namespace;
  if (call.path.name && meta.name !== undefined && meta.name !== call.path.name) {
    throw badRequest(
      `the name of the object (${
        String(meta.name)
      }) does not match the name on the URL (${call.path.name})`,
    );
  }
  const generateName = !meta.name && typeof meta.generateName === "string" && meta.generateName
    ? meta.generateName
    : undefined;
  if (generateName) meta.name = generateName + generateSuffix();
  if (meta.resourceVersion !== undefined && meta.resourceVersion !== "") {
    throw badRequest("resourceVersion should not be set on objects to be created");
  }
  delete meta.resourceVersion;
  for (const f of SYSTEM_FIELDS) delete meta[f];
  const now = svc.now();
  meta.uid = crypto.randomUUID();
  meta.creationTimestamp = rfc3339Seconds(now);
  if (tracksGeneration(t)) meta.generation = 1;
  if (t.hasStatus && t.kind !== "Node") delete obj.status;
  const dryRun = isDryRun(call);
  if (t.custom) {
    const crd = await svc.store.get(
      `/registry/apiextensions.k8s.io/customresourcedefinitions/${t.resource}.${t.group}`,
    );
    if (!crd || crd.obj.metadata?.deletionTimestamp) {
      throw methodNotAllowed("create not allowed while custom resource definition is terminating");
    }
  }
  // The namespace first, as upstream's NamespaceLifecycle admission: a pod in a namespace that
  // does not exist is a 404, not a wait for its service account.
  if (t.namespaced) await checkNamespace(svc, ns);
  await t.hooks?.prepareCreate?.(obj, { now, dryRun, user: call.user });
  try {
    admit(t, obj, {
      fieldValidation: opts.fieldValidation,
      warnings: call.warnings,
      create: true,
      ...(opts.decoding && { decoding: opts.decoding }),
    });
    meta.managedFields = opts.managedFields ??
      updateManagedFields({
        old: undefined,
        updated: obj,
        manager: opts.manager,
        schema: t.schema(),
        resolver: t.resolver,
        apiVersion: obj.apiVersion as string,
        now,
      });
    if (!(meta.managedFields as unknown[]).length) delete meta.managedFields;
    await admitByPolicies(svc, call, "CREATE", obj, undefined);
    if (dryRun) return obj;
    // A generated name that is taken is generated again, as upstream does (RetryGenerateName).
    for (let attempt = 1;; attempt++) {
      const name = String(meta.name ?? "");
      try {
        const stored = t.convert ? t.convert.toStored(obj) : obj;
        return await svc.store.create(objectKey(t, ns, name), stored, refOf(call, name));
      } catch (e) {
        const taken = e instanceof ApiError && e.reason === "AlreadyExists";
        if (!generateName || !taken || attempt >= GENERATE_NAME_ATTEMPTS) throw e;
        meta.name = generateName + generateSuffix();
      }
    }
  } catch (e) {
    // Undo what prepareCreate reserved (a Service's cluster IP) for an object never stored.
    if (!dryRun) await t.hooks?.afterDelete?.(obj, { now, dryRun });
    throw e;
  }
}

export interface UpdateInput {
  current: Entry;
  next: KubeObject;
  /** "", or the subresource written ("scale" arrives here already mapped onto the object). */
  subresource: string;
  opts: WriteOptions;
  /** The resourceVersion precondition the client sent, if any. */
  precondition?: string;
}

/**
 * Finishes an update: keeps what the client may not change, bumps generation, admits, records
 * managed fields, writes conditionally on the current revision. Removing the last finalizer of
 * an object being deleted deletes it.
 */
export async function updateObject(
  svc: RestServices,
  call: Call,
  input: UpdateInput,
): Promise<KubeObject> {
  const { t } = call;
  // A kind kept in another's form is compared, admitted and tracked in its own.
  const old = t.convert ? t.convert.fromStored(input.current.obj) : input.current.obj;
  let next = input.next;
  checkTypeMeta(t, next);
  const meta = metaOf(next);
  const oldMeta = old.metadata ?? {};
  if (meta.name !== undefined && meta.name !== oldMeta.name) {
    throw badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${
        String(oldMeta.name)
      })`,
    );
  }
  if (
    t.namespaced && meta.namespace !== undefined && meta.namespace !== "" &&
    meta.namespace !== oldMeta.namespace
  ) {
    throw badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
  if (input.precondition && input.precondition !== String(oldMeta.resourceVersion)) {
    throw objectModified(refOf(call, String(oldMeta.name)));
  }
  const owned = input.subresource ? subresourceField(input.subresource) : undefined;
  if (owned?.length) {
    // Only the subresource's own field changes through it (/status: the status).
    const merged = clone(old);
    setField(merged, owned, fieldAt(next, owned));
    if (t.subresourcesWriteMetadata && next.metadata) merged.metadata = next.metadata;
    next = merged;
  } else if (!owned) {
    // Writes to the object itself keep what its subresources own.
    for (const sub of t.subresources) {
      const field = subresourceField(sub);
      if (field?.length) setField(next, field, clone(fieldAt(old, field)));
    }
  }
  const nm = metaOf(next);
  for (
    const f of [
      "name",
      "namespace",
      "uid",
      "creationTimestamp",
      "deletionTimestamp",
      "deletionGracePeriodSeconds",
      "generation",
    ]
  ) {
    if (oldMeta[f] === undefined) delete nm[f];
    else nm[f] = oldMeta[f];
  }
  delete nm.resourceVersion;
  if (oldMeta.deletionTimestamp) {
    const before = new Set((oldMeta.finalizers as string[] | undefined) ?? []);
    const added = ((nm.finalizers as string[] | undefined) ?? []).filter((f) => !before.has(f));
    if (added.length) {
      throw invalid(t.kind, t.group, String(oldMeta.name), [
        {
          type: "FieldValueForbidden",
          field: "metadata.finalizers",
          message:
            `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${
              JSON.stringify(added)
            }`,
        },
      ]);
    }
  }
  const now = svc.now();
  const dryRun = isDryRun(call);
  await t.hooks?.prepareUpdate?.(next, old, { now, dryRun, user: call.user });
  // Only kinds that hold allocations (a Service's ports) have anything to give back: the others
  // write without the extra turns.
  const giveBack = dryRun ? undefined : t.hooks?.afterUpdate;
  if (!giveBack) return await writeUpdate(svc, call, input, old, next, now, dryRun);
  const ctx = { now, dryRun };
  try {
    const written = await writeUpdate(svc, call, input, old, next, now, dryRun);
    // What the old object held and the written one does not is given back (a Service's ports),
    // and what preparing took for an object that was deleted or left unchanged instead.
    await giveBack(written, old, ctx);
    await giveBack(written, next, ctx);
    return written;
  } catch (e) {
    // Nothing was written: what preparing the update took is given back.
    await giveBack(old, next, ctx);
    throw e;
  }
}

/** The part of an update after its hooks prepared it: admission, managed fields, the write. */
async function writeUpdate(
  svc: RestServices,
  call: Call,
  input: UpdateInput,
  old: KubeObject,
  next: KubeObject,
  now: Date,
  dryRun: boolean,
): Promise<KubeObject> {
  const { t } = call;
  const nm = metaOf(next);
  const oldMeta = old.metadata ?? {};
  admit(t, next, {
    fieldValidation: input.opts.fieldValidation,
    warnings: call.warnings,
    ...(input.opts.decoding && { decoding: input.opts.decoding }),
    create: false,
    old,
    subresource: input.subresource,
  });
  if (tracksGeneration(t) && specChanged(t, old, next)) {
    nm.generation = Number(oldMeta.generation ?? 0) + 1;
  }
  nm.managedFields = input.opts.managedFields ??
    updateManagedFields({
      old,
      updated: next,
      manager: input.opts.manager,
      schema: t.schema(),
      resolver: t.resolver,
      apiVersion: next.apiVersion as string,
      now,
      ...(input.subresource ? { subresource: input.subresource } : {}),
    });
  if (!(nm.managedFields as unknown[]).length) delete nm.managedFields;
  await admitByPolicies(svc, call, "UPDATE", next, old, input.subresource);
  const ref = refOf(call, String(oldMeta.name));
  const key = input.current.key;
  if (nm.deletionTimestamp && pendingFinalizers(t, next).length === 0) {
    if (dryRun) return next;
    const gone = await svc.store.delete(key, input.current.rev, ref);
    await t.hooks?.afterDelete?.(gone, { now, dryRun });
    return gone;
  }
  if (jsonEqual(stripRv(old), stripRv(next))) return old;
  if (dryRun) {
    nm.resourceVersion = oldMeta.resourceVersion;
    return next;
  }
  const stored = t.convert ? t.convert.toStored(next) : next;
  return await svc.store.update(key, stored, input.current.rev, ref);
}

function stripRv(o: KubeObject): KubeObject {
  const { resourceVersion: _r, managedFields: _m, ...meta } = o.metadata ?? {};
  return { ...o, metadata: meta };
}

type Fields = Record<string, unknown>;

/** The value at `path` in `o` (undefined when any step is missing). */
function fieldAt(o: KubeObject, path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const k of path) {
    if (!cur || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Fields)[k];
  }
  return cur;
}

/** Sets (or, for undefined, removes) the value at `path`, making objects on the way. */
function setField(o: KubeObject, path: readonly string[], value: unknown): void {
  let cur = o as Fields;
  for (const k of path.slice(0, -1)) {
    const nextStep = cur[k];
    if (!nextStep || typeof nextStep !== "object" || Array.isArray(nextStep)) {
      if (value === undefined) return;
      cur = cur[k] = {};
    } else cur = nextStep as Fields;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}
