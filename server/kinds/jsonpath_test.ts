import assert from "node:assert/strict";
import { evalJsonPath } from "./jsonpath.ts";

const obj = {
  metadata: { name: "w", labels: { "app.kubernetes.io/name": "web" } },
  spec: { replicas: 3, ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] },
  status: {
    conditions: [
      { type: "Ready", status: "True" },
      { type: "Synced", status: "False", reason: "Backoff" },
    ],
  },
};

Deno.test("dotted paths, indexes and quoted keys read values", () => {
  assert.equal(evalJsonPath(obj, ".spec.replicas"), 3);
  assert.equal(evalJsonPath(obj, "$.metadata.name"), "w");
  assert.equal(evalJsonPath(obj, "{.metadata.name}"), "w");
  assert.equal(evalJsonPath(obj, ".spec.ports[1].port"), 443);
  assert.equal(evalJsonPath(obj, ".metadata.labels['app.kubernetes.io/name']"), "web");
  assert.equal(evalJsonPath(obj, '.metadata.labels["app.kubernetes.io/name"]'), "web");
  assert.deepEqual(evalJsonPath(obj, ".spec.ports[0]"), { name: "http", port: 80 });
});

Deno.test("a filter picks the first list element whose field matches", () => {
  assert.equal(evalJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status'), "True");
  assert.equal(evalJsonPath(obj, ".status.conditions[?(@.type=='Synced')].reason"), "Backoff");
  assert.equal(evalJsonPath(obj, '.status.conditions[?(@.type=="Missing")].status'), undefined);
  assert.equal(evalJsonPath(obj, '.spec.replicas[?(@.type=="Ready")]'), undefined);
});

Deno.test("missing fields and mismatched shapes yield undefined", () => {
  assert.equal(evalJsonPath(obj, ".spec.nothing"), undefined);
  assert.equal(evalJsonPath(obj, ".spec.nothing.deeper"), undefined);
  assert.equal(evalJsonPath(obj, ".spec.ports[7].port"), undefined);
  assert.equal(evalJsonPath(obj, ".spec.replicas[0]"), undefined);
  assert.equal(evalJsonPath(obj, ".spec.replicas.x"), undefined);
  assert.equal(evalJsonPath(undefined, ".a"), undefined);
  assert.equal(evalJsonPath(null, ".a"), undefined);
});

Deno.test("an expression outside the supported subset yields undefined, not the whole object", () => {
  for (const path of [".spec.ports[*].port", "..name", ".spec.ports[-1]", "spec.replicas"]) {
    assert.equal(evalJsonPath(obj, path), undefined, path);
  }
});
