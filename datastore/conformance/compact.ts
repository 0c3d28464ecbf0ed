/** Conformance: compaction keeps current values and refuses reads of older revisions. */
import assert from "node:assert/strict";
import { CompactedError, FutureRevisionError } from "../types.ts";
import { collect, type ConformanceCase, rejectsWith } from "./helpers.ts";

export const compactCases: ConformanceCase[] = [
  {
    name: "compaction keeps current values and fails older reads with CompactedError",
    async fn(store) {
      const old = await store.create("/c/old", "never touched again");
      let a = await store.create("/c/a", "a0");
      for (let i = 1; i <= 10; i++) a = await store.update("/c/a", `a${i}`, a.modRevision);
      const gone = await store.create("/c/gone", "x");
      await store.delete("/c/gone", gone.modRevision);
      const before = store.currentRevision();
      await store.create("/c/later", "l");
      await store.compact(before);
      assert.equal(store.compactedRevision(), before);

      assert.deepEqual(await store.get("/c/old"), old);
      assert.deepEqual(await store.get("/c/a"), a);
      assert.equal(await store.get("/c/gone"), undefined);
      const now = await store.list("/c/");
      assert.deepEqual(now.items.map((kv) => kv.key), ["/c/a", "/c/later", "/c/old"]);
      const atCompacted = await store.list("/c/", { revision: before });
      assert.deepEqual(atCompacted.items, [a, old]);
      assert.deepEqual(await store.get("/c/a", before), a);

      const err = await rejectsWith(store.get("/c/a", before - 1), CompactedError);
      assert.equal(err.compacted, before);
      assert.equal(err.requested, before - 1);
      await rejectsWith(store.list("/c/", { revision: 1 }), CompactedError);
      const iterator = store.watch("/c/", {
        afterRevision: before - 1,
        signal: new AbortController().signal,
      })[Symbol.asyncIterator]();
      await rejectsWith(iterator.next(), CompactedError);
      await iterator.return?.();

      const { events } = await collect(store, "/c/", before, 1);
      assert.deepEqual(events.map((e) => e.kv.key), ["/c/later"]);
    },
  },
  {
    name: "compaction is idempotent, refuses the future and keeps writes going",
    async fn(store) {
      for (let i = 0; i < 5; i++) await store.create(`/i/${i}`, "v");
      const rev = store.currentRevision();
      await store.compact(rev);
      await store.compact(rev);
      await store.compact(rev - 2);
      assert.equal(store.compactedRevision(), rev);
      await rejectsWith(store.compact(rev + 10), FutureRevisionError);
      const kv = await store.create("/i/new", "v");
      assert.equal(kv.modRevision, rev + 1);
      assert.equal(await store.count("/i/"), 6);
      await store.delete("/i/new");
      await store.compact(store.currentRevision());
      assert.equal(await store.get("/i/new"), undefined);
      assert.equal(await store.count("/i/"), 5);
      const again = await store.create("/i/new", "w");
      assert.equal(again.createRevision, again.modRevision);
    },
  },
  {
    name: "compaction while writing keeps every write",
    async fn(store) {
      let key = await store.create("/cw/k", "0");
      const writes = (async () => {
        for (let i = 1; i <= 200; i++) key = await store.update("/cw/k", `${i}`, key.modRevision);
      })();
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 1));
        await store.compact(store.currentRevision());
      }
      await writes;
      assert.equal((await store.get("/cw/k"))?.value, "200");
    },
  },
];
