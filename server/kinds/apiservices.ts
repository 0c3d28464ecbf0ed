/**
 * APIServices (apiregistration.k8s.io/v1): which server answers each API group/version. The
 * built-in ones are Local, registered as upstream's aggregator registers them (when APIServices
 * are first asked for: cluster_objects.ts); those
 * naming a Service (metrics-server's v1beta1.metrics.k8s.io, which k3s ships) are stored with
 * upstream's rules and marked not available: kno does not proxy to them yet, so their groups
 * stay out of discovery (kubectl would otherwise fail on every discovery call).
 */
import { isDns1035Label, isDns1123Subdomain, isPathSegmentName } from "../../api/names.ts";
import { invalid, required } from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import { rfc3339Seconds } from "../../api/time.ts";
import type { KubeObject, ResourceHooks } from "../registry/types.ts";
import { items, obj } from "./shape.ts";

/** Upstream's group and version priorities of the built-in group versions (discovery order). */
const PRIORITIES: Record<string, [number, number]> = {
  "/v1": [18000, 1],
  "apiregistration.k8s.io/v1": [18000, 15],
  "apps/v1": [17800, 15],
  "events.k8s.io/v1": [17750, 15],
  "authentication.k8s.io/v1": [17700, 15],
  "authorization.k8s.io/v1": [17600, 15],
  "autoscaling/v2": [17500, 30],
  "autoscaling/v1": [17500, 15],
  "batch/v1": [17400, 15],
  "certificates.k8s.io/v1": [17300, 15],
  "networking.k8s.io/v1": [17200, 15],
  "policy/v1": [17100, 15],
  "rbac.authorization.k8s.io/v1": [17000, 15],
  "storage.k8s.io/v1": [16800, 15],
  "apiextensions.k8s.io/v1": [16700, 15],
  "admissionregistration.k8s.io/v1": [16700, 15],
  "scheduling.k8s.io/v1": [16600, 15],
  "coordination.k8s.io/v1": [16500, 15],
  "node.k8s.io/v1": [16300, 15],
  "discovery.k8s.io/v1": [16200, 15],
  "flowcontrol.apiserver.k8s.io/v1": [16100, 21],
};

/** The Local APIService of a built-in group version, as upstream's aggregator registers it. */
export function localApiService(group: string, version: string): KubeObject {
  const [groupPriority, versionPriority] = PRIORITIES[`${group}/${version}`] ?? [1000, 15];
  return {
    apiVersion: "apiregistration.k8s.io/v1",
    kind: "APIService",
    metadata: {
      name: `${version}.${group}`,
      labels: { "kube-aggregator.kubernetes.io/automanaged": "onstart" },
    },
    spec: { group, version, groupPriorityMinimum: groupPriority, versionPriority },
  };
}

const NOT_PROXIED = "kno does not proxy aggregated APIs yet: this APIService is stored, not served";

/** Availability, as upstream's availability controller would report it for what kno does. */
function availability(o: KubeObject, old: KubeObject | undefined, now: Date): void {
  const local = obj(o.spec)?.service == null;
  const condition = local
    ? {
      type: "Available",
      status: "True",
      reason: "Local",
      message: "Local APIServices are always available",
    }
    : { type: "Available", status: "False", reason: "NotProxied", message: NOT_PROXIED };
  const before = items(obj(old?.status)?.conditions).find((c) => c.type === "Available");
  const since = before?.status === condition.status
    ? before.lastTransitionTime
    : rfc3339Seconds(now);
  o.status = { conditions: [{ ...condition, lastTransitionTime: since }] };
}

function defaults(o: KubeObject): void {
  const service = obj(obj(o.spec)?.service);
  if (service) service.port ??= 443;
}

export function apiServiceHooks(): ResourceHooks {
  return {
    prepareCreate(o, ctx) {
      defaults(o);
      availability(o, undefined, ctx.now);
    },
    prepareUpdate(o, old, ctx) {
      defaults(o);
      availability(o, old, ctx.now);
    },
    validate: validateApiService,
    warnings: (o) => obj(o.spec)?.service == null ? [] : [NOT_PROXIED],
  };
}

function validateApiService(o: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = obj(o.spec) ?? {};
  const group = typeof spec.group === "string" ? spec.group : "";
  const version = typeof spec.version === "string" ? spec.version : "";
  const name = String(o.metadata?.name ?? "");
  const wanted = `${version}.${group}`;
  if (!isPathSegmentName(name).length && name !== wanted) {
    out.push(
      invalid("metadata.name", name, `must be \`spec.version+"."+spec.group\`: "${wanted}"`),
    );
  }
  if (group === "" && version !== "v1") {
    out.push(
      required("spec.group", "only v1 may have an empty group and it better be legacy kube"),
    );
  }
  if (group !== "") {
    for (const msg of isDns1123Subdomain(group)) out.push(invalid("spec.group", group, msg));
  }
  for (const msg of isDns1035Label(version)) out.push(invalid("spec.version", version, msg));
  const gpm = typeof spec.groupPriorityMinimum === "number" ? spec.groupPriorityMinimum : 0;
  if (gpm <= 0 || gpm > 20000) {
    out.push(invalid("spec.groupPriorityMinimum", gpm, "must be positive and less than 20000"));
  }
  const vp = typeof spec.versionPriority === "number" ? spec.versionPriority : 0;
  if (vp <= 0 || vp > 1000) {
    out.push(invalid("spec.versionPriority", vp, "must be positive and less than 1000"));
  }
  const service = obj(spec.service);
  const caBundle = typeof spec.caBundle === "string" ? spec.caBundle : "";
  if (!service) {
    if (caBundle) {
      const bytes = atob(caBundle).length;
      out.push(
        invalid("spec.caBundle", `${bytes} bytes`, "local APIServices may not have a caBundle"),
      );
    }
    if (spec.insecureSkipTLSVerify === true) {
      out.push(
        invalid(
          "spec.insecureSkipTLSVerify",
          true,
          "local APIServices may not have insecureSkipTLSVerify",
        ),
      );
    }
    return out;
  }
  if (!service.namespace) out.push(required("spec.service.namespace"));
  if (!service.name) out.push(required("spec.service.name"));
  const port = service.port;
  if (typeof port === "number" && (port < 1 || port > 65535)) {
    out.push(
      invalid(
        "spec.service.port",
        port,
        "port is not valid: must be between 1 and 65535, inclusive",
      ),
    );
  }
  if (spec.insecureSkipTLSVerify === true && caBundle) {
    out.push(invalid("spec.insecureSkipTLSVerify", true, "may not be true if caBundle is present"));
  }
  return out;
}
