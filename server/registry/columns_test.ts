import assert from "node:assert/strict";
import { at, builtinColumns, humanDuration, since } from "./columns.ts";
import type { KubeObject } from "./types.ts";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

Deno.test("humanDuration matches upstream's HumanDuration", () => {
  const table: [number, string][] = [
    [-3 * S, "<invalid>"],
    [-1500, "0s"], // upstream truncates toward zero: up to 2 s of clock skew reads as now
    [-1 * S, "0s"],
    [0, "0s"],
    [999, "0s"],
    [5 * S, "5s"],
    [119 * S, "119s"],
    [120 * S, "2m"],
    [200 * S, "3m20s"],
    [9 * M + 59 * S, "9m59s"],
    [10 * M, "10m"],
    [10 * M + 30 * S, "10m"],
    [179 * M, "179m"],
    [3 * H, "3h"],
    [3 * H + 30 * M, "3h30m"],
    [7 * H + 59 * M, "7h59m"],
    [8 * H, "8h"],
    [47 * H + 59 * M, "47h"],
    [48 * H, "2d"],
    [50 * H, "2d2h"],
    [7 * D + 23 * H, "7d23h"],
    [8 * D, "8d"],
    [729 * D, "729d"],
    [730 * D, "2y"],
    [800 * D, "2y70d"],
    [8 * 365 * D - D, "7y364d"],
    [8 * 365 * D, "8y"],
    [3650 * D + 100 * D, "10y"],
  ];
  for (const [ms, want] of table) assert.equal(humanDuration(ms), want, `${ms} ms`);
});

Deno.test("since formats the age of a timestamp and tolerates junk", () => {
  const now = new Date("2026-01-01T01:00:00Z");
  assert.equal(since("2026-01-01T00:56:40Z", now), "3m20s");
  assert.equal(since(undefined, now), "<unknown>");
  assert.equal(since(42, now), "<unknown>");
});

Deno.test("at reads dotted paths and stops at non-objects", () => {
  const o = { spec: { replicas: 2, template: null }, list: [1] };
  assert.equal(at(o, "spec.replicas"), 2);
  assert.equal(at(o, "spec.template.spec"), undefined);
  assert.equal(at(o, "spec.replicas.x"), undefined);
  assert.equal(at(o, "nothing.here"), undefined);
});

function cells(key: string, obj: KubeObject, now = new Date("2026-01-01T00:00:00Z")) {
  const cols = builtinColumns[key]!;
  return Object.fromEntries(cols.map((c) => [c.name, c.cell(obj, now)]));
}

Deno.test("pod columns show readiness, the most telling status and restarts", () => {
  const pod = {
    metadata: { name: "p", creationTimestamp: "2025-12-31T23:00:00Z" },
    spec: { containers: [{ name: "a" }, { name: "b" }], nodeName: "n1" },
    status: {
      phase: "Running",
      podIP: "10.42.0.5",
      containerStatuses: [
        { name: "a", ready: true, restartCount: 1, state: { running: {} } },
        {
          name: "b",
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: "CrashLoopBackOff" } },
        },
      ],
    },
  };
  const c = cells("/Pod", pod);
  assert.equal(c.Ready, "1/2");
  assert.equal(c.Status, "CrashLoopBackOff");
  assert.equal(c.Restarts, "5");
  assert.equal(c.Age, "60m");
  assert.equal(c.IP, "10.42.0.5");
  assert.equal(c.Node, "n1");
  const terminating = cells("/Pod", {
    ...pod,
    metadata: { ...pod.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" },
  });
  assert.equal(terminating.Status, "Terminating");
  assert.equal(cells("/Pod", { metadata: {}, spec: {} }).Status, "Unknown");
});

Deno.test("service columns show type, addresses and ports", () => {
  const lb = cells("/Service", {
    metadata: {},
    spec: {
      type: "LoadBalancer",
      clusterIP: "10.43.0.20",
      ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }, { port: 53, protocol: "UDP" }],
      // Printed sorted by key, as upstream's labels.FormatLabels does.
      selector: { tier: "front", app: "web" },
    },
  });
  assert.equal(lb.Type, "LoadBalancer");
  assert.equal(lb["Cluster-IP"], "10.43.0.20");
  assert.equal(lb["External-IP"], "<pending>");
  assert.equal(lb["Port(s)"], "80:30080/TCP,53/UDP");
  assert.equal(lb.Selector, "app=web,tier=front");
  const ext = cells("/Service", {
    metadata: {},
    spec: { type: "ExternalName", externalName: "db.example.com" },
  });
  assert.equal(ext["External-IP"], "db.example.com");
  assert.equal(ext["Port(s)"], "<none>");
});

Deno.test("HPA targets read as upstream prints them, measured or not", () => {
  const targets = (spec: unknown, status: unknown = {}) =>
    cells("autoscaling/HorizontalPodAutoscaler", { metadata: {}, spec, status }).Targets;
  const cpu = {
    type: "Resource",
    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
  };
  assert.equal(targets({ metrics: [] }), "<none>");
  assert.equal(targets({ metrics: [cpu] }), "cpu: <unknown>/80%");
  assert.equal(
    targets({ metrics: [cpu] }, {
      currentMetrics: [{
        type: "Resource",
        resource: { name: "cpu", current: { averageUtilization: 12 } },
      }],
    }),
    "cpu: 12%/80%",
  );
  const mem = {
    type: "Resource",
    resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } },
  };
  const pods = {
    type: "Pods",
    pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } },
  };
  const ext = {
    type: "External",
    external: { metric: { name: "q" }, target: { type: "Value", value: "3" } },
  };
  assert.equal(targets({ metrics: [mem, pods] }), "memory: <unknown>/500Mi, <unknown>/10");
  assert.equal(
    targets({ metrics: [cpu, mem, pods, ext] }),
    "cpu: <unknown>/80%, memory: <unknown>/500Mi + 2 more...",
  );
  assert.equal(targets({ metrics: [{ type: "Bogus" }] }), "<unknown type>");
});

