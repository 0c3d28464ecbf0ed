/**
 * update (PUT) and patch (PATCH) of an object, its status and its scale: the patch is applied
 * to the current object, then the shared update path checks and writes it. Patches without a
 * resourceVersion precondition are retried on a concurrent write, as upstream does.
 */
import { badRequest, notFound, unsupportedMediaType } from "../../api/status.ts";
import { applyMergePatch } from "../../api/patch/merge_patch.ts";
import { applyStrategicMergePatch } from "../../api/patch/strategic.ts";
import { applyPatch } from "../../api/apply/mod.ts";
import type { KubeObject } from "../registry/types.ts";
import { objectKey } from "../storage/objects.ts";
import { parseFieldValidation } from "./admission.ts";
import { asObject, decodeBody } from "./body.ts";
import { type Call, refOf, type RestServices } from "./context.ts";
import { clone, managerName } from "./meta.ts";
import { respondJson, viewObject } from "./read.ts";
import { createObject, updateObject, type WriteOptions } from "./write.ts";
import { applyScale, scaleOf } from "./scale.ts";
import { retryLostRaces } from "./retry.ts";

function writeOptions(
  call: Call,
  defaultValidation: "Strict" | "Warn" | "Ignore" = "Warn",
): WriteOptions {
  return {
    manager: managerName(call.query.get("fieldManager"), call.req.headers.get("user-agent")),
    fieldValidation: parseFieldValidation(call.query.get("fieldValidation"), defaultValidation),
  };
}

function respond(call: Call, obj: KubeObject, status = 200): Response {
  if (call.path.subresource === "scale") {
    return respondJson(scaleOf(call.t, obj), status, call.warnings);
  }
  return respondJson(viewObject(call.t, obj), status, call.warnings);
}

export async function handleUpdate(svc: RestServices, call: Call): Promise<Response> {
  const { value, duplicates } = await decodeBody(
    call.req,
    ["json", "yaml", "protobuf"],
    call.t.resolver,
  );
  const body = asObject(value);
  const opts: WriteOptions = { ...writeOptions(call), decoding: { duplicates, apply: false } };
  const key = objectKey(call.t, call.path.namespace, call.path.name);
  const current = await svc.store.get(key);
  if (!current) throw notFound(refOf(call));
  const precondition = (body.metadata as Record<string, unknown> | undefined)?.resourceVersion;
  let next: KubeObject = body;
  if (call.path.subresource === "scale") {
    next = applyScale(call.t, viewObject(call.t, current.obj), body);
  }
  const sub = call.path.subresource;
  const obj = await updateObject(svc, call, {
    current,
    next,
    subresource: sub,
    opts,
    ...(typeof precondition === "string" && precondition ? { precondition } : {}),
  });
  return respond(call, obj);
}

export async function handlePatch(svc: RestServices, call: Call): Promise<Response> {
  const { t } = call;
  const { format, value, duplicates } = await decodeBody(
    call.req,
    ["json-patch", "merge-patch", "strategic-merge-patch", "apply-patch"],
    t.resolver,
  );
  if (format === "strategic-merge-patch" && t.custom) {
    throw unsupportedMediaType("application/strategic-merge-patch+json");
  }
  const isApply = format === "apply-patch";
  const opts: WriteOptions = {
    ...writeOptions(call, isApply ? "Strict" : "Warn"),
    decoding: { duplicates, apply: isApply },
  };
  if (isApply && call.query.get("fieldManager") === undefined) {
    throw badRequest("PATCH requests with apply content type require a fieldManager");
  }
  const force = call.query.bool("force");
  if (force && !isApply) throw badRequest("force is only allowed for apply patches");
  const key = objectKey(t, call.path.namespace, call.path.name);
  /** Server-side apply of the body onto `live` (undefined: the object is being created). */
  const apply = (live: KubeObject | undefined) => {
    const applied = asObject(value);
    return applyPatch({
      live,
      applied: clone(applied),
      manager: opts.manager,
      force,
      schema: t.schema(),
      resolver: t.resolver,
      apiVersion: String(applied.apiVersion ?? ""),
      now: svc.now(),
      ...(call.path.subresource ? { subresource: call.path.subresource } : {}),
    });
  };
  const explicitRv = (asMaybeObject(value)?.metadata as Record<string, unknown> | undefined)
    ?.resourceVersion;
  return await retryLostRaces(Boolean(explicitRv), async () => {
    const current = await svc.store.get(key);
    if (!current) {
      if (!isApply || call.path.subresource) throw notFound(refOf(call));
      const { object, managedFields } = apply(undefined);
      const created = await createObject(svc, call, object, { ...opts, managedFields });
      return respond(call, created, 201);
    }
    const base = call.path.subresource === "scale"
      ? scaleOf(t, current.obj)
      : viewObject(t, clone(current.obj));
    let patched: KubeObject;
    let managedFields: unknown[] | undefined;
    switch (format) {
      case "json-patch":
        // Loaded on first use: fast-json-patch costs memory an idle server need not pay.
        patched = (await import("../../api/patch/json_patch.ts")).applyJsonPatch(
          base,
          value,
        ) as KubeObject;
        break;
      case "merge-patch":
        patched = applyMergePatch(base, value) as KubeObject;
        break;
      case "strategic-merge-patch": {
        const schema = call.path.subresource === "scale"
          ? t.resolver.resolve("io.k8s.api.autoscaling.v1.Scale")
          : t.schema();
        patched = applyStrategicMergePatch(base, value, schema ?? {}, t.resolver) as KubeObject;
        break;
      }
      default: {
        const res = apply(base);
        patched = res.object as KubeObject;
        managedFields = res.managedFields;
      }
    }
    if (patched === null || typeof patched !== "object" || Array.isArray(patched)) {
      throw badRequest("the patch did not produce an object");
    }
    const rv = (patched.metadata as Record<string, unknown> | undefined)?.resourceVersion;
    const precondition = typeof rv === "string" && rv !== current.obj.metadata?.resourceVersion
      ? rv
      : undefined;
    let next = patched;
    if (call.path.subresource === "scale") {
      next = applyScale(t, viewObject(t, current.obj), patched);
    }
    const obj = await updateObject(svc, call, {
      current,
      next,
      subresource: call.path.subresource,
      opts: managedFields ? { ...opts, managedFields } : opts,
      ...(precondition ? { precondition } : {}),
    });
    return respond(call, obj);
  });
}

function asMaybeObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
}
