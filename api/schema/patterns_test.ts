import assert from "node:assert/strict";
import {
  findAllPattern,
  findsPattern,
  loadPatternEngine,
  patternCauses,
  patternError,
} from "./patterns.ts";

Deno.test("patterns: RE2 syntax, with Go's errors for what RE2 refuses", async () => {
  await loadPatternEngine();
  assert.equal(patternError("^[a-z]([-a-z0-9]*[a-z0-9])?$"), undefined);
  assert.equal(patternError("(?i)abc"), undefined);
  assert.equal(patternError("\\A[[:alpha:]]+\\z"), undefined);
  assert.equal(patternError("(?P<year>\\d{4})"), undefined);
  assert.equal(
    patternError("+"),
    "error parsing regexp: missing argument to repetition operator: `+`",
  );
  assert.equal(
    patternError("(?=x)"),
    "error parsing regexp: invalid or unsupported Perl syntax: `(?=`",
  );
  assert.equal(patternError("(a)\\1"), "error parsing regexp: invalid escape sequence: `\\1`");
  assert.throws(() => findsPattern("(", "x"), /missing closing \)/);
});

Deno.test("patterns: matches anywhere, as Go's MatchString, in RE2's sense", async () => {
  await loadPatternEngine();
  assert.ok(findsPattern("[0-9]+", "abc 123"));
  assert.ok(!findsPattern("^[0-9]+$", "abc 123"));
  assert.ok(findsPattern("^(?i)[a-z_]+$", "Foo_Bar"));
  assert.ok(findsPattern("\\A[[:alpha:]]+\\z", "abc"));
  assert.ok(!findsPattern("\\A[[:alpha:]]+\\z", "abc\n"));
  assert.ok(findsPattern("^\\pL+$", "héllo"));
  assert.deepEqual(findAllPattern("[0-9]+", "a1 b22 c333", -1), ["1", "22", "333"]);
  assert.deepEqual(findAllPattern("[0-9]+", "a1 b22 c333", 2), ["1", "22"]);
  assert.deepEqual(findAllPattern("[0-9]+", "abc", -1), []);
});

Deno.test("patterns: a pattern that backtracks in JavaScript matches in linear time", async () => {
  await loadPatternEngine();
  // `new RegExp("^(a+)+$").test(...)` over this input does not finish in any useful time.
  const evil = "a".repeat(20_000) + "!";
  assert.equal(findsPattern("^(a+)+$", evil), false);
  assert.equal(findsPattern("^(a|aa)+$", evil), false);
  assert.equal(findsPattern("^(a+)+$", "a".repeat(20_000)), true);
});

Deno.test("patterns: a CRD schema's invalid patterns, wherever they are", async () => {
  await loadPatternEngine();
  const schema = {
    type: "object",
    properties: {
      ok: { type: "string", pattern: "^[a-z]+$" },
      bad: { type: "string", pattern: "+" },
      // A field named "pattern" is a field; a default holding a "pattern" key is data.
      pattern: { type: "string", default: "(" },
      data: {
        type: "object",
        default: { pattern: "(" },
        "x-kubernetes-preserve-unknown-fields": true,
      },
      list: { type: "array", items: { type: "string", pattern: "a{2,1}" } },
      // Go (1.22 on) takes `(?<name>`, as RE2 does.
      map: { type: "object", additionalProperties: { type: "string", pattern: "(?<name>x)" } },
    },
    anyOf: [{ properties: { bad: { pattern: "**" } } }],
  };
  const at = "spec.versions[0].schema.openAPIV3Schema";
  assert.deepEqual(patternCauses(schema, at).map((c) => `${c.field}: ${c.message}`), [
    `${at}.properties[bad].pattern: Invalid value: "+": must be a valid regular expression, ` +
    "but isn't: error parsing regexp: missing argument to repetition operator: `+`",
    `${at}.properties[list].items.pattern: Invalid value: "a{2,1}": must be a valid regular ` +
    "expression, but isn't: error parsing regexp: invalid repeat count: `{2,1}`",
    `${at}.anyOf[0].properties[bad].pattern: Invalid value: "**": must be a valid regular ` +
    "expression, but isn't: error parsing regexp: missing argument to repetition operator: `*`",
  ]);
});
