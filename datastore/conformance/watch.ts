/** Conformance: watch delivery, history catch-up, prefix filtering and ending. */
import assert from "node:assert/strict";
import type { WatchEvent } from "../types.ts";
import { assertIncreasing, collect, type ConformanceCase, describe } from "./helpers.ts";

export const watchCases: ConformanceCase[] = [
  {
    name: "watch delivers live create, update and delete events with prevKv",
    async fn(store) {
      const start = store.currentRevision();
      const { events } = await collect(store, "/w/", start, 3, async () => {
        const kv = await store.create("/w/a", "1");
        const up = await store.update("/w/a", "2", kv.modRevision);
        await store.delete("/w/a", up.modRevision);
      });
      assert.deepEqual(describe(events), [
        `create /w/a 1@${start + 1}`,
        `update /w/a 2@${start + 2}`,
        `delete /w/a 2@${start + 3}`,
      ]);
      assert.equal(events[0]!.prevKv, undefined);
      assert.deepEqual(events[1]!.prevKv, events[0]!.kv);
      assert.deepEqual(events[2]!.prevKv, events[1]!.kv);
      assert.equal(events[2]!.kv.createRevision, start + 1);
    },
  },
  {
    name: "watch from an old revision replays history then goes live without gaps",
    async fn(store) {
      const start = store.currentRevision();
      for (let i = 0; i < 30; i++) await store.create(`/w/${i}`, `${i}`);
      const mid = start + 10;
      const { events } = await collect(store, "/w/", mid, 40, async () => {
        for (let i = 30; i < 50; i++) await store.create(`/w/${i}`, `${i}`);
      });
      assert.equal(events.length, 40);
      assertIncreasing(events);
      assert.deepEqual(
        events.map((e) => e.kv.modRevision),
        Array.from({ length: 40 }, (_, i) => mid + 1 + i),
      );
    },
  },
  {
    name: "watch filters by key prefix",
    async fn(store) {
      const start = store.currentRevision();
      const { events } = await collect(store, "/w/in/", start, 2, async () => {
        await store.create("/w/in", "no");
        await store.create("/w/in/a", "yes");
        await store.create("/w/inx", "no");
        await store.create("/w/out/a", "no");
        await store.create("/w/in/b/c", "yes");
      });
      assert.deepEqual(events.map((e) => e.kv.key), ["/w/in/a", "/w/in/b/c"]);
    },
  },
  {
    name: "watch batches one commit's events together and in revision order",
    async fn(store) {
      const start = store.currentRevision();
      const { events, batches } = await collect(store, "/b/", start, 50, async () => {
        await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`/b/${i}`, "v")));
      });
      assert.equal(events.length, 50);
      assertIncreasing(events);
      assert.ok(batches < 50, `${batches} batches for 50 concurrent writes`);
    },
  },
  {
    name: "a watcher started during a write stream sees every later event once",
    async fn(store) {
      let stop = false;
      const writer = (async () => {
        for (let i = 0; !stop && i < 2000; i++) await store.create(`/s/${i}`, "v");
      })();
      while (store.currentRevision() < 20) await new Promise((r) => setTimeout(r, 1));
      const from = store.currentRevision() - 10;
      const { events } = await collect(store, "/s/", from, 100);
      stop = true;
      await writer;
      assert.equal(events.length >= 100, true);
      assert.deepEqual(
        events.slice(0, 100).map((e) => e.kv.modRevision),
        Array.from({ length: 100 }, (_, i) => from + 1 + i),
      );
    },
  },
  {
    name: "the watch iterator ends when its signal aborts",
    async fn(store) {
      const ac = new AbortController();
      const iterator = store.watch("/", {
        afterRevision: store.currentRevision(),
        signal: ac.signal,
      })
        [Symbol.asyncIterator]();
      const pending = iterator.next();
      ac.abort();
      assert.deepEqual(await pending, { done: true, value: undefined });
      await store.create("/after-abort", "v");
      assert.equal((await iterator.next()).done, true);
    },
  },
  {
    name: "the watch iterator ends when the store closes",
    async fn(store) {
      const ac = new AbortController();
      const received: WatchEvent[] = [];
      const reading = (async () => {
        for await (
          const batch of store.watch("/", {
            afterRevision: store.currentRevision(),
            signal: ac.signal,
          })
        ) {
          received.push(...batch);
        }
      })();
      await store.create("/c", "v");
      await store.close();
      await reading;
      assert.deepEqual(received.map((e) => e.kv.key), ["/c"]);
      ac.abort();
    },
  },
];
