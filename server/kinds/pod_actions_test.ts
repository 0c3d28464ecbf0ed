import assert from "node:assert/strict";
import { type Json, metaOf, pod, startTestApi } from "../testing_helper.ts";

const PODS = "/api/v1/namespaces/default/pods";
const PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

const binding = (name: string, target: Json, metadata: Json = {}) => ({
  apiVersion: "v1",
  kind: "Binding",
  metadata: { name, ...metadata },
  target,
});
const eviction = (name: string, deleteOptions?: Json) => ({
  apiVersion: "policy/v1",
  kind: "Eviction",
  metadata: { name },
  ...(deleteOptions ? { deleteOptions } : {}),
});
const conditions = (o: Json) => ((o.status as Json | undefined)?.conditions ?? []) as Json[];
const causes = (o: Json) => ((o.details as Json | undefined)?.causes ?? []) as Json[];

Deno.test("pods/binding assigns the node once, with the PodScheduled condition", async () => {
  const clock = new Date("2026-05-01T10:00:00Z");
  const t = await startTestApi({ now: () => clock });
  try {
    assert.equal((await t.post(PODS, pod("p"))).status, 201);
    const before = await t.get(`${PODS}/p`);
    const managed = metaOf(before.body).managedFields;

    const dry = await t.post(`${PODS}/p/binding?dryRun=All`, binding("p", { name: "n1" }));
    assert.equal(dry.status, 201, dry.text);
    assert.equal(((await t.get(`${PODS}/p`)).body.spec as Json).nodeName, undefined);

    const bound = await t.post(
      `${PODS}/p/binding`,
      binding("p", { kind: "Node", name: "n1" }, { annotations: { "scheduler/why": "fit" } }),
    );
    assert.equal(bound.status, 201, bound.text);
    assert.deepEqual(bound.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      code: 201,
    });
    const after = (await t.get(`${PODS}/p`)).body;
    assert.equal((after.spec as Json).nodeName, "n1");
    assert.equal((metaOf(after).annotations as Json)["scheduler/why"], "fit");
    assert.deepEqual(conditions(after), [
      { type: "PodScheduled", status: "True", lastTransitionTime: "2026-05-01T10:00:00Z" },
    ]);
    // Not a field manager's write, as upstream's binding is not.
    assert.deepEqual(metaOf(after).managedFields, managed);

    const again = await t.post(`${PODS}/p/binding`, binding("p", { name: "n2" }));
    assert.equal(again.status, 409, again.text);
    assert.equal(
      again.body.message,
      'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "n1"',
    );
    // And the main resource may not move it either.
    const moved = await t.patch(`${PODS}/p`, { spec: { nodeName: "n2" } });
    assert.equal(moved.status, 422, moved.text);
    assert.equal(causes(moved.body)[0]!.field, "spec");
  } finally {
    await t.stop();
  }
});

Deno.test("pods/binding refuses bad bodies, gated pods and stale preconditions", async () => {
  const t = await startTestApi();
  try {
    assert.equal((await t.post(PODS, pod("p"))).status, 201);
    const other = await t.post(`${PODS}/p/binding`, binding("q", { name: "n1" }));
    assert.equal(other.status, 400);
    assert.equal(other.body.message, "name in URL does not match name in Binding object");
    const bad = await t.post(`${PODS}/p/binding`, binding("p", { kind: "Pod" }));
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(causes(bad.body).map((c) => c.field), ["target.kind", "target.name"]);
    const stale = await t.post(`${PODS}/p/binding`, binding("p", { name: "n1" }, { uid: "nope" }));
    assert.equal(stale.status, 409, stale.text);
    assert.match(String(stale.body.message), /Precondition failed: UID in precondition: nope/);
    const missing = await t.post(`${PODS}/gone/binding`, binding("gone", { name: "n1" }));
    assert.equal(missing.status, 404);
    // The same through the bindings collection (`kubectl create -f` of a Binding), which takes
    // the pod's name from the body.
    const BINDINGS = "/api/v1/namespaces/default/bindings";
    const posted = await t.post(BINDINGS, binding("p", { name: "n9" }));
    assert.equal(posted.status, 201, posted.text);
    assert.equal(((await t.get(`${PODS}/p`)).body.spec as Json).nodeName, "n9");
    assert.equal((await t.get(`${BINDINGS}/p`)).status, 405, "nothing is stored to read");

    const gated = pod("g", { spec: { schedulingGates: [{ name: "wait" }] } });
    assert.equal((await t.post(PODS, gated)).status, 201);
    const refused = await t.post(`${PODS}/g/binding`, binding("g", { name: "n1" }));
    assert.equal(refused.status, 409);
    assert.match(String(refused.body.message), /pod g has non-empty \.spec\.schedulingGates$/);
  } finally {
    await t.stop();
  }
});

