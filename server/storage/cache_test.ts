import assert from "node:assert/strict";
import { silentLogger } from "../../api/log.ts";
import { ApiError } from "../../api/status.ts";
import { type Datastore, openDatastore } from "../../datastore/mod.ts";
import { Entry, typePrefixOf, WatchCache, type WindowOptions } from "./cache.ts";

const PREFIX = "/registry/core/configmaps/default/";

async function withCache(
  window: WindowOptions,
  fn: (c: { cache: WatchCache; store: Datastore; clock: { now: number } }) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kno-cache-" });
  const store = await openDatastore(`${dir}/state.db`);
  const clock = { now: 0 };
  const cache = new WatchCache(store, silentLogger, { ...window, clock: () => clock.now });
  const ac = new AbortController();
  try {
    await cache.start(ac.signal);
    await fn({ cache, store, clock });
  } finally {
    ac.abort();
    await cache.stopped();
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Creates `n` ConfigMaps and waits until the cache has applied them; returns their revisions. */
async function create(store: Datastore, cache: WatchCache, names: string[]): Promise<number[]> {
  const revs: number[] = [];
  for (const name of names) {
    const kv = await store.create(
      PREFIX + name,
      JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } }),
    );
    revs.push(kv.modRevision);
  }
  await cache.waitFor(revs.at(-1)!);
  return revs;
}

const names = (from: number, n: number) => Array.from({ length: n }, (_, i) => `cm-${from + i}`);

function expiredOn(cache: WatchCache, fromRev: number): boolean {
  try {
    cache.subscribe(PREFIX, fromRev, () => {})();
    return false;
  } catch (e) {
    if (e instanceof ApiError && e.code === 410) return true;
    throw e;
  }
}

Deno.test("the watch window drops events older than its age, keeping its minimum; older resumes are 410", async () => {
  await withCache({ minEvents: 10, maxAgeMs: 1_000 }, async ({ cache, store, clock }) => {
    const first = await create(store, cache, names(0, 100));
    assert.equal(cache.windowLength, 100, "young events are all kept");
    assert.equal(expiredOn(cache, first[0]!), false);
    clock.now = 2_000;
    const later = await create(store, cache, names(100, 1));
    assert.equal(cache.windowLength, 10, "old events go, down to the minimum");
    assert.equal(expiredOn(cache, first[0]!), true, "a resume before the window is 410");
    const replayed: number[] = [];
    const stop = cache.subscribe(
      PREFIX,
      first[95]!,
      (evs) => replayed.push(...evs.map((e) => e.rev)),
    );
    stop();
    assert.deepEqual(replayed, [...first.slice(96), later[0]!], "inside the window: replayed");
  });
});

Deno.test("the watch window cuts exactly at its age when old and young events are mixed", async () => {
  await withCache({ minEvents: 10, maxAgeMs: 1_000 }, async ({ cache, store, clock }) => {
    const old = await create(store, cache, names(0, 100));
    clock.now = 600; // nothing is old yet
    const young = await create(store, cache, names(100, 50));
    assert.equal(cache.windowLength, 150);
    clock.now = 1_300; // older than 1 s: the events of t=0, not those of t=600
    await create(store, cache, names(150, 1));
    assert.equal(cache.windowLength, 51, "the 100 events from t=0 go, the 51 younger ones stay");
    assert.equal(expiredOn(cache, old[98]!), true);
    assert.equal(
      expiredOn(cache, old[99]!),
      false,
      "everything after the last dropped event is kept",
    );
    assert.equal(expiredOn(cache, young[0]!), false);
  });
});

Deno.test("the watch window holds at most its maximum, however recent the events", async () => {
  await withCache({ maxEvents: 200 }, async ({ cache, store }) => {
    await create(store, cache, names(0, 300));
    assert.ok(
      cache.windowLength >= 200 && cache.windowLength < 264,
      `window of ${cache.windowLength} events`,
    );
  });
});

