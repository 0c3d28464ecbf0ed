/**
 * Hands memory back to the OS once the server goes quiet after start-up or a burst of requests,
 * in three steps:
 * - a major V8 GC (heap_gc.ts) when the young generation has grown past 1 MiB, or 5 minutes
 *   after the last one: V8 shrinks its young generation and returns old-generation garbage only
 *   in a full GC, which under light, steady load it may not run for a long time;
 * - glibc's `malloc_trim(0)`: Deno's HTTP, TLS and SQLite buffers are malloc'd across several
 *   threads and glibc keeps what they freed in per-thread arenas, so after load the RSS stays
 *   high long after V8 has shrunk its own heap (measured: ~17 MB returned after 10,000 creates
 *   from 64 clients);
 * - once, after start-up: the pages of the runtime executable that only the dynamic loader reads
 *   (loader_pages.ts; 3.6 MiB of an idle server's 62).
 * They are considered once per busy period, after an interval without new requests (the GC runs
 * only when due, see `collectionDue`): an idle server only wakes for a timer and does nothing else.
 */
import type { Logger } from "../api/log.ts";
import { collectionDue, openHeapCollector, youngGenerationBytes } from "./heap_gc.ts";
import { openLibc } from "./libc.ts";
import { releaseLoaderPages } from "./loader_pages.ts";

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
 * The decision, apart from the timer and the releasers: trim once when the counter has stood
 * still for a whole interval after moving. Start-up is a busy period of its own.
 */
export class TrimPolicy {
  #last: number;
  #pending = true;

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
  /** Whether anything can be released (false: the trimmer does nothing). */
  readonly available: boolean;
  /** Trims done so far. */
  readonly trims: number;
}

/** One way of giving memory back; `name` for the log. */
interface Releaser {
  name: string;
  /** Releases what there is; false when there was not enough to be worth it. */
  release(): boolean;
  close(): void;
}

function releasers(log: Logger): Releaser[] {
  const found: Releaser[] = [];
  const collect = openHeapCollector();
  if (collect) {
    let last = performance.now();
    found.push({
      name: "v8 gc",
      release() {
        if (!collectionDue(youngGenerationBytes(), performance.now() - last)) return false;
        collect();
        last = performance.now();
        return true;
      },
      close() {},
    });
  } else log.debug("V8 gc unavailable: the heap shrinks only when V8 decides to");
  try {
    const libc = openLibc({ malloc_trim: { parameters: ["usize"], result: "i32" } });
    found.push({
      name: "malloc_trim",
      release() {
        libc.symbols.malloc_trim(0n);
        return true;
      },
      close: () => libc.close(),
    });
  } catch (e) {
    log.debug("malloc_trim unavailable: freed memory stays with the allocator", {
      error: e instanceof Error ? e.message : String(e),
    });
  }
  // Only Linux maps the executable where /proc and madvise can reach it; elsewhere nothing to do.
  if (Deno.build.os !== "linux") return found;
  let loaderPagesReleased = false;
  found.push({
    name: "loader pages",
    release() {
      if (loaderPagesReleased) return false;
      loaderPagesReleased = true;
      const bytes = releaseLoaderPages();
      if (bytes > 0) log.debug("released the executable's loader-only pages", { bytes });
      return bytes > 0;
    },
    close() {},
  });
  return found;
}

/** Starts the trimmer; does nothing where neither V8's gc nor libc's malloc_trim is reachable. */
export function startMemoryTrim(o: MemoryTrimOptions): MemoryTrim {
  const log = o.logger.with({ component: "memory" });
  const steps = releasers(log);
  const state = { available: steps.length > 0, trims: 0 };
  if (!state.available) return state;
  const policy = new TrimPolicy(o.activity());
  const timer = setInterval(() => {
    if (policy.step(o.activity()) !== "trimmed") return;
    const took: string[] = [];
    for (const step of steps) {
      const t0 = performance.now();
      if (step.release()) took.push(`${step.name} ${Math.round(performance.now() - t0)} ms`);
    }
    state.trims++;
    log.debug("memory released", { took: took.join(", ") });
  }, o.quietMs);
  Deno.unrefTimer(timer);
  o.signal.addEventListener("abort", () => {
    clearInterval(timer);
    for (const step of steps) step.close();
  }, { once: true });
  return state;
}
