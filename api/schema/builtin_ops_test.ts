/** Defaulting, validation and pruning over the real table of built-in types. */
import assert from "node:assert/strict";
import { applyDefaults } from "./defaults.ts";
import { pruneUnknownFields } from "./prune.ts";
import { validateAgainstSchema } from "./validate.ts";
import { builtinResolver, schemaTable } from "./table.ts";
import type { GroupVersionKind, Schema } from "./types.ts";

function schemaOf(gvk: GroupVersionKind): Schema {
  const s = builtinResolver.forKind(gvk);
  assert.ok(s, `${gvk.kind} is in the table`);
  return s;
}

const DEPLOYMENT = { group: "apps", version: "v1", kind: "Deployment" };
const POD = { group: "", version: "v1", kind: "Pod" };
const SERVICE = { group: "", version: "v1", kind: "Service" };

function deployment(): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "default",
      labels: { app: "web" },
      creationTimestamp: "2024-01-01T00:00:00Z",
      ownerReferences: [],
    },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [{
            name: "web",
            image: "nginx:1.27",
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: "500m", memory: "128Mi" }, requests: { cpu: 0.1 } },
            env: [{ name: "A", value: "1" }],
            readinessProbe: { httpGet: { path: "/", port: "http" } },
          }],
          volumes: [{ name: "data", emptyDir: { sizeLimit: "1Gi" } }],
        },
      },
    },
  };
}

Deno.test("table: Deployment defaults (strategy 25%/25%, revisionHistoryLimit, pod and container defaults)", () => {
  const d = deployment();
  applyDefaults(d, schemaOf(DEPLOYMENT), builtinResolver);
  const spec = d.spec as Record<string, unknown>;
  assert.deepEqual(spec.strategy, {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
  });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal(spec.replicas, 1);
  const podSpec = (spec.template as Record<string, Record<string, unknown>>).spec ?? {};
  const container = (podSpec.containers as Record<string, unknown>[])[0] ?? {};
  assert.equal(container.terminationMessagePath, "/dev/termination-log");
  assert.equal(podSpec.restartPolicy, "Always");
  assert.equal(podSpec.dnsPolicy, "ClusterFirst");
  assert.equal(podSpec.terminationGracePeriodSeconds, 30);
  assert.equal(podSpec.schedulerName, "default-scheduler");
  assert.equal((container.ports as Record<string, unknown>[])[0]?.protocol, "TCP");
  // A defaulted Deployment is still valid and has no unknown fields.
  assert.deepEqual(pruneUnknownFields(d, schemaOf(DEPLOYMENT), builtinResolver), []);
  const result = validateAgainstSchema(d, schemaOf(DEPLOYMENT), builtinResolver, {
    nullIsAbsent: true,
  });
  assert.deepEqual(result, { causes: [] });
});

Deno.test('table: Deployment with replicas "x" gives a type cause; spec.foo is unknown', () => {
  const d = deployment();
  (d.spec as Record<string, unknown>).replicas = "x";
  (d.spec as Record<string, unknown>).foo = { bar: 1 };
  const result = validateAgainstSchema(d, schemaOf(DEPLOYMENT), builtinResolver, {
    nullIsAbsent: true,
  });
  assert.deepEqual(result.causes, [{
    type: "FieldValueTypeInvalid",
    field: "spec.replicas",
    message: `Invalid value: "string": spec.replicas in body must be of type integer: "string"`,
  }]);
  const removed = pruneUnknownFields(d, schemaOf(DEPLOYMENT), builtinResolver);
  assert.deepEqual(removed, ["spec.foo"]);
  assert.equal("foo" in (d.spec as Record<string, unknown>), false);
});

Deno.test("table: nested unknown fields, quantities and list-map keys of a Pod", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", annotations: { a: "b" } },
    spec: {
      containers: [
        {
          name: "a",
          image: "x",
          resources: { limits: { memory: "lots" } },
          imagePullPolice: "Always",
        },
        { name: "a", image: "y" },
      ],
    },
  };
  assert.deepEqual(pruneUnknownFields(structuredClone(pod), schemaOf(POD), builtinResolver), [
    "spec.containers[0].imagePullPolice",
  ]);
  const result = validateAgainstSchema(pod, schemaOf(POD), builtinResolver, { nullIsAbsent: true });
  assert.deepEqual(result.causes.map((c) => [c.type, c.field]), [
    ["FieldValueInvalid", "spec.containers[0].resources.limits.memory"],
    ["FieldValueDuplicate", "spec.containers[1]"],
  ]);
});

