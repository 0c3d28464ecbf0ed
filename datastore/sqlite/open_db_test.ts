import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openDatastore } from "../open.ts";
import { compactRevKey, migrations, schemaVersionTable, statements } from "./dialect.ts";
import { openDatabase, SchemaTooNewError } from "./open_db.ts";

Deno.test("openDatabase sets WAL and FULL sync, migrates once, refuses newer schemas", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kno-open-" });
  const path = `${dir}/nested/state.db`;
  try {
    const db = await openDatabase(path);
    assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    assert.equal(db.prepare("PRAGMA synchronous").get()?.synchronous, 2);
    assert.equal(db.prepare("PRAGMA foreign_keys").get()?.foreign_keys, 0);
    assert.ok(Number(db.prepare("PRAGMA busy_timeout").get()?.timeout) > 0);
    assert.equal(
      db.prepare("SELECT max(version) AS v FROM schema_version").get()?.v,
      migrations.length,
    );
    db.close();

    const size = (await Deno.stat(`${path}-wal`).catch(() => Deno.stat(path))).size;
    const again = await openDatabase(path);
    again.close();
    assert.equal((await Deno.stat(`${path}-wal`).catch(() => Deno.stat(path))).size, size);

    const raw = new DatabaseSync(path);
    raw.prepare("INSERT INTO schema_version (version) VALUES (?)").run(migrations.length + 1);
    raw.close();
    await assert.rejects(openDatabase(path), SchemaTooNewError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("migration 2 rebuilds the log without AUTOINCREMENT and keeps every row and the revision", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kno-migrate-" });
  const path = `${dir}/state.db`;
  try {
    // A database as the first schema left it: five writes, the fifth (a tombstone at the top of
    // the log) compacted away, so only sqlite_sequence and the compact revision remember it.
    const v1 = new DatabaseSync(path);
    v1.exec(schemaVersionTable);
    v1.exec(migrations[0]!);
    v1.prepare(statements.setSchemaVersion).run(1);
    const insert = v1.prepare(statements.insertLog);
    for (let rev = 1; rev <= 4; rev++) {
      insert.run(rev, `/registry/k${rev}`, rev, 0, 0, new TextEncoder().encode(`{"v":${rev}}`));
      v1.prepare(statements.upsertCurrent).run(`/registry/k${rev}`, rev, rev);
    }
    insert.run(5, "/registry/k4", 4, 4, 1, null);
    v1.prepare(statements.deleteLog).run(5);
    v1.prepare(statements.setMeta).run(compactRevKey, 5);
    assert.equal(v1.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'log'").get()?.seq, 5);
    v1.close();

    const db = await openDatabase(path);
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'log'").get()?.sql;
    assert.doesNotMatch(String(table), /AUTOINCREMENT/i);
    assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'log_key_rev'").get());
    assert.deepEqual(
      db.prepare("SELECT rev, key, deleted FROM log ORDER BY rev").all().map((r) => ({ ...r })),
      [1, 2, 3, 4].map((rev) => ({ rev, key: `/registry/k${rev}`, deleted: 0 })),
    );
    db.close();

    const store = await openDatastore(path);
    try {
      assert.equal(
        store.currentRevision(),
        5,
        "the compacted top revision is not handed out again",
      );
      assert.equal((await store.get("/registry/k2"))?.value, '{"v":2}');
      assert.equal((await store.create("/registry/k9", '{"v":"ü"}')).modRevision, 6);
      // Old rows hold UTF-8 BLOBs, new ones text: both read back as the same strings.
      const listed = (await store.list("/registry/")).items.map((kv) => [kv.key, kv.value]);
      assert.deepEqual(listed.slice(-2), [["/registry/k4", '{"v":4}'], [
        "/registry/k9",
        '{"v":"ü"}',
      ]]);
    } finally {
      await store.close();
    }
    const after = new DatabaseSync(path);
    assert.deepEqual(
      after.prepare("SELECT rev, typeof(value) AS t FROM log WHERE rev IN (2, 6) ORDER BY rev")
        .all()
        .map((r) => ({ ...r })),
      [{ rev: 2, t: "blob" }, { rev: 6, t: "text" }],
    );
    after.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
