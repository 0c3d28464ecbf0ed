/**
 * Hands memory the C allocator holds after a burst of requests back to the OS once the server
 * goes quiet. Deno's HTTP, TLS and SQLite buffers are malloc'd across several threads; glibc
 * keeps what they freed in per-thread arenas, so after load the RSS stays high long after V8 has
 * shrunk its own heap (measured: ~17 MB returned after 10,000 creates from 64 clients).
 * `malloc_trim(0)` runs once per busy period, after an interval without new requests: an idle
 * server only wakes for a timer and does nothing else.
 */
import type { Logger } from "../api/log.ts";
import { openLibc } from "./libc.ts";

export interface MemoryTrimOptions {
  /** Requests served so far (or any counter that moves while the server is busy). */
  activity(): number;
  /** How long the counter must stand still before trimming. */
  quietMs: number;
  signal: AbortSignal;
  logger: Logger;
}

/** What one check of the trimmer did. */
export type TrimStep = "busy" | "trimmed" | "idle";

/**
 * The decision, apart from the timer and libc: trim once when the counter has stood still for a
 * whole interval after moving.
 */
export class TrimPolicy {
  #last: number;
  #pending = false;

  constructor(start: number) {
    this.#last = start;
  }

  step(now: number): TrimStep {
    if (now !== this.#last) {
      this.#last = now;
      this.#pending = true;
      return "busy";
    }
    if (!this.#pending) return "idle";
    this.#pending = false;
    return "trimmed";
  }
}

export interface MemoryTrim {
  /** Whether malloc_trim could be loaded (false: the trimmer does nothing). */
  readonly available: boolean;
  /** Trims done so far. */
  readonly trims: number;
}

/** Starts the trimmer; does nothing where libc's malloc_trim cannot be loaded. */
export function startMemoryTrim(o: MemoryTrimOptions): MemoryTrim {
  const log = o.logger.with({ component: "memory" });
  let libc: Deno.DynamicLibrary<{ malloc_trim: { parameters: ["usize"]; result: "i32" } }>;
  try {
    libc = openLibc({ malloc_trim: { parameters: ["usize"], result: "i32" } });
  } catch (e) {
    log.debug("malloc_trim unavailable: freed memory stays with the allocator", {
      error: e instanceof Error ? e.message : String(e),
    });
    return { available: false, trims: 0 };
  }
  const state = { available: true, trims: 0 };
  const policy = new TrimPolicy(o.activity());
  const timer = setInterval(() => {
    if (policy.step(o.activity()) !== "trimmed") return;
    libc.symbols.malloc_trim(0n);
    state.trims++;
  }, o.quietMs);
  Deno.unrefTimer(timer);
  o.signal.addEventListener("abort", () => {
    clearInterval(timer);
    libc.close();
  }, { once: true });
  return state;
}
