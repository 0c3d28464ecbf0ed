/** Conformance: many writers at once, conditional updates racing, and close semantics. */
import assert from "node:assert/strict";
import { ClosedError, ConflictError, KeyExistsError, type KeyValue } from "../types.ts";
import { type ConformanceCase, rejectsWith } from "./helpers.ts";

export const concurrencyCases: ConformanceCase[] = [
  {
    name: "hundreds of parallel creates all commit with distinct revisions",
    async fn(store) {
      const start = store.currentRevision();
      const n = 300;
      const kvs = await Promise.all(
        Array.from({ length: n }, (_, i) => store.create(`/p/${i}`, `v${i}`)),
      );
      const revs = new Set(kvs.map((kv) => kv.modRevision));
      assert.equal(revs.size, n);
      assert.equal(Math.min(...revs), start + 1);
      assert.equal(Math.max(...revs), start + n);
      assert.equal(store.currentRevision(), start + n);
      assert.equal(await store.count("/p/"), n);
    },
  },
  {
    name: "racing conditional updates of one key: exactly one wins",
    async fn(store) {
      const kv = await store.create("/race", "0");
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => store.update("/race", `${i}`, kv.modRevision)),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      assert.equal(won.length, 1);
      for (const r of lost) {
        assert.ok(r.reason instanceof ConflictError);
        assert.deepEqual(r.reason.current, (won[0] as PromiseFulfilledResult<KeyValue>).value);
      }
      assert.equal(store.currentRevision(), kv.modRevision + 1);
    },
  },
  {
    name: "racing creates of one key: exactly one wins, the others fail alone",
    async fn(store) {
      const results = await Promise.allSettled([
        store.create("/other/1", "x"),
        ...Array.from({ length: 20 }, (_, i) => store.create("/same", `${i}`)),
        store.create("/other/2", "y"),
      ]);
      const fulfilled = results.filter((r) => r.status === "fulfilled");
      assert.equal(fulfilled.length, 3);
      const failures = results.filter((r) => r.status === "rejected");
      assert.ok(failures.every((r) => r.reason instanceof KeyExistsError));
      assert.equal((await store.get("/other/2"))?.value, "y");
    },
  },
  {
    name: "concurrent writers interleaving updates keep every key consistent",
    async fn(store) {
      const writers = 10;
      const rounds = 20;
      await Promise.all(Array.from({ length: writers }, async (_, w) => {
        let kv = await store.create(`/wr/${w}`, "0");
        for (let i = 1; i <= rounds; i++) kv = await store.update(kv.key, `${i}`, kv.modRevision);
      }));
      const items = (await store.list("/wr/")).items;
      assert.equal(items.length, writers);
      assert.ok(items.every((kv) => kv.value === `${rounds}`));
      assert.equal(new Set(items.map((kv) => kv.modRevision)).size, writers);
    },
  },
  {
    name: "close settles queued writes and refuses later calls with ClosedError",
    async fn(store) {
      const queued = Array.from({ length: 10 }, (_, i) => store.create(`/q/${i}`, "v"));
      await store.close();
      const settled = await Promise.allSettled(queued);
      for (const r of settled) {
        if (r.status === "rejected") assert.ok(r.reason instanceof ClosedError);
      }
      await rejectsWith(store.create("/later", "v"), ClosedError);
      await rejectsWith(store.get("/q/0"), ClosedError);
      await rejectsWith(store.list("/"), ClosedError);
      await rejectsWith(store.compact(0), ClosedError);
      await store.close();
    },
  },
];
