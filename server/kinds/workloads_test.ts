import assert from "node:assert/strict";
import { validateWorkload, WORKLOAD_RULES } from "./workloads.ts";

const deploy = WORKLOAD_RULES["apps/Deployment"]!;
const rc = WORKLOAD_RULES["/ReplicationController"]!;
const template = (labels?: Record<string, string>) => ({
  metadata: labels ? { labels } : {},
  spec: { containers: [{ name: "c", image: "x" }] },
});
const fields = (spec: unknown, rule = deploy) =>
  validateWorkload({ apiVersion: "apps/v1", kind: "Deployment", spec } as never, rule)
    .map((c) => `${c.field}: ${c.message}`);

Deno.test("workloads: replicas not negative, selector present, not empty, matching its template", () => {
  const ok = {
    replicas: 0,
    selector: { matchLabels: { app: "a" } },
    template: template({ app: "a", x: "y" }),
  };
  assert.deepEqual(fields(ok), []);
  assert.deepEqual(fields({ ...ok, replicas: -1 }), [
    "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
  ]);
  assert.deepEqual(fields({ ...ok, selector: undefined }), ["spec.selector: Required value"]);
  assert.deepEqual(fields(undefined), ["spec.selector: Required value"]);
  assert.match(
    fields({ ...ok, selector: {} })[0]!,
    /^spec\.selector: Invalid value: .*empty selector is invalid for deployment$/,
  );
  assert.match(
    fields({ ...ok, template: template({ app: "b" }) })[0]!,
    /^spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`$/,
  );
  // Set-based selectors count too, and a bad operator is a cause, not a 400.
  const exprs = (operator: string) => ({
    ...ok,
    selector: { matchExpressions: [{ key: "app", operator, values: ["a"] }] },
  });
  assert.deepEqual(fields(exprs("In")), []);
  assert.equal(fields(exprs("NotIn")).length, 1);
  assert.match(fields(exprs("Bogus"))[0]!, /^spec\.selector: Invalid value: /);
});

Deno.test("workloads: a ReplicationController's selector may be left out, else must match", () => {
  assert.deepEqual(fields({ replicas: 1, template: template({ app: "a" }) }, rc), []);
  assert.deepEqual(fields({ selector: { app: "a" }, template: template({ app: "a" }) }, rc), []);
  assert.equal(fields({ selector: { app: "b" }, template: template({ app: "a" }) }, rc).length, 1);
  assert.equal(fields({ selector: { app: "a" }, template: template() }, rc).length, 1);
  assert.equal(fields({ replicas: -2, template: template({ app: "a" }) }, rc).length, 1);
});
