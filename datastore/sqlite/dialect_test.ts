import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrations, rangeStatements, statements } from "./dialect.ts";

function plan(db: DatabaseSync, sql: string): string {
  const params = Array<number>((sql.match(/\?/g) ?? []).length).fill(1);
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params);
  return rows.map((row) => String(row.detail)).join(" | ");
}

Deno.test("hot-path reads are index lookups, never table scans", () => {
  const db = new DatabaseSync(":memory:");
  try {
    for (const migration of migrations) db.exec(migration);
    const hot = [
      statements.getCurrent,
      statements.getAt,
      statements.compactScan,
      ...Object.values(rangeStatements(true)),
      rangeStatements(false).listCurrent,
      rangeStatements(false).countCurrent,
      rangeStatements(false).events,
    ];
    for (const sql of hot) {
      const detail = plan(db, sql);
      assert.doesNotMatch(detail, /\bSCAN\b/, `${sql}\n=> ${detail}`);
      assert.doesNotMatch(detail, /TEMP B-TREE/, `${sql}\n=> ${detail}`);
    }
    assert.match(plan(db, statements.getAt), /log_key_rev/);
    assert.match(plan(db, rangeStatements(true).listAt), /log_key_rev/);
  } finally {
    db.close();
  }
});

Deno.test("the current-state table is WITHOUT ROWID; the log has no AUTOINCREMENT to write", () => {
  const db = new DatabaseSync(":memory:");
  try {
    for (const migration of migrations) db.exec(migration);
    const sql = (name: string) =>
      String(db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(name)?.sql);
    assert.match(sql("current"), /WITHOUT ROWID/);
    // AUTOINCREMENT would update sqlite_sequence in every commit; the store keeps the highest
    // revision itself (sqlite_test.ts: no revision is reused after compacting the newest row).
    assert.doesNotMatch(sql("log"), /AUTOINCREMENT/i);
    assert.equal(db.prepare(statements.maxRevision).get()?.rev, 0);
    db.prepare(statements.insertLog).run(7, "/k", 7, 0, 0, null);
    db.prepare(statements.insertLog).run(9, "/k", 7, 7, 0, null);
    assert.equal(db.prepare(statements.maxRevision).get()?.rev, 9);
  } finally {
    db.close();
  }
});
