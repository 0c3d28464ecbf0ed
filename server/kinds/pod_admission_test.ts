import assert from "node:assert/strict";
import { type Json, pod, startTestApi } from "../testing_helper.ts";
import { TOKEN_MOUNT_PATH, tokenVolumeSource } from "./pod_admission.ts";

const PODS = "/api/v1/namespaces/default/pods";
const SAS = "/api/v1/namespaces/default/serviceaccounts";
const PCS = "/apis/scheduling.k8s.io/v1/priorityclasses";

const specOf = (o: Json) => o.spec as Json;
const containers = (o: Json, field = "containers") => (specOf(o)[field] ?? []) as Json[];
const mountsOf = (c: Json) => (c.volumeMounts ?? []) as Json[];

Deno.test("a new pod mounts its service account's token, CA and namespace in every container", async () => {
  const t = await startTestApi();
  try {
    const created = await t.post(
      PODS,
      pod("p", { spec: { initContainers: [{ name: "init", image: "busybox" }] } }),
    );
    assert.equal(created.status, 201, created.text);
    const spec = specOf(created.body);
    assert.equal(spec.serviceAccountName, "default");
    const volumes = spec.volumes as Json[];
    assert.equal(volumes.length, 1);
    const name = String(volumes[0]!.name);
    assert.match(name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(volumes[0]!.projected, tokenVolumeSource());
    for (const c of [...containers(created.body), ...containers(created.body, "initContainers")]) {
      assert.deepEqual(mountsOf(c), [{ name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }]);
    }

    // kubectl debug's containers get it too.
    const debugged = await t.patch(`${PODS}/p/ephemeralcontainers`, {
      spec: { ephemeralContainers: [{ name: "dbg", image: "busybox" }] },
    });
    assert.equal(debugged.status, 200, debugged.text);
    assert.deepEqual(mountsOf(containers(debugged.body, "ephemeralContainers")[0]!), [
      { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH },
    ]);
  } finally {
    await t.stop();
  }
});

Deno.test("no token for pods or accounts that opt out, nor over a mount of one's own", async () => {
  const t = await startTestApi();
  try {
    const optOut = await t.post(PODS, pod("a", { spec: { automountServiceAccountToken: false } }));
    assert.equal(specOf(optOut.body).volumes, undefined);
    const sa = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "quiet" } };
    assert.equal((await t.post(SAS, { ...sa, automountServiceAccountToken: false })).status, 201);
    const quiet = await t.post(PODS, pod("b", { spec: { serviceAccountName: "quiet" } }));
    assert.equal(quiet.status, 201, quiet.text);
    assert.equal(specOf(quiet.body).volumes, undefined);
    // The pod's choice wins over the account's.
    const wants = await t.post(
      PODS,
      pod("c", { spec: { serviceAccountName: "quiet", automountServiceAccountToken: true } }),
    );
    assert.equal((specOf(wants.body).volumes as Json[]).length, 1);
    const own = await t.post(PODS, {
      ...pod("d"),
      spec: {
        volumes: [{ name: "mine", emptyDir: {} }],
        containers: [{
          name: "c",
          image: "x",
          volumeMounts: [{ name: "mine", mountPath: TOKEN_MOUNT_PATH }],
        }],
      },
    });
    assert.equal(own.status, 201, own.text);
    assert.deepEqual((specOf(own.body).volumes as Json[]).map((v) => v.name), ["mine"]);
  } finally {
    await t.stop();
  }
});

