/**
 * Opens the SQLite file: connection pragmas, then schema migrations in one transaction each.
 * Opening an up-to-date database writes nothing.
 */
import { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { migrations, pragmas, schemaVersionTable, statements } from "./dialect.ts";

/** The database was written by a newer kno. */
export class SchemaTooNewError extends Error {
  constructor(readonly path: string, readonly found: number, readonly known: number) {
    super(`Database schema is newer than this program: ${path} has ${found}, known ${known}`);
    this.name = "SchemaTooNewError";
  }
}

export async function openDatabase(path: string): Promise<DatabaseSync> {
  if (path !== ":memory:") await Deno.mkdir(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: false });
  try {
    for (const pragma of pragmas) db.exec(pragma);
    migrate(db, path);
  } catch (error: unknown) {
    db.close();
    throw error;
  }
  return db;
}

function schemaVersion(db: DatabaseSync): number {
  const table = db.prepare(
    "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
  ).get();
  if (table === undefined) return 0;
  const row = db.prepare(statements.schemaVersion).get();
  return Number(row?.version ?? 0);
}

function migrate(db: DatabaseSync, path: string): void {
  const found = schemaVersion(db);
  if (found > migrations.length) throw new SchemaTooNewError(path, found, migrations.length);
  for (let version = found + 1; version <= migrations.length; version++) {
    db.exec("BEGIN IMMEDIATE");
    try {
      // Another process may have migrated since the version was read.
      if (schemaVersion(db) >= version) {
        db.exec("COMMIT");
        continue;
      }
      db.exec(schemaVersionTable);
      db.exec(migrations[version - 1]!);
      db.prepare(statements.setSchemaVersion).run(version);
      db.exec("COMMIT");
    } catch (error: unknown) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }
}
