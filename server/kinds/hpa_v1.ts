/**
 * autoscaling/v1 HorizontalPodAutoscalers, served from the autoscaling/v2 ones' store as upstream
 * serves them: v1 has one target (CPU utilization); the v2 metrics, behavior, current metrics
 * and conditions it cannot hold travel in upstream's round-trip annotations
 * (`autoscaling.alpha.kubernetes.io/...`), in v1's own MetricSpec shapes, so a v1 client that
 * reads and writes an object back loses nothing. Charts and clients written for v1 keep working.
 * Loaded on the first request for a v1 HPA (hpa_v1_serve.ts).
 */
import type { KubeObject, ObjectConversion } from "../registry/types.ts";
import { items, type Obj, obj } from "./shape.ts";

const METRICS = "autoscaling.alpha.kubernetes.io/metrics";
const CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
const BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
const CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
const ROUND_TRIP = [METRICS, CURRENT_METRICS, BEHAVIOR, CONDITIONS];

/** What autoscaling/v1 implied and v2 states: 80 % CPU when nothing else is asked for. */
const DEFAULT_CPU_UTILIZATION = 80;

/** Drops undefined members, so conversions write only what is set. */
function compact(o: Obj): Obj {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function isCpuUtilization(m: Obj): boolean {
  const r = obj(m.resource);
  return m.type === "Resource" && r?.name === "cpu" &&
    obj(r.target)?.averageUtilization !== undefined;
}

/** A v2 MetricSpec as v1's MetricSpec (the round-trip annotation's shape). */
function specToV1(m: Obj): Obj {
  const target = (s: Obj | undefined) => obj(s?.target) ?? {};
  const metric = (s: Obj | undefined) => obj(s?.metric) ?? {};
  const out: Obj = { type: m.type };
  const r = obj(m.resource);
  const cr = obj(m.containerResource);
  const o = obj(m.object);
  const p = obj(m.pods);
  const e = obj(m.external);
  if (r) {
    out.resource = compact({
      name: r.name,
      targetAverageUtilization: target(r).averageUtilization,
      targetAverageValue: target(r).averageValue,
    });
  }
  if (cr) {
    out.containerResource = compact({
      name: cr.name,
      container: cr.container,
      targetAverageUtilization: target(cr).averageUtilization,
      targetAverageValue: target(cr).averageValue,
    });
  }
  if (o) {
    out.object = compact({
      target: o.describedObject,
      metricName: metric(o).name,
      selector: metric(o).selector,
      targetValue: target(o).value,
      averageValue: target(o).averageValue,
    });
  }
  if (p) {
    out.pods = compact({
      metricName: metric(p).name,
      selector: metric(p).selector,
      targetAverageValue: target(p).averageValue,
    });
  }
  if (e) {
    out.external = compact({
      metricName: metric(e).name,
      metricSelector: metric(e).selector,
      targetValue: target(e).value,
      targetAverageValue: target(e).averageValue,
    });
  }
  return out;
}

/** A v2 MetricTarget from v1's flat fields. */
function target(value: unknown, averageValue: unknown, averageUtilization?: unknown): Obj {
  if (averageUtilization !== undefined) {
    return { type: "Utilization", averageUtilization };
  }
  if (averageValue !== undefined) return { type: "AverageValue", averageValue };
  return compact({ type: "Value", value });
}

/** v1's MetricSpec (from the annotation) as a v2 MetricSpec. */
function specFromV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const r = obj(m.resource);
  const cr = obj(m.containerResource);
  const o = obj(m.object);
  const p = obj(m.pods);
  const e = obj(m.external);
  const metric = (name: unknown, selector: unknown) => compact({ name, selector });
  if (r) {
    out.resource = {
      name: r.name,
      target: target(undefined, r.targetAverageValue, r.targetAverageUtilization),
    };
  }
  if (cr) {
    out.containerResource = {
      name: cr.name,
      container: cr.container,
      target: target(undefined, cr.targetAverageValue, cr.targetAverageUtilization),
    };
  }
  if (o) {
    out.object = {
      describedObject: o.target,
      metric: metric(o.metricName, o.selector),
      target: target(o.targetValue, o.averageValue),
    };
  }
  if (p) {
    out.pods = {
      metric: metric(p.metricName, p.selector),
      target: { type: "AverageValue", averageValue: p.targetAverageValue },
    };
  }
  if (e) {
    out.external = {
      metric: metric(e.metricName, e.metricSelector),
      target: target(e.targetValue, e.targetAverageValue),
    };
  }
  return out;
}

/** A v2 MetricStatus as v1's. */
function statusToV1(m: Obj): Obj {
  const current = (s: Obj | undefined) => obj(s?.current) ?? {};
  const metric = (s: Obj | undefined) => obj(s?.metric) ?? {};
  const out: Obj = { type: m.type };
  const r = obj(m.resource);
  const cr = obj(m.containerResource);
  const o = obj(m.object);
  const p = obj(m.pods);
  const e = obj(m.external);
  if (r) {
    out.resource = compact({
      name: r.name,
      currentAverageUtilization: current(r).averageUtilization,
      currentAverageValue: current(r).averageValue,
    });
  }
  if (cr) {
    out.containerResource = compact({
      name: cr.name,
      container: cr.container,
      currentAverageUtilization: current(cr).averageUtilization,
      currentAverageValue: current(cr).averageValue,
    });
  }
  if (o) {
    out.object = compact({
      target: o.describedObject,
      metricName: metric(o).name,
      selector: metric(o).selector,
      currentValue: current(o).value,
      averageValue: current(o).averageValue,
    });
  }
  if (p) {
    out.pods = compact({
      metricName: metric(p).name,
      selector: metric(p).selector,
      currentAverageValue: current(p).averageValue,
    });
  }
  if (e) {
    out.external = compact({
      metricName: metric(e).name,
      metricSelector: metric(e).selector,
      currentValue: current(e).value,
      currentAverageValue: current(e).averageValue,
    });
  }
  return out;
}

