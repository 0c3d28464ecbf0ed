/**
 * The loop under the level-triggered controllers: `kick()` asks for one full reconcile; kicks
 * that arrive while one is queued coalesce into it; reconciles never overlap; a reconcile that
 * reports unfinished work (or fails) runs again after `retryMs`. Owned: `start(signal)` resolves
 * once the signal aborted and the running reconcile ended.
 */
import type { Logger } from "../../api/log.ts";

export class ReconcileLoop {
  #pending = false;
  #running: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #signal: AbortSignal | undefined;

  /** `reconcile` resolves true while work remains (it is then retried). */
  constructor(
    private reconcile: () => Promise<boolean>,
    private log: Logger,
    private retryMs = 1000,
  ) {}

  start(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    this.kick();
    return new Promise((resolve) => {
      signal.addEventListener("abort", () => {
        clearTimeout(this.#timer);
        this.#running.then(resolve);
      }, { once: true });
    });
  }

  kick(): void {
    const signal = this.#signal;
    if (!signal || this.#pending || signal.aborted) return;
    this.#pending = true;
    this.#running = this.#running.then(async () => {
      this.#pending = false;
      if (signal.aborted) return;
      let again: boolean;
      try {
        again = await this.reconcile();
      } catch (e) {
        this.log.warn("reconcile failed", { error: String(e) });
        again = true;
      }
      if (again && !signal.aborted) {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.kick(), this.retryMs);
      }
    });
  }
}
