/**
 * A full V8 garbage collection on demand, for the memory trimmer. V8 grows its young generation
 * while the server starts or serves a burst (to ~5 MB) and gives it back only in a GC. Left alone,
 * V8's memory reducer does that ~30 s after start-up (measured: RssAnon 22.6 -> 18.7 MB), but
 * under light, steady load it may not run for a long time: with 10,000 stale watch-window events
 * to free, nothing came back in 5.5 minutes; one forced GC returned ~18 MB. JavaScript reaches
 * V8's `gc` only with `--expose-gc`; the flag is set at run time and takes effect for contexts
 * created afterwards, so the function is taken from a fresh `node:vm` context. (Measured on
 * Deno 2.9: the `gc` that `--v8-flags=--expose-gc` puts on the main context does not shrink the
 * young generation; this one does. heap_gc_test.ts checks it.)
 *
 * A forced GC is a full stop-the-world collection (measured: ~35 ms after start-up, ~80 ms with
 * 10,000 ConfigMaps cached), so it runs only when the young generation is big enough to be worth
 * it, or at most every 5 minutes under light, steady load (leases, status updates).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Young-generation size from which a forced GC pays for its pause. */
export const YOUNG_GENERATION_WORTH_COLLECTING = 1 << 20;

/**
 * A busy period ending this long after the last forced GC gets one whatever the young
 * generation: under light, steady load V8 may go hours without a full GC, and what turned to
 * garbage in the old generation meanwhile (watch-window events past their age, replaced
 * objects) stays resident until one runs.
 */
export const COLLECT_AT_LEAST_EVERY_MS = 5 * 60_000;

/** Whether a forced GC is worth its pause now. */
export function collectionDue(youngBytes: number, msSinceLastCollection: number): boolean {
  return youngBytes >= YOUNG_GENERATION_WORTH_COLLECTING ||
    msSinceLastCollection >= COLLECT_AT_LEAST_EVERY_MS;
}

type GcFunction = (options?: { type?: "major"; execution?: "sync" }) => void;

/** Bytes of memory the young generation (V8's `new_space`) holds. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.physical_space_size ??
    0;
}

/** A function running one synchronous major GC, or undefined when V8's `gc` is out of reach. */
export function openHeapCollector(): (() => void) | undefined {
  let gc: unknown;
  try {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("globalThis.gc");
  } catch {
    return undefined;
  }
  if (typeof gc !== "function") return undefined;
  const collect = gc as GcFunction;
  return () => collect({ type: "major", execution: "sync" });
}
