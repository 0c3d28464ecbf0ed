import assert from "node:assert/strict";
import {
  configMap,
  deployment,
  type Json,
  metaOf,
  pod,
  startTestApi,
  type TestApi,
} from "../testing_helper.ts";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

async function namespace(t: TestApi, name: string) {
  const r = await t.post("/api/v1/namespaces", { metadata: { name } });
  assert.equal(r.status, 201, r.text);
}

function names(list: Json): string[] {
  return (list.items as Json[]).map((i) => String(metaOf(i).name));
}

Deno.test("a list carries the store revision it was read at as its resourceVersion", async () => {
  const t = await startTestApi();
  try {
    const created = await t.post("/api/v1/namespaces/default/configmaps", configMap("one"));
    assert.equal(created.status, 201, created.text);
    const rv = Number(metaOf(created.body).resourceVersion);
    const list = await t.get("/api/v1/namespaces/default/configmaps");
    assert.equal(list.status, 200);
    assert.equal(list.body.kind, "ConfigMapList");
    assert.equal(list.body.apiVersion, "v1");
    const listRv = metaOf(list.body).resourceVersion;
    assert.equal(typeof listRv, "string");
    assert.equal(Number(listRv), t.store.currentRevision());
    assert.ok(Number(listRv) >= rv);
    // resourceVersion=0: any cached state will do, still a valid list.
    const any = await t.get("/api/v1/namespaces/default/configmaps?resourceVersion=0");
    assert.deepEqual(names(any.body), ["one"]);
    const bad = await t.get("/api/v1/namespaces/default/configmaps?resourceVersionMatch=Exact");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, "BadRequest");
    const garbled = await t.get("/api/v1/namespaces/default/configmaps?continue=!!notatoken");
    assert.equal(garbled.status, 400);
  } finally {
    await t.stop();
  }
});

Deno.test("limit/continue pages show the snapshot of the first page despite writes between pages", async () => {
  const t = await startTestApi();
  try {
    await namespace(t, "pg");
    for (const n of ["c1", "c2", "c3", "c4", "c5"]) {
      const r = await t.post("/api/v1/namespaces/pg/configmaps", configMap(n, { v: "old" }));
      assert.equal(r.status, 201, r.text);
    }
    const p1 = await t.get("/api/v1/namespaces/pg/configmaps?limit=2");
    assert.deepEqual(names(p1.body), ["c1", "c2"]);
    const m1 = metaOf(p1.body);
    assert.equal(m1.remainingItemCount, 3);
    assert.equal(typeof m1.continue, "string");
    const snapshotRv = m1.resourceVersion;

    // Writes between pages: a new first item, a changed and a deleted one on later pages.
    assert.equal((await t.post("/api/v1/namespaces/pg/configmaps", configMap("c0"))).status, 201);
    const upd = await t.patch("/api/v1/namespaces/pg/configmaps/c3", { data: { v: "new" } });
    assert.equal(upd.status, 200, upd.text);
    assert.equal((await t.delete("/api/v1/namespaces/pg/configmaps/c4")).status, 200);

    const p2 = await t.get(
      `/api/v1/namespaces/pg/configmaps?limit=2&continue=${
        encodeURIComponent(String(m1.continue))
      }`,
    );
    assert.equal(p2.status, 200, p2.text);
    assert.deepEqual(names(p2.body), ["c3", "c4"]);
    assert.deepEqual((p2.body.items as Json[])[0]!.data, { v: "old" });
    const m2 = metaOf(p2.body);
    assert.equal(m2.resourceVersion, snapshotRv);
    assert.equal(m2.remainingItemCount, 1);
    const p3 = await t.get(
      `/api/v1/namespaces/pg/configmaps?limit=2&continue=${
        encodeURIComponent(String(m2.continue))
      }`,
    );
    assert.deepEqual(names(p3.body), ["c5"]);
    assert.equal(metaOf(p3.body).continue, undefined);
    assert.equal(metaOf(p3.body).remainingItemCount, undefined);

    // A fresh list sees the writes.
    const now = await t.get("/api/v1/namespaces/pg/configmaps");
    assert.deepEqual(names(now.body), ["c0", "c1", "c2", "c3", "c5"]);
    // continue and resourceVersion together are refused.
    const both = await t.get(
      `/api/v1/namespaces/pg/configmaps?resourceVersion=1&continue=${
        encodeURIComponent(String(m1.continue))
      }`,
    );
    assert.equal(both.status, 400);
  } finally {
    await t.stop();
  }
});

