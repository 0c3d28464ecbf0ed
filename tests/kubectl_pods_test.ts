/**
 * The pod subresources real clients use before any kubelet runs a pod: `kubectl debug` (the
 * ephemeralcontainers subresource), a Binding created with kubectl (what the scheduler writes),
 * and `kubectl drain` (cordon, then evictions that respect PodDisruptionBudgets). Also the rule
 * that a pod's spec is fixed once created, and what a pod's RuntimeClass adds to it.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Obj = any;

async function getJson(s: ServerProcess, ...args: string[]): Promise<Obj> {
  return JSON.parse(await s.k("get", ...args, "-o", "json"));
}

const node = `apiVersion: v1
kind: Node
metadata: {name: edge-1, labels: {kubernetes.io/hostname: edge-1}}
`;

const pod = (name: string, app: string, nodeName?: string) =>
  `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${app}}}
spec:
  ${nodeName ? `nodeName: ${nodeName}` : ""}
  containers: [{name: main, image: busybox:1.36}]
---
`;

/** Marks a pod Running and Ready, as its kubelet would. */
async function running(s: ServerProcess, name: string): Promise<void> {
  await s.k(
    "patch",
    "pod",
    name,
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}',
  );
}

Deno.test("kubectl debug adds an ephemeral container; a pod's spec is otherwise fixed", async () => {
  const s = await startServer();
  try {
    await s.kubectl(["apply", "-f", "-"], { stdin: pod("app", "web") });
    const out = await s.kubectl([
      "debug",
      "app",
      "--image=busybox:1.36",
      "--profile=general",
      "--container=dbg",
      "--target=main",
      "--",
      "sleep",
      "1",
    ]);
    // kubectl 1.35 panicked here against a 404 without details; now it adds the container.
    assert.equal(out.code, 0, out.stderr + out.stdout);
    assert.doesNotMatch(out.stderr, /panic/);
    const after = await getJson(s, "pod", "app");
    assert.deepEqual(
      after.spec.ephemeralContainers.map((c: Obj) => [c.name, c.image, c.targetContainerName]),
      [["dbg", "busybox:1.36", "main"]],
    );
    assert.deepEqual(after.spec.ephemeralContainers[0].command, ["sleep", "1"]);

    const astray = await s.kubectl(["debug", "app", "--image=busybox", "--target=nope"]);
    assert.notEqual(astray.code, 0);
    assert.match(astray.stderr, /targetContainerName: Not found: "nope"/);

    // kubectl set image may change an image; nothing else of the spec may change.
    await s.k("set", "image", "pod/app", "main=busybox:1.37");
    assert.equal((await getJson(s, "pod", "app")).spec.containers[0].image, "busybox:1.37");
    const moved = await s.kubectl([
      "patch",
      "pod",
      "app",
      "-p",
      '{"spec":{"restartPolicy":"Never"}}',
    ]);
    assert.notEqual(moved.code, 0);
    assert.match(moved.stderr, /spec: Forbidden: pod updates may not change fields other than/);
  } finally {
    await s.stop();
  }
});

Deno.test("a Binding created with kubectl assigns a pod once", async () => {
  const s = await startServer();
  try {
    await s.kubectl(["apply", "-f", "-"], { stdin: node + "---\n" + pod("app", "web") });
    const binding = `apiVersion: v1
kind: Binding
metadata: {name: app}
target: {kind: Node, name: edge-1}
`;
    const created = await s.kubectl(["create", "-f", "-"], { stdin: binding });
    assert.equal(created.code, 0, created.stderr);
    const bound = await getJson(s, "pod", "app");
    assert.equal(bound.spec.nodeName, "edge-1");
    assert.deepEqual(
      bound.status.conditions.map((c: Obj) => [c.type, c.status]),
      [["PodScheduled", "True"]],
    );
    assert.match(await s.k("get", "pods", "--field-selector=spec.nodeName=edge-1"), /^app\s/m);
    const twice = await s.kubectl(["create", "-f", "-"], { stdin: binding });
    assert.notEqual(twice.code, 0);
    assert.match(twice.stderr, /pod app is already assigned to node "edge-1"/);
  } finally {
    await s.stop();
  }
});

