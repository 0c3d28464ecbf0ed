/**
 * The log layer: typed access to the `log` and `current` tables through prepared statements.
 * Everything here is synchronous and runs on the one connection; transactions are the
 * caller's (the store's commit path and the compactor).
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { KeyValue, WatchEvent } from "../types.ts";
import { prefixEnd } from "../key_range.ts";
import {
  compactRevKey,
  type RangeStatementName,
  rangeStatements,
  type StatementName,
  statements,
} from "./dialect.ts";

type Row = Record<string, unknown>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function int(row: Row, column: string): number {
  const v = row[column];
  return typeof v === "number" ? v : Number(v ?? 0);
}

/**
 * How a value is bound: as text, so SQLite writes the string's UTF-8 itself with no byte array
 * made in JS first (JSON never holds a raw NUL), or as a UTF-8 BLOB when it holds a NUL, which
 * text would cut short when read back.
 */
function storedValue(value: string | undefined): string | Uint8Array | null {
  if (value === undefined) return null;
  return value.includes("\0") ? encoder.encode(value) : value;
}

/** A value column: UTF-8 text, or a UTF-8 BLOB in rows written before text was bound. */
function text(row: Row, column: string): string {
  const v = row[column];
  if (v instanceof Uint8Array) return decoder.decode(v);
  return v === null || v === undefined ? "" : String(v);
}

export interface KeyRange {
  prefix: string;
  startAfter: string;
}

export class SqliteLog {
  readonly #db: DatabaseSync;
  readonly #plain = new Map<StatementName, StatementSync>();
  readonly #ranged = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get db(): DatabaseSync {
    return this.#db;
  }

  #stmt(name: StatementName): StatementSync {
    let s = this.#plain.get(name);
    if (s === undefined) {
      s = this.#db.prepare(statements[name]);
      this.#plain.set(name, s);
    }
    return s;
  }

  /** A range statement and its leading params (prefix, startAfter, [hi]). */
  #prepareRange(name: RangeStatementName, range: KeyRange): [StatementSync, SQLInputValue[]] {
    const hi = prefixEnd(range.prefix);
    const bounded = hi !== undefined;
    const id = `${name}:${bounded}`;
    let s = this.#ranged.get(id);
    if (s === undefined) {
      s = this.#db.prepare(rangeStatements(bounded)[name]);
      this.#ranged.set(id, s);
    }
    const params: SQLInputValue[] = [range.prefix, range.startAfter];
    if (hi !== undefined) params.push(hi);
    return [s, params];
  }

  /** The live value of `key` at the current revision. */
  getCurrent(key: string): KeyValue | undefined {
    const row = this.#stmt("getCurrent").get(key) as Row | undefined;
    if (row === undefined) return undefined;
    return {
      key,
      value: text(row, "value"),
      createRevision: int(row, "create_rev"),
      modRevision: int(row, "rev"),
    };
  }

  /** The value of `key` as of `revision` (undefined when absent or deleted then). */
  getAt(key: string, revision: number): KeyValue | undefined {
    const row = this.#stmt("getAt").get(key, revision) as Row | undefined;
    if (row === undefined || int(row, "deleted") !== 0) return undefined;
    return {
      key,
      value: text(row, "value"),
      createRevision: int(row, "create_rev"),
      modRevision: int(row, "rev"),
    };
  }

  /** Live keys in the range in key order; `revision` undefined means current. */
  list(range: KeyRange, limit: number, revision?: number): KeyValue[] {
    const lim = limit > 0 ? limit : -1;
    const rows = revision === undefined
      ? this.#range("listCurrent", range, lim)
      : this.#range("listAt", range, revision, revision, lim);
    return rows.map((row) => ({
      key: text(row, "key"),
      value: text(row, "value"),
      createRevision: int(row, "create_rev"),
      modRevision: int(row, "rev"),
    }));
  }

  /** Count of live keys in the range; `revision` undefined means current. */
  count(range: KeyRange, revision?: number): number {
    const rows = revision === undefined
      ? this.#range("countCurrent", range)
      : this.#range("countAt", range, revision, revision);
    return rows[0] === undefined ? 0 : int(rows[0], "n");
  }

  #range(name: RangeStatementName, range: KeyRange, ...rest: SQLInputValue[]): Row[] {
    const [s, params] = this.#prepareRange(name, range);
    return s.all(...params, ...rest) as Row[];
  }

  /** Events under `prefix` with `after < rev <= upTo`, oldest first, at most `limit`. */
  readEvents(prefix: string, after: number, upTo: number, limit: number): WatchEvent[] {
    const rows = this.#range("events", { prefix, startAfter: "" }, after, upTo, limit);
    return rows.map((row) => {
      const key = text(row, "key");
      const rev = int(row, "rev");
      const prevRev = int(row, "prev_rev");
      const prevKv: KeyValue | undefined = prevRev === 0 ? undefined : {
        key,
        value: text(row, "p_value"),
        createRevision: int(row, "p_create_rev"),
        modRevision: prevRev,
      };
      if (int(row, "deleted") !== 0) {
        const kv = { key, value: prevKv?.value ?? "", createRevision: int(row, "create_rev") };
        return { type: "delete", kv: { ...kv, modRevision: rev }, ...(prevKv && { prevKv }) };
      }
      const kv = {
        key,
        value: text(row, "value"),
        createRevision: int(row, "create_rev"),
        modRevision: rev,
      };
      return prevKv === undefined ? { type: "create", kv } : { type: "update", kv, prevKv };
    });
  }

  /** Appends a log row. `value` undefined marks a tombstone. */
  append(
    rev: number,
    key: string,
    createRev: number,
    prevRev: number,
    value: string | undefined,
  ): void {
    const deleted = value === undefined ? 1 : 0;
    this.#stmt("insertLog").run(rev, key, createRev, prevRev, deleted, storedValue(value));
  }

  /** Makes `key` live at `rev` unless it already is; false when it was live. */
  insertCurrent(key: string, rev: number, createRev: number): boolean {
    return this.#stmt("insertCurrent").run(key, rev, createRev).changes !== 0;
  }

  setCurrent(key: string, rev: number, createRev: number): void {
    this.#stmt("upsertCurrent").run(key, rev, createRev);
  }

  deleteCurrent(key: string): void {
    this.#stmt("deleteCurrent").run(key);
  }

  /** The highest revision in the log (one compacted away is at or below the compact revision). */
  maxRevision(): number {
    const row = this.#stmt("maxRevision").get() as Row | undefined;
    return row === undefined ? 0 : int(row, "rev");
  }

  compactRevision(): number {
    const row = this.#stmt("getMeta").get(compactRevKey) as Row | undefined;
    return row === undefined ? 0 : int(row, "value");
  }

  setCompactRevision(rev: number): void {
    this.#stmt("setMeta").run(compactRevKey, rev);
  }

  /** Rows with `after < rev <= upTo`, oldest first: what compaction walks. */
  compactScan(
    after: number,
    upTo: number,
    limit: number,
  ): { rev: number; prevRev: number; deleted: boolean }[] {
    const rows = this.#stmt("compactScan").all(after, upTo, limit) as Row[];
    return rows.map((row) => ({
      rev: int(row, "rev"),
      prevRev: int(row, "prev_rev"),
      deleted: int(row, "deleted") !== 0,
    }));
  }

  deleteRow(rev: number): void {
    this.#stmt("deleteLog").run(rev);
  }
}
