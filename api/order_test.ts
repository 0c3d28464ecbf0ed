import assert from "node:assert/strict";
import { compareStrings } from "./order.ts";

Deno.test("compareStrings orders as Go's sort.Strings: by code unit, capitals first", () => {
  assert.deepEqual(["b", "B", "a", "A", "_", "10", "9"].sort(compareStrings), [
    "10",
    "9",
    "A",
    "B",
    "_",
    "a",
    "b",
  ]);
  assert.equal(compareStrings("x", "x"), 0);
});