Deno.test("a pod naming a service account that does not exist is forbidden", async () => {
  const t = await startTestApi();
  try {
    // A namespace that does not exist is said first (not a missing account after a wait).
    const nowhere = await t.post("/api/v1/namespaces/nowhere/pods", pod("p"));
    assert.equal(nowhere.status, 404, nowhere.text);
    assert.equal(nowhere.body.message, 'namespaces "nowhere" not found');
    const r = await t.post(PODS, pod("p", { spec: { serviceAccountName: "ghost" } }));
    assert.equal(r.status, 403, r.text);
    assert.equal(
      r.body.message,
      'pods "p" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found',
    );
    assert.equal((await t.get(`${PODS}/p`)).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("new pods tolerate unready and unreachable nodes for 300 s unless they say otherwise", async () => {
  const t = await startTestApi();
  try {
    const plain = await t.post(PODS, pod("a"));
    assert.deepEqual(specOf(plain.body).tolerations, [
      {
        key: "node.kubernetes.io/not-ready",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ]);
    const own = { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" };
    const b = await t.post(PODS, pod("b", { spec: { tolerations: [own] } }));
    assert.deepEqual(
      (specOf(b.body).tolerations as Json[]).map((x) => [x.key, x.tolerationSeconds]),
      [["node.kubernetes.io/not-ready", undefined], ["node.kubernetes.io/unreachable", 300]],
    );
    const everything = await t.post(
      PODS,
      pod("c", { spec: { tolerations: [{ operator: "Exists" }] } }),
    );
    assert.deepEqual(specOf(everything.body).tolerations, [{ operator: "Exists" }]);
  } finally {
    await t.stop();
  }
});

Deno.test("priority comes from the pod's PriorityClass, the global default, or 0", async () => {
  const t = await startTestApi();
  const pc = (name: string, value: number, extra: Json = {}) => ({
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name },
    value,
    ...extra,
  });
  try {
    const system = (await t.get(`${PCS}/system-cluster-critical`)).body;
    assert.equal(system.value, 2000000000);
    assert.equal((await t.get(`${PCS}/system-node-critical`)).body.value, 2000001000);

    const none = await t.post(PODS, pod("a"));
    assert.equal(specOf(none.body).priority, 0);
    assert.equal(specOf(none.body).preemptionPolicy, "PreemptLowerPriority");
    const critical = await t.post(
      PODS,
      pod("b", { spec: { priorityClassName: "system-cluster-critical" } }),
    );
    assert.equal(specOf(critical.body).priority, 2000000000);
    const missing = await t.post(PODS, pod("c", { spec: { priorityClassName: "nope" } }));
    assert.equal(missing.status, 403);
    assert.equal(
      missing.body.message,
      'pods "c" is forbidden: no PriorityClass with name nope was found',
    );
    const forced = await t.post(PODS, pod("d", { spec: { priority: 7 } }));
    assert.equal(forced.status, 403);
    assert.match(
      String(forced.body.message),
      /the integer value of priority \(7\) must not be provided/,
    );

    assert.equal(
      (await t.post(PCS, pc("low", 10, { globalDefault: true, preemptionPolicy: "Never" }))).status,
      201,
    );
    const defaulted = await t.post(PODS, pod("e"));
    assert.equal(specOf(defaulted.body).priorityClassName, "low");
    assert.equal(specOf(defaulted.body).priority, 10);
    assert.equal(specOf(defaulted.body).preemptionPolicy, "Never");

    // The classes themselves.
    const second = await t.post(PCS, pc("other", 5, { globalDefault: true }));
    assert.equal(second.status, 422, second.text);
    assert.match(String(second.body.message), /PriorityClass low is already marked as default/);
    assert.equal((await t.post(PCS, pc("system-mine", 5))).status, 422);
    const huge = await t.post(PCS, pc("huge", 2_000_000_000));
    assert.match(
      String(huge.body.message),
      /maximum allowed value of a user defined priority is 1000000000/,
    );
    const moved = await t.patch(`${PCS}/low`, { value: 11 });
    assert.equal(moved.status, 422, moved.text);
  } finally {
    await t.stop();
  }
});

Deno.test("admission appends to what a pod sent, so a malformed list is still refused, not mended", async () => {
  const t = await startTestApi();
  try {
    for (const spec of [{ tolerations: [5] }, { volumes: ["x"] }]) {
      const r = await t.post(PODS, pod("bad", { spec }));
      assert.equal(r.status, 400, `${JSON.stringify(spec)}: ${r.text}`);
      assert.equal(r.body.reason, "BadRequest");
    }
    assert.equal((await t.get(`${PODS}/bad`)).status, 404);
  } finally {
    await t.stop();
  }
});
