/**
 * One watcher: an async iterator of event batches (one batch per commit), fed by the hub and,
 * first, by catch-up reads from the log. Its buffer is bounded; it ends on abort, on close, or
 * with an error (compaction during catch-up, buffer overflow).
 */
import { CompactedError, type WatchEvent, WatchOverflowError } from "./types.ts";
import type { CatchUpSource } from "./watch_hub.ts";

export interface WatcherOptions {
  prefix: string;
  afterRevision: number;
  signal: AbortSignal;
  bufferLimit: number;
  source: CatchUpSource;
  /** Revisions to read from the log before the buffer: `after < rev <= upTo`. */
  catchUp: { after: number; upTo: number } | undefined;
  catchUpPage: number;
  onEnd(watcher: Watcher): void;
}

type Waiter = {
  resolve(result: IteratorResult<WatchEvent[]>): void;
  reject(error: unknown): void;
};

const doneResult: IteratorResult<WatchEvent[]> = { done: true, value: undefined };

export class Watcher implements AsyncIterableIterator<WatchEvent[]> {
  readonly #options: WatcherOptions | undefined;
  readonly #queue: WatchEvent[][] = [];
  #queued = 0;
  /** Revision of the last event handed to the queue (or read during catch-up). */
  #position: number;
  #catchUp: { after: number; upTo: number } | undefined;
  #error: unknown;
  #ended = false;
  #waiter: Waiter | undefined;
  readonly #onAbort = () => this.end();

  constructor(options: WatcherOptions | undefined) {
    this.#options = options;
    this.#position = options?.afterRevision ?? 0;
    this.#catchUp = options?.catchUp;
    options?.signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** A watcher whose first `next()` rejects with `error`. */
  static failed(error: unknown): Watcher {
    const w = new Watcher(undefined);
    w.#ended = true;
    w.#error = error;
    return w;
  }

  /** A watcher that is already over. */
  static ended(): Watcher {
    const w = new Watcher(undefined);
    w.#ended = true;
    return w;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Takes the events of one commit that are under the prefix and newer than the position. */
  offer(events: readonly WatchEvent[]): void {
    const options = this.#options;
    if (this.#ended || options === undefined) return;
    const floor = this.#catchUp === undefined ? this.#position : this.#catchUp.upTo;
    const batch = events.filter((e) =>
      e.kv.modRevision > floor && e.kv.key.startsWith(options.prefix)
    );
    if (batch.length === 0) return;
    if (this.#catchUp === undefined) this.#position = batch.at(-1)!.kv.modRevision;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve({ done: false, value: batch });
      return;
    }
    this.#queue.push(batch);
    this.#queued += batch.length;
    if (this.#queued > options.bufferLimit) {
      const first = this.#queue[0]?.[0]?.kv.modRevision ?? 1;
      this.#fail(new WatchOverflowError(first - 1, this.#queued));
    }
  }

  next(): Promise<IteratorResult<WatchEvent[]>> {
    if (this.#catchUp !== undefined) return this.#nextCatchUp();
    const queued = this.#queue.shift();
    if (queued !== undefined) {
      this.#queued -= queued.length;
      return Promise.resolve({ done: false, value: queued });
    }
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      return Promise.reject(error);
    }
    if (this.#ended) return Promise.resolve(doneResult);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<WatchEvent[]>> {
    this.end();
    this.#queue.length = 0;
    this.#queued = 0;
    this.#error = undefined;
    return Promise.resolve(doneResult);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Ends the watcher: buffered batches are still handed out (unless a catch-up from the log was
   * still due before them), then the iterator is done.
   */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#catchUp !== undefined) {
      this.#catchUp = undefined;
      this.#queue.length = 0;
      this.#queued = 0;
    }
    const options = this.#options;
    if (options !== undefined) {
      options.signal.removeEventListener("abort", this.#onAbort);
      options.onEnd(this);
    }
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter === undefined) return;
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      waiter.reject(error);
    } else {
      waiter.resolve(doneResult);
    }
  }

  #fail(error: unknown): void {
    this.#queue.length = 0;
    this.#queued = 0;
    this.#catchUp = undefined;
    this.#error = error;
    this.end();
  }

  /** Reads the next page of history from the log; moves to the buffer when caught up. */
  #nextCatchUp(): Promise<IteratorResult<WatchEvent[]>> {
    const options = this.#options!;
    for (;;) {
      const range = this.#catchUp;
      if (range === undefined) return this.next();
      const compacted = options.source.compactedRevision();
      if (range.after < compacted) {
        this.#fail(new CompactedError(range.after, compacted));
        return this.next();
      }
      let events: WatchEvent[];
      try {
        events = options.source.readEvents(
          options.prefix,
          range.after,
          range.upTo,
          options.catchUpPage,
        );
      } catch (error: unknown) {
        this.#fail(error);
        return this.next();
      }
      const last = events.at(-1);
      if (events.length < options.catchUpPage || last === undefined) {
        this.#catchUp = undefined;
        this.#position = range.upTo;
        // Batches buffered meanwhile are all newer than upTo.
        const tail = this.#queue.at(-1)?.at(-1);
        if (tail !== undefined) this.#position = tail.kv.modRevision;
      } else {
        range.after = last.kv.modRevision;
      }
      if (events.length > 0) return Promise.resolve({ done: false, value: events });
    }
  }
}
