import assert from "node:assert/strict";
import { buildOpenApiV2Document, toV2Schema } from "./v2.ts";
import type { OpenApiV3Document } from "./document.ts";

Deno.test("toV2Schema: references into definitions, allOf-wrapped references unwrapped", () => {
  assert.deepEqual(
    toV2Schema({
      type: "object",
      required: ["spec"],
      properties: {
        spec: { allOf: [{ $ref: "#/components/schemas/a.Spec" }], default: {} },
        items: { type: "array", items: { $ref: "#/components/schemas/a.Item" } },
        labels: { type: "object", additionalProperties: { type: "string" } },
        port: { format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] },
      },
      "x-kubernetes-group-version-kind": [{ group: "a", version: "v1", kind: "A" }],
    }),
    {
      type: "object",
      required: ["spec"],
      properties: {
        spec: { default: {}, $ref: "#/definitions/a.Spec" },
        items: { type: "array", items: { $ref: "#/definitions/a.Item" } },
        labels: { type: "object", additionalProperties: { type: "string" } },
        port: { format: "int-or-string", type: "string" },
      },
      "x-kubernetes-group-version-kind": [{ group: "a", version: "v1", kind: "A" }],
    },
  );
});

Deno.test("toV2Schema: what v2 cannot say (null, kept unknown fields) becomes an untyped value", () => {
  // A v2 reader would reject null for a typed value and unknown fields of an object with
  // properties; the server accepts both, so the reader must not check them.
  assert.deepEqual(
    toV2Schema({
      type: "object",
      properties: {
        free: {
          type: "object",
          "x-kubernetes-preserve-unknown-fields": true,
          properties: { a: { type: "string" } },
        },
        maybe: { type: "string", nullable: true, description: "d" },
        embedded: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          "x-kubernetes-preserve-unknown-fields": true,
        },
        choice: {
          anyOf: [{ type: "integer" }, { type: "string" }],
          "x-kubernetes-int-or-string": true,
        },
      },
    }),
    {
      type: "object",
      properties: {
        free: {},
        maybe: { description: "d" },
        embedded: { "x-kubernetes-embedded-resource": true },
        choice: { "x-kubernetes-int-or-string": true },
      },
    },
  );
});

Deno.test("buildOpenApiV2Document merges the definitions of every v3 document, sorted", () => {
  const v3 = (schemas: Record<string, Record<string, unknown>>): OpenApiV3Document => ({
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.35.0" },
    paths: {},
    components: { schemas, securitySchemes: {} },
  });
  const doc = buildOpenApiV2Document([
    v3({ "b.B": { type: "object" }, "meta.ObjectMeta": { type: "object" } }),
    v3({ "a.A": { $ref: "#/components/schemas/b.B" }, "meta.ObjectMeta": { type: "object" } }),
  ], "v1.35.0");
  assert.equal(doc.swagger, "2.0");
  assert.deepEqual(doc.info, { title: "Kubernetes", version: "v1.35.0" });
  assert.deepEqual(Object.keys(doc.definitions), ["a.A", "b.B", "meta.ObjectMeta"]);
  assert.deepEqual(doc.definitions["a.A"], { $ref: "#/definitions/b.B" });
});
