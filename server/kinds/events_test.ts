import assert from "node:assert/strict";
import { eventFromCore, eventToCore } from "./events.ts";
import { type Json, startTestApi } from "../testing_helper.ts";

const CORE = "/api/v1/namespaces/default/events";
const V1 = "/apis/events.k8s.io/v1/namespaces/default/events";

const newApiEvent = {
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata: { name: "sched.1" },
  eventTime: "2026-11-24T10:00:00.000000Z",
  series: { count: 2, lastObservedTime: "2026-11-24T10:05:00.000000Z" },
  reportingController: "kno-scheduler",
  reportingInstance: "server-1",
  action: "Binding",
  reason: "Scheduled",
  regarding: { kind: "Pod", name: "web", namespace: "default", apiVersion: "v1" },
  related: { kind: "Node", name: "n1", apiVersion: "v1" },
  note: "Successfully assigned default/web to n1",
  type: "Normal",
};

Deno.test("events.k8s.io/v1 <-> core/v1 Event: every renamed field, both ways", () => {
  const core = eventToCore(newApiEvent);
  assert.deepEqual(core, {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "sched.1" },
    eventTime: "2026-11-24T10:00:00.000000Z",
    series: { count: 2, lastObservedTime: "2026-11-24T10:05:00.000000Z" },
    reportingComponent: "kno-scheduler",
    reportingInstance: "server-1",
    action: "Binding",
    reason: "Scheduled",
    involvedObject: { kind: "Pod", name: "web", namespace: "default", apiVersion: "v1" },
    related: { kind: "Node", name: "n1", apiVersion: "v1" },
    message: "Successfully assigned default/web to n1",
    type: "Normal",
    source: {},
  });
  assert.deepEqual(eventFromCore(core), newApiEvent);
  // An old-API event seen through the new API: the deprecated fields, a null eventTime.
  assert.deepEqual(
    eventFromCore({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "e" },
      involvedObject: { kind: "Pod", name: "web" },
      source: { component: "kubelet", host: "n1" },
      firstTimestamp: "2026-11-24T09:00:00Z",
      lastTimestamp: "2026-11-24T09:30:00Z",
      count: 3,
      message: "pulled",
    }),
    {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "e" },
      regarding: { kind: "Pod", name: "web" },
      deprecatedSource: { component: "kubelet", host: "n1" },
      deprecatedFirstTimestamp: "2026-11-24T09:00:00Z",
      deprecatedLastTimestamp: "2026-11-24T09:30:00Z",
      deprecatedCount: 3,
      note: "pulled",
      eventTime: null,
    },
  );
});

Deno.test("one store behind both event APIs: written through either, read, selected, watched, changed and deleted through both", async () => {
  const t = await startTestApi();
  try {
    const watch = await t.watch(`${V1}?watch=true`);
    const created = await t.post(V1, newApiEvent);
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.apiVersion, "events.k8s.io/v1");
    assert.equal(created.body.note, newApiEvent.note);
    const rv = (created.body.metadata as Json).resourceVersion;

    // The same object through the core API, same resourceVersion and uid.
    const core = await t.get(`${CORE}/sched.1`);
    assert.equal(core.status, 200, core.text);
    assert.equal(core.body.apiVersion, "v1");
    assert.equal(core.body.message, newApiEvent.note);
    assert.deepEqual(core.body.involvedObject, newApiEvent.regarding);
    assert.equal(core.body.reportingComponent, "kno-scheduler");
    assert.equal((core.body.metadata as Json).resourceVersion, rv);
    assert.equal((core.body.metadata as Json).uid, (created.body.metadata as Json).uid);

    // An old-API event shows up in the new API's list and watch.
    const old = await t.post(CORE, {
      metadata: { name: "pulled.1" },
      involvedObject: { kind: "Pod", name: "db", namespace: "default" },
      reason: "Pulled",
      message: "pulled",
      type: "Warning",
      source: { component: "kubelet", host: "n1" },
      count: 2,
    });
    assert.equal(old.status, 201, old.text);
    const seen = [await watch.next(), await watch.next()];
    assert.deepEqual(seen.map((e) => [e.type, e.object.apiVersion, e.object.reason]), [
      ["ADDED", "events.k8s.io/v1", "Scheduled"],
      ["ADDED", "events.k8s.io/v1", "Pulled"],
    ]);
    assert.equal(seen[1]!.object.deprecatedCount, 2);
    await watch.close();
    const names = (r: { body: Json }) =>
      (r.body.items as Json[]).map((i) => (i.metadata as Json).name);
    const list = await t.get(V1);
    assert.deepEqual(names(list), ["pulled.1", "sched.1"]);
    assert.deepEqual((list.body.items as Json[]).map((i) => i.apiVersion), [
      "events.k8s.io/v1",
      "events.k8s.io/v1",
    ]);
    assert.deepEqual(names(await t.get(CORE)), ["pulled.1", "sched.1"]);

    // Each API selects by its own field names.
    const select = async (base: string, sel: string) => {
      const r = await t.get(`${base}?fieldSelector=${encodeURIComponent(sel)}`);
      assert.equal(r.status, 200, `${sel}: ${r.text}`);
      return names(r);
    };
    assert.deepEqual(await select(V1, "regarding.name=web"), ["sched.1"]);
    assert.deepEqual(await select(V1, "reportingController=kno-scheduler"), ["sched.1"]);
    assert.deepEqual(await select(V1, "source=kubelet"), ["pulled.1"]);
    assert.deepEqual(await select(V1, "type=Warning,regarding.kind=Pod"), ["pulled.1"]);
    assert.deepEqual(await select(CORE, "involvedObject.name=web"), ["sched.1"]);
    const wrong = await t.get(`${V1}?fieldSelector=involvedObject.name%3Dweb`);
    assert.equal(wrong.status, 400, "core's names are not the new API's");

    // Server-side printing through the new API: the event columns.
    const table = await t.get(V1, {
      accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
    });
    const columns = (table.body.columnDefinitions as Json[]).map((c) => c.name);
    assert.deepEqual(columns.slice(0, 4), ["Last Seen", "Type", "Reason", "Object"]);
    const cells = (table.body.rows as Json[]).map((r) => (r.cells as unknown[])[3]);
    assert.deepEqual(cells, ["pod/db", "pod/web"]);

    // Changed through the new API (update and merge patch), seen through the old one. (The new
    // API requires an eventTime, which events written through the old one lack.)
    const put = await t.put(`${V1}/pulled.1`, {
      ...seen[1]!.object,
      eventTime: "2026-11-24T10:00:00.000000Z",
      note: "pulled again",
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.note, "pulled again");
    assert.equal((await t.get(`${CORE}/pulled.1`)).body.message, "pulled again");
    const patched = await t.patch(`${V1}/pulled.1`, { deprecatedCount: 5 });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((await t.get(`${CORE}/pulled.1`)).body.count, 5);
    // An update that changes nothing writes nothing.
    const same = await t.put(`${V1}/pulled.1`, patched.body);
    assert.equal(
      (same.body.metadata as Json).resourceVersion,
      (patched.body.metadata as Json).resourceVersion,
    );

    // Deleted through the new API, gone from the old.
    const del = await t.delete(`${V1}/sched.1`);
    assert.equal(del.status, 200, del.text);
    assert.equal(del.body.apiVersion, "events.k8s.io/v1");
    assert.equal((await t.get(`${CORE}/sched.1`)).status, 404);
  } finally {
    await t.stop();
  }
});
