import assert from "node:assert/strict";
import type { JsonObject } from "../patch/json.ts";
import { ApiError } from "../status.ts";
import {
  at,
  deployment,
  deploymentSchema as schema,
  ENTRY_KEYS,
  later,
  resolver,
  t0,
} from "./_testing.ts";
import { type ApplyOptions, applyPatch, BEFORE_FIRST_APPLY } from "./apply.ts";
import { updateManagedFields } from "./update.ts";

type Args = Partial<ApplyOptions> & { applied: JsonObject; manager: string };
const apply = (a: Args) =>
  applyPatch({
    live: undefined,
    force: false,
    schema,
    resolver,
    apiVersion: "apps/v1",
    now: t0,
    ...a,
  });

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected a conflict");
}

const entries = (obj: JsonObject) => at(obj, "metadata.managedFields") as JsonObject[];
const entryOf = (obj: JsonObject, manager: string, operation = "Apply") =>
  entries(obj).find((e) => e.manager === manager && e.operation === operation);

Deno.test("apply: create records one Apply entry with the applied fields", () => {
  const { object, managedFields, changed } = apply({
    applied: deployment({ replicas: 2 }),
    manager: "kubectl",
  });
  assert.ok(changed);
  assert.equal(at(object, "spec.replicas"), 2);
  assert.equal(at(object, "metadata.name"), "web");
  assert.deepEqual(managedFields, entries(object));
  assert.equal(managedFields.length, 1);
  const e = managedFields[0];
  assert.deepEqual(Object.keys(e ?? {}), ENTRY_KEYS);
  assert.equal(e?.manager, "kubectl");
  assert.equal(e?.operation, "Apply");
  assert.equal(e?.time, "2025-01-01T00:00:00Z");
  const v1 = e?.fieldsV1 as JsonObject;
  assert.equal(v1["f:apiVersion"], undefined, "apiVersion and kind are never owned");
  assert.deepEqual(v1["f:metadata"], undefined, "name/namespace are never owned");
  assert.deepEqual(at(v1, "f:spec.f:replicas"), {});
  assert.deepEqual(at(v1, 'f:spec.f:template.f:spec.f:containers.k:{"name":"nginx"}'), {
    ".": {},
    "f:image": {},
    "f:name": {},
  });
});

Deno.test("apply: re-applying the same configuration changes nothing", () => {
  const first = apply({ applied: deployment({ replicas: 2 }), manager: "kubectl" }).object;
  const again = apply({
    live: first,
    applied: deployment({ replicas: 2 }),
    manager: "kubectl",
    now: later(5),
  });
  assert.equal(again.changed, false);
  assert.deepEqual(again.object, first);
  assert.equal(entryOf(again.object, "kubectl")?.time, "2025-01-01T00:00:00Z");
});

Deno.test("apply: a field dropped from the configuration is removed from the object", () => {
  const first = apply({
    applied: deployment({
      replicas: 2,
      labels: { app: "web", tier: "front" },
      containers: [{ name: "nginx", image: "nginx:1", env: [{ name: "A", value: "1" }] }],
    }),
    manager: "kubectl",
  }).object;
  const live = { ...first, status: { replicas: 2 } };
  const second = apply({
    live,
    applied: deployment({
      labels: { app: "web" },
      containers: [{ name: "nginx", image: "nginx:2" }],
    }),
    manager: "kubectl",
    now: later(1),
  });
  assert.ok(second.changed);
  assert.equal(at(second.object, "spec.replicas"), undefined);
  assert.deepEqual(at(second.object, "metadata.labels"), { app: "web" });
  const [c] = at(second.object, "spec.template.spec.containers") as JsonObject[];
  assert.deepEqual(c, { name: "nginx", image: "nginx:2" });
  assert.deepEqual(
    at(second.object, "status"),
    { replicas: 2 },
    "status is not the applier's to remove",
  );
  assert.equal(entryOf(second.object, "kubectl")?.time, "2025-01-01T00:01:00Z");
});

Deno.test("apply: null in the configuration removes the field", () => {
  const first = apply({ applied: deployment({ replicas: 2 }), manager: "kubectl" }).object;
  const applied = deployment();
  (applied.spec as JsonObject).replicas = null;
  const out = apply({ live: first, applied, manager: "kubectl" }).object;
  assert.equal(at(out, "spec.replicas"), undefined);
});

