import assert from "node:assert/strict";
import { matchesFields, parseFieldSelector } from "./fields.ts";
import { ApiError } from "./status.ts";

Deno.test("parseFieldSelector reads =, == and != requirements", () => {
  assert.deepEqual(parseFieldSelector(""), []);
  assert.deepEqual(parseFieldSelector("metadata.name=web"), [
    { field: "metadata.name", op: "=", value: "web" },
  ]);
  assert.deepEqual(parseFieldSelector("status.phase==Running, spec.nodeName != n1"), [
    { field: "status.phase", op: "=", value: "Running" },
    { field: "spec.nodeName", op: "!=", value: "n1" },
  ]);
  assert.deepEqual(parseFieldSelector("spec.nodeName="), [
    { field: "spec.nodeName", op: "=", value: "" },
  ]);
  assert.deepEqual(parseFieldSelector("type=kubernetes.io/tls"), [
    { field: "type", op: "=", value: "kubernetes.io/tls" },
  ]);
  assert.deepEqual(parseFieldSelector("a=b\\=c"), [{ field: "a", op: "=", value: "b=c" }]);
});

Deno.test("parseFieldSelector unescapes an escaped comma inside a value", () => {
  assert.deepEqual(parseFieldSelector("metadata.name=a\\,b"), [
    { field: "metadata.name", op: "=", value: "a,b" },
  ]);
});

Deno.test("parseFieldSelector refuses requirements without an operator or a field", () => {
  for (const bad of ["metadata.name", "=x", "!=x", "a=b,oops"]) {
    assert.throws(
      () => parseFieldSelector(bad),
      (e: unknown) => e instanceof ApiError && e.code === 400 && /invalid selector/.test(e.message),
      bad,
    );
  }
});

Deno.test("matchesFields compares each field; a missing field reads as empty", () => {
  const fields: Record<string, string> = { "metadata.name": "web", "status.phase": "Running" };
  const read = (f: string) => fields[f];
  const cases: [string, boolean][] = [
    ["", true],
    ["metadata.name=web", true],
    ["metadata.name=db", false],
    ["metadata.name!=db", true],
    ["metadata.name!=web", false],
    ["metadata.name=web,status.phase=Running", true],
    ["metadata.name=web,status.phase=Pending", false],
    ["spec.nodeName=", true],
    ["spec.nodeName!=", false],
    ["spec.nodeName=n1", false],
    ["spec.nodeName!=n1", true],
  ];
  for (const [sel, want] of cases) {
    assert.equal(matchesFields(parseFieldSelector(sel), read), want, sel);
  }
});
