/**
 * A seeded mutation fuzz of write bodies: valid objects of many kinds, with values swapped for
 * junk of other types, fields dropped and lists grown, sent as creates, patches of every type,
 * server-side applies, updates and status writes. Whatever a client sends, the answer is a
 * `Status` below 500 or a success; whatever was stored still reads back (lists, tables,
 * metadata views); and the server stays ready.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer } from "./harness.ts";

type Json = Record<string, unknown>;

const NS = "default";
const ROUNDS = 200;
/** Fixed seeds, so that a failure reproduces; KNO_FUZZ_SEED=<n> runs that one instead. */
const SEEDS_RUN = Deno.env.get("KNO_FUZZ_SEED")
  ? [Number(Deno.env.get("KNO_FUZZ_SEED"))]
  : [7, 8, 9];

/** A small deterministic generator (LCG): the same seed gives the same requests. */
class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state * 1103515245 + 12345) % 2147483648;
    return this.state / 2147483648;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }
}

const JUNK: unknown[] = [
  null,
  0,
  -1,
  1e300,
  2 ** 53,
  "",
  "-bad-",
  true,
  [],
  {},
  [1, "a"],
  { a: { b: [null] } },
  "9999999999999999999999Gi",
  "../../etc",
  "\u0000",
  "😀😀😀",
];

function mutate(v: unknown, r: Random, depth = 0): unknown {
  if (r.next() < 0.08) return r.pick(JUNK);
  if (Array.isArray(v)) {
    const out = v.map((x) => mutate(x, r, depth + 1));
    if (r.next() < 0.1) out.push(r.pick(JUNK));
    if (r.next() < 0.05 && out.length) out.push(structuredClone(out[0]));
    return out;
  }
  if (v && typeof v === "object") {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      if (depth > 0 && r.next() < 0.05) continue;
      out[k] = mutate(x, r, depth + 1);
    }
    if (r.next() < 0.05) out[r.pick(["spec", "status", "x", "template"])] = r.pick(JUNK);
    return out;
  }
  return v;
}

const podSpec = (restartPolicy = "Always") => ({
  restartPolicy,
  containers: [{
    name: "c",
    image: "busybox",
    ports: [{ containerPort: 80, protocol: "TCP" }],
    resources: { limits: { cpu: "1" }, requests: { cpu: "100m" } },
    volumeMounts: [{ name: "v", mountPath: "/v" }],
    env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
  }],
  volumes: [{ name: "v", configMap: { name: "x", items: [{ key: "a", path: "a" }] } }],
  tolerations: [{ key: "k", operator: "Exists" }],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "a", operator: "In", values: ["b"] }] }],
      },
    },
  },
});
const template = (restartPolicy?: string) => ({
  metadata: { labels: { a: "b" } },
  spec: podSpec(restartPolicy),
});
const selector = { matchLabels: { a: "b" } };

