import assert from "node:assert/strict";
import type { JsonObject } from "../patch/json.ts";
import { ApiError } from "../status.ts";
import { at, deployment, deploymentSchema as schema, later, resolver, t0 } from "./_testing.ts";
import type { ManagedFieldsEntry } from "./managed_fields.ts";
import { updateManagedFields, type UpdateOptions } from "./update.ts";

type Args = Partial<UpdateOptions> & { updated: JsonObject; manager: string };
const update = (a: Args) =>
  updateManagedFields({ old: undefined, schema, resolver, apiVersion: "apps/v1", now: t0, ...a });

const stored = (obj: JsonObject, managedFields: ManagedFieldsEntry[]): JsonObject => ({
  ...obj,
  metadata: { ...(obj.metadata as JsonObject), managedFields },
});

Deno.test("update: on create the manager owns every field it set", () => {
  const obj = deployment({ replicas: 2, labels: { app: "web" } });
  const [e, ...rest] = update({ updated: obj, manager: "kubectl-create" });
  assert.equal(rest.length, 0);
  assert.equal(e?.operation, "Update");
  assert.equal(e?.apiVersion, "apps/v1");
  assert.equal(e?.time, "2025-01-01T00:00:00Z");
  assert.deepEqual(at(e?.fieldsV1, "f:metadata"), { "f:labels": { ".": {}, "f:app": {} } });
  assert.deepEqual(at(e?.fieldsV1, "f:spec.f:replicas"), {});
  assert.deepEqual(at(e?.fieldsV1, 'f:spec.f:template.f:spec.f:containers.k:{"name":"nginx"}'), {
    ".": {},
    "f:image": {},
    "f:name": {},
  });
  const spec = (e?.fieldsV1 as JsonObject)["f:spec"] as JsonObject;
  assert.equal(spec["."], undefined, "structs are not owned as a whole");
});

Deno.test("update: changed fields move to the writer; others keep the rest", () => {
  const created = deployment({ replicas: 2 });
  const live = stored(created, update({ updated: created, manager: "creator" }));
  const next: JsonObject = structuredClone(live);
  (next.spec as JsonObject).replicas = 3;
  const out = update({ old: live, updated: next, manager: "scaler", now: later(1) });
  const creator = out.find((e) => e.manager === "creator");
  const scaler = out.find((e) => e.manager === "scaler");
  assert.equal(at(creator?.fieldsV1, "f:spec.f:replicas"), undefined);
  assert.deepEqual(at(creator?.fieldsV1, "f:spec.f:selector"), {});
  assert.deepEqual(scaler?.fieldsV1, { "f:spec": { "f:replicas": {} } });
  assert.equal(scaler?.time, "2025-01-01T00:01:00Z");
  assert.equal(creator?.time, "2025-01-01T00:00:00Z");
});

Deno.test("update: removed fields leave every set; a no-op write changes nothing", () => {
  const created = deployment({ replicas: 2, labels: { a: "1", b: "2" } });
  const live = stored(created, update({ updated: created, manager: "creator" }));
  const next: JsonObject = structuredClone(live);
  (next.metadata as JsonObject).labels = { a: "1" };
  const out = update({ old: live, updated: next, manager: "editor", now: later(1) });
  assert.equal(out.length, 1, "the editor changed nothing it could own");
  assert.deepEqual(at(out[0]?.fieldsV1, "f:metadata.f:labels"), { ".": {}, "f:a": {} });
  const same = update({
    old: stored(next, out),
    updated: stored(next, out),
    manager: "editor",
    now: later(2),
  });
  assert.deepEqual(same, out);
});

Deno.test("update: status is not owned through the main resource, spec not through status", () => {
  const created = deployment({ replicas: 2 });
  const live = stored(created, update({ updated: created, manager: "creator" }));
  const next: JsonObject = { ...structuredClone(live), status: { replicas: 2 } };
  assert.deepEqual(update({ old: live, updated: next, manager: "x" }).map((e) => e.manager), [
    "creator",
  ]);
  const viaStatus = update({
    old: live,
    updated: next,
    manager: "controller",
    subresource: "status",
  });
  const c = viaStatus.find((e) => e.manager === "controller");
  assert.equal(c?.subresource, "status");
  assert.deepEqual(c?.fieldsV1, { "f:status": { "f:replicas": {} } });
});

Deno.test("update: managedFields sent by the client replace the stored ones; [{}] clears them", () => {
  const created = deployment({ replicas: 2 });
  const live = stored(created, update({ updated: created, manager: "creator" }));
  const custom: ManagedFieldsEntry[] = [{
    manager: "someone",
    operation: "Apply",
    apiVersion: "apps/v1",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:spec": { "f:replicas": {} } },
  }];
  const replaced = update({ old: live, updated: stored(created, custom), manager: "x" });
  assert.deepEqual(replaced, custom);
  const cleared = update({
    old: live,
    updated: stored(created, [{} as ManagedFieldsEntry]),
    manager: "x",
  });
  assert.deepEqual(cleared, []);
  assert.throws(
    () =>
      update({
        old: live,
        updated: stored(created, [
          { manager: "m", operation: "Bogus" } as unknown as ManagedFieldsEntry,
        ]),
        manager: "x",
      }),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});

Deno.test("update: entries are ordered Apply first, then by time", () => {
  const created = deployment({ replicas: 2 });
  const applied: ManagedFieldsEntry = {
    manager: "z-applier",
    operation: "Apply",
    apiVersion: "apps/v1",
    time: "2025-01-01T00:05:00Z",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:spec": { "f:selector": {} } },
  };
  const live = stored(created, [...update({ updated: created, manager: "creator" }), applied]);
  const next: JsonObject = structuredClone(live);
  (next.spec as JsonObject).paused = true;
  const out = update({ old: live, updated: next, manager: "a-pauser", now: later(9) });
  assert.deepEqual(out.map((e) => `${e.operation}/${e.manager}`), [
    "Apply/z-applier",
    "Update/creator",
    "Update/a-pauser",
  ]);
});

Deno.test("update: map keys named like Object.prototype members are plain data", () => {
  const created = deployment({ labels: { constructor: "a", toString: "b" } });
  const [e] = update({ updated: created, manager: "creator" });
  assert.deepEqual(at(e?.fieldsV1, "f:metadata.f:labels"), {
    ".": {},
    "f:constructor": {},
    "f:toString": {},
  });
  const live = stored(created, [e!]);
  const next: JsonObject = structuredClone(live);
  (next.metadata as JsonObject).labels = { toString: "b" };
  const [after] = update({ old: live, updated: next, manager: "editor", now: later(1) });
  assert.equal(after?.manager, "creator");
  assert.deepEqual(at(after?.fieldsV1, "f:metadata.f:labels"), { ".": {}, "f:toString": {} });
});