Deno.test("table: Service targetPort is int-or-string; nulls are absent for built-ins", () => {
  const svc = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "s", labels: null },
    spec: {
      ports: [{ port: 80, targetPort: "http" }, { port: 81, targetPort: 8081 }],
      selector: null,
    },
  };
  assert.deepEqual(
    pruneUnknownFields(structuredClone(svc), schemaOf(SERVICE), builtinResolver),
    [],
  );
  const result = validateAgainstSchema(svc, schemaOf(SERVICE), builtinResolver, {
    nullIsAbsent: true,
  });
  assert.deepEqual(result, { causes: [] });
  assert.deepEqual(svc.metadata, { name: "s" });
  applyDefaults(svc, schemaOf(SERVICE), builtinResolver);
  const spec = svc.spec as Record<string, unknown>;
  assert.equal(spec.type, "ClusterIP");
  assert.equal(spec.sessionAffinity, "None");
});

Deno.test("table: every kind defaults, validates and prunes a minimal object", () => {
  for (const k of schemaTable.kinds) {
    const schema = schemaOf(k);
    const obj: Record<string, unknown> = {};
    if (schema.properties?.apiVersion) {
      obj.apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
    }
    if (schema.properties?.kind) obj.kind = k.kind;
    const metaRef = schema.properties?.metadata?.$ref;
    if (metaRef?.endsWith(".ObjectMeta")) obj.metadata = { name: "x", creationTimestamp: null };
    else if (metaRef) obj.metadata = {};
    assert.deepEqual(pruneUnknownFields(obj, schema, builtinResolver), [], k.kind);
    applyDefaults(obj, schema, builtinResolver);
    const result = validateAgainstSchema(obj, schema, builtinResolver, { nullIsAbsent: true });
    for (const c of result.causes) {
      assert.equal(c.type, "FieldValueRequired", `${k.kind}: ${c.message}`);
    }
  }
});

Deno.test("table: a CustomResourceDefinition and a Secret validate cleanly", () => {
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "crontabs.stable.example.com" },
    spec: {
      group: "stable.example.com",
      scope: "Namespaced",
      names: { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"] },
      versions: [{
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: {
                  cronSpec: { type: "string", pattern: "^\\S+$" },
                  replicas: { type: "integer", minimum: 1, default: 1 },
                  port: {
                    "x-kubernetes-int-or-string": true,
                    anyOf: [{ type: "integer" }, { type: "string" }],
                  },
                  extra: { type: "object", additionalProperties: { type: "string" } },
                },
                required: ["cronSpec"],
              },
              status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
            },
          },
        },
      }],
    },
  };
  const crdKind = {
    group: "apiextensions.k8s.io",
    version: "v1",
    kind: "CustomResourceDefinition",
  };
  assert.deepEqual(
    pruneUnknownFields(structuredClone(crd), schemaOf(crdKind), builtinResolver),
    [],
  );
  const result = validateAgainstSchema(crd, schemaOf(crdKind), builtinResolver, {
    nullIsAbsent: true,
  });
  assert.deepEqual(result, { causes: [] });

  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "sh.helm.release.v1.web.v1", labels: { owner: "helm" } },
    type: "helm.sh/release.v1",
    data: { release: "SDRzSUFBQUFBQUFBLw==" },
  };
  const secretKind = { group: "", version: "v1", kind: "Secret" };
  assert.deepEqual(
    pruneUnknownFields(structuredClone(secret), schemaOf(secretKind), builtinResolver),
    [],
  );
  assert.deepEqual(validateAgainstSchema(secret, schemaOf(secretKind), builtinResolver), {
    causes: [],
  });
  const bad = { ...secret, data: { release: "not base64!" } };
  assert.deepEqual(
    validateAgainstSchema(bad, schemaOf(secretKind), builtinResolver).causes.map((c) => c.field),
    ["data.release"],
  );
});
