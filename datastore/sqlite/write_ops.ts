/**
 * The write verbs, each checked and applied inside the commit transaction. A verb either
 * appends exactly one log row at `rev` and returns its result and event, or throws one of the
 * named errors having written nothing.
 */
import {
  ConflictError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type WatchEvent,
} from "../types.ts";
import type { SqliteLog } from "./log.ts";

export type WriteOp =
  | { verb: "create"; key: string; value: string }
  | { verb: "update"; key: string; value: string; expectedRevision: number }
  | { verb: "delete"; key: string; expectedRevision: number | undefined };

export interface Applied {
  kv: KeyValue;
  event: WatchEvent;
}

/** True for the errors a single op may fail with without failing its batch. */
export function isOpError(error: unknown): boolean {
  return error instanceof KeyExistsError || error instanceof KeyNotFoundError ||
    error instanceof ConflictError;
}

export function applyWrite(log: SqliteLog, op: WriteOp, rev: number): Applied {
  switch (op.verb) {
    case "create":
      return applyCreate(log, op.key, op.value, rev);
    case "update":
      return applyUpdate(log, op.key, op.value, op.expectedRevision, rev);
    case "delete":
      return applyDelete(log, op.key, op.expectedRevision, rev);
  }
}

function applyCreate(log: SqliteLog, key: string, value: string, rev: number): Applied {
  if (!log.insertCurrent(key, rev, rev)) throw new KeyExistsError(key);
  log.append(rev, key, rev, 0, value);
  const kv = { key, value, createRevision: rev, modRevision: rev };
  return { kv, event: { type: "create", kv } };
}

function applyUpdate(
  log: SqliteLog,
  key: string,
  value: string,
  expectedRevision: number,
  rev: number,
): Applied {
  const prevKv = log.getCurrent(key);
  if (prevKv === undefined) throw new KeyNotFoundError(key);
  if (prevKv.modRevision !== expectedRevision) throw new ConflictError(key, prevKv);
  log.append(rev, key, prevKv.createRevision, prevKv.modRevision, value);
  log.setCurrent(key, rev, prevKv.createRevision);
  const kv = { key, value, createRevision: prevKv.createRevision, modRevision: rev };
  return { kv, event: { type: "update", kv, prevKv } };
}

function applyDelete(
  log: SqliteLog,
  key: string,
  expectedRevision: number | undefined,
  rev: number,
): Applied {
  const prevKv = log.getCurrent(key);
  if (prevKv === undefined) throw new KeyNotFoundError(key);
  if (expectedRevision !== undefined && prevKv.modRevision !== expectedRevision) {
    throw new ConflictError(key, prevKv);
  }
  log.append(rev, key, prevKv.createRevision, prevKv.modRevision, undefined);
  log.deleteCurrent(key);
  const kv = { ...prevKv, modRevision: rev };
  return { kv, event: { type: "delete", kv, prevKv } };
}
