import assert from "node:assert/strict";
import {
  COLLECT_AT_LEAST_EVERY_MS,
  collectionDue,
  openHeapCollector,
  YOUNG_GENERATION_WORTH_COLLECTING,
  youngGenerationBytes,
} from "./heap_gc.ts";

Deno.test("the heap collector runs a real major GC: the young generation V8 grew is given back", () => {
  const collect = openHeapCollector();
  assert.ok(collect, "V8's gc is reachable without --expose-gc on the command line");
  // Grow the young generation the way start-up does: many short-lived objects.
  let junk: unknown[] = [];
  for (let round = 0; round < 20; round++) {
    junk = [];
    for (let i = 0; i < 50_000; i++) junk.push({ i, s: `x${i}` });
  }
  const before = youngGenerationBytes();
  assert.ok(before > YOUNG_GENERATION_WORTH_COLLECTING, `young generation grew to ${before} B`);
  collect();
  const after = youngGenerationBytes();
  assert.ok(
    after < YOUNG_GENERATION_WORTH_COLLECTING,
    `young generation ${before} B -> ${after} B`,
  );
  assert.equal(junk.length, 50_000);
});

Deno.test("a forced GC is due for a grown young generation, or 5 minutes after the last one", () => {
  assert.equal(collectionDue(YOUNG_GENERATION_WORTH_COLLECTING, 0), true);
  assert.equal(collectionDue(YOUNG_GENERATION_WORTH_COLLECTING - 1, 1_000), false);
  assert.equal(collectionDue(256 * 1024, COLLECT_AT_LEAST_EVERY_MS - 1), false);
  assert.equal(collectionDue(256 * 1024, COLLECT_AT_LEAST_EVERY_MS), true);
});
