import assert from "node:assert/strict";
import type { JsonObject } from "../patch/json.ts";
import { sampleObject } from "../protobuf/sample_test_helper.ts";
import { builtinResolver, schemaTable } from "../schema/table.ts";
import type { Schema } from "../schema/types.ts";
import { deployment, deploymentSchema, ENTRY_KEYS, resolver, t0 } from "./_testing.ts";
import { compareObjects } from "./compare.ts";
import { createdFieldsV1 } from "./created.ts";
import { defaultIgnoredFields, ignoredFields, stripIgnored } from "./ignored.ts";
import { updateManagedFields } from "./update.ts";
import type { FieldSet } from "./field_set.ts";

/** What the general path gives for a create: compare with nothing, strip, encode. */
function byComparison(obj: JsonObject, schema: Schema | undefined, ignored: FieldSet) {
  const diff = compareObjects({}, obj, schema, resolver);
  return stripIgnored(diff.added.union(diff.modified), ignored).toFieldsV1();
}

function same(obj: JsonObject, schema: Schema | undefined, ignored = defaultIgnoredFields("")) {
  const fast = createdFieldsV1(obj, schema, resolver, ignored);
  // Same JSON text: the same keys in the same order.
  assert.equal(JSON.stringify(fast), JSON.stringify(byComparison(obj, schema, ignored)));
  return fast;
}

Deno.test("created fields: a sample of every kind, every field set, as the general path", () => {
  for (const entry of schemaTable.kinds) {
    const schema = builtinResolver.forKind(entry);
    for (const depth of [2, 4, 7]) {
      const obj = {
        apiVersion: entry.group ? `${entry.group}/${entry.version}` : entry.version,
        kind: entry.kind,
        ...sampleObject(schema!, builtinResolver, depth),
      } as JsonObject;
      same(obj, schema);
      same(obj, schema, defaultIgnoredFields("status"));
      same(obj, schema, ignoredFields([["spec", "template"], ["metadata", "labels"]]));
    }
  }
});

Deno.test("created fields: edge values as the general path", () => {
  const svc = builtinResolver.resolve("io.k8s.api.core.v1.Service");
  const pod = builtinResolver.resolve("io.k8s.api.core.v1.Pod");
  const cases: [JsonObject, Schema | undefined][] = [
    // nulls, empty maps and structs, a struct set to {}
    [{ metadata: { name: "a", labels: {}, annotations: null }, spec: {}, status: null }, svc],
    // list-map elements: a duplicate key, a key missing (index fallback), a defaulted key field
    [{
      spec: {
        ports: [
          { port: 80, name: "a" },
          { port: 80, protocol: "TCP", name: "dup" },
          { port: 53, protocol: "UDP" },
          { name: "no-port" },
          "not an object",
        ],
      },
    }, svc],
    // sets with duplicates, list of lists, untyped content
    [{ metadata: { finalizers: ["b", "a", "b"], ownerReferences: [] }, spec: {} }, pod],
    [{ spec: { containers: [{ name: "c", command: ["a", "a"], args: [], env: null }] } }, pod],
    // metadata that is not an object
    [{ metadata: null, spec: { containers: [] } }, pod],
    [{ metadata: "text" }, pod],
    // no schema at all: objects are granular maps, lists atomic
    [
      { apiVersion: "x/v1", kind: "X", spec: { a: { b: [1, { c: 2 }] }, e: {} }, status: {} },
      undefined,
    ],
    // a wrong type where the schema wants a map or a list
    [{ spec: { ports: { port: 80 }, selector: ["x"] } }, svc],
  ];
  for (const [obj, schema] of cases) same(obj, schema);
});

Deno.test("created fields: the managedFields entry of a create", () => {
  const obj = deployment({ replicas: 2, labels: { app: "web" }, finalizers: ["f"] });
  const [e, ...rest] = updateManagedFields({
    old: undefined,
    updated: obj,
    manager: "kubectl-create",
    schema: deploymentSchema,
    resolver,
    apiVersion: "apps/v1",
    now: t0,
  });
  assert.equal(rest.length, 0);
  assert.deepEqual(Object.keys(e!), ENTRY_KEYS);
  assert.deepEqual(e!.fieldsV1, same(obj, deploymentSchema));
  const meta = (e!.fieldsV1 as JsonObject)["f:metadata"] as JsonObject;
  assert.deepEqual(meta, {
    "f:finalizers": { ".": {}, 'v:"f"': {} },
    "f:labels": { ".": {}, "f:app": {} },
  });
  // Nothing owned: no entry at all.
  const bare = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } };
  assert.deepEqual(
    updateManagedFields({
      old: undefined,
      updated: bare,
      manager: "m",
      schema: deploymentSchema,
      resolver,
      apiVersion: "apps/v1",
      now: t0,
    }),
    [],
  );
});