Deno.test("pods/ephemeralcontainers adds debug containers; nothing else changes through it", async () => {
  const t = await startTestApi();
  try {
    assert.equal((await t.post(PODS, pod("p"))).status, 201);
    const read = await t.get(`${PODS}/p/ephemeralcontainers`);
    assert.equal(read.status, 200);
    assert.equal(read.body.kind, "Pod");
    const added = await t.patch(`${PODS}/p/ephemeralcontainers`, {
      metadata: { labels: { ignored: "yes" } },
      spec: {
        ephemeralContainers: [{ name: "dbg", image: "busybox", targetContainerName: "c" }],
        containers: [{ name: "c", image: "changed:1" }],
      },
    });
    assert.equal(added.status, 200, added.text);
    const spec = added.body.spec as Json;
    const [dbg] = spec.ephemeralContainers as Json[];
    assert.equal(dbg!.name, "dbg");
    assert.equal(dbg!.imagePullPolicy, "Always", "defaulted as any container");
    assert.equal((spec.containers as Json[])[0]!.image, "nginx:1.27");
    assert.equal((metaOf(added.body).labels as Json | undefined)?.ignored, undefined);
    const managers = (metaOf(added.body).managedFields as Json[]).map((m) => m.subresource);
    assert.ok(managers.includes("ephemeralcontainers"), JSON.stringify(managers));

    // Writes to the pod itself keep them (they are the subresource's to change).
    const put = structuredClone(added.body);
    (put.spec as Json).ephemeralContainers = [];
    const replaced = await t.put(`${PODS}/p`, put);
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(((replaced.body.spec as Json).ephemeralContainers as Json[]).length, 1);

    const removed = await t.patch(`${PODS}/p/ephemeralcontainers`, {
      spec: { ephemeralContainers: null },
    });
    assert.equal(removed.status, 422, removed.text);
    assert.match(
      String(removed.body.message),
      /existing ephemeral containers "dbg" may not be removed/,
    );
  } finally {
    await t.stop();
  }
});

