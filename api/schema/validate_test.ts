import assert from "node:assert/strict";
import { loadPatternEngine } from "./patterns.ts";
import { pruneUnknownFields } from "./prune.ts";
import { validateAgainstSchema } from "./validate.ts";
import { createResolver } from "./table.ts";
import { REF_PREFIX, type Schema } from "./types.ts";

const ref = (name: string, extra: Schema = {}): Schema => ({ $ref: REF_PREFIX + name, ...extra });

const resolver = createResolver({
  kinds: [],
  definitions: {
    Quantity: { type: "string", format: "quantity", "x-kno-codec": "quantity" },
    IntOrString: {
      type: "string",
      format: "int-or-string",
      "x-kubernetes-int-or-string": true,
      "x-kno-codec": "intOrString",
    },
    Time: { type: "string", format: "date-time", "x-kno-codec": "time" },
    Duration: { type: "string", "x-kno-codec": "duration" },
    Raw: {
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
      "x-kno-codec": "rawExtension",
    },
    Builtin: {
      type: "object",
      properties: {
        replicas: { type: "integer", format: "int32" },
        memory: ref("Quantity"),
        port: ref("IntOrString"),
        at: ref("Time"),
        every: ref("Duration"),
        data: { type: "string", format: "byte" },
        labels: { type: "object", additionalProperties: { type: "string" } },
        containers: {
          type: "array",
          items: ref("Container"),
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
        },
        raw: ref("Raw"),
      },
    },
    Container: {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, image: { type: "string" } },
    },
  },
});

/** A CRD-style structural schema using the validation keywords. */
const crd: Schema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["size"],
      properties: {
        size: { type: "integer", minimum: 1, maximum: 2 },
        ratio: { type: "number", exclusiveMinimum: true, minimum: 0, multipleOf: 0.5 },
        name: { type: "string", minLength: 2, maxLength: 4, pattern: "^[a-z]+$" },
        color: { type: "string", enum: ["red", "green"] },
        tags: {
          type: "array",
          items: { type: "string" },
          minItems: 1,
          maxItems: 2,
          uniqueItems: true,
        },
        set: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" },
        opts: { type: "object", additionalProperties: { type: "boolean" }, maxProperties: 1 },
        port: { "x-kubernetes-int-or-string": true },
        note: { type: "string", nullable: true },
        when: { type: "string", format: "date-time" },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        embedded: {
          type: "object",
          "x-kubernetes-embedded-resource": true,
          properties: { spec: { type: "object", properties: { a: { type: "string" } } } },
        },
        either: {
          type: "object",
          properties: { a: { type: "integer" }, b: { type: "integer" } },
          oneOf: [{ required: ["a"] }, { required: ["b"] }],
        },
        any: { type: "string", anyOf: [{ pattern: "^a" }, { pattern: "^b" }] },
        all: { type: "integer", allOf: [{ minimum: 0 }, { maximum: 10 }] },
        notFive: { type: "integer", not: { enum: [5] } },
      },
    },
  },
};

type Cause = { type: string; field: string; message: string };

