/**
 * Compaction of the log up to a revision, in small transactions so writers are never held up
 * long. Compacting up to R deletes every row superseded by a newer row of the same key at or
 * below R, and every tombstone at or below R: each is found through the rows in
 * (previous compacted revision, R], whose `prev_rev` names the row they superseded. The current
 * row of a live key is never superseded, so it is never deleted. `compact_rev` is persisted with
 * each batch, so a crash leaves a consistent, partly compacted log.
 */
import { setImmediate } from "node:timers";
import type { SqliteLog } from "./log.ts";

export interface CompactOptions {
  /** Log rows examined per transaction. */
  batchRows: number;
  /** Stops between batches (the work done so far stays committed). */
  signal?: AbortSignal;
  /** Called after each committed batch with the revision compacted up to so far. */
  onBatch(compactedTo: number, deletedRows: number): void;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Compacts the log from `from` (the persisted compact revision) up to `to`. */
export async function compactLog(
  log: SqliteLog,
  from: number,
  to: number,
  options: CompactOptions,
): Promise<void> {
  const db = log.db;
  let after = from;
  while (after < to && options.signal?.aborted !== true) {
    let upTo = to;
    let deleted = 0;
    db.exec("BEGIN IMMEDIATE");
    try {
      const rows = log.compactScan(after, to, options.batchRows);
      const last = rows.at(-1);
      if (rows.length === options.batchRows && last !== undefined) upTo = last.rev;
      for (const row of rows) {
        if (row.prevRev !== 0) {
          log.deleteRow(row.prevRev);
          deleted++;
        }
        if (row.deleted) {
          log.deleteRow(row.rev);
          deleted++;
        }
      }
      log.setCompactRevision(upTo);
      db.exec("COMMIT");
    } catch (error: unknown) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
    after = upTo;
    options.onBatch(upTo, deleted);
    if (after < to) await nextTurn();
  }
}
