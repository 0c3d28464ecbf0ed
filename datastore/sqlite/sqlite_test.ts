import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { runDatastoreConformance } from "../conformance_test_suite.ts";
import { openDatastore } from "../open.ts";
import { CompactedError, type Datastore, WatchOverflowError } from "../types.ts";
import {
  openSqliteStore,
  type SqliteStoreHooks,
  type SqliteStoreOptions,
  sqliteStoreStats,
} from "./store.ts";

runDatastoreConformance("sqlite", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kno-sqlite-" });
  const store = await openSqliteStore({ path: `${dir}/state.db` });
  return { store, cleanup: () => Deno.remove(dir, { recursive: true }) };
});

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kno-sqlite-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function withStore(
  options: Omit<SqliteStoreOptions, "path">,
  fn: (store: Datastore, path: string) => Promise<void>,
  hooks?: SqliteStoreHooks,
): Promise<void> {
  await withDir(async (dir) => {
    const path = `${dir}/state.db`;
    const store = await openSqliteStore({ path, ...options }, hooks);
    try {
      await fn(store, path);
    } finally {
      await store.close();
    }
  });
}

function logRows(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number(db.prepare("SELECT count(*) AS n FROM log").get()?.n);
  } finally {
    db.close();
  }
}

Deno.test("sqlite: reopening the file keeps revisions and values; no revision is reused", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/state.db`;
    const first = await openSqliteStore({ path });
    const a = await first.create("/a", "1");
    await first.update("/a", "2", a.modRevision);
    const b = await first.create("/b", "b");
    const mid = first.currentRevision();
    await first.delete("/b", b.modRevision);
    await first.compact(mid);
    const tail = await first.create("/tail", "t");
    await first.delete("/tail");
    await first.compact(first.currentRevision()); // deletes the newest row (a tombstone)
    const rev = first.currentRevision();
    const listed = await first.list("/");
    await first.close();

    const second = await openSqliteStore({ path });
    try {
      assert.equal(second.currentRevision(), rev);
      assert.equal(second.compactedRevision(), rev);
      assert.deepEqual(await second.list("/"), listed);
      const next = await second.create("/tail", "again");
      assert.equal(next.modRevision, rev + 1);
      assert.ok(next.modRevision > tail.modRevision + 1);
    } finally {
      await second.close();
    }
  });
});

Deno.test("sqlite: concurrent writes share transactions (group commit)", async () => {
  await withStore({}, async (store) => {
    const stats = sqliteStoreStats(store);
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(`/g/${i}`, "v")));
    assert.equal(stats.ops, 200);
    assert.ok(stats.commits <= 5, `${stats.commits} commits for 200 writes`);
    // A lone writer commits alone, one transaction per write.
    const before = stats.commits;
    for (let i = 0; i < 3; i++) await store.create(`/lone/${i}`, "v");
    assert.equal(stats.commits, before + 3);
    assert.throws(() => sqliteStoreStats({} as Datastore), TypeError);
  });
});

Deno.test("sqlite: a failed COMMIT rejects its whole batch and uses no revision", async () => {
  let fail = false;
  const hooks = {
    beforeCommit() {
      if (fail) throw new Error("disk I/O error (injected)");
    },
  };
  await withStore({}, async (store, path) => {
    await store.create("/ok/0", "v");
    const rev = store.currentRevision();
    fail = true;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => store.create(`/lost/${i}`, "v")),
    );
    fail = false;
    assert.ok(results.every((r) => r.status === "rejected" && /injected/.test(String(r.reason))));
    assert.equal(store.currentRevision(), rev);
    assert.equal(await store.count("/lost/"), 0);
    const next = await store.create("/ok/1", "v");
    assert.equal(next.modRevision, rev + 1);
    await store.close();
    const reopened = await openSqliteStore({ path });
    try {
      assert.equal(reopened.currentRevision(), rev + 1);
      assert.equal(await reopened.count("/lost/"), 0);
    } finally {
      await reopened.close();
    }
  }, hooks);
});

Deno.test("sqlite: a watcher older than the memory history is caught up from the log", async () => {
  await withStore({ watchHistory: 10 }, async (store) => {
    for (let i = 0; i < 100; i++) await store.create(`/w/${i % 2 ? "odd" : "even"}/${i}`, `${i}`);
    const ac = new AbortController();
    const seen: number[] = [];
    const iterator = store.watch("/w/even/", { afterRevision: 5, signal: ac.signal });
    const writing = (async () => {
      for (let i = 100; i < 120; i++) await store.create(`/w/even/${i}`, `${i}`);
    })();
    for await (const batch of iterator) {
      seen.push(...batch.map((e) => e.kv.modRevision));
      if (seen.length >= 47 + 20) break;
    }
    await writing;
    ac.abort();
    const expected = [
      ...Array.from({ length: 100 }, (_, i) => i + 1).filter((r) => r > 5 && r % 2 === 1),
      ...Array.from({ length: 20 }, (_, i) => 101 + i),
    ];
    assert.deepEqual(seen, expected);
  });
});

Deno.test("sqlite: a watcher that does not read is ended once its buffer overflows", async () => {
  await withStore({ watchBuffer: 10 }, async (store) => {
    const ac = new AbortController();
    const iterator = store.watch("/", { afterRevision: 0, signal: ac.signal })
      [Symbol.asyncIterator]();
    for (let i = 0; i < 20; i++) await store.create(`/o/${i}`, "v");
    const error = await iterator.next().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof WatchOverflowError);
    assert.ok(error instanceof CompactedError);
    assert.equal((await iterator.next()).done, true);
    ac.abort();
  });
});

Deno.test("sqlite: compaction runs in batches and keeps one row per live key", async () => {
  await withStore({ compactBatch: 7 }, async (store, path) => {
    let kv = await store.create("/k/hot", "0");
    for (let i = 1; i <= 50; i++) kv = await store.update("/k/hot", `${i}`, kv.modRevision);
    for (let i = 0; i < 10; i++) await store.create(`/k/${i}`, "v");
    for (let i = 0; i < 5; i++) await store.delete(`/k/${i}`);
    assert.equal(logRows(path), 1 + 50 + 10 + 5);
    const stats = sqliteStoreStats(store);
    await store.compact(store.currentRevision());
    assert.equal(logRows(path), 1 + 5);
    assert.equal(stats.compactedRows, 50 + 5 + 5);
    assert.equal((await store.get("/k/hot"))?.value, "50");
    assert.equal(await store.count("/k/"), 6);
  });
});

Deno.test("sqlite: an idle store with a running compactor writes nothing", async () => {
  await withStore({ compactInterval: 20, compactKeep: 5 }, async (store, path) => {
    for (let i = 0; i < 30; i++) await store.create(`/idle/${i % 3}`, `${i}`).catch(() => {});
    let kv = await store.get("/idle/0");
    for (let i = 0; i < 20; i++) kv = await store.update("/idle/0", `${i}`, kv!.modRevision);
    const deadline = Date.now() + 3000;
    while (store.compactedRevision() < store.currentRevision() - 5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(store.compactedRevision(), store.currentRevision() - 5);
    const snapshot = async () =>
      await Promise.all([path, `${path}-wal`].map(async (p) => {
        const info = await Deno.stat(p);
        return `${p} ${info.size} ${info.mtime?.getTime()}`;
      }));
    const before = await snapshot();
    await new Promise((r) => setTimeout(r, 1500));
    await store.list("/");
    await store.get("/idle/0");
    assert.deepEqual(await snapshot(), before);
  });
});

Deno.test("sqlite: openDatastore takes sqlite:// URLs and bare paths, refuses other schemes", async () => {
  await withDir(async (dir) => {
    for (const endpoint of [`sqlite://${dir}/a.db`, `${dir}/b.db`]) {
      const store = await openDatastore(endpoint);
      await store.create("/x", "v");
      await store.close();
    }
    assert.ok((await Deno.stat(`${dir}/a.db`)).isFile);
    assert.ok((await Deno.stat(`${dir}/b.db`)).isFile);
    await assert.rejects(openDatastore("postgres://db:5432/kno"), {
      message: "not implemented: postgres datastore",
    });
  });
});
