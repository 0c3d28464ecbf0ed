import assert from "node:assert/strict";
import {
  fromLabelSelectorObject,
  labelSelectorString,
  matchesLabels,
  parseLabelSelector,
} from "./labels.ts";
import { ApiError } from "./status.ts";

function isBadRequest(e: unknown): boolean {
  return e instanceof ApiError && e.code === 400 && e.reason === "BadRequest";
}

Deno.test("parseLabelSelector reads equality, set-based and existence requirements", () => {
  assert.deepEqual(parseLabelSelector(""), []);
  assert.deepEqual(parseLabelSelector("  "), []);
  assert.deepEqual(parseLabelSelector("app=web"), [{ key: "app", op: "=", value: "web" }]);
  assert.deepEqual(parseLabelSelector("app==web"), [{ key: "app", op: "=", value: "web" }]);
  assert.deepEqual(parseLabelSelector(" tier != db "), [{ key: "tier", op: "!=", value: "db" }]);
  assert.deepEqual(parseLabelSelector("env in (prod, qa)"), [
    { key: "env", op: "in", values: ["prod", "qa"] },
  ]);
  assert.deepEqual(parseLabelSelector("env notin (dev)"), [
    { key: "env", op: "notin", values: ["dev"] },
  ]);
  assert.deepEqual(parseLabelSelector("legacy"), [{ key: "legacy", op: "exists" }]);
  assert.deepEqual(parseLabelSelector("!legacy"), [{ key: "legacy", op: "!" }]);
  assert.deepEqual(parseLabelSelector("app.kubernetes.io/name=web,env in (a,b),!x"), [
    { key: "app.kubernetes.io/name", op: "=", value: "web" },
    { key: "env", op: "in", values: ["a", "b"] },
    { key: "x", op: "!" },
  ]);
  assert.deepEqual(parseLabelSelector("empty="), [{ key: "empty", op: "=", value: "" }]);
  assert.deepEqual(parseLabelSelector("v=1.2_3-a"), [{ key: "v", op: "=", value: "1.2_3-a" }]);
});

Deno.test("parseLabelSelector refuses bad syntax, keys and values with 400", () => {
  for (
    const bad of [
      "app in web",
      "app in (web",
      "=web",
      "a=b=c",
      "Bad_Prefix.example/x=1",
      "-lead=1",
      "a=-trail-",
      `a=${"v".repeat(64)}`,
      `${"k".repeat(64)}=v`,
      "a b",
      "!",
      "a=(b)",
    ]
  ) {
    assert.throws(() => parseLabelSelector(bad), isBadRequest, bad);
  }
  assert.throws(
    () => parseLabelSelector("a=b=c"),
    (e: unknown) => e instanceof ApiError && e.message.includes(`selector "a=b=c"`),
  );
});

Deno.test("matchesLabels applies every requirement", () => {
  const labels = { app: "web", env: "prod", empty: "" };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ["", labels, true],
    ["", undefined, true],
    ["app=web", labels, true],
    ["app=db", labels, false],
    ["app!=db", labels, true],
    ["missing!=x", labels, true],
    ["missing=", labels, false],
    ["empty=", labels, true],
    ["env in (prod,qa)", labels, true],
    ["env in (qa)", labels, false],
    ["missing in (x)", labels, false],
    ["env notin (qa)", labels, true],
    ["env notin (prod)", labels, false],
    ["missing notin (x)", labels, true],
    ["app", labels, true],
    ["missing", labels, false],
    ["!missing", labels, true],
    ["!app", labels, false],
    ["app=web,env=prod", labels, true],
    ["app=web,env=qa", labels, false],
    ["app", undefined, false],
    ["!app", undefined, true],
  ];
  for (const [sel, l, want] of cases) {
    assert.equal(matchesLabels(parseLabelSelector(sel), l), want, `${sel} on ${JSON.stringify(l)}`);
  }
});

Deno.test("the object form compiles matchLabels and matchExpressions", () => {
  const reqs = fromLabelSelectorObject({
    matchLabels: { app: "web" },
    matchExpressions: [
      { key: "env", operator: "In", values: ["prod", "qa"] },
      { key: "tier", operator: "NotIn", values: ["db"] },
      { key: "team", operator: "Exists" },
      { key: "legacy", operator: "DoesNotExist" },
    ],
  });
  assert.equal(reqs.length, 5);
  assert.equal(matchesLabels(reqs, { app: "web", env: "qa", team: "a" }), true);
  assert.equal(matchesLabels(reqs, { app: "web", env: "qa", team: "a", legacy: "1" }), false);
  assert.equal(matchesLabels(reqs, { app: "web", env: "qa" }), false);
  assert.equal(matchesLabels(reqs, { app: "web", env: "qa", team: "a", tier: "db" }), false);
  assert.deepEqual(fromLabelSelectorObject(undefined), []);
  assert.deepEqual(fromLabelSelectorObject({}), []);
  assert.throws(
    () => fromLabelSelectorObject({ matchExpressions: [{ key: "a", operator: "Gt" }] }),
    isBadRequest,
  );
});

Deno.test("labelSelectorString gives the string form and round-trips", () => {
  const sel = {
    matchLabels: { app: "web" },
    matchExpressions: [
      { key: "env", operator: "In", values: ["qa", "prod"] },
      { key: "legacy", operator: "DoesNotExist" },
      { key: "team", operator: "Exists" },
    ],
  };
  const s = labelSelectorString(sel);
  assert.equal(s, "app=web,env in (prod,qa),!legacy,team");
  const labels = { app: "web", env: "prod", team: "x" };
  assert.equal(
    matchesLabels(parseLabelSelector(s), labels),
    matchesLabels(fromLabelSelectorObject(sel), labels),
  );
  assert.equal(labelSelectorString({}), "");
});

Deno.test("labelSelectorString orders requirements by key, as upstream's selector String()", () => {
  assert.equal(
    labelSelectorString({ matchLabels: { zone: "a", app: "web" } }),
    "app=web,zone=a",
  );
});

Deno.test("numeric comparisons gt and lt parse and match as upstream", () => {
  assert.equal(matchesLabels(parseLabelSelector("rank>3"), { rank: "5" }), true);
  assert.equal(matchesLabels(parseLabelSelector("rank<3"), { rank: "5" }), false);
  assert.equal(matchesLabels(parseLabelSelector("rank>3"), {}), false);
});
