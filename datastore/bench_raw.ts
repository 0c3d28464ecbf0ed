/**
 * Write-rate measurements for the benchmark: the physical limit of durable SQLite writes on this
 * disk (one transaction per write, straight to node:sqlite) and the rate through the Datastore
 * interface with concurrent writers (group commit). Prints nothing; returns numbers.
 */
import { DatabaseSync } from "node:sqlite";
import { migrations, pragmas, statements } from "./sqlite/dialect.ts";
import type { Datastore } from "./types.ts";

export interface WriteRateOptions {
  /** Logical writers (interleaved for the raw loop, concurrent for the store). */
  clients: number;
  /** Total writes. */
  count: number;
  /** Size of each value in bytes. */
  valueBytes: number;
}

export interface WriteRate {
  writesPerSecond: number;
}

function valueOf(bytes: number): string {
  return "x".repeat(bytes);
}

/**
 * The same inserts the store makes (a log row and a current row), committed straight to
 * node:sqlite with WAL and synchronous=FULL, one transaction per write. The database file is
 * created in `dir` and removed afterwards.
 */
export async function rawSqliteDurableWrites(
  options: WriteRateOptions & { dir: string },
): Promise<WriteRate> {
  const path = `${options.dir}/raw-bench-${crypto.randomUUID()}.db`;
  const db = new DatabaseSync(path);
  try {
    for (const pragma of pragmas) db.exec(pragma);
    for (const migration of migrations) db.exec(migration);
    const insertLog = db.prepare(statements.insertLog);
    const insertCurrent = db.prepare(statements.insertCurrent);
    const value = valueOf(options.valueBytes);
    const clients = Math.max(1, options.clients);
    const start = performance.now();
    for (let i = 0; i < options.count; i++) {
      const key = `/bench/raw/${i % clients}/${Math.floor(i / clients)}`;
      const rev = i + 1;
      db.exec("BEGIN IMMEDIATE");
      // In the store's order for a create (write_ops.ts): claim the key, then append the log row.
      insertCurrent.run(key, rev, rev);
      insertLog.run(rev, key, rev, 0, 0, value);
      db.exec("COMMIT");
    }
    const seconds = (performance.now() - start) / 1000;
    return { writesPerSecond: options.count / seconds };
  } finally {
    db.close();
    for (const suffix of ["", "-wal", "-shm"]) {
      await Deno.remove(path + suffix).catch(() => {});
    }
  }
}

/** Creates per second through `store`, with `clients` async writers each awaiting its writes. */
export async function storeWriteRate(
  options: WriteRateOptions & { store: Datastore },
): Promise<WriteRate> {
  const { store, count } = options;
  const clients = Math.max(1, options.clients);
  const value = valueOf(options.valueBytes);
  const run = crypto.randomUUID();
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let i = next++; i < count; i = next++) {
      await store.create(`/bench/store/${run}/${c}/${i}`, value);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return { writesPerSecond: count / seconds };
}
