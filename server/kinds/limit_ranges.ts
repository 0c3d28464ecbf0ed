/**
 * LimitRanges, as upstream's LimitRanger admission applies them: a namespace's Container limits
 * give each new pod's containers their default requests and limits (noted in the pod's
 * `kubernetes.io/limit-ranger` annotation), then every Container, Pod and PersistentVolumeClaim
 * limit must hold (min, max, max limit/request ratio), or the object is forbidden. A LimitRange
 * itself gets upstream's defaults (default from max, defaultRequest from default or min) and
 * must be consistent (min ≤ defaultRequest ≤ default ≤ max). Messages as upstream's.
 */
import { compareQuantities, nanos } from "../../api/quantity.ts";
import { forbidden, invalid } from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import type { KubeObject } from "../registry/types.ts";
import { items, type Obj, obj } from "./shape.ts";

type Resources = Record<string, unknown>;

const ANNOTATION = "kubernetes.io/limit-ranger";

/** Upstream's defaults of a LimitRange's Container items. */
export function defaultLimitRange(o: KubeObject): void {
  for (const item of items(obj(o.spec)?.limits)) {
    if (item.type !== "Container") continue;
    const fill = (into: string, from: unknown) => {
      const target = (obj(item[into]) ?? {}) as Resources;
      for (const [k, v] of Object.entries(obj(from) ?? {})) if (!(k in target)) target[k] = v;
      if (Object.keys(target).length) item[into] = target;
    };
    fill("default", item.max);
    fill("defaultRequest", item.default);
    fill("defaultRequest", item.min);
  }
}

/**
 * The pairs of a LimitRange item that must be in order (low <= high), as upstream checks them:
 * the field each breach is reported at, which of the two values the report shows, and the
 * words its message names them with.
 */
const ORDERED: [low: string, high: string, field: string, shown: "low" | "high", words: string][] =
  [
    ["min", "max", "min", "low", "min value|max value"],
    ["min", "defaultRequest", "defaultRequest", "high", "min value|default request value"],
    ["defaultRequest", "max", "defaultRequest", "low", "default request value|max value"],
    [
      "defaultRequest",
      "default",
      "defaultRequest",
      "low",
      "default request value|default limit value",
    ],
    ["min", "default", "default", "low", "min value|default value"],
    ["default", "max", "default", "high", "default value|max value"],
  ];

/** A LimitRange's items must be consistent. */
export function validateLimitRange(o: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  items(obj(o.spec)?.limits).forEach((item, i) => {
    const at = `spec.limits[${i}]`;
    if (item.type === "Pod") {
      for (const f of ["default", "defaultRequest"]) {
        if (Object.keys(obj(item[f]) ?? {}).length) {
          causes.push(forbidden(`${at}.${f}`, "may not be specified when `type` is 'Pod'"));
        }
      }
    }
    const min = (obj(item.min) ?? {}) as Resources;
    const max = (obj(item.max) ?? {}) as Resources;
    const def = (obj(item.default) ?? {}) as Resources;
    const req = (obj(item.defaultRequest) ?? {}) as Resources;
    const ratio = (obj(item.maxLimitRequestRatio) ?? {}) as Resources;
    const keys = new Set([min, max, def, req, ratio].flatMap((r) => Object.keys(r)));
    const values: Record<string, Resources> = { min, max, default: def, defaultRequest: req };
    for (const k of [...keys].sort()) {
      for (const [low, high, field, shown, words] of ORDERED) {
        const a = values[low]![k];
        const b = values[high]![k];
        if (a === undefined || b === undefined || compareQuantities(a, b) <= 0) continue;
        causes.push(
          invalid(
            `${at}.${field}[${k}]`,
            String(shown === "low" ? a : b),
            `${words.split("|")[0]} ${String(a)} is greater than ${words.split("|")[1]} ${
              String(b)
            }`,
          ),
        );
      }
      if (ratio[k] !== undefined && compareQuantities(ratio[k], 1) < 0) {
        causes.push(
          invalid(
            `${at}.maxLimitRequestRatio[${k}]`,
            String(ratio[k]),
            `ratio ${String(ratio[k])} is less than 1`,
          ),
        );
      }
    }
  });
  return causes;
}

/** A container's requests and limits (created empty when absent). */
function resourcesOf(c: Obj): { requests: Resources; limits: Resources } {
  const res = (c.resources = obj(c.resources) ?? {}) as Obj;
  return {
    requests: (obj(res.requests) ?? {}) as Resources,
    limits: (obj(res.limits) ?? {}) as Resources,
  };
}

/** Gives each container the Container defaults it lacks; returns what was set, as upstream notes it. */
function applyDefaults(pod: KubeObject, ranges: KubeObject[]): string[] {
  const requests: Resources = {};
  const limits: Resources = {};
  for (const lr of ranges) {
    for (const item of items(obj(lr.spec)?.limits)) {
      if (item.type !== "Container") continue;
      Object.assign(requests, obj(item.defaultRequest) ?? {});
      Object.assign(limits, obj(item.default) ?? {});
    }
  }
  if (!Object.keys(requests).length && !Object.keys(limits).length) return [];
  const notes: string[] = [];
  const spec = obj(pod.spec) ?? {};
  for (const [field, what] of [["initContainers", "init container"], ["containers", "container"]]) {
    for (const c of items(spec[field!])) {
      const res = c.resources = obj(c.resources) ?? {};
      const set = (into: "requests" | "limits", from: Resources) => {
        const target = (obj((res as Obj)[into]) ?? {}) as Resources;
        const added = Object.keys(from).filter((k) => !(k in target)).sort();
        for (const k of added) target[k] = from[k];
        if (Object.keys(target).length) (res as Obj)[into] = target;
        return added;
      };
      const setLimits = set("limits", limits);
      const setRequests = set("requests", requests);
      if (setRequests.length) {
        notes.push(`${setRequests.join(", ")} request for ${what} ${String(c.name)}`);
      }
      if (setLimits.length) {
        notes.push(`${setLimits.join(", ")} limit for ${what} ${String(c.name)}`);
      }
    }
  }
  return notes;
}

