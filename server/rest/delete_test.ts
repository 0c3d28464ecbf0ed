import assert from "node:assert/strict";
import {
  configMap,
  deployment,
  eventually,
  type Json,
  metaOf,
  pod,
  startTestApi,
} from "../testing_helper.ts";

const CMS = "/api/v1/namespaces/default/configmaps";

function held(name: string): Json {
  return { ...configMap(name), metadata: { name, finalizers: ["example.com/hold"] } };
}

Deno.test("deleting an object with a finalizer marks it; removing the finalizer deletes it", async () => {
  const clock = new Date("2026-05-01T10:00:00Z");
  const t = await startTestApi({ now: () => clock });
  try {
    assert.equal((await t.post(CMS, held("h"))).status, 201);
    const del = await t.delete(`${CMS}/h`);
    assert.ok(del.status === 200 || del.status === 202, del.text);
    assert.equal(metaOf(del.body).deletionTimestamp, "2026-05-01T10:00:00Z");
    const still = await t.get(`${CMS}/h`);
    assert.equal(still.status, 200);
    assert.equal(metaOf(still.body).deletionTimestamp, "2026-05-01T10:00:00Z");
    assert.equal(metaOf(still.body).deletionGracePeriodSeconds, 0);
    assert.deepEqual(metaOf(still.body).finalizers, ["example.com/hold"]);

    // Deleting again changes nothing.
    const rev = t.store.currentRevision();
    const again = await t.delete(`${CMS}/h`);
    assert.ok(again.status === 200 || again.status === 202, again.text);
    assert.equal(t.store.currentRevision(), rev);

    // No new finalizers once deletion started.
    const added = await t.patch(`${CMS}/h`, {
      metadata: { finalizers: ["example.com/hold", "example.com/more"] },
    });
    assert.equal(added.status, 422, added.text);
    assert.equal(added.body.reason, "Invalid");
    assert.ok(
      ((added.body.details as Json).causes as Json[]).some((c) =>
        c.field === "metadata.finalizers"
      ),
    );
    // Other changes are still allowed while finalizers run.
    const labelled = await t.patch(`${CMS}/h`, { metadata: { labels: { a: "b" } } });
    assert.equal(labelled.status, 200, labelled.text);

    const released = await t.patch(`${CMS}/h`, { metadata: { finalizers: null } });
    assert.equal(released.status, 200, released.text);
    assert.equal((await t.get(`${CMS}/h`)).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("DeleteOptions preconditions on uid and resourceVersion are enforced with 409", async () => {
  const t = await startTestApi();
  try {
    const c = await t.post(CMS, configMap("p"));
    const { uid, resourceVersion } = metaOf(c.body);
    const opts = (preconditions: Json) => ({
      kind: "DeleteOptions",
      apiVersion: "v1",
      preconditions,
    });
    const wrongUid = await t.delete(
      `${CMS}/p`,
      opts({ uid: "00000000-0000-0000-0000-000000000000" }),
    );
    assert.equal(wrongUid.status, 409, wrongUid.text);
    assert.equal(wrongUid.body.reason, "Conflict");
    assert.match(String(wrongUid.body.message), /Precondition failed: UID in precondition/);
    await t.patch(`${CMS}/p`, { data: { changed: "yes" } });
    const staleRv = await t.delete(`${CMS}/p`, opts({ resourceVersion }));
    assert.equal(staleRv.status, 409, staleRv.text);
    assert.match(String(staleRv.body.message), /ResourceVersion in precondition/);
    assert.equal((await t.get(`${CMS}/p`)).status, 200);
    const current = String(metaOf((await t.get(`${CMS}/p`)).body).resourceVersion);
    const ok = await t.delete(`${CMS}/p`, opts({ uid, resourceVersion: current }));
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await t.get(`${CMS}/p`)).status, 404);
    const missing = await t.delete(`${CMS}/p`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, "NotFound");
  } finally {
    await t.stop();
  }
});

Deno.test("a dry-run delete keeps the object", async () => {
  const t = await startTestApi();
  try {
    await t.post(CMS, configMap("keep"));
    const rev = t.store.currentRevision();
    const r = await t.delete(`${CMS}/keep?dryRun=All`);
    assert.equal(r.status, 200, r.text);
    assert.equal((await t.get(`${CMS}/keep`)).status, 200);
    assert.equal(t.store.currentRevision(), rev);
  } finally {
    await t.stop();
  }
});

Deno.test("deletecollection deletes only what the selector matches", async () => {
  const t = await startTestApi();
  try {
    await t.post(CMS, configMap("a", {}, { group: "x" }));
    await t.post(CMS, configMap("b", {}, { group: "x" }));
    await t.post(CMS, configMap("c", {}, { group: "y" }));
    const r = await t.delete(`${CMS}?labelSelector=group%3Dx`);
    assert.equal(r.status, 200, r.text);
    const left = await t.get(CMS);
    assert.deepEqual((left.body.items as Json[]).map((i) => metaOf(i).name), ["c"]);
  } finally {
    await t.stop();
  }
});

Deno.test("a namespace is deleted through the namespace controller once its content is gone", async () => {
  const t = await startTestApi();
  try {
    assert.equal(
      (await t.post("/api/v1/namespaces", { metadata: { name: "doomed" } })).status,
      201,
    );
    const base = "/api/v1/namespaces/doomed";
    await t.post(`${base}/configmaps`, configMap("plain"));
    await t.post(`${base}/configmaps`, held("held"));
    const dep = await t.post("/apis/apps/v1/namespaces/doomed/deployments", deployment("web"));
    assert.equal(dep.status, 201, dep.text);

    const del = await t.delete("/api/v1/namespaces/doomed");
    assert.ok(del.status === 200 || del.status === 202, del.text);
    assert.ok(metaOf(del.body).deletionTimestamp);
    assert.equal((del.body.status as Json).phase, "Terminating");

    // The controller deletes what it can; the held configmap keeps the namespace terminating.
    await eventually(
      async () => (await t.get(`${base}/configmaps/plain`)).status === 404,
      "the plain configmap to go",
    );
    await eventually(
      async () => (await t.get("/apis/apps/v1/namespaces/doomed/deployments/web")).status === 404,
      "the deployment to go",
    );
    const heldNow = await t.get(`${base}/configmaps/held`);
    assert.ok(metaOf(heldNow.body).deletionTimestamp, "the held configmap is being deleted");
    const ns = await t.get("/api/v1/namespaces/doomed");
    assert.equal(ns.status, 200);
    assert.equal((ns.body.status as Json).phase, "Terminating");

    // Nothing new may be created in a terminating namespace.
    const refused = await t.post(`${base}/configmaps`, configMap("late"));
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.reason, "Forbidden");
    assert.match(String(refused.body.message), /being terminated/);

    await t.patch(`${base}/configmaps/held`, { metadata: { finalizers: null } });
    await eventually(
      async () => (await t.get("/api/v1/namespaces/doomed")).status === 404,
      "the namespace to go",
    );
  } finally {
    await t.stop();
  }
});

Deno.test("a pod bound to a node waits for its kubelet; unscheduled or finished pods go at once", async () => {
  const clock = new Date("2026-05-01T10:00:00Z");
  const t = await startTestApi({ now: () => clock });
  const PODS = "/api/v1/namespaces/default/pods";
  try {
    assert.equal((await t.post(PODS, pod("loose"))).status, 201);
    assert.equal((await t.delete(`${PODS}/loose`)).status, 200);
    assert.equal((await t.get(`${PODS}/loose`)).status, 404);

    assert.equal((await t.post(PODS, pod("bound", { spec: { nodeName: "n1" } }))).status, 201);
    const marked = await t.delete(`${PODS}/bound`);
    assert.equal(marked.status, 202, marked.text);
    assert.equal(metaOf(marked.body).deletionGracePeriodSeconds, 30);
    assert.equal(metaOf(marked.body).deletionTimestamp, "2026-05-01T10:00:30Z");
    assert.equal((await t.get(`${PODS}/bound`)).status, 200);

    assert.equal((await t.post(PODS, pod("done", { spec: { nodeName: "n1" } }))).status, 201);
    const finished = await t.patch(`${PODS}/done/status`, { status: { phase: "Succeeded" } });
    assert.equal(finished.status, 200, finished.text);
    assert.equal((await t.delete(`${PODS}/done`)).status, 200);
    assert.equal((await t.get(`${PODS}/done`)).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("a namespace's own finalizers change through namespaces/finalize only", async () => {
  const t = await startTestApi();
  try {
    const created = await t.post("/api/v1/namespaces", {
      metadata: { name: "guarded" },
      spec: { finalizers: ["example.com/guard"] },
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual((created.body.spec as Json).finalizers, ["example.com/guard", "kubernetes"]);
    // The object itself cannot drop them.
    const ns = "/api/v1/namespaces/guarded";
    const put = structuredClone(created.body);
    (put.spec as Json).finalizers = [];
    assert.deepEqual(((await t.put(ns, put)).body.spec as Json).finalizers, [
      "example.com/guard",
      "kubernetes",
    ]);

    assert.ok([200, 202].includes((await t.delete(ns)).status));
    // The controller removes `kubernetes`; the other one holds the namespace.
    await eventually(
      async () =>
        JSON.stringify(((await t.get(ns)).body.spec as Json).finalizers) ===
          '["example.com/guard"]',
      "the controller to remove its finalizer",
    );
    assert.equal((await t.get(ns)).status, 200);
    // What forces a stuck namespace: PUT .../finalize with no finalizers.
    const current = (await t.get(ns)).body;
    (current.spec as Json).finalizers = [];
    const forced = await t.put(`${ns}/finalize`, current);
    assert.equal(forced.status, 200, forced.text);
    await eventually(async () => (await t.get(ns)).status === 404, "the namespace to go");
  } finally {
    await t.stop();
  }
});
