import assert from "node:assert/strict";
import { IMMUTABLE_RULES, validateImmutable, validateRollingUpdate } from "./immutable.ts";
import type { KubeObject } from "../registry/types.ts";

type Obj = Record<string, unknown>;

const object = (spec: Obj): KubeObject => ({ metadata: { name: "x" }, spec });
const check = (kind: string, old: Obj, now: Obj) =>
  validateImmutable(object(now), object(old), IMMUTABLE_RULES[kind]!).map((c) =>
    `${c.field}: ${c.message}`
  );

Deno.test("immutable: a workload's selector never changes", () => {
  const spec = { replicas: 1, selector: { matchLabels: { app: "a" } } };
  assert.deepEqual(check("apps/Deployment", spec, { ...spec, replicas: 3 }), []);
  assert.deepEqual(
    check("apps/Deployment", spec, { ...spec, selector: { matchLabels: { app: "b" } } }),
    ['spec.selector: Invalid value: {"matchLabels":{"app":"b"}}: field is immutable'],
  );
  assert.equal(check("apps/DaemonSet", spec, { ...spec, selector: undefined }).length, 1);
});

Deno.test("immutable: a StatefulSet changes only replicas, template, update strategy and the like", () => {
  const spec = { replicas: 1, serviceName: "db", template: { a: 1 }, volumeClaimTemplates: [] };
  assert.deepEqual(
    check("apps/StatefulSet", spec, { ...spec, replicas: 5, template: { a: 2 } }),
    [],
  );
  assert.deepEqual(check("apps/StatefulSet", spec, { ...spec, serviceName: "other" }), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

Deno.test("immutable: a Job's template, unless suspended and only where its pods may run", () => {
  const template = { metadata: { labels: { a: "1" } }, spec: { containers: [{ image: "x" }] } };
  const spec = { suspend: false, template, completionMode: "NonIndexed" };
  const moved = { ...template, spec: { ...template.spec, nodeSelector: { zone: "b" } } };
  assert.equal(
    check("batch/Job", spec, { ...spec, template: moved })[0]!.split(":")[0],
    "spec.template",
  );
  const suspended = { ...spec, suspend: true };
  assert.deepEqual(check("batch/Job", suspended, { ...suspended, template: moved }), []);
  const otherImage = { ...template, spec: { containers: [{ image: "y" }] } };
  assert.equal(check("batch/Job", suspended, { ...suspended, template: otherImage }).length, 1);
  assert.equal(check("batch/Job", spec, { ...spec, completionMode: "Indexed" }).length, 1);
  assert.deepEqual(check("batch/Job", spec, { ...spec, suspend: true }), []);
});

Deno.test("immutable: a claim's spec but for its size, class and the volume it is bound to once", () => {
  const spec = { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } };
  assert.deepEqual(check("/PersistentVolumeClaim", spec, { ...spec, volumeName: "pv-1" }), []);
  assert.deepEqual(
    check("/PersistentVolumeClaim", spec, { ...spec, resources: { requests: { storage: "2Gi" } } }),
    [],
  );
  assert.equal(
    check("/PersistentVolumeClaim", spec, { ...spec, accessModes: ["ReadOnlyMany"] }).length,
    1,
  );
  const bound = { ...spec, volumeName: "pv-1" };
  assert.equal(check("/PersistentVolumeClaim", bound, { ...bound, volumeName: "pv-2" }).length, 1);
});

Deno.test("a rolling update may not have both maxSurge and maxUnavailable at 0", () => {
  const d = (rollingUpdate: Obj) => object({ strategy: { type: "RollingUpdate", rollingUpdate } });
  assert.deepEqual(validateRollingUpdate(d({ maxSurge: 0, maxUnavailable: 1 })), []);
  assert.deepEqual(
    validateRollingUpdate(d({ maxSurge: "0%", maxUnavailable: 0 })).map((c) => c.message),
    [
      "Invalid value: 0: may not be 0 when `maxSurge` is 0",
    ],
  );
});

Deno.test("immutable: a node's pod CIDRs and provider ID are set once, from nothing", () => {
  assert.deepEqual(check("/Node", {}, { podCIDR: "10.42.0.0/24", podCIDRs: ["10.42.0.0/24"] }), []);
  assert.deepEqual(check("/Node", { podCIDRs: [] }, { podCIDRs: ["10.42.0.0/24"] }), []);
  assert.deepEqual(
    check("/Node", { providerID: "k3s://a" }, { providerID: "k3s://b" }),
    ['spec.providerID: Forbidden: node updates may not change providerID except from "" to valid'],
  );
  assert.equal(
    check("/Node", { podCIDRs: ["10.42.0.0/24"] }, { podCIDRs: ["10.42.1.0/24"] }).length,
    1,
  );
});
