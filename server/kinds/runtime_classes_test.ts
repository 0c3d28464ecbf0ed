import assert from "node:assert/strict";
import { admitRuntimeClass, validateRuntimeClass } from "./runtime_classes.ts";
import type { KubeObject, ObjectLookup } from "../registry/types.ts";

const crun: KubeObject = {
  metadata: { name: "crun" },
  handler: "crun",
  overhead: { podFixed: { cpu: "100m" } },
  scheduling: {
    nodeSelector: { runtime: "crun" },
    tolerations: [{ key: "runtime", operator: "Exists" }],
  },
};
const lookup: ObjectLookup = {
  get: (prefix, _ns, name) =>
    prefix === "node.k8s.io/runtimeclasses" && name === "crun" ? crun : undefined,
  list: () => [],
};

Deno.test("runtime classes: a DNS label handler, non-negative overhead, valid selector labels", () => {
  assert.deepEqual(validateRuntimeClass(crun), []);
  const causes = validateRuntimeClass({
    metadata: { name: "x" },
    handler: "Not_A_Label",
    overhead: { podFixed: { cpu: "-1" } },
    scheduling: { nodeSelector: { "bad key!": "v" } },
  });
  assert.deepEqual(causes.map((c) => c.field), [
    "handler",
    "overhead.podFixed[cpu]",
    "scheduling.nodeSelector",
  ]);
  assert.deepEqual(validateRuntimeClass({ metadata: { name: "x" } }).map((c) => c.message), [
    "Required value",
  ]);
});

Deno.test("runtime class admission: overhead, node selector and tolerations join the pod", () => {
  const spec: Record<string, unknown> = {
    runtimeClassName: "crun",
    nodeSelector: { zone: "a" },
    tolerations: [{ key: "runtime", operator: "Exists" }],
  };
  assert.equal(admitRuntimeClass(spec, lookup), undefined);
  assert.deepEqual(spec.overhead, { cpu: "100m" });
  assert.deepEqual(spec.nodeSelector, { zone: "a", runtime: "crun" });
  assert.deepEqual(spec.tolerations, [{ key: "runtime", operator: "Exists" }], "no duplicate");
  assert.equal(
    admitRuntimeClass({ runtimeClassName: "nvidia" }, lookup),
    'pod rejected: RuntimeClass "nvidia" not found',
  );
  assert.equal(
    admitRuntimeClass({ runtimeClassName: "crun", nodeSelector: { runtime: "runc" } }, lookup),
    "conflict: runtimeClass.scheduling.nodeSelector[runtime] = crun; pod.spec.nodeSelector[runtime] = runc",
  );
  assert.equal(
    admitRuntimeClass({ runtimeClassName: "crun", overhead: { cpu: "1" } }, lookup),
    "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead",
  );
  assert.equal(
    admitRuntimeClass({ overhead: { cpu: "1" } }, lookup),
    "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead",
  );
  const plain: Record<string, unknown> = {};
  assert.equal(admitRuntimeClass(plain, lookup), undefined);
  assert.deepEqual(plain, {}, "a pod without a class is left as it is");
});