Deno.test("typePrefixOf: the group and resource of a key, namespaced or not", () => {
  assert.equal(typePrefixOf("/registry/core/configmaps/default/cm"), "/registry/core/configmaps/");
  assert.equal(typePrefixOf("/registry/core/namespaces/default"), "/registry/core/namespaces/");
  assert.equal(typePrefixOf("/registry/apps/deployments/"), "/registry/apps/deployments/");
  assert.equal(typePrefixOf("/registry/x"), "/registry/x", "a shorter key is its own prefix");
});

Deno.test("one commit of several keys reaches each listener with only the events under its prefix", async () => {
  await withCache({}, async ({ cache, store }) => {
    const calls: Record<string, string[][]> = {
      cms: [],
      secrets: [],
      core: [],
      other: [],
      partial: [],
      bare: [],
    };
    const listen = (name: string, prefix: string) =>
      cache.subscribe(
        prefix,
        cache.rev,
        (evs) => calls[name]!.push(evs.map((e) => e.entry.key)),
      );
    const stops = [
      listen("cms", PREFIX),
      listen("secrets", "/registry/core/secrets/"),
      listen("core", "/registry/core/"),
      listen("other", "/registry/core/configmaps/other/"),
      // Prefixes that are not a whole type prefix: part of a resource name, no trailing slash.
      listen("partial", "/registry/core/config"),
      listen("bare", "/registry/core/secrets"),
    ];
    assert.equal(cache.stats().watchers, 6);
    const value = JSON.stringify({ metadata: { name: "x" } });
    // Submitted in the same turn: the store commits them as one batch.
    const [a, b] = await Promise.all([
      store.create(`${PREFIX}x`, value),
      store.create("/registry/core/secrets/default/x", value),
    ]);
    assert.equal(b!.modRevision, a!.modRevision + 1);
    await cache.waitFor(b!.modRevision);
    for (const stop of stops) stop();
    stops[0]!(); // a second stop changes nothing
    assert.equal(cache.stats().watchers, 0);
    assert.deepEqual(calls.other, []);
    assert.deepEqual(calls.partial, [[`${PREFIX}x`]]);
    assert.deepEqual(calls.bare, [["/registry/core/secrets/default/x"]]);
    assert.deepEqual(calls.cms, [[`${PREFIX}x`]]);
    assert.deepEqual(calls.secrets, [["/registry/core/secrets/default/x"]]);
    assert.deepEqual(calls.core, [[`${PREFIX}x`, "/registry/core/secrets/default/x"]]);
  });
});

Deno.test("an entry decodes its stored JSON on first use, with the resourceVersion of its revision", () => {
  const kv = {
    key: `${PREFIX}a`,
    value: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }),
    createRevision: 3,
    modRevision: 7,
  };
  const entry = new Entry(kv);
  assert.equal(entry.rev, 7);
  assert.equal(entry.createRev, 3);
  const obj = entry.obj;
  assert.deepEqual(obj.metadata, { name: "a", resourceVersion: "7" });
  assert.equal(entry.obj, obj, "decoded once, then shared");
  assert.deepEqual(JSON.parse(entry.json), obj);
  // Nothing is decoded until asked for: a value that is not JSON fails its reader, not the cache.
  const bad = new Entry({ ...kv, value: "{not json" });
  assert.equal(bad.key, kv.key);
  assert.throws(() => bad.obj, SyntaxError);
});

Deno.test("the cache keeps following past a stored value that is not JSON; reading that one fails", async () => {
  await withCache({}, async ({ cache, store }) => {
    const bad = await store.create(`${PREFIX}bad`, "{not json");
    const [good] = await create(store, cache, ["good"]);
    assert.ok(good! > bad.modRevision);
    assert.equal(cache.get(`${PREFIX}good`)?.obj.metadata?.name, "good");
    assert.throws(() => cache.get(`${PREFIX}bad`)!.obj, SyntaxError);
  });
});
