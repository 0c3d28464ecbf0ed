import assert from "node:assert/strict";
import { MAX_NESTING_DEPTH, nestsDeeperThan, objectNestsTooDeep } from "./nesting.ts";

function nested(levels: number, array = false): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = array ? [v] : { a: v };
  return v;
}

Deno.test("nestsDeeperThan counts objects and arrays, a top-level object being one level", () => {
  assert.equal(nestsDeeperThan(1, 0), false);
  assert.equal(nestsDeeperThan({}, 1), false);
  assert.equal(nestsDeeperThan({}, 0), true);
  assert.equal(nestsDeeperThan({ a: { b: [1] } }, 3), false);
  assert.equal(nestsDeeperThan({ a: { b: [1] } }, 2), true);
  assert.equal(nestsDeeperThan({ a: { b: [{}] } }, 3), true);
  // The deepest branch counts, wherever it is.
  assert.equal(nestsDeeperThan({ a: 1, b: [1, 2, { c: { d: {} } }], e: {} }, 4), true);
  assert.equal(nestsDeeperThan(nested(MAX_NESTING_DEPTH)), false);
  assert.equal(nestsDeeperThan(nested(MAX_NESTING_DEPTH + 1)), true);
  assert.equal(nestsDeeperThan(nested(MAX_NESTING_DEPTH + 1, true)), true);
});

Deno.test("nestsDeeperThan measures a million levels without recursing", () => {
  assert.equal(nestsDeeperThan(nested(1_000_000)), true);
  assert.equal(nestsDeeperThan(nested(1_000_000, true), 2_000_000), false);
});

Deno.test("objectNestsTooDeep leaves managedFields out, and only them", () => {
  const deep = nested(MAX_NESTING_DEPTH - 1) as Record<string, unknown>;
  // managedFields mirror the object a few levels below metadata.
  const obj = {
    ...deep,
    metadata: { name: "x", managedFields: [{ fieldsV1: nested(MAX_NESTING_DEPTH) }] },
  };
  assert.equal(objectNestsTooDeep(obj), false);
  assert.deepEqual(Object.keys(obj.metadata), ["name", "managedFields"], "the object is untouched");
  assert.equal(objectNestsTooDeep({ ...obj, spec: nested(MAX_NESTING_DEPTH) }), true);
  assert.equal(
    objectNestsTooDeep({ metadata: { annotations: nested(MAX_NESTING_DEPTH - 1) } }),
    true,
  );
  assert.equal(objectNestsTooDeep({ metadata: "not an object" }), false);
});
