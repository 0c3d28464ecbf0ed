import assert from "node:assert/strict";
import { hpaFromV1, hpaToV1 } from "./hpa_v1.ts";

const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };

Deno.test("hpa v1: the CPU target is the v2 CPU utilization metric, 80 % when none is asked", () => {
  const v1 = {
    apiVersion: "autoscaling/v1",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web" },
    spec: {
      scaleTargetRef: ref,
      minReplicas: 2,
      maxReplicas: 5,
      targetCPUUtilizationPercentage: 60,
    },
  };
  const v2 = hpaFromV1(v1);
  assert.equal(v2.apiVersion, "autoscaling/v2");
  assert.deepEqual((v2.spec as { metrics: unknown }).metrics, [
    {
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } },
    },
  ]);
  assert.deepEqual(hpaToV1(v2), v1);
  const bare = hpaFromV1({ ...v1, spec: { scaleTargetRef: ref, maxReplicas: 3 } });
  assert.deepEqual((bare.spec as { metrics: unknown }).metrics, [
    {
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
    },
  ]);
});

Deno.test("hpa v1: what v1 cannot hold rides in upstream's annotations and comes back whole", () => {
  const v2 = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "mem", annotations: { team: "a" } },
    spec: {
      scaleTargetRef: ref,
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [
        {
          type: "Resource",
          resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } },
        },
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
        {
          type: "Pods",
          pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } },
        },
        {
          type: "External",
          external: { metric: { name: "queue" }, target: { type: "Value", value: "30" } },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
    },
    status: {
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [
        {
          type: "Resource",
          resource: { name: "cpu", current: { averageUtilization: 70, averageValue: "350m" } },
        },
      ],
      conditions: [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale" }],
    },
  };
  const v1 = hpaToV1(v2);
  const annotations = (v1.metadata as { annotations: Record<string, string> }).annotations;
  assert.equal(annotations.team, "a");
  assert.deepEqual(JSON.parse(annotations["autoscaling.alpha.kubernetes.io/metrics"]!), [
    { type: "Resource", resource: { name: "memory", targetAverageValue: "100Mi" } },
    { type: "Pods", pods: { metricName: "qps", targetAverageValue: "10" } },
    { type: "External", external: { metricName: "queue", targetValue: "30" } },
  ]);
  assert.equal(
    (v1.spec as { targetCPUUtilizationPercentage: number }).targetCPUUtilizationPercentage,
    50,
  );
  assert.deepEqual(v1.status, {
    currentReplicas: 2,
    desiredReplicas: 3,
    currentCPUUtilizationPercentage: 70,
  });
  // Back to v2: the same metrics (the CPU one last, as upstream orders it), behavior, status.
  const again = hpaFromV1(v1);
  const metrics = (again.spec as { metrics: unknown[] }).metrics;
  assert.deepEqual(metrics, [
    v2.spec.metrics[0],
    v2.spec.metrics[2],
    v2.spec.metrics[3],
    v2.spec.metrics[1],
  ]);
  assert.deepEqual((again.spec as { behavior: unknown }).behavior, v2.spec.behavior);
  assert.deepEqual(again.status, v2.status);
  assert.deepEqual((again.metadata as { annotations: unknown }).annotations, { team: "a" });
});
