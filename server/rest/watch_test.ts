import assert from "node:assert/strict";
import { configMap, type Json, metaOf, startTestApi, type WatchEvent } from "../testing_helper.ts";

const CMS = "/api/v1/namespaces/default/configmaps";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

function summary(ev: WatchEvent): string {
  return `${ev.type} ${String(metaOf(ev.object).name)}`;
}

Deno.test("a watch from a resourceVersion delivers every event after it, then live events", async () => {
  const t = await startTestApi();
  try {
    const a = await t.post(CMS, configMap("a"));
    const rv = String(metaOf(a.body).resourceVersion);
    await t.post(CMS, configMap("b"));
    const w = await t.watch(`${CMS}?watch=1&resourceVersion=${rv}`);
    try {
      assert.equal(w.status, 200);
      const replayed = await w.next();
      assert.equal(summary(replayed), "ADDED b");
      assert.ok(Number(metaOf(replayed.object).resourceVersion) > Number(rv));
      await t.patch(`${CMS}/a`, { data: { k: "v" } });
      const mod = await w.next();
      assert.equal(summary(mod), "MODIFIED a");
      assert.deepEqual(mod.object.data, { k: "v" });
      const del = await t.delete(`${CMS}/b`);
      assert.equal(del.status, 200);
      const gone = await w.next();
      assert.equal(summary(gone), "DELETED b");
      assert.ok(
        Number(metaOf(gone.object).resourceVersion) > Number(metaOf(mod.object).resourceVersion),
      );
    } finally {
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("a watch without a resourceVersion starts with ADDED for every existing object", async () => {
  const t = await startTestApi();
  try {
    await t.post(CMS, configMap("x"));
    await t.post(CMS, configMap("y"));
    const w = await t.watch(`${CMS}?watch=1`);
    try {
      assert.deepEqual([summary(await w.next()), summary(await w.next())], ["ADDED x", "ADDED y"]);
      // No bookmark was asked for: the next event is the live one.
      await t.post(CMS, configMap("z"));
      assert.equal(summary(await w.next()), "ADDED z");
    } finally {
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("WatchList sends ADDED for all, a BOOKMARK marking the initial events' end, then live events", async () => {
  const t = await startTestApi();
  try {
    await t.post(CMS, configMap("one"));
    await t.post(CMS, configMap("two"));
    const w = await t.watch(
      `${CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    try {
      assert.deepEqual([summary(await w.next()), summary(await w.next())], [
        "ADDED one",
        "ADDED two",
      ]);
      const bm = await w.next();
      assert.equal(bm.type, "BOOKMARK");
      assert.equal(bm.object.kind, "ConfigMap");
      assert.equal(bm.object.apiVersion, "v1");
      const meta = metaOf(bm.object);
      assert.deepEqual(meta.annotations, { "k8s.io/initial-events-end": "true" });
      assert.equal(meta.resourceVersion, String(t.store.currentRevision()));
      await t.patch(`${CMS}/one`, { data: { n: "1" } });
      const live = await w.next();
      assert.equal(summary(live), "MODIFIED one");
      assert.ok(Number(metaOf(live.object).resourceVersion) > Number(meta.resourceVersion));
    } finally {
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("watch parameters that upstream forbids are refused with 400", async () => {
  const t = await startTestApi();
  try {
    for (
      const q of [
        "sendInitialEvents=true",
        "sendInitialEvents=true&resourceVersionMatch=Exact&resourceVersion=1",
        "resourceVersionMatch=NotOlderThan&resourceVersion=1",
        "resourceVersion=abc",
      ]
    ) {
      const w = await t.watch(`${CMS}?watch=1&${q}`);
      assert.equal(w.status, 400, q);
      assert.equal(w.error?.kind, "Status");
      assert.equal(w.error?.reason, "BadRequest");
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("a watch from a resourceVersion older than the kept history ends with a 410 ERROR event", async () => {
  const t = await startTestApi();
  try {
    const a = await t.post(CMS, configMap("a"));
    const old = String(metaOf(a.body).resourceVersion);
    await t.post(CMS, configMap("b"));
    await t.post(CMS, configMap("c"));
    // A restarted server keeps no history before its start.
    await t.restart();
    const w = await t.watch(`${CMS}?watch=1&resourceVersion=${old}`);
    try {
      if (w.status === 200) {
        const ev = await w.next();
        assert.equal(ev.type, "ERROR");
        assert.equal(ev.object.kind, "Status");
        assert.equal(ev.object.code, 410);
        assert.match(String(ev.object.reason), /^(Expired|Gone)$/);
        assert.equal(await w.nextOrEnd(), undefined, "the stream ends after the ERROR event");
      } else {
        assert.equal(w.status, 410);
        assert.equal(w.error?.code, 410);
      }
    } finally {
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("a label-selector watch turns entering the selection into ADDED and leaving it into DELETED", async () => {
  const t = await startTestApi();
  try {
    const start = String(t.store.currentRevision());
    const w = await t.watch(
      `${CMS}?watch=1&resourceVersion=${start}&labelSelector=${encodeURIComponent("app=web")}`,
    );
    try {
      await t.post(CMS, configMap("x"));
      await t.post(CMS, configMap("other", {}, { app: "db" }));
      await t.patch(`${CMS}/x`, { metadata: { labels: { app: "web" } } });
      assert.equal(summary(await w.next()), "ADDED x");
      await t.patch(`${CMS}/x`, { data: { k: "1" } });
      assert.equal(summary(await w.next()), "MODIFIED x");
      await t.patch(`${CMS}/x`, { metadata: { labels: { app: "db" } } });
      const left = await w.next();
      assert.equal(summary(left), "DELETED x");
      assert.deepEqual(metaOf(left.object).labels, { app: "db" });
      await t.delete(`${CMS}/other`);
      await t.delete(`${CMS}/x`);
      // Events arrive in order: if either delete were sent, it would come before this one.
      await t.post(CMS, configMap("sentinel", {}, { app: "web" }));
      assert.equal(summary(await w.next()), "ADDED sentinel");
    } finally {
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("timeoutSeconds ends the watch stream", async () => {
  const t = await startTestApi();
  try {
    const started = Date.now();
    const w = await t.watch(
      `${CMS}?watch=1&timeoutSeconds=1&resourceVersion=${t.store.currentRevision()}`,
    );
    try {
      assert.equal(await w.nextOrEnd(5000), undefined);
      const took = Date.now() - started;
      assert.ok(took >= 900 && took < 4000, `ended after ${took} ms`);
    } finally {
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("a Table watch carries a one-row Table per event", async () => {
  const t = await startTestApi();
  try {
    await t.post(CMS, configMap("cfg", { a: "1" }));
    const w = await t.watch(`${CMS}?watch=1`, { accept: TABLE });
    try {
      const first = await w.next();
      assert.equal(first.type, "ADDED");
      assert.equal(first.object.kind, "Table");
      assert.equal(first.object.apiVersion, "meta.k8s.io/v1");
      const rows = first.object.rows as Json[];
      assert.equal(rows.length, 1);
      assert.deepEqual((rows[0]!.cells as unknown[]).slice(0, 2), ["cfg", 1]);
      assert.equal((rows[0]!.object as Json).kind, "PartialObjectMetadata");
      await t.patch(`${CMS}/cfg`, { data: { a: "1", b: "2" } });
      const mod = await w.next();
      assert.equal(mod.type, "MODIFIED");
      assert.equal(((mod.object.rows as Json[])[0]!.cells as unknown[])[1], 2);
    } finally {
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("a watch with fieldSelector metadata.name sees only that object", async () => {
  const t = await startTestApi();
  try {
    await t.post(CMS, configMap("target"));
    await t.post(CMS, configMap("noise"));
    const w = await t.watch(`${CMS}?watch=1&fieldSelector=metadata.name%3Dtarget`);
    try {
      assert.equal(summary(await w.next()), "ADDED target");
      await t.patch(`${CMS}/noise`, { data: { a: "1" } });
      await t.patch(`${CMS}/target`, { data: { a: "1" } });
      assert.equal(summary(await w.next()), "MODIFIED target");
      await t.delete(`${CMS}/noise`);
      await t.delete(`${CMS}/target`);
      assert.equal(summary(await w.next()), "DELETED target");
    } finally {
      await w.close();
    }
  } finally {
    await t.stop();
  }
});

Deno.test("watches end when the server stops", async () => {
  const t = await startTestApi();
  let w;
  try {
    w = await t.watch(`${CMS}?watch=1&resourceVersion=${t.store.currentRevision()}`);
  } finally {
    await t.stop();
  }
  try {
    assert.equal(await w.nextOrEnd(2000), undefined);
  } finally {
    await w.close();
  }
});
