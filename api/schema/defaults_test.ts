import assert from "node:assert/strict";
import { applyDefaults } from "./defaults.ts";
import { createResolver } from "./table.ts";
import { REF_PREFIX, type Schema } from "./types.ts";

const ref = (name: string, extra: Schema = {}): Schema => ({ $ref: REF_PREFIX + name, ...extra });

const resolver = createResolver({
  kinds: [],
  definitions: {
    Thing: {
      type: "object",
      properties: {
        spec: ref("ThingSpec"),
        status: { type: "object", properties: { phase: { type: "string", default: "Pending" } } },
      },
    },
    ThingSpec: {
      type: "object",
      properties: {
        replicas: { type: "integer", default: 1 },
        strategy: ref("Strategy", { default: { type: "Rolling" } }),
        mode: ref("Mode"),
        overridden: ref("Mode", { default: "sibling" }),
        ports: { type: "array", items: ref("Port") },
        byName: { type: "object", additionalProperties: ref("Port") },
        nullableField: { type: "string", nullable: true, default: "x" },
        plainField: { type: "string", default: "y" },
      },
    },
    Strategy: {
      type: "object",
      properties: {
        type: { type: "string" },
        rolling: {
          type: "object",
          default: {},
          properties: { maxSurge: { type: "string", default: "25%" } },
        },
      },
    },
    Mode: { type: "string", default: "target" },
    Port: { type: "object", properties: { protocol: { type: "string", default: "TCP" } } },
  },
});

Deno.test("applyDefaults: golden input/output pairs", () => {
  const cases: { name: string; input: unknown; want: unknown }[] = [
    {
      name: "absent spec stays absent; status gets its default only where the object exists",
      input: { status: {} },
      want: { status: { phase: "Pending" } },
    },
    {
      name: "scalar, $ref target and sibling defaults; defaulted object gets nested defaults",
      input: { spec: {} },
      want: {
        spec: {
          replicas: 1,
          strategy: { type: "Rolling", rolling: { maxSurge: "25%" } },
          mode: "target",
          overridden: "sibling",
          nullableField: "x",
          plainField: "y",
        },
      },
    },
    {
      name: "present values are kept; items and map values are defaulted",
      input: {
        spec: {
          replicas: 3,
          strategy: { type: "Recreate" },
          mode: "m",
          overridden: "o",
          ports: [{}, { protocol: "UDP" }],
          byName: { a: {} },
          nullableField: "n",
          plainField: "p",
        },
      },
      want: {
        spec: {
          replicas: 3,
          strategy: { type: "Recreate", rolling: { maxSurge: "25%" } },
          mode: "m",
          overridden: "o",
          ports: [{ protocol: "TCP" }, { protocol: "UDP" }],
          byName: { a: { protocol: "TCP" } },
          nullableField: "n",
          plainField: "p",
        },
      },
    },
    {
      name: "null is defaulted unless the field is nullable",
      input: { spec: { replicas: null, nullableField: null, plainField: null } },
      want: {
        spec: {
          replicas: 1,
          strategy: { type: "Rolling", rolling: { maxSurge: "25%" } },
          mode: "target",
          overridden: "sibling",
          nullableField: null,
          plainField: "y",
        },
      },
    },
  ];
  for (const c of cases) {
    const obj = structuredClone(c.input);
    applyDefaults(obj, ref("Thing"), resolver);
    assert.deepEqual(obj, c.want, c.name);
  }
});

Deno.test("applyDefaults: defaults are copies, never shared with the schema", () => {
  const a: Record<string, Record<string, Record<string, unknown>>> = { spec: {} };
  applyDefaults(a, ref("Thing"), resolver);
  (a.spec?.strategy as Record<string, unknown>).type = "changed";
  const b: Record<string, Record<string, Record<string, unknown>>> = { spec: {} };
  applyDefaults(b, ref("Thing"), resolver);
  assert.equal(b.spec?.strategy?.type, "Rolling");
});

Deno.test("applyDefaults: inline CRD schema with preserve-unknown-fields and int-or-string", () => {
  const schema: Schema = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        "x-kubernetes-preserve-unknown-fields": true,
        properties: {
          port: { "x-kubernetes-int-or-string": true, default: 80 },
          list: {
            type: "array",
            items: { type: "object", properties: { n: { type: "integer", default: 5 } } },
          },
        },
      },
    },
  };
  const obj = { spec: { extra: { a: 1 }, list: [{}, { n: 1 }] } };
  applyDefaults(obj, schema, resolver);
  assert.deepEqual(obj, { spec: { extra: { a: 1 }, port: 80, list: [{ n: 5 }, { n: 1 }] } });
});

Deno.test("applyDefaults: each object gets its own copy of an object default", () => {
  const a: Record<string, unknown> = { spec: {} };
  const b: Record<string, unknown> = { spec: {} };
  applyDefaults(a, ref("Thing"), resolver);
  applyDefaults(b, ref("Thing"), resolver);
  const strategyOf = (o: Record<string, unknown>) =>
    (o.spec as Record<string, unknown>).strategy as Record<string, unknown>;
  assert.notEqual(strategyOf(a), strategyOf(b));
  strategyOf(a).type = "Changed";
  assert.equal(strategyOf(b).type, "Rolling");
  assert.deepEqual(resolver.resolve(REF_PREFIX + "ThingSpec")?.properties?.strategy, {
    ...ref("Strategy"),
    default: { type: "Rolling" },
  }, "the schema's default is untouched");
});
