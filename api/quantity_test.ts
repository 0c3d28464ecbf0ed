import assert from "node:assert/strict";
import { compareQuantities, nanos } from "./quantity.ts";

Deno.test("quantities in nano units: decimal and binary suffixes, exponents, fractions", () => {
  assert.equal(nanos("1"), 1_000_000_000n);
  assert.equal(nanos(2), 2_000_000_000n);
  assert.equal(nanos("100m"), 100_000_000n);
  assert.equal(nanos("0.1"), 100_000_000n);
  assert.equal(nanos(".5"), 500_000_000n);
  assert.equal(nanos("1k"), 1_000_000_000_000n);
  assert.equal(nanos("1Ki"), 1024n * 1_000_000_000n);
  assert.equal(nanos("1.5Gi"), 1_610_612_736n * 1_000_000_000n);
  assert.equal(nanos("2e3"), 2_000_000_000_000n);
  assert.equal(nanos("5E-3"), 5_000_000n);
  assert.equal(nanos("1n"), 1n);
  assert.equal(nanos("0.5n"), 1n, "finer than a nano rounds up");
  assert.equal(nanos("-250m"), -250_000_000n);
  assert.equal(nanos("1Ei"), (1n << 60n) * 1_000_000_000n);
  for (const bad of ["", "abc", "1.2.3", "1Kb", "Mi", "1 Gi", null, {}]) {
    assert.equal(nanos(bad), undefined, String(bad));
  }
});

Deno.test("compareQuantities orders across units", () => {
  assert.equal(compareQuantities("1Gi", "1G"), 1);
  assert.equal(compareQuantities("500m", "0.5"), 0);
  assert.equal(compareQuantities("999m", 1), -1);
  assert.equal(compareQuantities("1024Mi", "1Gi"), 0);
});