Deno.test("validateAgainstSchema: CRD keywords, golden causes", async () => {
  await loadPatternEngine();
  const cases: { name: string; spec: unknown; want: Cause[]; unknown?: string[] }[] = [
    {
      name: "valid",
      spec: { size: 1, name: "abc", tags: ["x"], port: "http", note: null },
      want: [],
    },
    {
      name: "required",
      spec: {},
      want: [{ type: "FieldValueRequired", field: "spec.size", message: "Required value" }],
    },
    {
      name: "type",
      spec: { size: "string" },
      want: [{
        type: "FieldValueTypeInvalid",
        field: "spec.size",
        message: `Invalid value: "string": spec.size in body must be of type integer: "string"`,
      }],
    },
    {
      name: "integer must be integral",
      spec: { size: 1.5 },
      want: [{
        type: "FieldValueTypeInvalid",
        field: "spec.size",
        message: `Invalid value: "number": spec.size in body must be of type integer: "number"`,
      }],
    },
    {
      name: "maximum",
      spec: { size: 3 },
      want: [{
        type: "FieldValueInvalid",
        field: "spec.size",
        message: "Invalid value: 3: spec.size in body should be less than or equal to 2",
      }],
    },
    {
      name: "exclusive minimum and multipleOf",
      spec: { size: 1, ratio: 0 },
      want: [{
        type: "FieldValueInvalid",
        field: "spec.ratio",
        message: "Invalid value: 0: spec.ratio in body should be greater than 0",
      }],
    },
    {
      name: "multipleOf",
      spec: { size: 1, ratio: 0.7 },
      want: [{
        type: "FieldValueInvalid",
        field: "spec.ratio",
        message: "Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5",
      }],
    },
    {
      name: "maxLength counts characters",
      spec: { size: 1, name: "abcde" },
      want: [{
        type: "FieldValueTooLong",
        field: "spec.name",
        message: "Too long: may not be more than 4 bytes",
      }],
    },
    {
      name: "minLength",
      spec: { size: 1, name: "a" },
      want: [{
        type: "FieldValueInvalid",
        field: "spec.name",
        message: `Invalid value: "a": spec.name in body should be at least 2 chars long`,
      }],
    },
    {
      name: "pattern",
      spec: { size: 1, name: "AB" },
      want: [{
        type: "FieldValueInvalid",
        field: "spec.name",
        message: `Invalid value: "AB": spec.name in body should match '^[a-z]+$'`,
      }],
    },
    {
      name: "enum",
      spec: { size: 1, color: "blue" },
      want: [{
        type: "FieldValueNotSupported",
        field: "spec.color",
        message: `Unsupported value: "blue": supported values: "red", "green"`,
      }],
    },
    {
      name: "array sizes and uniqueness",
      spec: { size: 1, tags: ["a", "a", "b"] },
      want: [
        {
          type: "FieldValueTooMany",
          field: "spec.tags",
          message: "Too many: 3: must have at most 2 items",
        },
        {
          type: "FieldValueInvalid",
          field: "spec.tags",
          message: `Invalid value: "": spec.tags in body shouldn't contain duplicates`,
        },
      ],
    },
    {
      name: "minItems",
      spec: { size: 1, tags: [] },
      want: [{
        type: "FieldValueInvalid",
        field: "spec.tags",
        message: "Invalid value: 0: spec.tags in body should have at least 1 items",
      }],
    },
    {
      name: "list-type set",
      spec: { size: 1, set: ["a", "b", "a"] },
      want: [{
        type: "FieldValueDuplicate",
        field: "spec.set[2]",
        message: `Duplicate value: "a"`,
      }],
    },
    {
      name: "map values and maxProperties",
      spec: { size: 1, opts: { a: true, b: "yes" } },
      want: [
        {
          type: "FieldValueTooMany",
          field: "spec.opts",
          message: "Too many: 2: must have at most 1 item",
        },
        {
          type: "FieldValueTypeInvalid",
          field: "spec.opts.b",
          message: `Invalid value: "string": spec.opts.b in body must be of type boolean: "string"`,
        },
      ],
    },
    {
      name: "int-or-string",
      spec: { size: 1, port: true },
      want: [{
        type: "FieldValueTypeInvalid",
        field: "spec.port",
        message:
          `Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"`,
      }],
    },
    {
      name: "null only where nullable",
      spec: { size: null, note: null },
      want: [{
        type: "FieldValueTypeInvalid",
        field: "spec.size",
        message: `Invalid value: "null": spec.size in body must be of type integer: "null"`,
      }],
    },
    {
      name: "date-time format",
      spec: { size: 1, when: "yesterday" },
      want: [{
        type: "FieldValueTypeInvalid",
        field: "spec.when",
        message:
          `Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"`,
      }],
    },
    {
      name: "unknown fields; preserved and embedded ones are not",
      spec: {
        size: 1,
        foo: 1,
        free: { anything: { goes: true } },
        embedded: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "x" },
          spec: { a: "x", b: 1 },
        },
      },
      want: [],
      unknown: ['unknown field "spec.foo"', 'unknown field "spec.embedded.spec.b"'],
    },
    {
      name: "embedded resources need apiVersion and kind and valid metadata",
      spec: { size: 1, embedded: { apiVersion: "v1", kind: "Pod_X", metadata: { name: "a/b" } } },
      want: [
        {
          type: "FieldValueInvalid",
          field: "spec.embedded.kind",
          message:
            `Invalid value: "Pod_X": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
        },
        {
          type: "FieldValueInvalid",
          field: "spec.embedded.metadata.name",
          message: `Invalid value: "a/b": may not contain '/'`,
        },
      ],
    },
    {
      name: "embedded resource without apiVersion",
      spec: { size: 1, embedded: { kind: "Pod" } },
      want: [{
        type: "FieldValueRequired",
        field: "spec.embedded.apiVersion",
        message: "Required value",
      }],
    },
    {
      name: "oneOf",
      spec: { size: 1, either: { a: 1, b: 2 } },
      want: [{
        type: "FieldValueInvalid",
        field: "spec.either",
        message:
          `Invalid value: "": "spec.either" must validate one and only one schema (oneOf). Found 2 valid alternatives`,
      }],
      unknown: [],
    },
    {
      name: "anyOf reports the closest branch",
      spec: { size: 1, any: "c" },
      want: [
        {
          type: "FieldValueInvalid",
          field: "spec.any",
          message: `Invalid value: "": "spec.any" must validate at least one schema (anyOf)`,
        },
        {
          type: "FieldValueInvalid",
          field: "spec.any",
          message: `Invalid value: "c": spec.any in body should match '^a'`,
        },
      ],
    },
    {
      name: "allOf and not",
      spec: { size: 1, all: 11, notFive: 5 },
      want: [
        {
          type: "FieldValueInvalid",
          field: "spec.all",
          message: "Invalid value: 11: spec.all in body should be less than or equal to 10",
        },
        {
          type: "FieldValueInvalid",
          field: "spec.all",
          message: `Invalid value: "": "spec.all" must validate all the schemas (allOf)`,
        },
        {
          type: "FieldValueInvalid",
          field: "spec.notFive",
          message: `Invalid value: "": "spec.notFive" must not validate the schema (not)`,
        },
      ],
    },
  ];
  for (const c of cases) {
    const obj = {
      apiVersion: "example.com/v1",
      kind: "Thing",
      metadata: { name: "t" },
      spec: c.spec,
    };
    // Fields the schema does not describe are found by pruning (admission reports them from it).
    const unknown = pruneUnknownFields(structuredClone(obj), crd, resolver, { isRoot: true });
    assert.deepEqual(
      unknown.map((p) => `unknown field "${p}"`),
      c.unknown ?? [],
      `${c.name} (unknown fields)`,
    );
    const got = validateAgainstSchema(obj, crd, resolver, { isRoot: true });
    assert.deepEqual(got.causes, c.want, c.name);
  }
});

Deno.test("validateAgainstSchema: root of a custom resource", () => {
  const bad = { apiVersion: 1, kind: "Thing", metadata: "x", spec: { size: 1 } };
  const got = validateAgainstSchema(bad, crd, resolver, { isRoot: true });
  assert.deepEqual(got.causes.map((c) => c.field), ["apiVersion", "metadata"]);
  const notRoot = { apiVersion: "v1", spec: { size: 1 } };
  assert.deepEqual(validateAgainstSchema(notRoot, crd, resolver).causes, []);
  assert.deepEqual(pruneUnknownFields(notRoot, crd, resolver), ["apiVersion"]);
  const prefixed = validateAgainstSchema({ size: 5 }, crd.properties?.spec as Schema, resolver, {
    rootPath: "spec",
  });
  assert.deepEqual(prefixed.causes.map((c) => c.field), ["spec.size"]);
});

Deno.test("validateAgainstSchema: built-in codecs, formats and list-map keys", () => {
  const cases: { name: string; obj: unknown; want: Cause[] }[] = [
    {
      name: "valid",
      obj: {
        replicas: 2,
        memory: "128Mi",
        port: 8080,
        at: "2024-02-29T10:00:00.5+01:00",
        every: "1h30m",
        data: "aGVsbG8=",
        labels: { app: "web" },
        containers: [{ name: "a" }, { name: "b" }],
        raw: { any: { thing: 1 } },
      },
      want: [],
    },
    {
      name: "quantity as number is fine, bad quantity string is not",
      obj: { memory: "12 apples" },
      want: [{
        type: "FieldValueInvalid",
        field: "memory",
        message:
          `Invalid value: "12 apples": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
      }],
    },
    {
      name: "int32 range",
      obj: { replicas: 2 ** 31 },
      want: [{
        type: "FieldValueInvalid",
        field: "replicas",
        message:
          "Invalid value: 2147483648: Checked value must be of type integer with format int32 in replicas",
      }],
    },
    {
      name: "time, duration, byte",
      obj: { at: "2024-02-30T00:00:00Z", every: "5 minutes", data: "abc" },
      want: [
        {
          type: "FieldValueTypeInvalid",
          field: "at",
          message:
            `Invalid value: "2024-02-30T00:00:00Z": at in body must be of type date-time: "2024-02-30T00:00:00Z"`,
        },
        {
          type: "FieldValueInvalid",
          field: "every",
          message: `Invalid value: "5 minutes": time: invalid duration "5 minutes"`,
        },
        {
          type: "FieldValueTypeInvalid",
          field: "data",
          message: `Invalid value: "abc": data in body must be of type byte: "abc"`,
        },
      ],
    },
    {
      name: "list-map duplicate keys and required item fields",
      obj: { containers: [{ name: "a" }, { image: "x" }, { name: "a" }] },
      want: [
        { type: "FieldValueRequired", field: "containers[1].name", message: "Required value" },
        {
          type: "FieldValueDuplicate",
          field: "containers[2]",
          message: `Duplicate value: {"name":"a"}`,
        },
      ],
    },
  ];
  for (const c of cases) {
    assert.deepEqual(validateAgainstSchema(c.obj, ref("Builtin"), resolver).causes, c.want, c.name);
  }
  assert.deepEqual(validateAgainstSchema({ memory: 0.5 }, ref("Builtin"), resolver).causes, []);
});

