/**
 * ValidatingAdmissionPolicies through kubectl: a policy and its binding refuse (Deny) or warn
 * about (Warn) the writes they match, with upstream's messages; params come from the object the
 * binding names; matchConditions and variables; and expressions that do not compile are refused
 * when the policy is written.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer } from "./harness.ts";

const POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= 5"
  - expression: "!object.metadata.name.startsWith('bad')"
    messageExpression: "'name ' + object.metadata.name + ' is not allowed'"
    reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replica-limit-test}
spec:
  policyName: replica-limit
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels: {environment: test}
`;

const PARAM_POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  matchConditions:
  - name: only-labelled
    expression: "has(object.metadata.labels) && 'limited' in object.metadata.labels"
  variables:
  - name: limit
    expression: "int(params.data.max)"
  validations:
  - expression: "object.spec.replicas <= variables.limit"
    messageExpression: "'replicas must be at most ' + string(variables.limit)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: max-replicas}
spec:
  policyName: max-replicas
  validationActions: [Deny]
  paramRef: {name: limits, namespace: default, parameterNotFoundAction: Deny}
`;

const deployment = (name: string, replicas: number, labels: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name, ...labels } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    },
  });

async function apply(s: ServerProcess, manifest: string, ...flags: string[]) {
  return await s.kubectl(["apply", ...flags, "-f", "-"], { stdin: manifest });
}

Deno.test("a ValidatingAdmissionPolicy denies or warns about the writes its binding matches", async () => {
  const s = await startServer();
  try {
    const applied = await apply(s, POLICY);
    assert.equal(applied.code, 0, applied.stderr);
    assert.doesNotMatch(applied.stderr, /not enforced/);
    await s.k("create", "namespace", "t1");
    await s.k("label", "namespace", "t1", "environment=test");
    const denied = await apply(s, deployment("web", 6), "-n", "t1");
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-test' denied request: failed expression: object.spec.replicas <= 5/,
    );
    const named = await apply(s, deployment("badname", 1), "-n", "t1");
    assert.match(
      named.stderr,
      /deployments.apps "badname" is forbidden: .*name badname is not allowed/,
    );
    // Outside the binding's namespaces, and within its limit, writes go through.
    assert.equal((await apply(s, deployment("web", 6))).code, 0);
    assert.equal((await apply(s, deployment("web", 5), "-n", "t1")).code, 0);
    const update = await apply(s, deployment("web", 9), "-n", "t1");
    assert.match(update.stderr, /denied request: failed expression/);
    // Every bound policy runs before the answer: a second, Warn binding's warning comes with
    // the first one's denial.
    const warnBinding = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: "replica-limit-warn" },
      spec: { policyName: "replica-limit", validationActions: ["Warn"] },
    };
    assert.equal((await apply(s, JSON.stringify(warnBinding))).code, 0);
    const both = await apply(s, deployment("web", 9), "-n", "t1");
    assert.match(
      both.stderr,
      /Warning: Validation failed for ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-warn'/,
    );
    assert.match(both.stderr, /with binding 'replica-limit-test' denied request/);
    await s.k("delete", "validatingadmissionpolicybinding", "replica-limit-warn");
    // Warn instead of Deny: the write is stored and kubectl shows the warning.
    await s.k(
      "patch",
      "validatingadmissionpolicybinding",
      "replica-limit-test",
      "--type=merge",
      "-p",
      '{"spec":{"validationActions":["Warn"]}}',
    );
    const warned = await apply(s, deployment("web", 9), "-n", "t1");
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(
      warned.stderr,
      /Warning: Validation failed for ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-test': failed expression: object.spec.replicas <= 5/,
    );
  } finally {
    await s.stop();
  }
});

Deno.test("policy params, match conditions and variables; expressions that do not compile are refused", async () => {
  const s = await startServer();
  try {
    assert.equal((await apply(s, PARAM_POLICY)).code, 0);
    // No ConfigMap named by paramRef yet: Deny.
    const noParams = await apply(s, deployment("a", 3, { limited: "yes" }));
    assert.match(
      noParams.stderr,
      /no params found for policy binding with `Deny` parameterNotFoundAction/,
    );
    await s.k("create", "configmap", "limits", "--from-literal=max=2");
    const over = await apply(s, deployment("a", 3, { limited: "yes" }));
    assert.match(over.stderr, /denied request: replicas must be at most 2/);
    assert.equal((await apply(s, deployment("a", 2, { limited: "yes" }))).code, 0);
    // matchConditions false: the policy does not apply.
    assert.equal((await apply(s, deployment("b", 9))).code, 0);
    // Missing params under a Warn binding: a warning, not a denial.
    await s.k(
      "patch",
      "validatingadmissionpolicybinding",
      "max-replicas",
      "--type=merge",
      "-p",
      '{"spec":{"validationActions":["Warn"]}}',
    );
    await s.k("delete", "configmap", "limits");
    const warned = await apply(s, deployment("c", 3, { limited: "yes" }));
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: Validation failed .*no params found/);
    const broken = await apply(
      s,
      PARAM_POLICY.replace("object.spec.replicas <=", "object.spec.replicas <=="),
    );
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /spec.validations\[0\].expression: Invalid value: .*compilation failed/,
    );
  } finally {
    await s.stop();
  }
});
