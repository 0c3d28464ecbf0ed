/**
 * Group commit scheduling. Callers submit ops; as soon as the previous commit has ended, one
 * flush takes everything queued and commits it as one batch. A lone writer waits for no timer:
 * its flush runs on the next macrotask turn (after pending microtasks, so writers woken by the
 * last commit join the next batch).
 */
import { clearImmediate, setImmediate } from "node:timers";
import { ClosedError } from "./types.ts";

export interface Pending<Op, Result> {
  op: Op;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/** Commits one batch; settles every pending op of it (a throw rejects the unsettled ones). */
export type Flush<Op, Result> = (batch: Pending<Op, Result>[]) => void | Promise<void>;

export class CommitQueue<Op, Result> {
  readonly #flush: Flush<Op, Result>;
  #queue: Pending<Op, Result>[] = [];
  #scheduled: ReturnType<typeof setImmediate> | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(flush: Flush<Op, Result>) {
    this.#flush = flush;
  }

  /** Ops waiting for the next flush. */
  get queued(): number {
    return this.#queue.length;
  }

  submit(op: Op): Promise<Result> {
    if (this.#closed) return Promise.reject(new ClosedError());
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled !== undefined || this.#running !== undefined || this.#closed) return;
    this.#scheduled = setImmediate(() => {
      this.#scheduled = undefined;
      this.#run();
    });
  }

  #run(): void {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    let settled: void | Promise<void>;
    try {
      settled = this.#flush(batch);
    } catch (error: unknown) {
      for (const p of batch) p.reject(error);
      settled = undefined;
    }
    if (settled === undefined) {
      if (this.#queue.length > 0) this.#schedule();
      return;
    }
    this.#running = settled.then(
      () => {},
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    ).finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  /** Rejects queued-but-unstarted ops with ClosedError and waits for an in-flight flush. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const queued = this.#queue;
    this.#queue = [];
    for (const p of queued) p.reject(new ClosedError());
    await this.#running;
  }
}
