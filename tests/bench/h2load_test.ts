import assert from "node:assert/strict";
import { parseFinished, parseH2loadLog } from "./h2load.ts";

Deno.test("h2load's per-request log and summary are read", () => {
  const log = "1795449638975120\t200\t1314\n1795449638975259\t404\t1685\n\nnot a line\n";
  assert.deepEqual(parseH2loadLog(log), [
    { status: 200, latencyMs: 1.314 },
    { status: 404, latencyMs: 1.685 },
  ]);
  assert.equal(parseFinished("finished in 9.46s, 6339.17 req/s, 4.87MB/s"), 9.46);
  assert.equal(parseFinished("finished in 812.5ms, 61.5 req/s, 4.87KB/s"), 0.8125);
  assert.equal(parseFinished("nothing"), undefined);
});
