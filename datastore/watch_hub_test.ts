import assert from "node:assert/strict";
import { CompactedError, type WatchEvent, WatchOverflowError } from "./types.ts";
import { type CatchUpSource, WatchHub } from "./watch_hub.ts";

function event(rev: number, key = `/k/${rev}`): WatchEvent {
  return { type: "create", kv: { key, value: `${rev}`, createRevision: rev, modRevision: rev } };
}

/** A log holding revisions 1..upTo; `compacted` can move while a watcher catches up. */
class FakeLog implements CatchUpSource {
  compacted = 0;
  reads = 0;
  constructor(readonly events: WatchEvent[]) {}
  readEvents(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    this.reads++;
    return this.events.filter((e) =>
      e.kv.modRevision > after && e.kv.modRevision <= upTo && e.kv.key.startsWith(prefix)
    ).slice(0, limit);
  }
  compactedRevision(): number {
    return this.compacted;
  }
}

function hubWith(log: FakeLog, historyLimit = 5, bufferLimit = 100): WatchHub {
  const hub = new WatchHub({
    startRevision: 0,
    historyLimit,
    bufferLimit,
    source: log,
    catchUpPage: 3,
  });
  for (const e of log.events) hub.publish([e]);
  return hub;
}

const revs = (batch: IteratorResult<WatchEvent[]>): number[] =>
  batch.done ? [] : batch.value.map((e) => e.kv.modRevision);

Deno.test("hub: catch-up pages through the log, then the buffer, then live", async () => {
  const log = new FakeLog(Array.from({ length: 20 }, (_, i) => event(i + 1)));
  const hub = hubWith(log);
  const ac = new AbortController();
  const watcher = hub.watch("/k/", 4, ac.signal);
  hub.publish([event(21), event(22)]);
  const seen: number[] = [];
  while (seen.length < 18) seen.push(...revs(await watcher.next()));
  assert.deepEqual(seen, Array.from({ length: 18 }, (_, i) => i + 5));
  assert.ok(log.reads >= 4, `${log.reads} log reads`);
  const pending = watcher.next();
  hub.publish([event(23), event(24)]);
  assert.deepEqual(revs(await pending), [23, 24]);
  ac.abort();
  assert.equal((await watcher.next()).done, true);
  assert.equal(hub.watcherCount, 0);
});

Deno.test("hub: a watcher within the memory history never reads the log", async () => {
  const log = new FakeLog(Array.from({ length: 20 }, (_, i) => event(i + 1)));
  const hub = hubWith(log);
  const watcher = hub.watch("/k/", 16, new AbortController().signal);
  const seen: number[] = [];
  while (seen.length < 4) seen.push(...revs(await watcher.next()));
  assert.deepEqual(seen, [17, 18, 19, 20]);
  assert.equal(log.reads, 0);
  await watcher.return();
  assert.equal(hub.watcherCount, 0);
});

Deno.test("hub: compaction past a catching-up watcher ends it with CompactedError", async () => {
  const log = new FakeLog(Array.from({ length: 20 }, (_, i) => event(i + 1)));
  const hub = hubWith(log);
  const watcher = hub.watch("/k/", 2, new AbortController().signal);
  assert.deepEqual(revs(await watcher.next()), [3, 4, 5]);
  log.compacted = 10;
  await assert.rejects(watcher.next(), CompactedError);
  assert.equal((await watcher.next()).done, true);
  assert.equal(hub.watcherCount, 0);
  await assert.rejects(hub.watch("/", 9, new AbortController().signal).next(), CompactedError);
});

Deno.test("hub: overflow ends a slow watcher; others keep going", async () => {
  const log = new FakeLog([]);
  const hub = hubWith(log, 100, 4);
  const slow = hub.watch("/", 0, new AbortController().signal);
  const fast = hub.watch("/", 0, new AbortController().signal);
  const fastSeen: number[] = [];
  for (let rev = 1; rev <= 6; rev++) {
    hub.publish([event(rev)]);
    fastSeen.push(...revs(await fast.next()));
  }
  assert.deepEqual(fastSeen, [1, 2, 3, 4, 5, 6]);
  const error = await slow.next().then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof WatchOverflowError);
  assert.equal(hub.watcherCount, 1);
  hub.close();
  assert.equal((await fast.next()).done, true);
});

Deno.test("hub: prefix filtering and one batch per commit", async () => {
  const hub = hubWith(new FakeLog([]));
  const watcher = hub.watch("/a/", 0, new AbortController().signal);
  hub.publish([event(1, "/a/1"), event(2, "/b/2"), event(3, "/a/3")]);
  hub.publish([event(4, "/b/4")]);
  hub.publish([event(5, "/a/5")]);
  assert.deepEqual(revs(await watcher.next()), [1, 3]);
  assert.deepEqual(revs(await watcher.next()), [5]);
  hub.close();
  assert.equal((await watcher.next()).done, true);
});