Deno.test("a continue token older than the compacted revision is 410 Expired", async () => {
  const t = await startTestApi();
  try {
    for (const n of ["a", "b", "c"]) {
      await t.post("/api/v1/namespaces/default/configmaps", configMap(n));
    }
    const p1 = await t.get("/api/v1/namespaces/default/configmaps?limit=1");
    const token = String(metaOf(p1.body).continue);
    await t.patch("/api/v1/namespaces/default/configmaps/b", { data: { x: "1" } });
    await t.store.compact(t.store.currentRevision());
    const p2 = await t.get(
      `/api/v1/namespaces/default/configmaps?limit=1&continue=${encodeURIComponent(token)}`,
    );
    assert.equal(p2.status, 410, p2.text);
    assert.equal(p2.body.kind, "Status");
    assert.equal(p2.body.reason, "Expired");
    assert.equal(p2.body.code, 410);
    // As upstream: the Status carries a token to the rest of the list as of now.
    assert.match(String(p2.body.message), /use the continue token in this response/);
    const inconsistent = String(metaOf(p2.body).continue);
    await t.post("/api/v1/namespaces/default/configmaps", configMap("d"));
    const rest = await t.get(
      `/api/v1/namespaces/default/configmaps?limit=1&continue=${encodeURIComponent(inconsistent)}`,
    );
    assert.equal(rest.status, 200, rest.text);
    assert.deepEqual(names(rest.body), ["b"]);
    assert.notEqual(metaOf(rest.body).resourceVersion, metaOf(p1.body).resourceVersion);
    const last = await t.get(
      `/api/v1/namespaces/default/configmaps?limit=5&continue=${
        encodeURIComponent(String(metaOf(rest.body).continue))
      }`,
    );
    assert.deepEqual(names(last.body), ["c", "d"], "created after the first page: inconsistent");
  } finally {
    await t.stop();
  }
});

Deno.test("resourceVersionMatch=Exact lists the objects as they were at that revision", async () => {
  const t = await startTestApi();
  try {
    const c = await t.post("/api/v1/namespaces/default/configmaps", configMap("x", { v: "1" }));
    const rv1 = String(metaOf(c.body).resourceVersion);
    await t.patch("/api/v1/namespaces/default/configmaps/x", { data: { v: "2" } });
    await t.post("/api/v1/namespaces/default/configmaps", configMap("later"));
    const past = await t.get(
      `/api/v1/namespaces/default/configmaps?resourceVersion=${rv1}&resourceVersionMatch=Exact`,
    );
    assert.equal(past.status, 200, past.text);
    assert.equal(metaOf(past.body).resourceVersion, rv1);
    assert.deepEqual(names(past.body), ["x"]);
    assert.deepEqual((past.body.items as Json[])[0]!.data, { v: "1" });
    const current = await t.get("/api/v1/namespaces/default/configmaps");
    assert.deepEqual(names(current.body), ["later", "x"]);
  } finally {
    await t.stop();
  }
});

