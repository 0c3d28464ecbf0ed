import assert from "node:assert/strict";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import { deploymentSchema as schema, resolver } from "./_testing.ts";
import { compareObjects } from "./compare.ts";
import { mergeApplied } from "./merge.ts";

const containers = (...names: string[]) => ({
  spec: { template: { spec: { containers: names.map((name) => ({ name, image: `${name}:1` })) } } },
});
const names = (obj: Record<string, unknown>) =>
  (obj.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers
    .map((c) => c.name);

Deno.test("merge: live-only elements keep their place, applied ones follow the applied order", () => {
  assert.deepEqual(
    names(mergeApplied(containers("a", "b", "c"), containers("c", "x"), schema, resolver)),
    [
      "a",
      "b",
      "c",
      "x",
    ],
  );
  assert.deepEqual(
    names(mergeApplied(containers("a", "b"), containers("b", "a"), schema, resolver)),
    ["b", "a"],
  );
  assert.deepEqual(
    names(mergeApplied(containers("a", "b", "c"), containers("x", "b"), schema, resolver)),
    [
      "a",
      "x",
      "b",
      "c",
    ],
  );
});

Deno.test("merge: elements merge field by field; atomic lists and structs are replaced", () => {
  const live = {
    spec: {
      selector: { matchLabels: { a: "1", b: "2" } },
      template: {
        spec: {
          containers: [{ name: "a", image: "a:1", args: ["x", "y"] }],
          tolerations: [{ key: "k" }],
        },
      },
    },
  };
  const applied = {
    spec: {
      selector: { matchLabels: { c: "3" } },
      template: { spec: { containers: [{ name: "a", args: ["z"] }], tolerations: [{ key: "j" }] } },
    },
  };
  const out = mergeApplied(live, applied, schema, resolver);
  assert.deepEqual(out, {
    spec: {
      selector: { matchLabels: { c: "3" } }, // LabelSelector is an atomic struct
      template: {
        spec: {
          containers: [{ name: "a", image: "a:1", args: ["z"] }],
          tolerations: [{ key: "j" }],
        },
      },
    },
  });
  assert.deepEqual(live.spec.selector.matchLabels, { a: "1", b: "2" }, "live untouched");
});

Deno.test("merge and compare on an untyped (CRD) schema", () => {
  const none: SchemaResolver = { resolve: () => undefined, forKind: () => undefined };
  const crd: Schema = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const live = { spec: { a: 1, nested: { x: 1 }, list: [1, 2] } };
  const out = mergeApplied(live, { spec: { nested: { y: 2 }, list: [3] } }, crd, none);
  assert.deepEqual(out, { spec: { a: 1, nested: { x: 1, y: 2 }, list: [3] } });
  const diff = compareObjects(live, out, crd, none);
  assert.deepEqual(diff.added.displayPaths(), [".spec.nested.y"]);
  assert.deepEqual(diff.modified.displayPaths(), [".spec.list"]);
  assert.ok(diff.removed.isEmpty());
});
