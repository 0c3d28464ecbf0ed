import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrations } from "./dialect.ts";
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
