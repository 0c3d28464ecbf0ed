import assert from "node:assert/strict";
import { loadRuleEngine, renameCalls, ruleCompileCauses, validateRules } from "./rules.ts";
import { createResolver } from "./table.ts";
import type { Schema } from "./types.ts";

const resolver = createResolver({ definitions: {}, kinds: [] });
const messages = (causes: { field?: string; message?: string }[]) =>
  causes.map((c) => `${c.field}: ${c.message}`);

const schema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      "x-kubernetes-validations": [
        { rule: "self.min <= self.max", message: "min must not exceed max", fieldPath: ".min" },
        {
          rule: "self.mode == oldSelf.mode",
          message: "mode is immutable",
          reason: "FieldValueForbidden",
        },
        {
          rule: "self.ratio < 1.0",
          messageExpression: "'ratio ' + string(self.ratio) + ' too big'",
        },
      ],
      properties: {
        min: { type: "integer" },
        max: { type: "integer" },
        ratio: { type: "number" },
        mode: { type: "string" },
        name: {
          type: "string",
          "x-kubernetes-validations": [{ rule: "self.replace('-', '').matches('^[a-z]+$')" }],
        },
        items: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: {
            type: "object",
            properties: {
              name: { type: "string" },
              port: {
                type: "integer",
                "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "port is fixed" }],
              },
            },
          },
        },
        addresses: {
          type: "array",
          items: { type: "string" },
          "x-kubernetes-validations": [
            { rule: "self.all(a, isIP(a) || isCIDR(a))", message: "addresses are IPs or CIDRs" },
            { rule: "self.isSorted()", message: "addresses are sorted" },
          ],
        },
      },
    },
  },
} as unknown as Schema;

const spec = (s: Record<string, unknown>) => ({
  spec: { min: 1, max: 2, ratio: 0.5, mode: "a", ...s },
});

Deno.test("validation rules: self, messages, message expressions, field paths and reasons", async () => {
  await loadRuleEngine();
  assert.deepEqual(
    validateRules(
      spec({ name: "web-x", addresses: ["10.0.0.0/8", "10.1.1.1"] }),
      undefined,
      schema,
      resolver,
    ),
    [],
  );
  assert.deepEqual(
    messages(
      validateRules(
        spec({ min: 3, ratio: 2, name: "Web", addresses: ["b", "a"] }),
        undefined,
        schema,
        resolver,
      ),
    ),
    [
      "spec.min: Invalid value: min must not exceed max",
      "spec: Invalid value: ratio 2 too big",
      `spec.name: Invalid value: "Web": failed rule: self.replace('-', '').matches('^[a-z]+$')`,
      "spec.addresses: Invalid value: addresses are IPs or CIDRs",
      "spec.addresses: Invalid value: addresses are sorted",
    ],
  );
});

Deno.test("validation rules: transition rules on updates only, lists correlated by key, ratcheting", async () => {
  await loadRuleEngine();
  const old = spec({ items: [{ name: "a", port: 1 }, { name: "b", port: 2 }] });
  // A create has no oldSelf: transition rules do not run.
  assert.deepEqual(validateRules(spec({ mode: "b" }), undefined, schema, resolver), []);
  assert.deepEqual(
    messages(
      validateRules(
        spec({ mode: "b", items: [{ name: "b", port: 3 }, { name: "c", port: 9 }] }),
        old,
        schema,
        resolver,
      ),
    ),
    ["spec: Forbidden: mode is immutable", "spec.items[0].port: Invalid value: 3: port is fixed"],
  );
  // A value that already broke a rule and did not change keeps passing.
  const broken = spec({ min: 5 });
  assert.deepEqual(validateRules(broken, broken, schema, resolver), []);
  assert.equal(validateRules(spec({ min: 6 }), broken, schema, resolver).length, 1);
});

Deno.test("validation rules: evaluation errors name the rule; bad rules fail to compile", async () => {
  await loadRuleEngine();
  const s = {
    type: "object",
    "x-kubernetes-validations": [{ rule: "self.missing > 0" }, { rule: "self.a ==== 1" }],
    properties: { a: { type: "integer" } },
  } as unknown as Schema;
  assert.deepEqual(messages(validateRules({ a: 1 }, undefined, s, resolver)), [
    ': Invalid value: "object": No such key: missing evaluating rule: self.missing > 0',
    ': Invalid value: "object": rule compile error: Unexpected token: EQ',
  ]);
  // Schemas of the wrong shape are the CRD validation's business: no rules there, no crash.
  const odd = {
    type: "object",
    properties: { a: null, b: 5, c: { items: "x" } },
  } as unknown as Schema;
  assert.deepEqual(ruleCompileCauses(odd, "s"), []);
  assert.deepEqual(messages(ruleCompileCauses(s, "spec.versions[0].schema.openAPIV3Schema")), [
    'spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[1].rule: Invalid value: "self.a ==== 1": compilation failed: Unexpected token: EQ',
  ]);
});