/** v1's MetricStatus (from the annotation) as a v2 MetricStatus. */
function statusFromV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const r = obj(m.resource);
  const cr = obj(m.containerResource);
  const o = obj(m.object);
  const p = obj(m.pods);
  const e = obj(m.external);
  const metric = (name: unknown, selector: unknown) => compact({ name, selector });
  if (r) {
    out.resource = {
      name: r.name,
      current: compact({
        averageValue: r.currentAverageValue,
        averageUtilization: r.currentAverageUtilization,
      }),
    };
  }
  if (cr) {
    out.containerResource = {
      name: cr.name,
      container: cr.container,
      current: compact({
        averageValue: cr.currentAverageValue,
        averageUtilization: cr.currentAverageUtilization,
      }),
    };
  }
  if (o) {
    out.object = {
      describedObject: o.target,
      metric: metric(o.metricName, o.selector),
      current: compact({ value: o.currentValue, averageValue: o.averageValue }),
    };
  }
  if (p) {
    out.pods = {
      metric: metric(p.metricName, p.selector),
      current: compact({ averageValue: p.currentAverageValue }),
    };
  }
  if (e) {
    out.external = {
      metric: metric(e.metricName, e.metricSelector),
      current: compact({ value: e.currentValue, averageValue: e.currentAverageValue }),
    };
  }
  return out;
}

function parseList(text: unknown): Obj[] | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : undefined;
  } catch {
    return undefined; // upstream ignores an annotation it cannot read
  }
}

/** A stored autoscaling/v2 HPA as autoscaling/v1 shows it. */
export function hpaToV1(o: KubeObject): KubeObject {
  const meta: Obj = { ...(o.metadata ?? {}) };
  const annotations: Record<string, string> = { ...(obj(meta.annotations) ?? {}) } as Record<
    string,
    string
  >;
  for (const k of ROUND_TRIP) delete annotations[k];
  const spec = obj(o.spec) ?? {};
  const status = obj(o.status);
  const metrics = items(spec.metrics);
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu).map(specToV1);
  if (others.length) annotations[METRICS] = JSON.stringify(others);
  if (spec.behavior !== undefined) annotations[BEHAVIOR] = JSON.stringify(spec.behavior);
  const currentMetrics = items(status?.currentMetrics);
  if (currentMetrics.length) {
    annotations[CURRENT_METRICS] = JSON.stringify(currentMetrics.map(statusToV1));
  }
  const conditions = items(status?.conditions);
  if (conditions.length) annotations[CONDITIONS] = JSON.stringify(conditions);
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  const out: KubeObject = {
    apiVersion: "autoscaling/v1",
    kind: "HorizontalPodAutoscaler",
    metadata: meta,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: obj(obj(cpu?.resource)?.target)?.averageUtilization,
    }),
  };
  if (status) {
    const cpuNow = currentMetrics.find((m) =>
      m.type === "Resource" && obj(m.resource)?.name === "cpu"
    );
    out.status = compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: obj(obj(cpuNow?.resource)?.current)?.averageUtilization,
    });
  }
  return out;
}

/** An autoscaling/v1 HPA as the autoscaling/v2 object it is stored as. */
export function hpaFromV1(o: KubeObject): KubeObject {
  const meta: Obj = { ...(o.metadata ?? {}) };
  const annotations = { ...(obj(meta.annotations) ?? {}) };
  const spec = obj(o.spec) ?? {};
  const status = obj(o.status);
  const metrics = (parseList(annotations[METRICS]) ?? []).map(specFromV1);
  if (spec.targetCPUUtilizationPercentage !== undefined) {
    metrics.push({
      type: "Resource",
      resource: {
        name: "cpu",
        target: { type: "Utilization", averageUtilization: spec.targetCPUUtilizationPercentage },
      },
    });
  }
  if (!metrics.length) {
    metrics.push({
      type: "Resource",
      resource: {
        name: "cpu",
        target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION },
      },
    });
  }
  let behavior: unknown;
  if (typeof annotations[BEHAVIOR] === "string") {
    try {
      behavior = JSON.parse(annotations[BEHAVIOR] as string);
    } catch { /* ignored, as upstream */ }
  }
  const currentMetrics = (parseList(annotations[CURRENT_METRICS]) ?? []).map(statusFromV1);
  const conditions = parseList(annotations[CONDITIONS]);
  for (const k of ROUND_TRIP) delete annotations[k];
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  const out: KubeObject = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
      behavior,
    }),
  };
  if (status) {
    if (
      status.currentCPUUtilizationPercentage !== undefined &&
      !currentMetrics.some((m) => m.type === "Resource" && obj(m.resource)?.name === "cpu")
    ) {
      currentMetrics.push({
        type: "Resource",
        resource: {
          name: "cpu",
          current: { averageUtilization: status.currentCPUUtilizationPercentage },
        },
      });
    }
    out.status = compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
      currentMetrics: currentMetrics.length ? currentMetrics : undefined,
      conditions: conditions?.length ? conditions : undefined,
    });
  }
  return out;
}

export const hpaV1Conversion: ObjectConversion = { toStored: hpaFromV1, fromStored: hpaToV1 };
