/**
 * The in-memory watch hub: the commit path publishes each commit's events here, in revision
 * order; the hub keeps a bounded history and hands every watcher the events under its prefix.
 * A watcher asking for revisions older than the history (but not compacted) is caught up from
 * the store's log first (`CatchUpSource`), then served from its buffer, which the hub filled
 * from the moment it registered: no gap, no duplicate.
 */
import { CompactedError, type WatchEvent } from "./types.ts";
import { Watcher } from "./watcher.ts";

/** Reads history from durable storage for watchers older than the in-memory history. */
export interface CatchUpSource {
  /** Up to `limit` events under `prefix` with `after < revision <= upTo`, in revision order. */
  readEvents(prefix: string, after: number, upTo: number, limit: number): WatchEvent[];
  compactedRevision(): number;
}

export interface WatchHubOptions {
  /** The store's revision when the hub starts: history begins after it. */
  startRevision: number;
  /** Events kept in memory for new watchers (whole commits are dropped, oldest first). */
  historyLimit: number;
  /** Events a watcher may have waiting before it is ended with WatchOverflowError. */
  bufferLimit: number;
  source: CatchUpSource;
  /** Events read from the source per catch-up step. */
  catchUpPage?: number;
}

interface Commit {
  /** Revision of the commit's last event. */
  last: number;
  events: WatchEvent[];
}

export class WatchHub {
  readonly #options: Required<WatchHubOptions>;
  readonly #history: Commit[] = [];
  #historyEvents = 0;
  /** Every event with a revision above this one is in #history. */
  #historyAfter: number;
  #revision: number;
  readonly #watchers = new Set<Watcher>();
  #closed = false;

  constructor(options: WatchHubOptions) {
    this.#options = { catchUpPage: 1000, ...options };
    this.#historyAfter = options.startRevision;
    this.#revision = options.startRevision;
  }

  /** Number of live watchers (for tests and metrics). */
  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** One commit's events, in revision order, all newer than anything published before. */
  publish(events: WatchEvent[]): void {
    const last = events.at(-1);
    if (last === undefined || this.#closed) return;
    this.#revision = last.kv.modRevision;
    this.#history.push({ last: this.#revision, events });
    this.#historyEvents += events.length;
    while (this.#historyEvents > this.#options.historyLimit) {
      const dropped = this.#history.shift();
      if (dropped === undefined) break;
      this.#historyEvents -= dropped.events.length;
      this.#historyAfter = dropped.last;
    }
    for (const watcher of this.#watchers) watcher.offer(events);
  }

  /** Starts a watcher for events under `prefix` newer than `afterRevision`. */
  watch(prefix: string, afterRevision: number, signal: AbortSignal): Watcher {
    const compacted = this.#options.source.compactedRevision();
    const detach = (w: Watcher) => this.#watchers.delete(w);
    if (afterRevision < compacted) {
      return Watcher.failed(new CompactedError(afterRevision, compacted));
    }
    if (this.#closed || signal.aborted) return Watcher.ended();
    const catchUp = afterRevision < this.#historyAfter
      ? { after: afterRevision, upTo: this.#historyAfter }
      : undefined;
    const watcher = new Watcher({
      prefix,
      afterRevision,
      signal,
      bufferLimit: this.#options.bufferLimit,
      source: this.#options.source,
      catchUp,
      catchUpPage: this.#options.catchUpPage,
      onEnd: detach,
    });
    const from = Math.max(afterRevision, this.#historyAfter);
    for (const commit of this.#history) {
      if (commit.last > from) watcher.offer(commit.events);
    }
    if (!watcher.ended) this.#watchers.add(watcher);
    return watcher;
  }

  /** Ends every watcher; later publishes are ignored. */
  close(): void {
    this.#closed = true;
    for (const watcher of [...this.#watchers]) watcher.end();
    this.#watchers.clear();
    this.#history.length = 0;
    this.#historyEvents = 0;
  }
}
