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

function isCpu(m: Obj): boolean {
  return m.type === "Resource" && obj(m.resource)?.name === "cpu";
}

function isCpuUtilization(m: Obj): boolean {
  return isCpu(m) && obj(obj(m.resource)?.target)?.averageUtilization !== undefined;
}

/** A v2 CPU metric: a utilization target (spec) or reading (status). */
function cpuMetric(side: "target" | "current", utilization: unknown): Obj {
  const value = side === "target"
    ? { type: "Utilization", averageUtilization: utilization }
    : { averageUtilization: utilization };
  return { type: "Resource", resource: { name: "cpu", [side]: value } };
}

/** Sets the annotations, or drops the field when none are left (Go's omitempty). */
function setAnnotations(meta: Obj, annotations: Record<string, unknown>): void {
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
}

/** Each metric source's v2 fields (dotted paths) and the flat v1 fields they are. */
type Fields = Record<string, readonly (readonly [v2: string, v1: string])[]>;

const SPEC_FIELDS: Fields = {
  resource: [
    ["name", "name"],
    ["target.averageUtilization", "targetAverageUtilization"],
    ["target.averageValue", "targetAverageValue"],
  ],
  containerResource: [
    ["name", "name"],
    ["container", "container"],
    ["target.averageUtilization", "targetAverageUtilization"],
    ["target.averageValue", "targetAverageValue"],
  ],
  object: [
    ["describedObject", "target"],
    ["metric.name", "metricName"],
    ["metric.selector", "selector"],
    ["target.value", "targetValue"],
    ["target.averageValue", "averageValue"],
  ],
  pods: [
    ["metric.name", "metricName"],
    ["metric.selector", "selector"],
    ["target.averageValue", "targetAverageValue"],
  ],
  external: [
    ["metric.name", "metricName"],
    ["metric.selector", "metricSelector"],
    ["target.value", "targetValue"],
    ["target.averageValue", "targetAverageValue"],
  ],
};

/** The status side: the same shapes, with `current` for `target`. */
const STATUS_FIELDS: Fields = Object.fromEntries(
  Object.entries(SPEC_FIELDS).map(([source, pairs]) => [
    source,
    pairs.map(([v2, v1]) =>
      [
        v2.replace(/^target\./, "current."),
        v1.replace(/^target(?=[A-Z])/, "current"),
      ] as const
    ),
  ]),
);

function getPath(o: Obj, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split(".")) v = obj(v)?.[k];
  return v;
}

function setPath(o: Obj, path: string, value: unknown): void {
  const keys = path.split(".");
  let at = o;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Obj;
  at[keys.at(-1)!] = value;
}

/** A v2 MetricSpec or MetricStatus in v1's flat shape (the round-trip annotations'). */
function toV1(m: Obj, fields: Fields): Obj {
  const out: Obj = { type: m.type };
  for (const [source, pairs] of Object.entries(fields)) {
    const src = obj(m[source]);
    if (!src) continue;
    const flat: Obj = {};
    for (const [v2, v1] of pairs) {
      const v = getPath(src, v2);
      if (v !== undefined) flat[v1] = v;
    }
    out[source] = flat;
  }
  return out;
}

/** v1's flat MetricSpec or MetricStatus as v2's; a spec's target type follows what is set. */
function fromV1(m: Obj, fields: Fields, spec: boolean): Obj {
  const out: Obj = { type: m.type };
  for (const [source, pairs] of Object.entries(fields)) {
    const src = obj(m[source]);
    if (!src) continue;
    const nested: Obj = {};
    for (const [v2, v1] of pairs) if (src[v1] !== undefined) setPath(nested, v2, src[v1]);
    if (spec) {
      const t = (nested.target ?? {}) as Obj;
      t.type = t.averageUtilization !== undefined
        ? "Utilization"
        : t.averageValue !== undefined
        ? "AverageValue"
        : "Value";
      nested.target = t;
    } else nested.current ??= {};
    out[source] = nested;
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
  const others = metrics.filter((m) => m !== cpu).map((m) => toV1(m, SPEC_FIELDS));
  if (others.length) annotations[METRICS] = JSON.stringify(others);
  if (spec.behavior !== undefined) annotations[BEHAVIOR] = JSON.stringify(spec.behavior);
  const currentMetrics = items(status?.currentMetrics);
  if (currentMetrics.length) {
    annotations[CURRENT_METRICS] = JSON.stringify(
      currentMetrics.map((m) => toV1(m, STATUS_FIELDS)),
    );
  }
  const conditions = items(status?.conditions);
  if (conditions.length) annotations[CONDITIONS] = JSON.stringify(conditions);
  setAnnotations(meta, annotations);
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
    const cpuNow = currentMetrics.find(isCpu);
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
  const metrics = (parseList(annotations[METRICS]) ?? []).map((m) => fromV1(m, SPEC_FIELDS, true));
  if (spec.targetCPUUtilizationPercentage !== undefined || !metrics.length) {
    metrics.push(
      cpuMetric("target", spec.targetCPUUtilizationPercentage ?? DEFAULT_CPU_UTILIZATION),
    );
  }
  let behavior: unknown;
  if (typeof annotations[BEHAVIOR] === "string") {
    try {
      behavior = JSON.parse(annotations[BEHAVIOR] as string);
    } catch { /* ignored, as upstream */ }
  }
  const currentMetrics = (parseList(annotations[CURRENT_METRICS]) ?? []).map((m) =>
    fromV1(m, STATUS_FIELDS, false)
  );
  const conditions = parseList(annotations[CONDITIONS]);
  for (const k of ROUND_TRIP) delete annotations[k];
  setAnnotations(meta, annotations);
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
    if (status.currentCPUUtilizationPercentage !== undefined && !currentMetrics.some(isCpu)) {
      currentMetrics.push(cpuMetric("current", status.currentCPUUtilizationPercentage));
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