Deno.test("apply: two managers conflict on a shared field; force moves the ownership", () => {
  const live = apply({ applied: deployment({ replicas: 2 }), manager: "alice" }).object;
  const e = conflictOf(() => apply({ live, applied: deployment({ replicas: 3 }), manager: "bob" }));
  assert.equal(e.code, 409);
  assert.equal(e.reason, "Conflict");
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
  assert.deepEqual(e.details?.causes, [
    { type: "FieldManagerConflict", message: 'conflict with "alice"', field: ".spec.replicas" },
  ]);

  const forced = apply({
    live,
    applied: deployment({ replicas: 3 }),
    manager: "bob",
    force: true,
    now: later(1),
  });
  assert.equal(at(forced.object, "spec.replicas"), 3);
  assert.equal(at(entryOf(forced.object, "alice")?.fieldsV1, "f:spec.f:replicas"), undefined);
  assert.deepEqual(at(entryOf(forced.object, "bob")?.fieldsV1, "f:spec.f:replicas"), {});
  assert.deepEqual(
    at(entryOf(forced.object, "alice")?.fieldsV1, "f:spec.f:selector"),
    {},
    "alice keeps the rest",
  );
});

Deno.test("apply: the same value applied by two managers is shared, and survives one of them leaving", () => {
  const live = apply({ applied: deployment({ replicas: 2 }), manager: "alice" }).object;
  const shared = apply({ live, applied: deployment({ replicas: 2 }), manager: "bob" }).object;
  assert.deepEqual(at(entryOf(shared, "alice")?.fieldsV1, "f:spec.f:replicas"), {});
  assert.deepEqual(at(entryOf(shared, "bob")?.fieldsV1, "f:spec.f:replicas"), {});
  const aliceLeaves = apply({ live: shared, applied: deployment(), manager: "alice" }).object;
  assert.equal(at(aliceLeaves, "spec.replicas"), 2, "bob still owns replicas");
});

Deno.test("apply: several conflicts are listed per manager", () => {
  const live =
    apply({ applied: deployment({ replicas: 2, labels: { a: "1" } }), manager: "alice" }).object;
  const e = conflictOf(() =>
    apply({ live, applied: deployment({ replicas: 3, labels: { a: "2" } }), manager: "bob" })
  );
  assert.equal(
    e.message,
    'Apply failed with 2 conflicts: conflicts with "alice":\n- .metadata.labels.a\n- .spec.replicas',
  );
  assert.deepEqual(e.details?.causes?.map((c) => c.field), [
    ".metadata.labels.a",
    ".spec.replicas",
  ]);
});

Deno.test("apply: kubectl scale (an Update on the scale subresource) then apply conflicts", () => {
  const created = apply({ applied: deployment({ replicas: 2 }), manager: "kubectl" }).object;
  const scaled: JsonObject = structuredClone(created);
  (scaled.spec as JsonObject).replicas = 5;
  const managedFields = updateManagedFields({
    old: created,
    updated: scaled,
    manager: "kubectl",
    subresource: "scale",
    schema,
    resolver,
    apiVersion: "apps/v1",
    now: later(1),
  });
  (scaled.metadata as JsonObject).managedFields = managedFields;
  const scaleEntry = entryOf(scaled, "kubectl", "Update");
  assert.equal(scaleEntry?.subresource, "scale");
  assert.deepEqual(scaleEntry?.fieldsV1, { "f:spec": { "f:replicas": {} } });
  assert.equal(at(entryOf(scaled, "kubectl")?.fieldsV1, "f:spec.f:replicas"), undefined);

  const e = conflictOf(() =>
    apply({ live: scaled, applied: deployment({ replicas: 3 }), manager: "kubectl" })
  );
  assert.equal(
    e.message,
    'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
  );
  // Applying the value the object already has is no conflict.
  const same = apply({ live: scaled, applied: deployment({ replicas: 5 }), manager: "kubectl" });
  assert.equal(at(same.object, "spec.replicas"), 5);
  const forced = apply({
    live: scaled,
    applied: deployment({ replicas: 3 }),
    manager: "kubectl",
    force: true,
  });
  assert.equal(at(forced.object, "spec.replicas"), 3);
  assert.equal(
    entryOf(forced.object, "kubectl", "Update"),
    undefined,
    "an emptied entry is dropped",
  );
});

Deno.test("apply: containers merge by name between two appliers", () => {
  const a = apply({
    applied: deployment({ containers: [{ name: "app", image: "app:1" }] }),
    manager: "alice",
  }).object;
  const b = apply({
    live: a,
    applied: deployment({ containers: [{ name: "sidecar", image: "proxy:1" }] }),
    manager: "bob",
  }).object;
  const names = () => (at(cur, "spec.template.spec.containers") as JsonObject[]).map((c) => c.name);
  let cur = b;
  assert.deepEqual(names(), ["app", "sidecar"]);
  // alice re-applies: bob's sidecar stays.
  cur = apply({
    live: cur,
    applied: deployment({ containers: [{ name: "app", image: "app:2" }] }),
    manager: "alice",
  })
    .object;
  assert.deepEqual(names(), ["app", "sidecar"]);
  assert.equal((at(cur, "spec.template.spec.containers") as JsonObject[])[0]?.image, "app:2");
  // bob changing alice's image conflicts.
  const e = conflictOf(() =>
    apply({
      live: cur,
      applied: deployment({ containers: [{ name: "app", image: "evil" }] }),
      manager: "bob",
    })
  );
  assert.equal(e.details?.causes?.[0]?.field, '.spec.template.spec.containers[name="app"].image');
  // bob drops his sidecar: only alice's container is left.
  cur = apply({ live: cur, applied: deployment({ containers: [] }), manager: "bob" }).object;
  assert.deepEqual(names(), ["app"]);
});