Deno.test("resource quota columns show used/hard per resource, limits apart", () => {
  const row = cells("/ResourceQuota", {
    metadata: {},
    spec: { hard: { pods: "10" } },
    status: {
      hard: { pods: "10", "requests.cpu": "2", "limits.memory": "1Gi", "limits.cpu": "4" },
      used: { pods: "3", "requests.cpu": "500m", "limits.cpu": "1" },
    },
  });
  assert.equal(row.Request, "pods: 3/10, requests.cpu: 500m/2");
  assert.equal(row.Limit, "limits.cpu: 1/4, limits.memory: 0/1Gi");
  assert.equal(
    cells("/ResourceQuota", { metadata: {}, spec: { hard: { pods: "1" } } }).Request,
    "",
  );
});

Deno.test("event columns: NAME only wide; new-API events read their series and eventTime", () => {
  const cols = builtinColumns["/Event"]!;
  const now = new Date("2026-11-24T10:00:00Z");
  assert.deepEqual(cols.filter((c) => c.priority === 0).map((c) => c.name), [
    "Last Seen",
    "Type",
    "Reason",
    "Object",
    "Message",
  ]);
  assert.equal(cols.at(-1)!.format, "name", "the kind places its own NAME column");
  const row = (o: KubeObject) => cells("/Event", o, now);
  assert.deepEqual(
    row({
      metadata: { name: "web.1" },
      involvedObject: { kind: "Pod", name: "web", fieldPath: "spec.containers{c}" },
      reason: "Pulled",
      message: "  done \n",
      type: "Normal",
      source: { component: "kubelet", host: "n1" },
      firstTimestamp: "2026-11-24T09:00:00Z",
      lastTimestamp: "2026-11-24T09:58:00Z",
      count: 4,
    }),
    {
      "Last Seen": "2m",
      Type: "Normal",
      Reason: "Pulled",
      Object: "pod/web",
      Subobject: "spec.containers{c}",
      Source: "kubelet, n1",
      Message: "done",
      "First Seen": "60m",
      Count: 4,
      Name: "web.1",
    },
  );
  // Written through the new API: eventTime, a series, the reporting controller; no name: kind.
  const fresh = row({
    metadata: { name: "x" },
    involvedObject: { kind: "Node" },
    eventTime: "2026-11-24T09:30:00.000000Z",
    series: { count: 7, lastObservedTime: "2026-11-24T09:59:00.000000Z" },
    reportingComponent: "kno-scheduler",
    reportingInstance: "server-1",
  });
  assert.equal(fresh["Last Seen"], "60s");
  assert.equal(fresh["First Seen"], "30m");
  assert.equal(fresh.Count, 7);
  assert.equal(fresh.Object, "node");
  assert.equal(fresh.Source, "kno-scheduler, server-1");
  assert.equal(row({ metadata: { name: "y" } }).Count, 1, "a singleton counts once");
});

Deno.test("pod template, CSI driver and admission policy columns as upstream prints them", () => {
  assert.deepEqual(
    cells("/PodTemplate", {
      template: {
        metadata: { labels: { tier: "web", app: "shop" } },
        spec: { containers: [{ name: "a", image: "nginx" }, { name: "b", image: "busybox" }] },
      },
    }),
    { Containers: "a,b", Images: "nginx,busybox", "Pod Labels": "app=shop,tier=web" },
  );
  assert.equal(cells("/PodTemplate", { template: {} })["Pod Labels"], "<none>");
  // An hour before the time cells() prints at.
  const created = { metadata: { creationTimestamp: "2025-12-31T23:00:00Z" } };
  assert.deepEqual(cells("storage.k8s.io/CSIDriver", { ...created, spec: {} }), {
    AttachRequired: true,
    PodInfoOnMount: false,
    StorageCapacity: false,
    TokenRequests: "<unset>",
    RequiresRepublish: false,
    Modes: "<none>",
    Age: "60m",
  });
  const driver = cells("storage.k8s.io/CSIDriver", {
    spec: {
      attachRequired: false,
      tokenRequests: [{ audience: "vault" }, { audience: "gcp" }],
      volumeLifecycleModes: ["Persistent", "Ephemeral"],
    },
  });
  assert.equal(driver.AttachRequired, false);
  assert.equal(driver.TokenRequests, "vault,gcp");
  assert.equal(driver.Modes, "Persistent,Ephemeral");
  const policy = "admissionregistration.k8s.io/ValidatingAdmissionPolicy";
  assert.deepEqual(
    cells(policy, {
      ...created,
      spec: { validations: [{}, {}], paramKind: { apiVersion: "v1", kind: "ConfigMap" } },
    }),
    { Validations: 2, ParamKind: "v1/ConfigMap", Age: "60m" },
  );
  assert.equal(cells(policy, { spec: {} }).ParamKind, "<unset>");
  const binding = "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding";
  const ref = (paramRef: unknown) => cells(binding, { spec: { policyName: "p", paramRef } });
  assert.equal(ref(undefined).ParamRef, "<unset>");
  assert.equal(ref({ name: "cfg", namespace: "ns1" }).ParamRef, "ns1/cfg");
  assert.equal(ref({ name: "cfg" }).ParamRef, "*/cfg");
  assert.equal(ref({ selector: { matchLabels: { a: "b" } } }).ParamRef, "a=b");
  assert.equal(ref(undefined).PolicyName, "p");
});
