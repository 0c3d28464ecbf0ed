import assert from "node:assert/strict";
import { ApiError } from "../status.ts";
import { applyMergePatch } from "./merge_patch.ts";

Deno.test("merge patch: null deletes, objects merge, lists and scalars replace", () => {
  const input = {
    metadata: { name: "a", labels: { app: "a", tier: "x" } },
    spec: { replicas: 1, args: ["a", "b"], template: { image: "old" } },
  };
  const out = applyMergePatch(input, {
    metadata: { labels: { tier: null, role: "db" } },
    spec: { replicas: 2, args: ["c"], template: null, extra: { nested: null, kept: 1 } },
  });
  assert.deepEqual(out, {
    metadata: { name: "a", labels: { app: "a", role: "db" } },
    spec: { replicas: 2, args: ["c"], extra: { kept: 1 } },
  });
  assert.deepEqual(input.metadata.labels, { app: "a", tier: "x" }, "input untouched");
});

Deno.test("merge patch: a result never shares objects with its input", () => {
  const input = { a: { b: { c: 1 } }, d: 1 };
  const out = applyMergePatch(input, { d: 2 });
  (out.a as { b: { c: number } }).b.c = 9;
  assert.equal(input.a.b.c, 1);
});

Deno.test("merge patch: an object replaces a scalar and a scalar an object", () => {
  assert.deepEqual(applyMergePatch({ a: 1, b: { x: 1 } }, { a: { x: null, y: 2 }, b: "s" }), {
    a: { y: 2 },
    b: "s",
  });
});

Deno.test("merge patch: a patch that is not an object is a 400", () => {
  for (const bad of [[1], "x", 3, null]) {
    assert.throws(
      () => applyMergePatch({}, bad),
      (e: unknown) => e instanceof ApiError && e.code === 400,
    );
  }
});
