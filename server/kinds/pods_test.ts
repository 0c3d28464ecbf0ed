import assert from "node:assert/strict";
import { validatePod } from "./pods.ts";
import type { KubeObject } from "../registry/types.ts";

type Obj = Record<string, unknown>;

const pod = (spec: Obj, metadata: Obj = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", ...metadata },
  spec,
});
const base = (): Obj => ({
  containers: [{ name: "c", image: "nginx:1.27", imagePullPolicy: "IfNotPresent" }],
  volumes: [{ name: "data", emptyDir: {} }],
});
const fields = (o: KubeObject, old?: KubeObject, sub = "") =>
  validatePod(o, old, sub).map((c) => `${c.field}: ${c.message}`);

Deno.test("pods: at least one container, each with an image and a unique RFC 1123 name", () => {
  assert.deepEqual(fields(pod(base())), []);
  assert.deepEqual(fields(pod({ containers: [] })), ["spec.containers: Required value"]);
  assert.deepEqual(fields(pod({ containers: [{ name: "c" }] })), [
    "spec.containers[0].image: Required value",
  ]);
  assert.deepEqual(fields(pod({ containers: [{ name: "c", image: " x" }] })), [
    'spec.containers[0].image: Invalid value: " x": must not have leading or trailing whitespace',
  ]);
  assert.match(
    fields(pod({ containers: [{ name: "Bad_Name", image: "x" }] }))[0]!,
    /^spec\.containers\[0\]\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label/,
  );
  // Names are unique across containers and init containers.
  assert.deepEqual(
    fields(pod({ ...base(), initContainers: [{ name: "c", image: "busybox" }] })),
    ['spec.initContainers[0].name: Duplicate value: "c"'],
  );
  assert.deepEqual(
    fields(pod({
      containers: [{ name: "c", image: "x", volumeMounts: [{ name: "gone", mountPath: "/d" }] }],
    })),
    ['spec.containers[0].volumeMounts[0].name: Not found: "gone"'],
  );
});

Deno.test("pods: ephemeral containers name a real target and set nothing the pod could rely on", () => {
  const spec = (ec: Obj) => ({
    ...base(),
    ephemeralContainers: [{ name: "dbg", image: "x", ...ec }],
  });
  assert.deepEqual(fields(pod(spec({ targetContainerName: "c" }))), []);
  assert.deepEqual(fields(pod(spec({ targetContainerName: "nope" }))), [
    'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
  ]);
  assert.deepEqual(
    fields(pod(spec({ ports: [{ containerPort: 80 }], readinessProbe: { exec: {} } }))),
    [
      "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
      "spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container",
    ],
  );
  // Empty values are not "set" (kubectl debug sends `resources: {}`).
  assert.deepEqual(fields(pod(spec({ resources: {} }))), []);
  assert.deepEqual(
    fields(pod(spec({ volumeMounts: [{ name: "data", mountPath: "/d", subPath: "x" }] }))),
    [
      "spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container",
    ],
  );
  assert.deepEqual(fields(pod(spec({ name: "c" }))), [
    'spec.ephemeralContainers[0].name: Duplicate value: "c"',
  ]);
});

Deno.test("pods: existing ephemeral containers are never changed or removed; static pods take none", () => {
  const one = { name: "dbg", image: "x" };
  const old = pod({ ...base(), ephemeralContainers: [one] });
  const added = pod({ ...base(), ephemeralContainers: [one, { name: "dbg2", image: "y" }] });
  assert.deepEqual(fields(added, old, "ephemeralcontainers"), []);
  assert.deepEqual(fields(pod(base()), old, "ephemeralcontainers"), [
    'spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed\n',
  ]);
  assert.deepEqual(
    fields(
      pod({ ...base(), ephemeralContainers: [{ ...one, image: "z" }] }),
      old,
      "ephemeralcontainers",
    ),
    ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be changed\n'],
  );
  const mirror = pod(base(), { annotations: { "kubernetes.io/config.mirror": "x" } });
  assert.deepEqual(fields(added, mirror, "ephemeralcontainers"), [
    ": Forbidden: static pods do not support ephemeral containers",
  ]);
});

