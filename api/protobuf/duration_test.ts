import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "./duration.ts";

const S = 1_000_000_000n;

Deno.test("formatDuration writes Go's Duration.String form", () => {
  const cases: [bigint, string][] = [
    [0n, "0s"],
    [1n, "1ns"],
    [999n, "999ns"],
    [1_500n, "1.5µs"],
    [1_500_000n, "1.5ms"],
    [250_000_000n, "250ms"],
    [S, "1s"],
    [S + S / 2n, "1.5s"],
    [60n * S, "1m0s"],
    [3723n * S, "1h2m3s"],
    [3600n * S, "1h0m0s"],
    [90n * S + 1n, "1m30.000000001s"],
    [-S * 90n, "-1m30s"],
    [2n ** 63n - 1n, "2562047h47m16.854775807s"],
  ];
  for (const [nanos, text] of cases) assert.equal(formatDuration(nanos), text, text);
});

Deno.test("parseDuration reads what formatDuration writes, and Go's other spellings", () => {
  for (const nanos of [0n, 1n, 1_500n, 250_000_000n, 3723n * S, -90n * S, 2n ** 63n - 1n]) {
    assert.equal(parseDuration(formatDuration(nanos)), nanos);
  }
  assert.equal(parseDuration("1.5h"), 5400n * S);
  assert.equal(parseDuration("300us"), 300_000n);
  assert.equal(parseDuration("0"), 0n);
  assert.equal(parseDuration(".5s"), S / 2n);
  for (const bad of ["", "5", "1x", "s", "-", "1h-2m"]) {
    assert.throws(() => parseDuration(bad), SyntaxError, bad);
  }
});
