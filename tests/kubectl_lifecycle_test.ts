/**
 * Object lifecycle through kubectl: scale, the status subresource, finalizers, waits (which use
 * WatchList in kubectl 1.35), namespace finalization and server-side dry runs.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Obj = any;

async function getJson(s: ServerProcess, ...args: string[]): Promise<Obj> {
  return JSON.parse(await s.k("get", ...args, "-o", "json"));
}

const workloads = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec:
  replicas: 1
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec: {containers: [{name: c, image: nginx}]}
`;

/** Open watches on the server, from its /metrics. */
async function watchers(s: ServerProcess): Promise<number> {
  const res = await s.api("/metrics");
  const text = await res.text();
  const m = text.match(/^kno_watchers (\d+)$/m);
  assert.ok(m, "kno_watchers gauge in /metrics");
  return Number(m[1]);
}

/** Polls until the server has more open watches than `baseline`. */
async function untilWatching(s: ServerProcess, baseline: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (await watchers(s) <= baseline) {
    if (Date.now() > deadline) throw new Error("kubectl never opened its watch");
    await new Promise((r) => setTimeout(r, 25));
  }
}

Deno.test("kubectl scale sets replicas of deployments, statefulsets and replicasets and bumps generation", async () => {
  const s = await startServer();
  try {
    await s.k("create", "deployment", "web", "--image=nginx:1.27");
    assert.match(
      await s.k("scale", "deploy", "web", "--replicas=4"),
      /deployment.apps\/web scaled/,
    );
    assert.equal(await s.k("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"), "4");
    assert.equal(await s.k("get", "deploy", "web", "-o", "jsonpath={.metadata.generation}"), "2");
    // --current-replicas is a precondition
    const stale = await s.kubectl([
      "scale",
      "deploy",
      "web",
      "--current-replicas=2",
      "--replicas=9",
    ]);
    assert.equal(stale.code, 1);
    assert.equal(await s.k("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"), "4");
    await s.k("scale", "deploy", "web", "--current-replicas=4", "--replicas=0");
    assert.equal(await s.k("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"), "0");

    await s.kubectl(["apply", "-f", "-"], { stdin: workloads }).then((r) =>
      assert.equal(r.code, 0, r.stderr)
    );
    assert.match(
      await s.k("scale", "statefulset", "db", "--replicas=3"),
      /statefulset.apps\/db scaled/,
    );
    assert.match(
      await s.k("scale", "replicaset", "rs", "--replicas=2"),
      /replicaset.apps\/rs scaled/,
    );
    const sts = await getJson(s, "statefulset", "db");
    assert.equal(sts.spec.replicas, 3);
    assert.equal(sts.metadata.generation, 2);
    const rs = await getJson(s, "replicaset", "rs");
    assert.equal(rs.spec.replicas, 2);
    assert.equal(rs.metadata.generation, 2);

    // the scale subresource speaks autoscaling/v1 Scale whatever the parent's group
    const res = await s.api("/apis/apps/v1/namespaces/default/statefulsets/db/scale");
    const scale = await res.json();
    assert.equal(scale.apiVersion, "autoscaling/v1");
    assert.equal(scale.kind, "Scale");
    assert.equal(scale.spec.replicas, 3);
    assert.equal(scale.status.selector, "app=db");
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("status subresource writes status only; kubectl wait for condition and jsonpath returns promptly", async () => {
  const s = await startServer();
  try {
    await s.k("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2");
    const before = await getJson(s, "deploy", "web");

    // start waiting before the condition exists: kubectl has to watch (WatchList) for it
    const baseline = await watchers(s);
    const started = Date.now();
    const waiting = s.kubectl(["wait", "deploy/web", "--for=condition=Available", "--timeout=20s"]);
    const waitingJsonpath = s.kubectl([
      "wait",
      "deploy/web",
      "--for=jsonpath={.status.readyReplicas}=2",
      "--timeout=20s",
    ]);
    await untilWatching(s, baseline + 1);

    await s.k(
      "patch",
      "deploy",
      "web",
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({
        spec: { replicas: 7 },
        status: {
          replicas: 2,
          readyReplicas: 2,
          conditions: [{
            type: "Available",
            status: "True",
            reason: "MinimumReplicasAvailable",
            message: "Deployment has minimum availability.",
            lastUpdateTime: "2026-01-01T00:00:00Z",
            lastTransitionTime: "2026-01-01T00:00:00Z",
          }],
        },
      }),
    );
    const cond = await waiting;
    assert.equal(cond.code, 0, cond.stderr);
    assert.match(cond.stdout, /deployment.apps\/web condition met/);
    const jp = await waitingJsonpath;
    assert.equal(jp.code, 0, jp.stderr);
    assert.match(jp.stdout, /deployment.apps\/web condition met/);
    assert.ok(Date.now() - started < 15_000, "waits return as soon as the condition holds");

    // spec was ignored by the status write; generation untouched
    const after = await getJson(s, "deploy", "web");
    assert.equal(after.spec.replicas, 2);
    assert.equal(after.metadata.generation, before.metadata.generation);
    assert.equal(after.status.readyReplicas, 2);
    const viaSub = await getJson(s, "deploy", "web", "--subresource=status");
    assert.equal(viaSub.status.conditions[0].type, "Available");

    // a main-resource write ignores status
    await s.k("patch", "deploy", "web", "--type=merge", "-p", '{"status":{"readyReplicas":0}}');
    assert.equal((await getJson(s, "deploy", "web")).status.readyReplicas, 2);

    // a wait that cannot be met times out with exit code 1
    const never = await s.kubectl([
      "wait",
      "deploy/web",
      "--for=condition=Progressing",
      "--timeout=1s",
    ]);
    assert.equal(never.code, 1);
    assert.match(never.stderr, /timed out/);
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("finalizers hold a deleted object until removed; kubectl wait --for=delete returns once it is gone", async () => {
  const s = await startServer();
  try {
    await s.k("create", "configmap", "held", "--from-literal=a=b");
    await s.k(
      "patch",
      "configmap",
      "held",
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":["example.com/hold"]}}',
    );
    assert.match(
      await s.k("delete", "configmap", "held", "--wait=false"),
      /configmap "held" deleted/,
    );
    const held = await getJson(s, "configmap", "held");
    assert.ok(held.metadata.deletionTimestamp, "deletionTimestamp set");
    assert.deepEqual(held.metadata.finalizers, ["example.com/hold"]);
    assert.equal(held.metadata.deletionGracePeriodSeconds, 0);
    // a second delete is accepted and changes nothing
    await s.k("delete", "configmap", "held", "--wait=false");
    assert.equal(
      (await getJson(s, "configmap", "held")).metadata.deletionTimestamp,
      held.metadata.deletionTimestamp,
    );

    const baseline = await watchers(s);
    const waiting = s.kubectl(["wait", "configmap/held", "--for=delete", "--timeout=20s"]);
    await untilWatching(s, baseline);
    await s.k(
      "patch",
      "configmap",
      "held",
      "--type=json",
      "-p",
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    );
    const done = await waiting;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /configmap\/held condition met/);
    const gone = await s.kubectl(["get", "configmap", "held"]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /NotFound/);

    // waiting for something already gone succeeds at once
    const already = await s.kubectl(["wait", "configmap/held", "--for=delete", "--timeout=5s"]);
    assert.equal(already.code, 0, already.stderr);
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("deleting a namespace removes its content, then the namespace; --dry-run=server creates nothing", async () => {
  const s = await startServer();
  try {
    await s.k("create", "namespace", "doomed");
    await s.k("create", "deployment", "web", "-n", "doomed", "--image=nginx");
    await s.k("create", "configmap", "cfg", "-n", "doomed");
    await s.k("create", "secret", "generic", "sec", "-n", "doomed", "--from-literal=a=b");
    await s.k("create", "configmap", "survivor", "-n", "default");

    assert.match(
      await s.k("delete", "namespace", "doomed", "--timeout=30s"),
      /namespace "doomed" deleted/,
    );
    const ns = await s.kubectl(["get", "namespace", "doomed"]);
    assert.match(ns.stderr, /NotFound/);
    for (const path of ["/apis/apps/v1/deployments", "/api/v1/configmaps", "/api/v1/secrets"]) {
      const res = await s.api(`${path}?fieldSelector=metadata.namespace%3Ddoomed`);
      assert.equal(res.status, 200);
      assert.deepEqual((await res.json()).items, [], path);
    }
    assert.match(
      await s.k("get", "configmap", "survivor", "-n", "default", "-o", "name"),
      /configmap\/survivor/,
    );
    // the name is free again
    await s.k("create", "namespace", "doomed");
    // The new namespace starts empty but for what every namespace holds (the cluster CA).
    assert.doesNotMatch(await s.k("get", "cm", "-n", "doomed", "-o", "name"), /configmap\/cfg/);

    // server-side dry runs: the server answers with the object, but stores nothing
    const dry = JSON.parse(
      await s.k("create", "deployment", "ghost", "--image=nginx", "--dry-run=server", "-o", "json"),
    );
    assert.equal(dry.metadata.name, "ghost");
    assert.equal(dry.spec.strategy.type, "RollingUpdate", "dry run is defaulted");
    assert.match((await s.kubectl(["get", "deploy", "ghost"])).stderr, /NotFound/);
    await s.kubectl(["apply", "--dry-run=server", "-f", "-"], {
      stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ghost-cm}\n",
    }).then((r) => assert.equal(r.code, 0, r.stderr));
    assert.match((await s.kubectl(["get", "cm", "ghost-cm"])).stderr, /NotFound/);
    const rv = (await getJson(s, "cm", "survivor")).metadata.resourceVersion;
    await s.k("label", "cm", "survivor", "x=y", "--dry-run=server");
    const unlabeled = await getJson(s, "cm", "survivor");
    assert.equal(unlabeled.metadata.resourceVersion, rv);
    assert.equal(unlabeled.metadata.labels, undefined);
    // kubectl puts dryRun: ["All"] in the DeleteOptions body, not in the query
    assert.match(await s.k("delete", "cm", "survivor", "--dry-run=server"), /\(server dry run\)/);
    const survivor = await s.kubectl([
      "get",
      "cm",
      "survivor",
      "-o",
      "jsonpath={.metadata.resourceVersion}",
    ]);
    assert.equal(
      survivor.code,
      0,
      `delete --dry-run=server deleted the object: ${survivor.stderr}`,
    );
    assert.equal(survivor.stdout, rv);
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});
