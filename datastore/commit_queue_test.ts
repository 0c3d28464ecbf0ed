import assert from "node:assert/strict";
import { CommitQueue, type Pending } from "./commit_queue.ts";
import { ClosedError } from "./types.ts";

Deno.test("commit queue: everything submitted together flushes as one batch", async () => {
  const batches: number[][] = [];
  const queue = new CommitQueue<number, number>((batch) => {
    batches.push(batch.map((p) => p.op));
    for (const p of batch) p.resolve(p.op * 2);
  });
  const results = await Promise.all([1, 2, 3].map((n) => queue.submit(n)));
  assert.deepEqual(results, [2, 4, 6]);
  assert.deepEqual(batches, [[1, 2, 3]]);
  assert.equal(await queue.submit(7), 14);
  assert.deepEqual(batches.at(-1), [7]);
  await queue.close();
});

Deno.test("commit queue: an async flush never overlaps the next one", async () => {
  let running = 0;
  let maxRunning = 0;
  const sizes: number[] = [];
  const started = Promise.withResolvers<void>();
  const queue = new CommitQueue<number, number>(async (batch) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    sizes.push(batch.length);
    started.resolve();
    await new Promise((r) => setTimeout(r, 5));
    running--;
    for (const p of batch) p.resolve(p.op);
  });
  const first = queue.submit(0);
  await started.promise;
  const rest = Array.from({ length: 10 }, (_, i) => queue.submit(i + 1));
  await Promise.all([first, ...rest]);
  assert.equal(maxRunning, 1);
  assert.deepEqual(sizes, [1, 10]);
  await queue.close();
});

Deno.test("commit queue: a throwing flush rejects its batch; close rejects queued ops", async () => {
  let fail = true;
  const queue = new CommitQueue<number, number>((batch: Pending<number, number>[]) => {
    if (fail) throw new Error("boom");
    for (const p of batch) p.resolve(p.op);
  });
  await assert.rejects(queue.submit(1), /boom/);
  fail = false;
  assert.equal(await queue.submit(2), 2);
  const queued = queue.submit(3);
  await queue.close();
  await assert.rejects(queued, ClosedError);
  await assert.rejects(queue.submit(4), ClosedError);
});
