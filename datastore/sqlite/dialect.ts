/**
 * The SQLite dialect: schema migrations and every statement the log layer runs, as data.
 *
 * `log` is the event log: one row per write, `rev` strictly increasing and never reused (the
 * store resumes after the highest of the log's revisions and the persisted compact revision:
 * compaction deletes no row above the revision it records).
 * A tombstone (`deleted = 1`) has no value: the deleted value is its `prev_rev` row's. `current`
 * maps each live key to its latest log row, so reads at the current revision are index lookups.
 * Keys are TEXT compared byte-wise (BINARY collation). Values are UTF-8 text in a column of BLOB
 * affinity (stored as bound, never converted), or UTF-8 BLOBs: values holding a NUL, and every
 * row written before 2026-11. Both read back as the same strings.
 */

/** Connection settings applied on every open. */
export const pragmas: readonly string[] = [
  "PRAGMA journal_mode = WAL",
  "PRAGMA synchronous = FULL",
  "PRAGMA busy_timeout = 5000",
  "PRAGMA foreign_keys = OFF",
];

export const schemaVersionTable =
  "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

/** Migration N (index N-1) brings the schema from version N-1 to N. */
export const migrations: readonly string[] = [
  `CREATE TABLE log (
     rev INTEGER PRIMARY KEY AUTOINCREMENT,
     key TEXT NOT NULL,
     create_rev INTEGER NOT NULL,
     prev_rev INTEGER NOT NULL,
     deleted INTEGER NOT NULL,
     value BLOB
   );
   CREATE INDEX log_key_rev ON log (key, rev);
   CREATE TABLE current (
     key TEXT PRIMARY KEY,
     rev INTEGER NOT NULL,
     create_rev INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;`,
  // 2: `log` without AUTOINCREMENT. The store hands out revisions itself and keeps the highest
  // one ever used without it (every compacted row is at or below the persisted compact revision),
  // while AUTOINCREMENT wrote sqlite_sequence's page on every commit: one more 4 KiB WAL frame,
  // 16 % of the bytes each write put on the disk (measured: 26.2 -> 22.1 KiB per commit).
  `CREATE TABLE log_v2 (
     rev INTEGER PRIMARY KEY,
     key TEXT NOT NULL,
     create_rev INTEGER NOT NULL,
     prev_rev INTEGER NOT NULL,
     deleted INTEGER NOT NULL,
     value BLOB
   );
   INSERT INTO log_v2 (rev, key, create_rev, prev_rev, deleted, value)
     SELECT rev, key, create_rev, prev_rev, deleted, value FROM log ORDER BY rev;
   DROP TABLE log;
   ALTER TABLE log_v2 RENAME TO log;
   CREATE INDEX log_key_rev ON log (key, rev);`,
];

/** Key range condition on `column`; `hi` only when the prefix has an upper bound. */
function range(column: string, bounded: boolean): string {
  return `${column} >= ? AND ${column} > ?${bounded ? ` AND ${column} < ?` : ""}`;
}

/** Statements whose text depends on whether the key range has an upper bound. */
export function rangeStatements(bounded: boolean) {
  return {
    /** Params: prefix, startAfter, [hi], limit (-1: all). */
    listCurrent: `SELECT c.key, c.rev, c.create_rev, l.value
      FROM current c JOIN log l ON l.rev = c.rev
      WHERE ${range("c.key", bounded)} ORDER BY c.key LIMIT ?`,
    /** Params: prefix, startAfter, [hi]. */
    countCurrent: `SELECT count(*) AS n FROM current WHERE ${range("key", bounded)}`,
    /** Params: prefix, startAfter, [hi], rev, rev, limit. */
    listAt: `SELECT l.key, l.rev, l.create_rev, l.value FROM log l
      WHERE ${range("l.key", bounded)} AND l.rev <= ? AND l.deleted = 0
        AND NOT EXISTS (SELECT 1 FROM log n WHERE n.key = l.key AND n.rev > l.rev AND n.rev <= ?)
      ORDER BY l.key LIMIT ?`,
    /** Params: prefix, startAfter, [hi], rev, rev. */
    countAt: `SELECT count(*) AS n FROM log l
      WHERE ${range("l.key", bounded)} AND l.rev <= ? AND l.deleted = 0
        AND NOT EXISTS (SELECT 1 FROM log n WHERE n.key = l.key AND n.rev > l.rev AND n.rev <= ?)`,
    /** Params: prefix, startAfter (""), [hi], after, upTo, limit. */
    events: `SELECT l.rev, l.key, l.create_rev, l.prev_rev, l.deleted, l.value,
        p.create_rev AS p_create_rev, p.value AS p_value
      FROM log l LEFT JOIN log p ON p.rev = l.prev_rev
      WHERE ${range("l.key", bounded)} AND l.rev > ? AND l.rev <= ? ORDER BY l.rev LIMIT ?`,
  };
}

export type RangeStatementName = keyof ReturnType<typeof rangeStatements>;

export const statements = {
  /** Params: key. */
  getCurrent: `SELECT c.rev, c.create_rev, l.value
    FROM current c JOIN log l ON l.rev = c.rev WHERE c.key = ?`,
  /** Params: key, rev. */
  getAt: `SELECT rev, create_rev, deleted, value FROM log
    WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1`,
  /** Params: rev, key, create_rev, prev_rev, deleted, value. */
  insertLog: `INSERT INTO log (rev, key, create_rev, prev_rev, deleted, value)
    VALUES (?, ?, ?, ?, ?, ?)`,
  /** Params: key, rev, create_rev. Changes nothing when the key is live. */
  insertCurrent: `INSERT INTO current (key, rev, create_rev) VALUES (?, ?, ?)
    ON CONFLICT (key) DO NOTHING`,
  /** Params: key, rev, create_rev. */
  upsertCurrent: `INSERT INTO current (key, rev, create_rev) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET rev = excluded.rev, create_rev = excluded.create_rev`,
  /** Params: key. */
  deleteCurrent: "DELETE FROM current WHERE key = ?",
  maxRevision: "SELECT coalesce(max(rev), 0) AS rev FROM log",
  /** Params: name. */
  getMeta: "SELECT value FROM meta WHERE name = ?",
  /** Params: name, value. */
  setMeta: `INSERT INTO meta (name, value) VALUES (?, ?)
    ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
  /** Params: after, upTo, limit. Rows whose writes a compaction up to `upTo` settles. */
  compactScan: `SELECT rev, prev_rev, deleted FROM log
    WHERE rev > ? AND rev <= ? ORDER BY rev LIMIT ?`,
  /** Params: rev. */
  deleteLog: "DELETE FROM log WHERE rev = ?",
  schemaVersion: "SELECT max(version) AS version FROM schema_version",
  /** Params: version. */
  setSchemaVersion: "INSERT INTO schema_version (version) VALUES (?)",
} as const;

export type StatementName = keyof typeof statements;

export const compactRevKey = "compact_rev";
