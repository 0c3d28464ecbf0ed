import assert from "node:assert/strict";
import { pruneUnknownFields } from "./prune.ts";
import { createResolver } from "./table.ts";
import { REF_PREFIX, type Schema } from "./types.ts";

const resolver = createResolver({
  kinds: [],
  definitions: {
    Port: { type: "object", properties: { port: { type: "integer" } } },
  },
});

const schema: Schema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        size: { type: "integer" },
        ports: { type: "array", items: { $ref: REF_PREFIX + "Port" } },
        byName: {
          type: "object",
          additionalProperties: { type: "object", properties: { x: { type: "string" } } },
        },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        partlyFree: {
          type: "object",
          "x-kubernetes-preserve-unknown-fields": true,
          properties: { known: { type: "object", properties: { a: { type: "string" } } } },
        },
        template: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { spec: { type: "object", properties: { a: { type: "string" } } } },
        },
        port: { "x-kubernetes-int-or-string": true },
        anything: {},
      },
    },
  },
};

Deno.test("pruneUnknownFields: golden input/output pairs", () => {
  const cases: {
    name: string;
    input: unknown;
    isRoot?: boolean;
    want: unknown;
    removed: string[];
  }[] = [
    {
      name: "root of a custom resource keeps apiVersion/kind/metadata",
      isRoot: true,
      input: {
        apiVersion: "x/v1",
        kind: "T",
        metadata: { name: "a", zzz: 1 },
        spec: { size: 1 },
        extra: 1,
      },
      want: { apiVersion: "x/v1", kind: "T", metadata: { name: "a", zzz: 1 }, spec: { size: 1 } },
      removed: ["extra"],
    },
    {
      name: "not the root: apiVersion is unknown",
      input: { apiVersion: "x/v1", spec: {} },
      want: { spec: {} },
      removed: ["apiVersion"],
    },
    {
      name: "items, map values, preserved and embedded objects",
      input: {
        spec: {
          size: 1,
          foo: "x",
          ports: [{ port: 1, bar: 2 }],
          byName: { k: { x: "1", y: "2" } },
          free: { any: { deep: true } },
          partlyFree: { other: 1, known: { a: "1", b: "2" } },
          template: {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "p" },
            spec: { a: "1", c: 3 },
            d: 4,
          },
          port: "http",
          anything: { a: [1, { b: 2 }] },
        },
      },
      want: {
        spec: {
          size: 1,
          ports: [{ port: 1 }],
          byName: { k: { x: "1" } },
          free: { any: { deep: true } },
          partlyFree: { other: 1, known: { a: "1" } },
          template: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { a: "1" } },
          port: "http",
          anything: { a: [1, { b: 2 }] },
        },
      },
      removed: [
        "spec.foo",
        "spec.ports[0].bar",
        "spec.byName.k.y",
        "spec.partlyFree.known.b",
        "spec.template.spec.c",
        "spec.template.d",
      ],
    },
  ];
  for (const c of cases) {
    const obj = structuredClone(c.input);
    const removed = pruneUnknownFields(obj, schema, resolver, { isRoot: c.isRoot ?? false });
    assert.deepEqual(obj, c.want, c.name);
    assert.deepEqual(removed, c.removed, `${c.name} (removed)`);
  }
});

Deno.test("pruneUnknownFields: an object schema without properties keeps nothing", () => {
  const obj = { a: 1, b: { c: 2 } };
  assert.deepEqual(pruneUnknownFields(obj, { type: "object" }, resolver, { rootPath: "spec" }), [
    "spec.a",
    "spec.b",
  ]);
  assert.deepEqual(obj, {});
});