Deno.test("field selectors filter by the fields each kind supports and refuse others", async () => {
  const t = await startTestApi();
  try {
    const ns = "/api/v1/namespaces/default";
    assert.equal(
      (await t.post(`${ns}/pods`, pod("on-n1", { spec: { nodeName: "n1" } }))).status,
      201,
    );
    assert.equal((await t.post(`${ns}/pods`, pod("unbound"))).status, 201);
    const running = await t.patch(`${ns}/pods/unbound/status`, { status: { phase: "Running" } });
    assert.equal(running.status, 200, running.text);

    const byNode = await t.get(`${ns}/pods?fieldSelector=spec.nodeName%3Dn1`);
    assert.deepEqual(names(byNode.body), ["on-n1"]);
    const unscheduled = await t.get(`${ns}/pods?fieldSelector=spec.nodeName%3D`);
    assert.deepEqual(names(unscheduled.body), ["unbound"]);
    const phase = await t.get(`${ns}/pods?fieldSelector=status.phase%3DRunning`);
    assert.deepEqual(names(phase.body), ["unbound"]);
    const notRunning = await t.get(`${ns}/pods?fieldSelector=status.phase!%3DRunning`);
    assert.deepEqual(names(notRunning.body), ["on-n1"]);
    const byName = await t.get(`${ns}/pods?fieldSelector=metadata.name%3Dunbound`);
    assert.deepEqual(names(byName.body), ["unbound"]);

    for (const [name, type] of [["plain", "Opaque"], ["custom", "example.com/token"]]) {
      const r = await t.post(`${ns}/secrets`, {
        metadata: { name },
        type,
        data: { k: btoa("v") },
      });
      assert.equal(r.status, 201, r.text);
    }
    const secrets = await t.get(
      `${ns}/secrets?fieldSelector=${encodeURIComponent("type=example.com/token")}`,
    );
    assert.deepEqual(names(secrets.body), ["custom"]);

    for (const [name, target] of [["ev-a", "web"], ["ev-b", "db"], ["ev-c", "db"]]) {
      const r = await t.post(`${ns}/events`, {
        metadata: { name },
        involvedObject: { kind: "Pod", name: target, namespace: "default" },
        reason: "Started",
        message: "started",
        type: "Normal",
        // `source` selects on the source's component, else the reporting controller.
        ...(name === "ev-a" ? { source: { component: "kubelet", host: "n1" } } : {}),
        ...(name === "ev-c" ? { reportingComponent: "kubelet", reportingInstance: "n2" } : {}),
      });
      assert.equal(r.status, 201, r.text);
    }
    const bySource = await t.get(
      `${ns}/events?fieldSelector=${encodeURIComponent("source=kubelet")}`,
    );
    assert.deepEqual(names(bySource.body), ["ev-a", "ev-c"]);
    const events = await t.get(
      `${ns}/events?fieldSelector=${
        encodeURIComponent("involvedObject.name=db,involvedObject.kind=Pod")
      }`,
    );
    assert.deepEqual(names(events.body), ["ev-b", "ev-c"]);

    for (const sel of ["data.key=x", "spec.unknown=1"]) {
      const res = sel.startsWith("data") ? "configmaps" : "pods";
      const r = await t.get(`${ns}/${res}?fieldSelector=${encodeURIComponent(sel)}`);
      assert.equal(r.status, 400, `${sel}: ${r.text}`);
      assert.equal(r.body.reason, "BadRequest");
      assert.match(String(r.body.message), /field label not supported/);
    }
    const malformed = await t.get(`${ns}/pods?fieldSelector=metadata.name`);
    assert.equal(malformed.status, 400);
  } finally {
    await t.stop();
  }
});

Deno.test("label selectors filter lists with equality and set-based requirements", async () => {
  const t = await startTestApi();
  try {
    const ns = "/api/v1/namespaces/default/configmaps";
    await t.post(ns, configMap("web-prod", {}, { app: "web", env: "prod" }));
    await t.post(ns, configMap("web-dev", {}, { app: "web", env: "dev" }));
    await t.post(ns, configMap("db", {}, { app: "db", legacy: "yes" }));
    const q = async (sel: string) =>
      names((await t.get(`${ns}?labelSelector=${encodeURIComponent(sel)}`)).body).sort();
    assert.deepEqual(await q("app=web"), ["web-dev", "web-prod"]);
    assert.deepEqual(await q("app==web,env!=dev"), ["web-prod"]);
    assert.deepEqual(await q("env in (dev,qa)"), ["web-dev"]);
    assert.deepEqual(await q("env notin (dev)"), ["db", "web-prod"]);
    assert.deepEqual(await q("legacy"), ["db"]);
    assert.deepEqual(await q("!legacy"), ["web-dev", "web-prod"]);
    assert.deepEqual(await q("app=none"), []);
    const bad = await t.get(`${ns}?labelSelector=${encodeURIComponent("app in web")}`);
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.reason, "BadRequest");
    // remainingItemCount is not given for filtered lists.
    const filtered = await t.get(`${ns}?labelSelector=app&limit=1`);
    assert.equal(metaOf(filtered.body).remainingItemCount, undefined);
    assert.equal(typeof metaOf(filtered.body).continue, "string");
  } finally {
    await t.stop();
  }
});