Deno.test("validation rules: has() of any selection, and only has( calls outside strings renamed", async () => {
  await loadRuleEngine();
  assert.equal(
    renameCalls(
      `has(self.a) && self.has(1) && 'has(x)' == "has(" && xhas(1) && has (b.c) && self.matches('x') && matches(a, r'has(')`,
    ),
    `kno_has(self.a) && self.has(1) && 'has(x)' == "has(" && xhas(1) && kno_has (b.c) && self.kno_matches('x') && kno_matches(a, r'has(')`,
  );
  const s = {
    type: "object",
    properties: {
      matches: {
        type: "array",
        items: { type: "object", properties: { path: { type: "object" } } },
        "x-kubernetes-validations": [{
          rule: "size(self) == 0 || has(self[0].path)",
          message: "first match needs a path",
        }],
      },
    },
  } as unknown as Schema;
  assert.deepEqual(validateRules({ matches: [{ path: {} }] }, undefined, s, resolver), []);
  assert.deepEqual(messages(validateRules({ matches: [{}] }, undefined, s, resolver)), [
    "matches: Invalid value: first match needs a path",
  ]);
});

Deno.test("validation rules: matches() reads RE2 patterns", async () => {
  await loadRuleEngine();
  const s = {
    type: "string",
    "x-kubernetes-validations": [{
      rule: "self.matches('^(?i)[a-z]+$') && matches(self, '^[[:alpha:]]+$')",
    }],
  } as unknown as Schema;
  assert.deepEqual(validateRules("GrpcService", undefined, s, resolver), []);
  assert.equal(validateRules("grpc.v1", undefined, s, resolver).length, 1);
});

Deno.test("validation rules: find() and findAll() from upstream's regex library", async () => {
  await loadRuleEngine();
  const rule = (r: string) =>
    ({ type: "string", "x-kubernetes-validations": [{ rule: r }] }) as unknown as Schema;
  const ok = (r: string, v: string) => validateRules(v, undefined, rule(r), resolver).length === 0;
  assert.ok(ok("self.find('[0-9]+') == '123'", "abc 123 456"));
  assert.ok(ok("self.find('x') == ''", "abc"));
  assert.ok(ok("self.findAll('[0-9]+') == ['123', '456']", "abc 123 456"));
  assert.ok(ok("self.findAll('[0-9]+', 1) == ['123']", "abc 123 456"));
  assert.ok(ok("self.findAll('[0-9]+', 0) == []", "abc 123 456"));
  assert.ok(!ok("self.find('[0-9]+') == '456'", "abc 123 456"));
});

Deno.test("validation rules: a backtracking pattern still matches in linear time", async () => {
  await loadRuleEngine();
  // A JavaScript RegExp takes minutes over this; RE2 does not backtrack.
  const s = {
    type: "string",
    "x-kubernetes-validations": [{ rule: "self.matches('^(a+)+$')" }],
  } as unknown as Schema;
  assert.equal(validateRules("a".repeat(5000) + "!", undefined, s, resolver).length, 1);
  assert.deepEqual(validateRules("a".repeat(5000), undefined, s, resolver), []);
});

Deno.test("validation rules: upstream's per-call cost limit and runtime budget bound the work", async () => {
  await loadRuleEngine();
  // Nested loops over 3000 items: 9 million steps, beyond one call's limit.
  const quadratic = {
    type: "object",
    properties: {
      list: {
        type: "array",
        items: { type: "integer" },
        "x-kubernetes-validations": [{ rule: "self.all(x, self.all(y, x != y || x == y))" }],
      },
    },
    "x-kubernetes-validations": [{ rule: "self.list.size() > 0" }],
  } as unknown as Schema;
  const list = Array.from({ length: 3000 }, (_, i) => i);
  assert.deepEqual(messages(validateRules({ list }, undefined, quadratic, resolver)), [
    "list: Invalid value: \"array\": 'operation cancelled: actual cost limit exceeded': no " +
    "further validation rules will be run due to call cost exceeds limit for rule: " +
    "self.all(x, self.all(y, x != y || x == y))",
  ]);
  assert.deepEqual(validateRules({ list: list.slice(0, 100) }, undefined, quadratic, resolver), []);

  // Each item's rule stays under the per-call limit; together they spend the object's budget.
  const many = {
    type: "array",
    items: {
      type: "array",
      items: { type: "integer" },
      "x-kubernetes-validations": [{ rule: "self.all(x, self.all(y, x >= 0))" }],
    },
  } as unknown as Schema;
  const row = Array.from({ length: 400 }, (_, i) => i);
  const spent = messages(
    validateRules(Array.from({ length: 40 }, () => row), undefined, many, resolver),
  );
  assert.equal(spent.length, 1);
  assert.match(
    spent[0]!,
    /^\[\d+\]: Invalid value: "array": validation failed due to running out of cost budget, no further validation rules will be run$/,
  );
  assert.deepEqual(
    validateRules(Array.from({ length: 5 }, () => row), undefined, many, resolver),
    [],
  );
});