Deno.test("apply: ports merge by containerPort and protocol", () => {
  const first = apply({
    applied: deployment({
      containers: [{
        name: "c",
        ports: [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP" }],
      }],
    }),
    manager: "alice",
  }).object;
  const second = apply({
    live: first,
    applied: deployment({
      containers: [{ name: "c", ports: [{ containerPort: 53, protocol: "TCP" }] }],
    }),
    manager: "bob",
  }).object;
  const ports = (at(second, "spec.template.spec.containers") as JsonObject[])[0]?.ports;
  assert.deepEqual(ports, [{ containerPort: 80 }, { containerPort: 53, protocol: "UDP" }, {
    containerPort: 53,
    protocol: "TCP",
  }]);
});

Deno.test("apply: set lists (finalizers) are unions owned per value", () => {
  const a = apply({ applied: deployment({ finalizers: ["x"] }), manager: "alice" }).object;
  const b = apply({ live: a, applied: deployment({ finalizers: ["y"] }), manager: "bob" }).object;
  assert.deepEqual(at(b, "metadata.finalizers"), ["x", "y"]);
  const c = apply({ live: b, applied: deployment({}), manager: "alice" }).object;
  assert.deepEqual(at(c, "metadata.finalizers"), ["y"]);
});

Deno.test("apply: helm installs, a user scales, helm upgrades with force", () => {
  const installed = apply({ applied: deployment({ replicas: 1 }), manager: "helm" }).object;
  const edited: JsonObject = structuredClone(installed);
  (edited.spec as JsonObject).replicas = 4;
  (edited.metadata as JsonObject).managedFields = updateManagedFields({
    old: installed,
    updated: edited,
    manager: "kubectl-edit",
    schema,
    resolver,
    apiVersion: "apps/v1",
    now: later(1),
  });
  assert.throws(
    () =>
      apply({
        live: edited,
        applied: deployment({ replicas: 1, labels: { v: "2" } }),
        manager: "helm",
      }),
    (e: unknown) => e instanceof ApiError && e.code === 409,
  );
  const upgraded = apply({
    live: edited,
    applied: deployment({ replicas: 1, labels: { v: "2" } }),
    manager: "helm",
    force: true,
    now: later(2),
  }).object;
  assert.equal(at(upgraded, "spec.replicas"), 1);
  assert.deepEqual(at(upgraded, "metadata.labels"), { v: "2" });
  assert.deepEqual(entries(upgraded).map((e) => `${e.manager}/${e.operation}`), ["helm/Apply"]);
  assert.equal(entryOf(upgraded, "helm")?.time, "2025-01-01T00:02:00Z");
});

Deno.test("apply: an object without managedFields gives its fields to before-first-apply", () => {
  const live = deployment({ replicas: 2 });
  const e = conflictOf(() =>
    apply({ live, applied: deployment({ replicas: 3 }), manager: "kubectl" })
  );
  assert.match(
    e.message,
    new RegExp(`conflict with "${BEFORE_FIRST_APPLY}" using apps/v1: .spec.replicas`),
  );
});

Deno.test("apply: status on the main resource is never owned; managedFields in the config is a 400", () => {
  const applied = { ...deployment({ replicas: 1 }), status: { replicas: 9 } };
  const out = apply({ applied, manager: "kubectl" });
  assert.equal(at(out.managedFields[0]?.fieldsV1, "f:status"), undefined);
  const bad = deployment();
  (bad.metadata as JsonObject).managedFields = [{ manager: "x", operation: "Apply" }];
  assert.throws(
    () => apply({ applied: bad, manager: "kubectl" }),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});

Deno.test("apply: duplicate list-map keys in the configuration are a 400", () => {
  const applied = deployment({ containers: [{ name: "a" }, { name: "a" }] });
  assert.throws(
    () => apply({ applied, manager: "kubectl" }),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});

Deno.test("apply: dropping every metadata field the applier owned keeps the object's identity", () => {
  const first = apply({ applied: deployment({ labels: { a: "1" } }), manager: "kubectl" }).object;
  const live = structuredClone(first);
  Object.assign(live.metadata as JsonObject, { uid: "u1", resourceVersion: "7" });
  const out = apply({ live, applied: deployment(), manager: "kubectl" }).object;
  const meta = out.metadata as JsonObject;
  assert.equal(meta.labels, undefined);
  assert.equal(meta.name, "web");
  assert.equal(meta.uid, "u1");
  assert.equal(meta.resourceVersion, "7");
});