Deno.test("Table output has the upstream columns per kind and honours includeObject", async () => {
  let clock = new Date("2026-01-01T00:00:00Z");
  const t = await startTestApi({ now: () => clock });
  try {
    const ns = "/api/v1/namespaces/default";
    assert.equal((await t.post(`${ns}/pods`, pod("web"))).status, 201);
    assert.equal(
      (await t.post(`${ns}/configmaps`, configMap("cfg", { a: "1", b: "2" }))).status,
      201,
    );
    const d = await t.post("/apis/apps/v1/namespaces/default/deployments", deployment("app", 3));
    assert.equal(d.status, 201, d.text);
    const svc = await t.post(`${ns}/services`, {
      metadata: { name: "front" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    });
    assert.equal(svc.status, 201, svc.text);
    clock = new Date(clock.getTime() + 200_000);

    const table = async (path: string) => {
      const r = await t.get(path, { accept: TABLE });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.kind, "Table");
      assert.equal(r.body.apiVersion, "meta.k8s.io/v1");
      return r.body;
    };
    const columns = (tb: Json) => (tb.columnDefinitions as Json[]).map((c) => c.name);
    const cells = (tb: Json, i = 0) => (tb.rows as Json[])[i]!.cells as unknown[];

    const pods = await table(`${ns}/pods`);
    assert.deepEqual(columns(pods), [
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
      "IP",
      "Node",
      "Nominated Node",
      "Readiness Gates",
    ]);
    assert.deepEqual(
      (pods.columnDefinitions as Json[]).map((c) => c.priority),
      [0, 0, 0, 0, 0, 1, 1, 1, 1],
    );
    assert.deepEqual(cells(pods).slice(0, 5), ["web", "0/1", "Pending", "0", "3m20s"]);
    assert.equal(typeof metaOf(pods).resourceVersion, "string");

    const deps = await table("/apis/apps/v1/namespaces/default/deployments");
    assert.deepEqual(columns(deps), [
      "Name",
      "Ready",
      "Up-to-date",
      "Available",
      "Age",
      "Containers",
      "Images",
      "Selector",
    ]);
    assert.deepEqual(cells(deps), ["app", "0/3", 0, 0, "3m20s", "c", "nginx:1.27", "app=app"]);

    const svcs = await table(`${ns}/services?fieldSelector=metadata.name%3Dfront`);
    assert.deepEqual(columns(svcs), [
      "Name",
      "Type",
      "Cluster-IP",
      "External-IP",
      "Port(s)",
      "Age",
      "Selector",
    ]);
    const svcCells = cells(svcs);
    assert.equal(svcCells[1], "ClusterIP");
    assert.match(String(svcCells[2]), /^10\.43\.\d+\.\d+$/);
    assert.deepEqual(svcCells.slice(3), ["<none>", "80/TCP", "3m20s", "app=web"]);

    const cms = await table(`${ns}/configmaps?fieldSelector=metadata.name%3Dcfg`);
    assert.deepEqual(columns(cms), ["Name", "Data", "Age"]);
    assert.deepEqual(cells(cms), ["cfg", 2, "3m20s"]);

    // includeObject: Metadata by default, the whole object, or nothing.
    const row = (tb: Json) => (tb.rows as Json[])[0]!;
    const meta = row(cms).object as Json;
    assert.equal(meta.kind, "PartialObjectMetadata");
    assert.equal(metaOf(meta).name, "cfg");
    const whole = row(await table(`${ns}/pods?includeObject=Object`)).object as Json;
    assert.equal(whole.kind, "Pod");
    assert.ok(whole.spec);
    assert.equal(row(await table(`${ns}/pods?includeObject=None`)).object, undefined);
    const badInclude = await t.get(`${ns}/pods?includeObject=All`, { accept: TABLE });
    assert.equal(badInclude.status, 400);

    // A single object as a Table too.
    const one = await table(`${ns}/pods/web`);
    assert.equal((one.rows as Json[]).length, 1);
    assert.equal(cells(one)[0], "web");
  } finally {
    await t.stop();
  }
});