Deno.test("pods/eviction deletes pods its budget can spare and refuses the rest with 429", async () => {
  const clock = new Date("2026-05-01T10:00:00Z");
  const t = await startTestApi({ now: () => clock });
  const running = async (name: string) => {
    assert.equal(
      (await t.post(PODS, pod(name, { metadata: { labels: { app: "web" } } }))).status,
      201,
    );
    const status = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };
    assert.equal((await t.patch(`${PODS}/${name}/status`, { status })).status, 200);
  };
  const budget = (status: Json) => t.patch(`${PDBS}/web/status`, { status });
  try {
    // A pending pod goes at once, budget or not.
    assert.equal((await t.post(PODS, pod("pending"))).status, 201);
    const pending = await t.post(`${PODS}/pending/eviction`, eviction("pending"));
    assert.equal(pending.status, 201, pending.text);
    assert.equal(pending.body.status, "Success");
    assert.equal((await t.get(`${PODS}/pending`)).status, 404);

    // Without a budget a running pod goes too.
    await running("free");
    assert.equal((await t.post(`${PODS}/free/eviction`, eviction("free"))).status, 201);
    assert.equal((await t.get(`${PODS}/free`)).status, 404);

    await running("a");
    await running("b");
    const pdb = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "web" },
      spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
    };
    assert.equal((await t.post(PDBS, pdb)).status, 201);
    // Not yet seen by a disruption controller: retry later.
    const unseen = await t.post(`${PODS}/a/eviction`, eviction("a"));
    assert.equal(unseen.status, 429, unseen.text);
    assert.equal(unseen.headers.get("retry-after"), "10");
    assert.equal(
      unseen.body.message,
      "Cannot evict pod as it would violate the pod's disruption budget.",
    );
    assert.deepEqual(unseen.body.details, {
      retryAfterSeconds: 10,
      causes: [{
        type: "DisruptionBudget",
        message: "The disruption budget web is still being processed by the server.",
      }],
    });

    const healthy = {
      observedGeneration: 1,
      currentHealthy: 2,
      desiredHealthy: 1,
      expectedPods: 2,
    };
    assert.equal((await budget({ ...healthy, disruptionsAllowed: 1 })).status, 200);
    const dry = await t.post(`${PODS}/a/eviction`, eviction("a", { dryRun: ["All"] }));
    assert.equal(dry.status, 201, dry.text);
    assert.equal((await t.get(`${PODS}/a`)).status, 200);
    assert.equal(((await t.get(`${PDBS}/web`)).body.status as Json).disruptionsAllowed, 1);

    const evicted = await t.post(`${PODS}/a/eviction`, eviction("a"));
    assert.equal(evicted.status, 201, evicted.text);
    assert.equal((await t.get(`${PODS}/a`)).status, 404);
    const used = (await t.get(`${PDBS}/web`)).body.status as Json;
    assert.equal(used.disruptionsAllowed, 0);
    assert.deepEqual(used.disruptedPods, { a: "2026-05-01T10:00:00Z" });

    const spent = await t.post(`${PODS}/b/eviction`, eviction("b"));
    assert.equal(spent.status, 429, spent.text);
    assert.equal(
      causes(spent.body)[0]!.message,
      "The disruption budget web needs 1 healthy pods and has 2 currently",
    );
    assert.equal((await t.get(`${PODS}/b`)).status, 200);

    // Two budgets over one pod: upstream does not choose.
    assert.equal((await t.post(PDBS, { ...pdb, metadata: { name: "web2" } })).status, 201);
    const two = await t.post(`${PODS}/b/eviction`, eviction("b"));
    assert.equal(two.status, 500, two.text);
    assert.match(String(two.body.message), /more than one PodDisruptionBudget/);

    const other = await t.post(`${PODS}/b/eviction`, eviction("c"));
    assert.equal(other.status, 400);
    assert.equal(other.body.message, "name in URL does not match name in Eviction object");
  } finally {
    await t.stop();
  }
});

Deno.test("pods/eviction of a pod on a node marks it DisruptionTarget and deletes it gracefully", async () => {
  const clock = new Date("2026-05-01T10:00:00Z");
  const t = await startTestApi({ now: () => clock });
  try {
    assert.equal((await t.post(PODS, pod("p", { spec: { nodeName: "n1" } }))).status, 201);
    const evicted = await t.post(
      `${PODS}/p/eviction`,
      eviction("p", { gracePeriodSeconds: 5 }),
    );
    assert.equal(evicted.status, 201, evicted.text);
    const left = (await t.get(`${PODS}/p`)).body;
    assert.equal(metaOf(left).deletionTimestamp, "2026-05-01T10:00:05Z");
    assert.deepEqual(conditions(left).find((c) => c.type === "DisruptionTarget"), {
      type: "DisruptionTarget",
      status: "True",
      reason: "EvictionByEvictionAPI",
      message: "Eviction API: evicting",
      lastTransitionTime: "2026-05-01T10:00:00Z",
    });
  } finally {
    await t.stop();
  }
});