Deno.test("pods: the spec is fixed but for images, a shorter deadline, added tolerations, fewer gates", () => {
  const old = pod({
    ...base(),
    activeDeadlineSeconds: 100,
    tolerations: [{ key: "a", operator: "Exists", effect: "NoExecute", tolerationSeconds: 5 }],
    schedulingGates: [{ name: "g1" }, { name: "g2" }],
  });
  const next = (change: (s: Obj) => void) => {
    const spec = structuredClone(old.spec) as Obj;
    change(spec);
    return fields(pod(spec), old);
  };
  assert.deepEqual(next(() => {}), []);
  assert.deepEqual(next((s) => ((s.containers as Obj[])[0]!.image = "nginx:1.28")), []);
  assert.deepEqual(next((s) => (s.activeDeadlineSeconds = 50)), []);
  assert.deepEqual(next((s) => (s.activeDeadlineSeconds = 200)), [
    "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value",
  ]);
  assert.deepEqual(next((s) => delete s.activeDeadlineSeconds), [
    "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value",
  ]);
  assert.deepEqual(
    next((s) => (s.tolerations as Obj[]).push({ key: "b", operator: "Exists" })),
    [],
  );
  assert.deepEqual(next((s) => ((s.tolerations as Obj[])[0]!.tolerationSeconds = 1)), []);
  assert.deepEqual(next((s) => (s.tolerations = [])), [
    "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds",
  ]);
  assert.deepEqual(next((s) => (s.schedulingGates = [{ name: "g2" }])), []);
  assert.deepEqual(next((s) => (s.schedulingGates as Obj[]).push({ name: "g3" })), [
    "spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'g3'",
  ]);
  const forbidden = next((s) => {
    s.nodeName = "n1";
    (s.containers as Obj[])[0]!.name = "renamed";
  });
  assert.equal(forbidden.length, 1);
  assert.match(
    forbidden[0]!,
    /^spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/,
  );
  assert.match(forbidden[0]!, /changed: spec\.containers, spec\.nodeName$/);
  assert.deepEqual(next((s) => (s.containers as Obj[]).push({ name: "d", image: "x" })), [
    "spec.containers: Forbidden: pod updates may not add or remove containers",
  ]);
  // A binding may name the node of a pod without one, and only then.
  const bound = (spec: Obj, from: KubeObject) => fields(pod(spec), from, "binding");
  assert.deepEqual(bound({ ...(old.spec as Obj), nodeName: "n1" }, old), []);
  const onNode = pod({ ...(old.spec as Obj), nodeName: "n1" });
  assert.equal(bound({ ...(old.spec as Obj), nodeName: "n2" }, onNode).length, 1);
  // A status write is not a spec write.
  assert.deepEqual(fields(pod({ ...(old.spec as Obj) }), onNode, "status"), []);
});

Deno.test("pods: volume files and subPaths stay inside (relative, no '..')", () => {
  const spec = (volumes: Obj[], subPath?: string): Obj => ({
    containers: [{
      name: "c",
      image: "x",
      volumeMounts: [{ name: "v", mountPath: "/d", ...(subPath ? { subPath } : {}) }],
    }],
    volumes,
  });
  const cmItems = (
    path: string,
  ) => [{ name: "v", configMap: { name: "cm", items: [{ key: "k", path }] } }];
  assert.deepEqual(fields(pod(spec(cmItems("conf/app.yaml")))), []);
  assert.deepEqual(fields(pod(spec(cmItems("/etc/passwd")))), [
    'spec.volumes[0].configMap.items[0].path: Invalid value: "/etc/passwd": must be a relative path',
  ]);
  assert.deepEqual(fields(pod(spec(cmItems("a/../../x")))), [
    `spec.volumes[0].configMap.items[0].path: Invalid value: "a/../../x": must not contain '..'`,
  ]);
  assert.deepEqual(fields(pod(spec(cmItems("..data")))), [
    `spec.volumes[0].configMap.items[0].path: Invalid value: "..data": must not start with '..'`,
  ]);
  const projected = [{
    name: "v",
    projected: {
      sources: [
        { secret: { name: "s", items: [{ key: "k", path: "../k" }] } },
        { serviceAccountToken: { path: "/token" } },
      ],
    },
  }];
  assert.deepEqual(fields(pod(spec(projected))), [
    `spec.volumes[0].projected.sources[0].secret.items[0].path: Invalid value: "../k": must not contain '..'`,
    'spec.volumes[0].projected.sources[1].serviceAccountToken.path: Invalid value: "/token": must be a relative path',
  ]);
  const empty = [{ name: "v", emptyDir: {} }];
  assert.deepEqual(fields(pod(spec(empty, "logs/app"))), []);
  assert.deepEqual(fields(pod(spec(empty, "../host"))), [
    `spec.containers[0].volumeMounts[0].subPath: Invalid value: "../host": must not contain '..'`,
  ]);
});