/** Upstream's min/max/ratio checks of one request/limit pair against one LimitRange item. */
function checkItem(
  type: string,
  item: Obj,
  requests: Resources,
  limits: Resources,
  errors: string[],
  /** What `max` bounds: a container's limit (and its request), or a claim's request alone. */
  maxHolds: "limit" | "request" = "limit",
): void {
  for (const [k, v] of Object.entries(obj(item.min) ?? {})) {
    if (requests[k] === undefined) {
      errors.push(`minimum ${k} usage per ${type} is ${String(v)}.  No request is specified`);
    } else if (compareQuantities(requests[k], v) < 0) {
      errors.push(
        `minimum ${k} usage per ${type} is ${String(v)}, but request is ${String(requests[k])}`,
      );
    } else if (limits[k] !== undefined && compareQuantities(limits[k], v) < 0) {
      errors.push(
        `minimum ${k} usage per ${type} is ${String(v)}, but limit is ${String(limits[k])}`,
      );
    }
  }
  const held = maxHolds === "limit" ? limits : requests;
  for (const [k, v] of Object.entries(obj(item.max) ?? {})) {
    if (held[k] === undefined) {
      errors.push(`maximum ${k} usage per ${type} is ${String(v)}.  No ${maxHolds} is specified`);
    } else if (compareQuantities(held[k], v) > 0) {
      errors.push(
        `maximum ${k} usage per ${type} is ${String(v)}, but ${maxHolds} is ${String(held[k])}`,
      );
    } else if (
      maxHolds === "limit" && requests[k] !== undefined && compareQuantities(requests[k], v) > 0
    ) {
      errors.push(
        `maximum ${k} usage per ${type} is ${String(v)}, but request is ${String(requests[k])}`,
      );
    }
  }
  for (const [k, v] of Object.entries(obj(item.maxLimitRequestRatio) ?? {})) {
    const req = nanos(requests[k]) ?? 0n;
    const lim = nanos(limits[k]) ?? 0n;
    if (req === 0n) {
      errors.push(
        `${k} max limit to request ratio per ${type} is ${
          String(v)
        }, but no request is specified or request is 0`,
      );
    } else if (lim === 0n) {
      errors.push(
        `${k} max limit to request ratio per ${type} is ${
          String(v)
        }, but no limit is specified or limit is 0`,
      );
    } else {
      const ratio = Number(lim) / Number(req);
      if (ratio > Number(nanos(v) ?? 0n) / 1e9) {
        errors.push(
          `${k} max limit to request ratio per ${type} is ${String(v)}, but provided ratio is ${
            ratio.toFixed(6)
          }`,
        );
      }
    }
  }
}

/** The sum of the containers' values, or an init container's where larger (upstream's pod totals). */
function podTotals(spec: Obj, which: "requests" | "limits"): Resources {
  const sum: Record<string, bigint> = {};
  for (const c of items(spec.containers)) {
    for (const [k, v] of Object.entries(resourcesOf(c)[which])) {
      sum[k] = (sum[k] ?? 0n) + (nanos(v) ?? 0n);
    }
  }
  for (const c of items(spec.initContainers)) {
    for (const [k, v] of Object.entries(resourcesOf(c)[which])) {
      const n = nanos(v) ?? 0n;
      if (n > (sum[k] ?? 0n)) sum[k] = n;
    }
  }
  // Back as quantities in nano units, which compare exactly.
  return Object.fromEntries(Object.entries(sum).map(([k, n]) => [k, `${n}n`]));
}

/** Applies a namespace's LimitRanges to a new pod; returns why it is forbidden, if it is. */
export function admitPodLimits(pod: KubeObject, ranges: KubeObject[]): string[] {
  const notes = applyDefaults(pod, ranges);
  if (notes.length) {
    const meta = pod.metadata!;
    meta.annotations = {
      ...(obj(meta.annotations) ?? {}),
      [ANNOTATION]: `LimitRanger plugin set: ${notes.join("; ")}`,
    };
  }
  const spec = obj(pod.spec) ?? {};
  const errors: string[] = [];
  for (const lr of ranges) {
    for (const item of items(obj(lr.spec)?.limits)) {
      if (item.type === "Container") {
        for (const c of [...items(spec.containers), ...items(spec.initContainers)]) {
          const { requests, limits } = resourcesOf(c);
          checkItem("Container", item, requests, limits, errors);
        }
      } else if (item.type === "Pod") {
        checkItem("Pod", item, podTotals(spec, "requests"), podTotals(spec, "limits"), errors);
      }
    }
  }
  return errors;
}

/** A claim's storage request against the namespace's PersistentVolumeClaim limits. */
export function admitClaimLimits(pvc: KubeObject, ranges: KubeObject[]): string[] {
  const requests = (obj(obj(obj(pvc.spec)?.resources)?.requests) ?? {}) as Resources;
  const errors: string[] = [];
  const type = "PersistentVolumeClaim";
  for (const lr of ranges) {
    for (const item of items(obj(lr.spec)?.limits)) {
      if (item.type !== type) continue;
      // A claim's limits are not the user's ask: min and max both hold its request.
      checkItem(type, { min: item.min, max: item.max }, requests, {}, errors, "request");
    }
  }
  return errors;
}

/** Upstream's aggregate error text: one message alone, several in brackets. */
export function aggregate(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`;
}