Deno.test("validateAgainstSchema: duplicates in long lists are found in one pass", () => {
  // 40,000 items: pairwise comparison would take 800 million; a set of keys takes one pass.
  const n = 40_000;
  const containers = Array.from({ length: n }, (_, i) => ({ name: `c${i % (n - 2)}` }));
  assert.deepEqual(
    validateAgainstSchema({ containers }, ref("Builtin"), resolver).causes.map((c) => c.field),
    [`containers[${n - 2}]`, `containers[${n - 1}]`],
  );
  const set = Array.from({ length: n }, (_, i) => `v${i}`);
  set.push("v7");
  const causes = validateAgainstSchema({ spec: { size: 1, set } }, crd, resolver).causes;
  assert.deepEqual(causes.map((c) => `${c.field}: ${c.message}`), [
    `spec.set[${n}]: Duplicate value: "v7"`,
  ]);
});

Deno.test("validateAgainstSchema: nullIsAbsent drops nulls of built-ins instead of failing", () => {
  const obj: Record<string, unknown> = {
    replicas: null,
    labels: { a: null },
    containers: [{ name: "a", image: null }],
  };
  const strict = validateAgainstSchema(structuredClone(obj), ref("Builtin"), resolver);
  assert.deepEqual(strict.causes.map((c) => c.field), [
    "replicas",
    "labels.a",
    "containers[0].image",
  ]);
  const got = validateAgainstSchema(obj, ref("Builtin"), resolver, { nullIsAbsent: true });
  assert.deepEqual(got.causes, []);
  // A map's null value is Go's zero value of the map's type ("" for map[string]string).
  assert.deepEqual(obj, { labels: { a: "" }, containers: [{ name: "a" }] });
  const missing = validateAgainstSchema(
    { containers: [{ name: null }] },
    ref("Builtin"),
    resolver,
    {
      nullIsAbsent: true,
    },
  );
  assert.deepEqual(missing.causes, [
    { type: "FieldValueRequired", field: "containers[0].name", message: "Required value" },
  ]);
});

