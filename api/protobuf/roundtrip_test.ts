/** JSON → protobuf → JSON round trips: the decoder must give back the encoded object exactly. */
import assert from "node:assert/strict";
import { builtinResolver, schemaTable } from "../schema/table.ts";
import type { SchemaResolver } from "../schema/types.ts";
import { decodeKubeProtobuf } from "./decode.ts";
import { encodeKubeProtobuf } from "./encode_test_helper.ts";
import { fixture, fixtureResolver } from "./fixture_schemas_test_helper.ts";
import { sampleObject } from "./sample_test_helper.ts";
import { type MessagePlan, planOf } from "./schema_shape.ts";

function roundTrip(obj: Record<string, unknown>, resolver: SchemaResolver, packed = false) {
  const body = encodeKubeProtobuf(obj, resolver, { packed });
  assert.deepStrictEqual(decodeKubeProtobuf(body, resolver), obj);
}

const apiVersionOf = (g: { group: string; version: string }) =>
  g.group ? `${g.group}/${g.version}` : g.version;

Deno.test("round trip: a fixture object using every shape and codec", () => {
  const gadget = {
    apiVersion: "test.kno.io/v1",
    kind: "Gadget",
    metadata: {
      name: "g",
      namespace: "ns",
      labels: { a: "1" },
      creationTimestamp: "2024-05-01T10:00:00Z",
      finalizers: ["x", "y"],
    },
    ratio: -0.125,
    weight: 3.5,
    counts: [1, -1, 2147483647],
    big: -1234567890123,
    port: "metrics",
    timeout: "2h0m0.5s",
    renewTime: "2024-05-01T10:00:00.000001Z",
    payload: { any: ["json", 1, { deep: null }] },
    volumes: [
      { name: "a", configMap: { name: "cm", defaultMode: 420, optional: true } },
      { name: "b", emptyDir: { sizeLimit: "1Gi" } },
    ],
    resources: { limits: { cpu: "2" }, requests: { cpu: "1500m", "nvidia.com/gpu": "1" } },
    extra: { groups: ["a", "b"], none: [] },
    enabled: true,
    blobs: ["", "AA==", "/w=="],
    flags: [false, true],
    ports: [{ containerPort: 0 }, { name: "http", containerPort: 80, protocol: "TCP" }],
    schema: {
      type: "object",
      properties: { spec: { type: "object", additionalProperties: false, required: ["a"] } },
      items: [{ type: "string" }],
      dependencies: { z: ["y"] },
      default: "text",
    },
    serial: 42,
  };
  roundTrip(gadget, fixtureResolver);
  roundTrip(gadget, fixtureResolver, true);
  assert.ok(fixture("io.kno.test.v1.Gadget").properties);
});

Deno.test("round trip: a sample of every kind of the schema table, every field set", () => {
  assert.ok(schemaTable.kinds.length > 50, "the table lists the built-in kinds");
  for (const entry of schemaTable.kinds) {
    const schema = builtinResolver.forKind(entry);
    assert.ok(schema, `${entry.kind} has a schema`);
    for (const depth of [3, 7]) {
      const obj: Record<string, unknown> = {
        apiVersion: apiVersionOf(entry),
        kind: entry.kind,
        ...sampleObject(schema, builtinResolver, depth),
      };
      const body = encodeKubeProtobuf(obj, builtinResolver);
      assert.deepStrictEqual(decodeKubeProtobuf(body, builtinResolver), obj, entry.kind);
    }
  }
});

Deno.test("round trip: realistic objects of the schema table", () => {
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "default",
      labels: { app: "web" },
      annotations: { "deployment.kubernetes.io/revision": "1" },
      ownerReferences: [{
        apiVersion: "v1",
        kind: "Thing",
        name: "t",
        uid: "u-1",
        controller: true,
      }],
    },
    spec: {
      replicas: 3,
      selector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: 1 } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          volumes: [{ name: "s", secret: { secretName: "tls", defaultMode: 256 } }],
          containers: [{
            name: "web",
            image: "nginx:1.27",
            env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
            resources: { requests: { cpu: "100m", memory: "64Mi" } },
            securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          }],
          tolerations: [{
            key: "k",
            operator: "Exists",
            effect: "NoSchedule",
            tolerationSeconds: 30,
          }],
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
  roundTrip(deployment, builtinResolver);
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      names: { plural: "widgets", kind: "Widget", shortNames: ["wd"] },
      scope: "Namespaced",
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                "x-kubernetes-preserve-unknown-fields": true,
                properties: {
                  size: { type: "integer", minimum: 1, default: 3 },
                  tags: { type: "array", items: { type: "string" } },
                  labels: { type: "object", additionalProperties: { type: "string" } },
                  open: { type: "object", additionalProperties: true },
                },
                required: ["size"],
              },
            },
          },
        },
      }],
    },
  };
  roundTrip(crd, builtinResolver);
});

Deno.test("no definition of the table gives one field number to two properties", () => {
  const collisions: string[] = [];
  const count = (plan: MessagePlan): number =>
    plan.direct.size + [...plan.embedded.values()].reduce((n, p) => n + count(p), 0);
  for (const [name, schema] of Object.entries(schemaTable.definitions)) {
    if (!schema.properties || schema["x-kno-codec"]) continue;
    const numbered = Object.values(schema.properties).filter((p) => p["x-kno-proto"] !== undefined);
    const plan = planOf(schema);
    const clash = [...plan.embedded.keys()].some((no) => plan.direct.has(no));
    if (count(plan) !== numbered.length || clash) collisions.push(name);
  }
  assert.deepStrictEqual(collisions, []);
});
