import assert from "node:assert/strict";
import {
  configMap,
  deployment,
  eventually,
  type Json,
  metaOf,
  startTestApi,
} from "../testing_helper.ts";

const DEPLOYS = "/apis/apps/v1/namespaces/default/deployments";
const NS = "/api/v1/namespaces/default";

Deno.test("generation is bumped by spec changes only, not by label or status changes", async () => {
  const t = await startTestApi();
  try {
    assert.equal((await t.post(DEPLOYS, deployment("web"))).status, 201);
    const gen = async () => metaOf((await t.get(`${DEPLOYS}/web`)).body).generation;
    assert.equal(await gen(), 1);
    const labelled = await t.patch(`${DEPLOYS}/web`, { metadata: { labels: { tier: "front" } } });
    assert.equal(labelled.status, 200, labelled.text);
    assert.equal(await gen(), 1);
    const status = await t.patch(`${DEPLOYS}/web/status`, { status: { observedGeneration: 1 } });
    assert.equal(status.status, 200, status.text);
    assert.equal(await gen(), 1);
    const scaled = await t.patch(`${DEPLOYS}/web`, { spec: { replicas: 2 } });
    assert.equal(metaOf(scaled.body).generation, 2);
    const image = await t.patch(`${DEPLOYS}/web`, {
      spec: { template: { spec: { containers: [{ name: "c", image: "nginx:1.28" }] } } },
    });
    assert.equal(metaOf(image.body).generation, 3);

    // An update that changes nothing writes nothing.
    const current = (await t.get(`${DEPLOYS}/web`)).body;
    const rev = t.store.currentRevision();
    const same = await t.put(`${DEPLOYS}/web`, current);
    assert.equal(same.status, 200, same.text);
    assert.equal(metaOf(same.body).resourceVersion, metaOf(current).resourceVersion);
    assert.equal(t.store.currentRevision(), rev);
  } finally {
    await t.stop();
  }
});

Deno.test("the status subresource ignores spec and the main resource ignores status", async () => {
  const t = await startTestApi();
  try {
    await t.post(DEPLOYS, deployment("web", 1));
    const viaStatus = await t.patch(`${DEPLOYS}/web/status`, {
      metadata: { labels: { sneaky: "yes" } },
      spec: { replicas: 9 },
      status: { replicas: 1, readyReplicas: 1 },
    });
    assert.equal(viaStatus.status, 200, viaStatus.text);
    let d = (await t.get(`${DEPLOYS}/web`)).body;
    assert.equal((d.spec as Json).replicas, 1);
    assert.equal(metaOf(d).labels, undefined);
    assert.equal((d.status as Json).readyReplicas, 1);

    const viaMain = await t.patch(`${DEPLOYS}/web`, {
      spec: { replicas: 4 },
      status: { readyReplicas: 7 },
    });
    assert.equal(viaMain.status, 200, viaMain.text);
    d = (await t.get(`${DEPLOYS}/web`)).body;
    assert.equal((d.spec as Json).replicas, 4);
    assert.equal((d.status as Json).readyReplicas, 1);

    // PUT to /status with a whole object changes only status.
    const put = await t.put(`${DEPLOYS}/web/status`, {
      ...d,
      spec: { ...(d.spec as Json), replicas: 100 },
      status: { replicas: 4, readyReplicas: 4 },
    });
    assert.equal(put.status, 200, put.text);
    d = (await t.get(`${DEPLOYS}/web`)).body;
    assert.equal((d.spec as Json).replicas, 4);
    assert.equal((d.status as Json).readyReplicas, 4);
  } finally {
    await t.stop();
  }
});

