/**
 * autoscaling/v1 HorizontalPodAutoscalers through kubectl, kept in the autoscaling/v2 store:
 * charts written for v1 apply, v2 clients see the CPU target as a metric, and a v1 client's
 * read-modify-write keeps the v2 metrics it cannot show.
 */
import assert from "node:assert/strict";
import { startServer } from "./harness.ts";

Deno.test("autoscaling/v1 HPAs: written and read through either version, nothing lost", async () => {
  const s = await startServer();
  try {
    const v1 = `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
  targetCPUUtilizationPercentage: 60
`;
    const applied = await s.kubectl(["apply", "-f", "-"], { stdin: v1 });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(
      await s.k(
        "get",
        "horizontalpodautoscalers.v2.autoscaling",
        "web",
        "-o",
        "jsonpath={.spec.metrics}",
      ),
      '[{"resource":{"name":"cpu","target":{"averageUtilization":60,"type":"Utilization"}},"type":"Resource"}]',
    );
    assert.match(await s.k("get", "hpa", "web"), /Deployment\/web\s+cpu: <unknown>\/60%\s+2\s+5/);
    // Unchanged on a second apply (the last-applied v1 form is what kubectl compares).
    assert.match(
      (await s.kubectl(["apply", "-f", "-"], { stdin: v1 })).stdout,
      /horizontalpodautoscaler.autoscaling\/web unchanged/,
    );

    const v2 = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: mem}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
  metrics:
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}
`;
    assert.equal((await s.kubectl(["apply", "-f", "-"], { stdin: v2 })).code, 0);
    const asV1 = JSON.parse(
      await s.k("get", "horizontalpodautoscalers.v1.autoscaling", "mem", "-o", "json"),
    );
    assert.equal(asV1.apiVersion, "autoscaling/v1");
    assert.equal(asV1.spec.targetCPUUtilizationPercentage, undefined);
    assert.equal(
      asV1.metadata.annotations["autoscaling.alpha.kubernetes.io/metrics"],
      '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]',
    );
    asV1.spec.maxReplicas = 6;
    const replaced = await s.kubectl(["replace", "-f", "-"], { stdin: JSON.stringify(asV1) });
    assert.equal(replaced.code, 0, replaced.stderr);
    const back = JSON.parse(
      await s.k("get", "horizontalpodautoscalers.v2.autoscaling", "mem", "-o", "json"),
    );
    assert.equal(back.spec.maxReplicas, 6);
    assert.deepEqual(back.spec.metrics, [
      {
        type: "Resource",
        resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } },
      },
    ]);
    assert.equal(back.metadata.annotations?.["autoscaling.alpha.kubernetes.io/metrics"], undefined);
  } finally {
    await s.stop();
  }
});
