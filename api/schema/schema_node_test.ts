import assert from "node:assert/strict";
import { derefSchema, memoizedPerNode, mentionsKeyword } from "./schema_node.ts";
import type { Schema, SchemaResolver } from "./types.ts";

const resolverOf = (defs: Record<string, Schema>): SchemaResolver => ({
  resolve: (ref) => defs[ref],
  forKind: () => undefined,
});

Deno.test("memoizedPerNode computes once per node and resolver", () => {
  let calls = 0;
  const size = memoizedPerNode((s) => {
    calls++;
    return { n: Object.keys(s.properties ?? {}).length };
  });
  const a: Schema = { properties: { x: {}, y: {} } };
  const b: Schema = { properties: { x: {} } };
  const r1 = resolverOf({});
  const r2 = resolverOf({});
  assert.equal(size(a, r1).n, 2);
  assert.equal(size(a, r1), size(a, r1));
  assert.equal(size(b, r1).n, 1);
  assert.equal(calls, 2);
  size(a, r2);
  assert.equal(calls, 3, "another resolver resolves on its own");
});

Deno.test("derefSchema: siblings of a $ref win, the result is shared, broken refs throw", () => {
  const r = resolverOf({ "#/components/schemas/T": { type: "string", default: "a" } });
  const node: Schema = { $ref: "#/components/schemas/T", default: "b" };
  const out = derefSchema(node, r);
  assert.deepEqual(out, { type: "string", default: "b" });
  assert.equal(derefSchema(node, r), out);
  const plain: Schema = { type: "integer" };
  assert.equal(derefSchema(plain, r), plain);
  assert.throws(() => derefSchema({ $ref: "#/components/schemas/Missing" }, r), /Unresolved/);
});

Deno.test("mentionsKeyword: a first look for a keyword anywhere in a schema", () => {
  const schema = { type: "object", properties: { a: { type: "string", pattern: "^a$" } } };
  assert.ok(mentionsKeyword(schema, "pattern"));
  assert.ok(!mentionsKeyword({ type: "string" }, "pattern"));
  assert.ok(!mentionsKeyword(undefined, "default"));
});