Deno.test("validateAgainstSchema: string lengths count code points, not UTF-16 units", () => {
  const schema: Schema = {
    type: "object",
    properties: { short: { type: "string", maxLength: 2 }, long: { type: "string", minLength: 3 } },
  };
  const check = (obj: Record<string, unknown>) =>
    validateAgainstSchema(obj, schema, createResolver({ definitions: {}, kinds: [] })).causes
      .map((c) => c.field);
  // Two emoji are four UTF-16 units but two code points: within maxLength 2, short of minLength 3.
  assert.deepEqual(check({ short: "😀😀", long: "😀😀" }), ["long"]);
  assert.deepEqual(check({ short: "😀😀😀", long: "😀😀😀" }), ["short"]);
  // A lone surrogate counts as one, as spreading the string does.
  assert.deepEqual(check({ short: "\ud800a", long: "\ud800ab" }), []);
});

Deno.test("validateAgainstSchema: built-in enums take their values or Go's empty string, not in status", () => {
  const mode: Schema = { type: "string", enum: ["Fast", "Slow"] };
  const schema: Schema = {
    type: "object",
    properties: {
      spec: { type: "object", properties: { mode } },
      status: { type: "object", properties: { mode } },
    },
  };
  const r = createResolver({ definitions: {}, kinds: [] });
  const fields = (obj: unknown, nullIsAbsent: boolean) =>
    validateAgainstSchema(obj, schema, r, { nullIsAbsent }).causes.map((c) =>
      `${c.field}: ${c.message}`
    );
  assert.deepEqual(fields({ spec: { mode: "Bogus" }, status: { mode: "Bogus" } }, true), [
    'spec.mode: Unsupported value: "Bogus": supported values: "Fast", "Slow"',
  ]);
  assert.deepEqual(fields({ spec: { mode: "" } }, true), [], "empty is unset for a built-in");
  assert.deepEqual(fields({ spec: { mode: "Slow" } }, true), []);
  // A CRD's enum is its schema's word, in status too and for the empty string.
  assert.deepEqual(fields({ spec: { mode: "" }, status: { mode: "Bogus" } }, false), [
    'spec.mode: Unsupported value: "": supported values: "Fast", "Slow"',
    'status.mode: Unsupported value: "Bogus": supported values: "Fast", "Slow"',
  ]);
});