Deno.test("the scale subresource reads and writes an autoscaling/v1 Scale", async () => {
  const t = await startTestApi();
  try {
    await t.post(DEPLOYS, deployment("web", 1));
    const s = await t.get(`${DEPLOYS}/web/scale`);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.kind, "Scale");
    assert.equal(s.body.apiVersion, "autoscaling/v1");
    assert.equal(metaOf(s.body).name, "web");
    assert.equal(metaOf(s.body).namespace, "default");
    assert.deepEqual(s.body.spec, { replicas: 1 });
    assert.deepEqual(s.body.status, { replicas: 0, selector: "app=web" });

    const put = await t.put(`${DEPLOYS}/web/scale`, {
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "web", namespace: "default" },
      spec: { replicas: 3 },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.kind, "Scale");
    assert.deepEqual(put.body.spec, { replicas: 3 });
    let d = (await t.get(`${DEPLOYS}/web`)).body;
    assert.equal((d.spec as Json).replicas, 3);
    assert.equal(metaOf(d).generation, 2);

    const patched = await t.patch(`${DEPLOYS}/web/scale`, { spec: { replicas: 5 } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.spec, { replicas: 5 });
    const strategic = await t.patch(
      `${DEPLOYS}/web/scale`,
      { spec: { replicas: 6 } },
      "application/strategic-merge-patch+json",
    );
    assert.equal(strategic.status, 200, strategic.text);
    d = (await t.get(`${DEPLOYS}/web`)).body;
    assert.equal((d.spec as Json).replicas, 6);

    const stale = await t.put(`${DEPLOYS}/web/scale`, {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: { name: "web", resourceVersion: String(metaOf(s.body).resourceVersion) },
      spec: { replicas: 1 },
    });
    assert.equal(stale.status, 409, stale.text);
    assert.equal((await t.get(`${NS}/configmaps/x/scale`)).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("PUT checks the resourceVersion precondition and the name", async () => {
  const t = await startTestApi();
  try {
    const created = await t.post(`${NS}/configmaps`, configMap("cfg", { v: "1" }));
    const first = created.body;
    const ok = await t.put(`${NS}/configmaps/cfg`, { ...first, data: { v: "2" } });
    assert.equal(ok.status, 200, ok.text);
    assert.notEqual(metaOf(ok.body).resourceVersion, metaOf(first).resourceVersion);

    const stale = await t.put(`${NS}/configmaps/cfg`, { ...first, data: { v: "3" } });
    assert.equal(stale.status, 409, stale.text);
    assert.equal(stale.body.reason, "Conflict");
    assert.match(String(stale.body.message), /the object has been modified/);

    const renamed = await t.put(`${NS}/configmaps/cfg`, {
      ...configMap("other", { v: "4" }),
    });
    assert.equal(renamed.status, 400, renamed.text);
    assert.equal(renamed.body.reason, "BadRequest");

    // Without a resourceVersion the update is unconditional.
    const blind = await t.put(`${NS}/configmaps/cfg`, configMap("cfg", { v: "5" }));
    assert.equal(blind.status, 200, blind.text);
    const now = (await t.get(`${NS}/configmaps/cfg`)).body;
    assert.deepEqual(now.data, { v: "5" });
    assert.equal(metaOf(now).uid, metaOf(first).uid);
    assert.equal(metaOf(now).creationTimestamp, metaOf(first).creationTimestamp);

    const missing = await t.put(`${NS}/configmaps/nothing`, configMap("nothing"));
    assert.equal(missing.status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("a Service keeps its ClusterIP when an update leaves it out", async () => {
  const t = await startTestApi();
  try {
    const svc = await t.post(`${NS}/services`, {
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    });
    const ip = (svc.body.spec as Json).clusterIP;
    const put = await t.put(`${NS}/services/web`, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { app: "web2" }, ports: [{ port: 8080 }] },
    });
    assert.equal(put.status, 200, put.text);
    const spec = put.body.spec as Json;
    assert.equal(spec.clusterIP, ip);
    assert.deepEqual(spec.clusterIPs, [ip]);
    assert.deepEqual(spec.selector, { app: "web2" });
    const patched = await t.patch(`${NS}/services/web`, { metadata: { labels: { a: "b" } } });
    assert.equal((patched.body.spec as Json).clusterIP, ip);
  } finally {
    await t.stop();
  }
});

Deno.test("a PUT whose body names another apiVersion or kind than the URL is a 400", async () => {
  const t = await startTestApi();
  try {
    const created = await t.post("/apis/apps/v1/namespaces/default/deployments", deployment("web"));
    assert.equal(created.status, 201);
    for (
      const [apiVersion, kind] of [["apps/v2", "Deployment"], ["v1", "Deployment"], [
        "apps/v1",
        "StatefulSet",
      ]]
    ) {
      const body = { ...created.body, apiVersion, kind };
      const r = await t.put("/apis/apps/v1/namespaces/default/deployments/web", body);
      assert.equal(r.status, 400, `${apiVersion} ${kind}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.reason, "BadRequest");
    }
  } finally {
    await t.stop();
  }
});

Deno.test("a status write is held to no rule of the object's kind (one stored before the rule still takes it)", async () => {
  const t = await startTestApi();
  try {
    // A pod as an older kno stored it: no image, which the pod rules now refuse.
    const legacy = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "legacy",
        namespace: "default",
        uid: "6a1d3f4e-0000-4000-8000-000000000001",
        creationTimestamp: "2026-01-01T00:00:00Z",
      },
      spec: { containers: [{ name: "c" }] },
      status: { phase: "Pending" },
    };
    await t.store.create("/registry/core/pods/default/legacy", JSON.stringify(legacy));
    const PODS = "/api/v1/namespaces/default/pods";
    await eventually(async () => (await t.get(`${PODS}/legacy`)).status === 200, "the cache");
    const status = await t.patch(`${PODS}/legacy/status`, { status: { phase: "Running" } });
    assert.equal(status.status, 200, status.text);
    assert.equal((status.body.status as Json).phase, "Running");
    // The object itself is held to the rules.
    const relabel = await t.patch(`${PODS}/legacy`, { metadata: { labels: { a: "b" } } });
    assert.equal(relabel.status, 422, relabel.text);
  } finally {
    await t.stop();
  }
});
