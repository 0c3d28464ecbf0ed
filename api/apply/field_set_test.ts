import assert from "node:assert/strict";
import { builtinResolver as r } from "../schema/table.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import {
  difference,
  FieldSet,
  FieldsV1Error,
  fromFieldsV1,
  intersection,
  toFieldsV1,
  union,
} from "./field_set.ts";
import { fieldSetOf } from "./to_field_set.ts";

const deployment = r.resolve("io.k8s.api.apps.v1.Deployment");

const nginx = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [{
          name: "nginx",
          image: "nginx:1",
          ports: [{ containerPort: 80 }],
          env: [{ name: "A", value: "1" }],
        }],
        tolerations: [{ key: "k", operator: "Exists" }],
      },
    },
  },
};

Deno.test("fieldSetOf: a deployment's fields in FieldsV1, as upstream spells them", () => {
  const set = fieldSetOf(nginx, deployment, r);
  assert.deepEqual(set.toFieldsV1(), {
    "f:apiVersion": {},
    "f:kind": {},
    "f:metadata": { "f:labels": { "f:app": {} }, "f:name": {} },
    "f:spec": {
      "f:replicas": {},
      "f:selector": {},
      "f:template": {
        "f:metadata": { "f:labels": { "f:app": {} } },
        "f:spec": {
          "f:containers": {
            'k:{"name":"nginx"}': {
              ".": {},
              "f:env": { 'k:{"name":"A"}': { ".": {}, "f:name": {}, "f:value": {} } },
              "f:image": {},
              "f:name": {},
              // The port's protocol key is filled from the schema default ("TCP").
              "f:ports": {
                'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} },
              },
            },
          },
          "f:tolerations": {},
        },
      },
    },
  });
});

Deno.test("fieldSetOf: set lists are owned per value, empty maps and nulls as leaves", () => {
  const set = fieldSetOf(
    {
      metadata: { finalizers: ["a", "b"], annotations: {} },
      spec: { template: { spec: { nodeSelector: null } } },
    },
    deployment,
    r,
  );
  assert.deepEqual(set.toFieldsV1(), {
    "f:metadata": { "f:annotations": {}, "f:finalizers": { 'v:"a"': {}, 'v:"b"': {} } },
    "f:spec": { "f:template": { "f:spec": { "f:nodeSelector": {} } } },
  });
});

Deno.test("fieldSetOf: untyped values (no schema) are maps of leaves with atomic lists", () => {
  const none: SchemaResolver = { resolve: () => undefined, forKind: () => undefined };
  const crd: Schema = {
    type: "object",
    properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
  };
  const set = fieldSetOf({ spec: { a: { b: 1 }, list: [1, 2] } }, crd, none);
  assert.deepEqual(set.toFieldsV1(), { "f:spec": { "f:a": { ".": {}, "f:b": {} }, "f:list": {} } });
});

Deno.test("FieldsV1 round-trips and rejects malformed input", () => {
  const v1 = toFieldsV1(fieldSetOf(nginx, deployment, r));
  assert.deepEqual(toFieldsV1(fromFieldsV1(v1)), v1);
  assert.deepEqual(
    fromFieldsV1(JSON.parse(JSON.stringify(v1))).paths(),
    fieldSetOf(nginx, deployment, r).paths(),
  );
  for (const bad of [[], { "x:y": {} }, { "f:a": 1 }, { "k:notjson": {} }, { "i:x": {} }]) {
    assert.throws(() => fromFieldsV1(bad), FieldsV1Error);
  }
});

Deno.test("set algebra: union, difference, intersection and display paths", () => {
  const a = FieldSet.of(["f:spec", "f:replicas"], ["f:spec", "f:paused"], [
    "f:metadata",
    "f:labels",
    "f:x",
  ]);
  const b = FieldSet.of(["f:spec", "f:replicas"], ["f:spec", "f:minReadySeconds"]);
  assert.deepEqual(union(a, b).displayPaths(), [
    ".metadata.labels.x",
    ".spec.minReadySeconds",
    ".spec.paused",
    ".spec.replicas",
  ]);
  assert.deepEqual(difference(a, b).displayPaths(), [".metadata.labels.x", ".spec.paused"]);
  assert.deepEqual(intersection(a, b).displayPaths(), [".spec.replicas"]);
  assert.ok(difference(b, union(a, b)).isEmpty());
  const listy = FieldSet.of(
    ["f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image"],
    ["f:spec", "f:ports", 'k:{"port":80,"protocol":"TCP"}'],
    ["f:metadata", "f:finalizers", 'v:"x"'],
  );
  assert.deepEqual(listy.displayPaths(), [
    '.metadata.finalizers[="x"]',
    '.spec.containers[name="nginx"].image',
    '.spec.ports[port=80,protocol="TCP"]',
  ]);
});

Deno.test("recursiveDifference drops whole subtrees of members", () => {
  const a = FieldSet.of(["f:status", "f:replicas"], ["f:spec", "f:replicas"]);
  assert.deepEqual(a.recursiveDifference(FieldSet.of(["f:status"])).displayPaths(), [
    ".spec.replicas",
  ]);
  assert.deepEqual(a.difference(FieldSet.of(["f:status"])).displayPaths(), [
    ".spec.replicas",
    ".status.replicas",
  ]);
});
