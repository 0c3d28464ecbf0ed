import assert from "node:assert/strict";
import { ApiError } from "../status.ts";
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from "./json_patch.ts";

const doc = () => ({
  metadata: { name: "web", labels: { app: "web" } },
  spec: { replicas: 1, ports: [80, 443] },
});

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected an ApiError");
}

Deno.test("json patch applies add, replace, remove, move, copy and test in order", () => {
  const input = doc();
  const out = applyJsonPatch(input, [
    { op: "test", path: "/spec/replicas", value: 1 },
    { op: "replace", path: "/spec/replicas", value: 3 },
    { op: "add", path: "/metadata/labels/tier", value: "front" },
    { op: "remove", path: "/metadata/labels/app" },
    { op: "add", path: "/spec/ports/-", value: 8080 },
    { op: "copy", from: "/spec/replicas", path: "/spec/minReplicas" },
    { op: "move", from: "/metadata/labels/tier", path: "/metadata/labels/role" },
  ]);
  assert.deepEqual(out, {
    metadata: { name: "web", labels: { role: "front" } },
    spec: { replicas: 3, ports: [80, 443, 8080], minReplicas: 3 },
  });
  assert.deepEqual(input, doc(), "the input is not mutated");
});

Deno.test("json patch: escaped pointer segments address keys with / and ~", () => {
  const out = applyJsonPatch({ metadata: { annotations: {} } }, [
    { op: "add", path: "/metadata/annotations/example.com~1a~0b", value: "x" },
  ]);
  assert.deepEqual(out, { metadata: { annotations: { "example.com/a~b": "x" } } });
});

Deno.test("json patch: a malformed patch is a 400 BadRequest", () => {
  for (
    const bad of [
      { op: "add" },
      "nope",
      [{ op: "frobnicate", path: "/a" }],
      [{ op: "add", path: "a", value: 1 }],
      [{ op: "add", path: "/a" }],
      [{ op: "move", path: "/a" }],
      [42],
    ]
  ) {
    const e = apiError(() => applyJsonPatch(doc(), bad));
    assert.equal(e.code, 400, JSON.stringify(bad));
    assert.equal(e.reason, "BadRequest");
  }
});

Deno.test("json patch: a failing test op is a 422 Invalid naming the path", () => {
  const e = apiError(() =>
    applyJsonPatch(doc(), [{ op: "test", path: "/spec/replicas", value: 2 }])
  );
  assert.equal(e.code, 422);
  assert.equal(e.reason, "Invalid");
  assert.match(e.message, /rejected our request/);
  assert.match(e.message, /"\/spec\/replicas"/);
  assert.equal(e.details?.causes?.[0]?.field, "/spec/replicas");
});

Deno.test("json patch: paths that do not exist are 422 Invalid", () => {
  for (
    const op of [
      { op: "remove", path: "/spec/nothing" },
      { op: "replace", path: "/spec/nothing", value: 1 },
      { op: "add", path: "/nothing/deeper", value: 1 },
      { op: "move", from: "/spec/nothing", path: "/spec/x" },
      { op: "add", path: "/spec/ports/7", value: 1 },
    ]
  ) {
    const e = apiError(() => applyJsonPatch(doc(), [op]));
    assert.equal(e.code, 422, JSON.stringify(op));
    assert.equal(e.reason, "Invalid");
  }
});

Deno.test("json patch: too many operations is 413", () => {
  const ops = Array.from(
    { length: MAX_JSON_PATCH_OPERATIONS + 1 },
    () => ({ op: "test", path: "", value: {} }),
  );
  assert.equal(apiError(() => applyJsonPatch({}, ops)).code, 413);
});

Deno.test("json patch: prototype pollution is refused", () => {
  const e = apiError(() =>
    applyJsonPatch({}, [{ op: "add", path: "/__proto__/polluted", value: 1 }])
  );
  assert.ok(e.code === 400 || e.code === 422);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("json patch: copies may add up to upstream's limit, so no patch can double the object away", () => {
  const doc = { metadata: { name: "x" }, data: { a: "v".repeat(1000) } };
  // Each pair of copies doubles the object: 30 pairs would ask for a terabyte.
  const ops: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    ops.push({ op: "copy", from: "/data", path: "/metadata/annotations" });
    ops.push({ op: "copy", from: "/metadata", path: `/data/m${i}` });
  }
  assert.throws(() => applyJsonPatch(doc, ops), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 422);
    assert.match(
      e.message,
      /Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728$/,
    );
    return true;
  });
  // A few copies stay well within it.
  const out = applyJsonPatch(doc, ops.slice(0, 4)) as { data: Record<string, unknown> };
  assert.deepEqual(Object.keys(out.data), ["a", "m0", "m1"]);
});
