/**
 * The datastore interface: a revisioned key-value log in the etcd style. The SQLite driver is
 * the default; PostgreSQL and etcd drivers will implement the same interface and run the same
 * conformance suite (`conformance_test_suite.ts`).
 *
 * Keys look like `/registry/<group>/<plural>/<namespace>/<name>` (group "core" for the core
 * group, no namespace segment for cluster-scoped kinds). Values are opaque strings (the server
 * stores JSON without `metadata.resourceVersion`, which it sets from `modRevision` on read).
 */

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key. This is the object's resourceVersion. */
  modRevision: number;
}

export interface WatchEvent {
  type: "create" | "update" | "delete";
  /** For create/update the new value; for delete the last value, with `modRevision` set to the
   * revision of the delete. */
  kv: KeyValue;
  /** The value before this event (update and delete). */
  prevKv?: KeyValue;
}

export interface ListOptions {
  /** At most this many items (0 or absent: all). */
  limit?: number;
  /** Start after this key (exclusive): the continue position. */
  startAfter?: string;
  /** Read at this revision (0 or absent: current). Older than the compacted revision: CompactedError. */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** True when more items follow the last one returned. */
  more: boolean;
  /** How many items follow the returned ones (when `more`). */
  remaining: number;
}

export interface WatchOptions {
  /** Deliver every event with revision > `afterRevision`. Older than the compacted revision:
   * the watch fails with CompactedError before delivering anything. */
  afterRevision: number;
  signal: AbortSignal;
}

export interface Datastore {
  /** The revision of the last committed write. */
  currentRevision(): number;
  /** The oldest revision whose history is still kept (compacted up to, exclusive). */
  compactedRevision(): number;
  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  /** Keys in lexical order under `prefix`. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Count of keys under `prefix` at the current revision. */
  count(prefix: string): Promise<number>;
  /** Creates `key`; KeyExistsError when it exists. Resolves once durable. */
  create(key: string, value: string): Promise<KeyValue>;
  /** Replaces `key` if its modRevision is still `expectedRevision`; ConflictError otherwise,
   * KeyNotFoundError when absent. Resolves once durable. */
  update(key: string, value: string, expectedRevision: number): Promise<KeyValue>;
  /** Deletes `key` (if `expectedRevision` given, only at that modRevision). Resolves with the
   * deleted value (modRevision = the delete's revision) once durable. */
  delete(key: string, expectedRevision?: number): Promise<KeyValue>;
  /** Events with revision > afterRevision for keys under `prefix`, in revision order, pushed from
   * the commit path. The iterator ends when the signal aborts or the store closes. */
  watch(prefix: string, options: WatchOptions): AsyncIterable<WatchEvent[]>;
  /** Drops history older than `revision` (the latest value of each live key is always kept). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`Key exists: ${key}`);
    this.name = "KeyExistsError";
  }
}

export class KeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`Key not found: ${key}`);
    this.name = "KeyNotFoundError";
  }
}

/** The key's modRevision is not the expected one. Carries the current value. */
export class ConflictError extends Error {
  constructor(readonly key: string, readonly current: KeyValue) {
    super(`Revision conflict on ${key}: now at ${current.modRevision}`);
    this.name = "ConflictError";
  }
}

/** The requested revision is older than the kept history. */
export class CompactedError extends Error {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`Revision ${requested} is compacted: the oldest kept is ${compacted}`);
    this.name = "CompactedError";
  }
}

export class ClosedError extends Error {
  constructor() {
    super("Datastore is closed");
    this.name = "ClosedError";
  }
}

/** The requested revision is newer than the current one (reads and compaction). */
export class FutureRevisionError extends Error {
  constructor(readonly requested: number, readonly current: number) {
    super(`Revision ${requested} is in the future: the current is ${current}`);
    this.name = "FutureRevisionError";
  }
}

/**
 * A watcher fell too far behind and its buffer filled: the watch ends with this error. It is a
 * CompactedError so callers treat it alike (410 Expired: the client re-lists).
 */
export class WatchOverflowError extends CompactedError {
  constructor(readonly lastRevision: number, readonly buffered: number) {
    super(lastRevision, lastRevision + 1);
    this.message =
      `Watcher fell behind: ${buffered} events buffered after revision ${lastRevision}`;
    this.name = "WatchOverflowError";
  }
}
