/** Shared pieces of the datastore conformance suite. */
import assert from "node:assert/strict";
import type { Datastore, WatchEvent } from "../types.ts";

export interface ConformanceCase {
  name: string;
  fn(store: Datastore): Promise<void>;
}

/** Asserts that `promise` rejects with an instance of `type`; returns the error. */
export async function rejectsWith<T extends Error>(
  promise: Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  type: new (...args: any[]) => T,
): Promise<T> {
  try {
    await promise;
  } catch (error: unknown) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${type.name}, but it resolved`);
}

export interface Collected {
  events: WatchEvent[];
  batches: number;
}

/**
 * Watches until `count` events arrived (or `timeoutMs` passed), then stops the watch. `during`
 * runs once the watch is open (for writes that must show up live).
 */
export async function collect(
  store: Datastore,
  prefix: string,
  afterRevision: number,
  count: number,
  during?: () => Promise<unknown>,
  timeoutMs = 5000,
): Promise<Collected> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const events: WatchEvent[] = [];
  let batches = 0;
  const iterable = store.watch(prefix, { afterRevision, signal: ac.signal });
  const writing = during?.();
  try {
    if (count > 0) {
      for await (const batch of iterable) {
        batches++;
        events.push(...batch);
        if (events.length >= count) break;
      }
    }
    await writing;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return { events, batches };
}

/** Asserts events have strictly increasing revisions: no gap is visible here, no duplicate. */
export function assertIncreasing(events: WatchEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    assert.ok(
      events[i]!.kv.modRevision > events[i - 1]!.kv.modRevision,
      `event ${i} at ${events[i]!.kv.modRevision} after ${events[i - 1]!.kv.modRevision}`,
    );
  }
}

/** A compact text picture of events: "type key value@rev". */
export function describe(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key} ${e.kv.value}@${e.kv.modRevision}`);
}