/** Collection path and a valid object for it. */
const SEEDS: [string, Json][] = [
  [`/api/v1/namespaces/${NS}/pods`, { apiVersion: "v1", kind: "Pod", spec: podSpec() }],
  [`/api/v1/namespaces/${NS}/services`, {
    apiVersion: "v1",
    kind: "Service",
    spec: {
      type: "NodePort",
      selector: { a: "b" },
      ports: [{ name: "a", port: 80, targetPort: "http" }, {
        name: "b",
        port: 81,
        protocol: "UDP",
      }],
    },
  }],
  [`/api/v1/namespaces/${NS}/secrets`, {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/tls",
    data: { "tls.crt": "YQ==", "tls.key": "YQ==" },
    stringData: { a: "b" },
  }],
  [`/api/v1/namespaces/${NS}/limitranges`, {
    apiVersion: "v1",
    kind: "LimitRange",
    spec: {
      limits: [{
        type: "Container",
        max: { cpu: "2" },
        min: { cpu: "10m" },
        default: { cpu: "1" },
        maxLimitRequestRatio: { cpu: "10" },
      }],
    },
  }],
  [`/api/v1/namespaces/${NS}/persistentvolumeclaims`, {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  }],
  ["/api/v1/nodes", {
    apiVersion: "v1",
    kind: "Node",
    spec: { podCIDR: "10.42.0.0/24", taints: [{ key: "k", effect: "NoSchedule" }] },
    status: { capacity: { cpu: "2" }, conditions: [{ type: "Ready", status: "True" }] },
  }],
  [`/api/v1/namespaces/${NS}/events`, {
    apiVersion: "v1",
    kind: "Event",
    involvedObject: { kind: "Pod", name: "p", namespace: NS },
    reason: "R",
    type: "Normal",
    firstTimestamp: "2026-01-01T00:00:00Z",
  }],
  [`/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    spec: {
      replicas: 2,
      selector,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template: template(),
    },
  }],
  [`/apis/apps/v1/namespaces/${NS}/statefulsets`, {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    spec: {
      serviceName: "s",
      selector,
      template: template(),
      volumeClaimTemplates: [{
        metadata: { name: "d" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      }],
    },
  }],
  [`/apis/batch/v1/namespaces/${NS}/cronjobs`, {
    apiVersion: "batch/v1",
    kind: "CronJob",
    spec: {
      schedule: "*/5 * * * *",
      timeZone: "UTC",
      jobTemplate: { spec: { template: template("Never") } },
    },
  }],
  [`/apis/batch/v1/namespaces/${NS}/jobs`, {
    apiVersion: "batch/v1",
    kind: "Job",
    spec: {
      completions: 3,
      completionMode: "Indexed",
      podFailurePolicy: {
        rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [1] } }],
      },
      template: template("Never"),
    },
  }],
  [`/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`, {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    spec: { minAvailable: 1, selector },
  }],
  [`/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`, {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    spec: {
      rules: [{
        host: "a.example.com",
        http: {
          paths: [{
            path: "/",
            pathType: "Prefix",
            backend: { service: { name: "s", port: { number: 80 } } },
          }],
        },
      }],
    },
  }],
  [`/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`, {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d" },
      maxReplicas: 3,
      metrics: [{
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
      }],
    },
  }],
  ["/apis/rbac.authorization.k8s.io/v1/clusterroles", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
    aggregationRule: { clusterRoleSelectors: [selector] },
  }],
  ["/apis/node.k8s.io/v1/runtimeclasses", {
    apiVersion: "node.k8s.io/v1",
    kind: "RuntimeClass",
    handler: "crun",
    overhead: { podFixed: { cpu: "1" } },
    scheduling: { nodeSelector: { a: "b" }, tolerations: [{ key: "a", operator: "Exists" }] },
  }],
  ["/apis/scheduling.k8s.io/v1/priorityclasses", {
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    value: 100,
    preemptionPolicy: "Never",
  }],
];

const PATCH_TYPES = [
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;

const READ_AS = [
  "application/json",
  "application/json;as=Table;v=v1;g=meta.k8s.io",
  "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
];

async function send(s: ServerProcess, path: string, method: string, type: string, body: unknown) {
  const res = await s.api(path, {
    method,
    headers: { "content-type": type },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(
    res.status < 500,
    `${method} ${path} (${type}) answered ${res.status}: ${text.slice(0, 300)}\nbody: ${
      JSON.stringify(body).slice(0, 600)
    }`,
  );
  return { status: res.status, text };
}

Deno.test("mutated writes of every shape get a Status below 500, and what is stored reads back", async () => {
  const s = await startServer();
  try {
    for (const seedNumber of SEEDS_RUN) await fuzz(s, new Random(seedNumber), `s${seedNumber}`);
    const ready = await s.api("/readyz");
    assert.equal(ready.status, 200);
    await ready.body?.cancel();
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});

async function fuzz(s: ServerProcess, r: Random, prefix: string) {
  for (let i = 0; i < ROUNDS; i++) {
    const [path, seed] = r.pick(SEEDS);
    const name = `fz-${prefix}-${i}`;
    const valid = { ...seed, metadata: { name, labels: { a: "b" } } };
    const body = mutate(valid, r);
    const how = r.pick(["create", "create", "patch", "update"]);
    let written: { status: number; text: string };
    if (how === "create") written = await send(s, path, "POST", "application/json", body);
    else {
      await send(s, path, "POST", "application/json", valid);
      const type = r.pick(PATCH_TYPES);
      const query = type.includes("apply") ? "?fieldManager=fuzz&force=true" : "";
      const target = `${path}/${name}`;
      written = how === "update"
        ? await send(s, target, "PUT", "application/json", body)
        : await send(s, target + query, "PATCH", type, body);
      await send(s, `${target}/status`, "PATCH", "application/merge-patch+json", {
        status: mutate(seed.status ?? { observedGeneration: 1 }, r),
      });
    }
    if (written.status >= 300) continue;
    for (const accept of READ_AS) {
      const res = await s.api(path, { headers: { accept } });
      const text = await res.text();
      assert.equal(res.status, 200, `${path} as ${accept}: ${text.slice(0, 300)}`);
    }
  }
}

/** A CRD schema with most of what structural schemas allow, rules included. */
const CRD_SCHEMA = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["size"],
      "x-kubernetes-validations": [{ rule: "self.size > 0", message: "size is positive" }],
      properties: {
        size: { type: "integer", minimum: 0, default: 1 },
        name: { type: "string", pattern: "^[a-z]+$", maxLength: 10 },
        mode: { type: "string", enum: ["a", "b"] },
        port: {
          "x-kubernetes-int-or-string": true,
          anyOf: [{ type: "integer" }, { type: "string" }],
        },
        tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
        ports: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string" }, n: { type: "integer" } },
          },
        },
        labels: { type: "object", additionalProperties: { type: "string" } },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        when: { type: "string", format: "date-time" },
        ratio: { type: "number", nullable: true },
      },
    },
    status: { type: "object", properties: { ready: { type: "integer" } } },
  },
};

const SCHEMA_JUNK: unknown[] = [
  ...JUNK,
  { type: "string" },
  { type: "array" },
  "integer",
  { "x-kubernetes-list-type": "map" },
  { "x-kubernetes-validations": [{ rule: "self ==" }] },
  { enum: [1, "a"] },
];

/** Like mutate, at a rate for schemas (which have many nodes). */
function mutateSchema(v: unknown, r: Random): unknown {
  if (r.next() < 0.03) return r.pick(SCHEMA_JUNK);
  if (Array.isArray(v)) return v.map((x) => mutateSchema(x, r));
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mutateSchema(x, r)]));
  }
  return v;
}

Deno.test("mutated CRD schemas are refused below 500, and the CRDs that pass serve their resources", async () => {
  const s = await startServer();
  const r = new Random(Number(Deno.env.get("KNO_FUZZ_SEED") ?? 2));
  try {
    let served = 0;
    for (let i = 0; i < 40; i++) {
      const plural = `fuzzes${i}`;
      const crd = {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural}.fuzz.kno.io` },
        spec: {
          group: "fuzz.kno.io",
          scope: "Namespaced",
          names: { plural, kind: `Fuzz${i}` },
          versions: [{
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: mutateSchema(CRD_SCHEMA, r) },
            subresources: { status: {} },
            additionalPrinterColumns: [{ name: "Size", type: "integer", jsonPath: ".spec.size" }],
          }],
        },
      };
      const made = await send(
        s,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "POST",
        "application/json",
        crd,
      );
      if (made.status !== 201) continue;
      served++;
      const path = `/apis/fuzz.kno.io/v1/namespaces/${NS}/${plural}`;
      for (let j = 0; j < 3; j++) {
        const cr = mutate(
          {
            apiVersion: "fuzz.kno.io/v1",
            kind: `Fuzz${i}`,
            metadata: { name: `cr${j}` },
            spec: {
              size: 2,
              name: "abc",
              mode: "a",
              port: 80,
              tags: ["a"],
              ports: [{ name: "p", n: 1 }],
              free: { x: [1] },
              ratio: 0.5,
            },
          },
          r,
          1,
        );
        await send(s, path, "POST", "application/json", cr);
        for (const accept of READ_AS) {
          const res = await s.api(path, { headers: { accept } });
          const text = await res.text();
          assert.ok(res.status < 500, `${path} as ${accept}: ${text.slice(0, 300)}`);
        }
      }
    }
    assert.ok(served > 0, "some CRDs were valid");
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});