Deno.test("a GET honours resourceVersion: not older than it, 400 when it is no number", async () => {
  const t = await startTestApi();
  try {
    const path = "/api/v1/namespaces/default/configmaps";
    const created = await t.post(path, { metadata: { name: "rv" }, data: { v: "1" } });
    const rv = Number(metaOf(created.body).resourceVersion);
    const updated = await t.patch(`${path}/rv`, { data: { v: "2" } });
    assert.equal(updated.status, 200, updated.text);
    for (const q of ["", "?resourceVersion=", "?resourceVersion=0", `?resourceVersion=${rv}`]) {
      const r = await t.get(`${path}/rv${q}`);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
      assert.equal((r.body.data as Json).v, "2", `${q}: the newest version, never older`);
    }
    const bad = await t.get(`${path}/rv?resourceVersion=abc`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, 'invalid resource version: "abc"');
  } finally {
    await t.stop();
  }
});

Deno.test("query booleans read as upstream reads them: only absent, 0 and false are false", async () => {
  const t = await startTestApi();
  try {
    const path = "/api/v1/namespaces/default/configmaps";
    for (
      const [q, watch] of [
        ["watch=1", true],
        ["watch=yes", true],
        ["watch=", true],
        ["watch=FALSE", false],
        ["watch=0", false],
        ["", false],
      ] as const
    ) {
      const res = await t.fetch(`${path}?${q}`);
      const isWatch = res.headers.get("content-type") === "application/json" &&
        res.headers.get("cache-control") === "no-cache, private";
      assert.equal(isWatch, watch, q);
      await res.body?.cancel();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("metadata-only clients get PartialObjectMetadata for get, list and watch", async () => {
  const t = await startTestApi();
  try {
    const path = "/api/v1/namespaces/default/configmaps";
    await t.post(path, { metadata: { name: "m1", labels: { a: "b" } }, data: { big: "x" } });
    // What client-go's metadata client sends.
    const accept = (as: string) =>
      `application/vnd.kubernetes.protobuf;as=${as};g=meta.k8s.io;v=v1,` +
      `application/json;as=${as};g=meta.k8s.io;v=v1,application/json`;
    const list = await t.get(path, { accept: accept("PartialObjectMetadataList") });
    assert.equal(list.status, 200);
    assert.equal(list.body.kind, "PartialObjectMetadataList");
    assert.equal(list.body.apiVersion, "meta.k8s.io/v1");
    const item = (list.body.items as Json[]).find((i) => metaOf(i).name === "m1")!;
    assert.deepEqual(Object.keys(item), ["kind", "apiVersion", "metadata"]);
    assert.equal(item.kind, "PartialObjectMetadata");
    assert.deepEqual(metaOf(item).labels, { a: "b" });
    const one = await t.get(`${path}/m1`, { accept: accept("PartialObjectMetadata") });
    assert.equal(one.body.kind, "PartialObjectMetadata");
    assert.equal(one.body.data, undefined);
    const w = await t.watch(
      `${path}?watch=true&resourceVersion=${metaOf(list.body).resourceVersion}`,
      {
        accept: accept("PartialObjectMetadata"),
      },
    );
    try {
      await t.post(path, { metadata: { name: "m2" }, data: { big: "y" } });
      const ev = await w.next();
      assert.equal(ev.type, "ADDED");
      assert.equal((ev.object as Json).kind, "PartialObjectMetadata");
      assert.equal((ev.object as Json).data, undefined);
    } finally {
      await w.close();
    }
    // WatchList: the initial events and the bookmark that ends them are metadata only too.
    const wl = await t.watch(
      `${path}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
      { accept: accept("PartialObjectMetadata") },
    );
    try {
      for (let ev = await wl.next();; ev = await wl.next()) {
        assert.equal((ev.object as Json).kind, "PartialObjectMetadata", ev.type);
        if (ev.type === "BOOKMARK") {
          const annotations = metaOf(ev.object as Json).annotations as Json | undefined;
          assert.equal(annotations?.["k8s.io/initial-events-end"], "true");
          break;
        }
      }
    } finally {
      await wl.close();
    }
    // A plain client still gets whole objects.
    assert.equal((await t.get(path)).body.kind, "ConfigMapList");
  } finally {
    await t.stop();
  }
});