Deno.test("kubectl drain cordons the node and evicts its pods as their disruption budget allows", async () => {
  const s = await startServer();
  try {
    await s.kubectl(["apply", "-f", "-"], {
      stdin: node + "---\n" + pod("solo", "solo", "edge-1") + pod("web-a", "web", "edge-1") +
        pod("web-b", "web", "edge-1") + pod("elsewhere", "web"),
    });
    for (const name of ["solo", "web-a", "web-b"]) await running(s, name);
    await s.k("create", "pdb", "web", "--selector=app=web", "--min-available=1");
    // What the disruption controller would report: two healthy, one may go.
    await s.k(
      "patch",
      "pdb",
      "web",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"observedGeneration":1,"currentHealthy":2,"desiredHealthy":1,"expectedPods":2,"disruptionsAllowed":1}}',
    );

    const dry = await s.kubectl(["drain", "edge-1", "--force", "--dry-run=server"]);
    assert.equal(dry.code, 0, dry.stderr + dry.stdout);
    assert.equal((await getJson(s, "pdb", "web")).status.disruptionsAllowed, 1);
    assert.equal((await getJson(s, "pods")).items.length, 4);

    // The second web pod would break the budget: drain retries it until its timeout.
    const drain = await s.kubectl(
      ["drain", "edge-1", "--force", "--grace-period=0", "--timeout=7s"],
      { timeoutMs: 60_000 },
    );
    assert.notEqual(drain.code, 0, "one pod must stay");
    assert.match(drain.stdout, /node\/edge-1 cordoned/);
    assert.match(drain.stdout, /evicting pod default\/solo/);
    assert.match(drain.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);

    assert.equal((await getJson(s, "node", "edge-1")).spec.unschedulable, true);
    const left = (await getJson(s, "pods")).items.map((p: Obj) => p.metadata.name).sort();
    assert.equal(left.length, 2, left.join(","));
    assert.ok(left.includes("elsewhere"), "a pod on no node is not drained");
    assert.ok(!left.includes("solo"));
    const pdb = (await getJson(s, "pdb", "web")).status;
    assert.equal(pdb.disruptionsAllowed, 0);
    const gone = ["web-a", "web-b"].find((n) => !left.includes(n))!;
    assert.deepEqual(Object.keys(pdb.disruptedPods), [gone]);
  } finally {
    await s.stop();
  }
});

Deno.test("a pod's RuntimeClass gives it the class's overhead, node selector and tolerations", async () => {
  const s = await startServer();
  try {
    const rc = {
      apiVersion: "node.k8s.io/v1",
      kind: "RuntimeClass",
      metadata: { name: "crun" },
      handler: "crun",
      overhead: { podFixed: { cpu: "100m" } },
      scheduling: {
        nodeSelector: { "kno.io/runtime-crun": "true" },
        tolerations: [{ key: "runtime", operator: "Exists", effect: "NoSchedule" }],
      },
    };
    await s.kubectl(["apply", "-f", "-"], { stdin: JSON.stringify(rc) });
    assert.match(await s.k("get", "runtimeclasses"), /crun\s+crun\s+\d+s/);
    const changed = await s.kubectl(["patch", "runtimeclass", "crun", "-p", '{"handler":"runc"}']);
    assert.match(changed.stderr, /handler: Invalid value: "runc": field is immutable/);
    await s.k("run", "fast", "--image=busybox", '--overrides={"spec":{"runtimeClassName":"crun"}}');
    const pod = await getJson(s, "pod", "fast");
    assert.deepEqual(pod.spec.overhead, { cpu: "100m" });
    assert.deepEqual(pod.spec.nodeSelector, { "kno.io/runtime-crun": "true" });
    assert.ok(pod.spec.tolerations.some((t: Obj) => t.key === "runtime"));
    const missing = await s.kubectl([
      "run",
      "gpu",
      "--image=busybox",
      '--overrides={"spec":{"runtimeClassName":"nvidia"}}',
    ]);
    assert.match(
      missing.stderr,
      /pods "gpu" is forbidden: pod rejected: RuntimeClass "nvidia" not found/,
    );
  } finally {
    await s.stop();
  }
});
