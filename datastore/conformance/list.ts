/** Conformance: list (prefix, order, pagination, past revisions), count and get at a revision. */
import assert from "node:assert/strict";
import { compareKeys } from "../key_range.ts";
import { type Datastore, FutureRevisionError } from "../types.ts";
import { type ConformanceCase, rejectsWith } from "./helpers.ts";

async function keysOf(store: Datastore, prefix: string, revision?: number): Promise<string[]> {
  return (await store.list(prefix, revision === undefined ? {} : { revision })).items.map((kv) =>
    kv.key
  );
}

export const listCases: ConformanceCase[] = [
  {
    name: "list returns the keys under a prefix in byte order",
    async fn(store) {
      const inside = [
        "/p/a",
        "/p/b",
        "/p/\xff",
        "/p/\u0100",
        "/p/\uffff",
        "/p/\u{10000}",
        "/p/\u{10ffff}",
        "/p/a/b",
        "/p/",
      ];
      const outside = ["/p", "/p0", "/o/x", "/q/a", "/P/a"];
      for (const key of [...outside, ...inside].reverse()) await store.create(key, key);
      assert.deepEqual(await keysOf(store, "/p/"), [...inside].sort(compareKeys));
      assert.deepEqual(await keysOf(store, "/p/\xff"), ["/p/\xff"]);
      assert.deepEqual(await keysOf(store, "/p/\u{10ffff}"), ["/p/\u{10ffff}"]);
      assert.equal((await store.list("")).items.length, inside.length + outside.length);
      const result = await store.list("/p/");
      assert.equal(result.revision, store.currentRevision());
      assert.equal(result.more, false);
      assert.equal(result.remaining, 0);
      assert.equal(await store.count("/p/"), inside.length);
      assert.equal(await store.count(""), inside.length + outside.length);
      assert.equal(await store.count("/none/"), 0);
    },
  },
  {
    name: "limit, startAfter and remaining page through a prefix",
    async fn(store) {
      const keys = Array.from({ length: 25 }, (_, i) => `/l/${String(i).padStart(2, "0")}`);
      for (const key of keys) await store.create(key, "v");
      await store.create("/m/after", "v");
      const seen: string[] = [];
      let startAfter: string | undefined;
      const remainders: number[] = [];
      for (;;) {
        const page = await store.list("/l/", { limit: 10, ...(startAfter && { startAfter }) });
        seen.push(...page.items.map((kv) => kv.key));
        remainders.push(page.remaining);
        if (!page.more) break;
        startAfter = page.items.at(-1)!.key;
      }
      assert.deepEqual(seen, keys);
      assert.deepEqual(remainders, [15, 5, 0]);
      const exact = await store.list("/l/", { limit: 25 });
      assert.equal(exact.more, false);
      assert.equal(exact.remaining, 0);
      const before = await store.list("/l/", { startAfter: "/a", limit: 1 });
      assert.deepEqual(before.items.map((kv) => kv.key), ["/l/00"]);
      assert.equal(before.remaining, 24);
    },
  },
  {
    name: "list and get at a past revision see the state as of that revision",
    async fn(store) {
      await store.create("/before", "x");
      const a = await store.create("/h/a", "a1");
      const b = await store.create("/h/b", "b1");
      const at = store.currentRevision();
      await store.update("/h/a", "a2", a.modRevision);
      await store.delete("/h/b", b.modRevision);
      await store.create("/h/c", "c1");
      const then = await store.list("/h/", { revision: at });
      assert.equal(then.revision, at);
      assert.deepEqual(then.items, [a, b]);
      assert.deepEqual(await keysOf(store, "/h/"), ["/h/a", "/h/c"]);
      assert.deepEqual(await store.get("/h/a", at), a);
      assert.deepEqual(await store.get("/h/b", at), b);
      assert.equal(await store.get("/h/c", at), undefined);
      assert.equal(await store.get("/h/b"), undefined);
      assert.equal(await store.get("/h/a", a.modRevision - 1), undefined);
      const paged = await store.list("/h/", { revision: at, limit: 1 });
      assert.deepEqual(paged.items, [a]);
      assert.equal(paged.more, true);
      assert.equal(paged.remaining, 1);
      const rest = await store.list("/h/", { revision: at, startAfter: "/h/a" });
      assert.deepEqual(rest.items, [b]);
      const current = await store.list("/h/", { revision: store.currentRevision() });
      assert.deepEqual(current.items.map((kv) => kv.value), ["a2", "c1"]);
    },
  },
  {
    name: "reads at a future revision fail with FutureRevisionError",
    async fn(store) {
      await store.create("/f", "v");
      const future = store.currentRevision() + 5;
      await rejectsWith(store.get("/f", future), FutureRevisionError);
      await rejectsWith(store.list("/", { revision: future }), FutureRevisionError);
    },
  },
];
