/**
 * Server-side printing columns of the built-in kinds, as data: the columns kubectl users know
 * from upstream (`kubectl get`, `-o wide`). Each column reads the object; AGE is a column like
 * the others.
 */
import type { KubeObject, TableColumn } from "./types.ts";
import { labelSelectorString } from "../../api/labels.ts";

type Obj = Record<string, unknown>;

/** Reads a dotted path (`spec.replicas`, `status.conditions`). */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Obj)[p];
  }
  return cur;
}

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

/** Upstream's human-readable duration (5s, 3m20s, 2d3h, 4y20d). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    return hours % 24 === 0
      ? `${Math.floor(hours / 24)}d`
      : `${Math.floor(hours / 24)}d${hours % 24}h`;
  }
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

export function since(ts: unknown, now: Date): string {
  if (typeof ts !== "string") return "<unknown>";
  return humanDuration(now.getTime() - Date.parse(ts));
}

function col(
  name: string,
  cell: (o: KubeObject, now: Date) => unknown,
  opts: { type?: TableColumn["type"]; priority?: number; format?: string } = {},
): TableColumn {
  const c: TableColumn = { name, type: opts.type ?? "string", priority: opts.priority ?? 0, cell };
  if (opts.format) c.format = opts.format;
  return c;
}

export const nameColumn: TableColumn = col("Name", (o) => at(o, "metadata.name"), {
  format: "name",
});
export const ageColumn: TableColumn = col(
  "Age",
  (o, now) => since(at(o, "metadata.creationTimestamp"), now),
);
const createdAt = col("Created At", (o) => at(o, "metadata.creationTimestamp"), { type: "date" });

const wide = { priority: 1 };

/** CONTAINERS and IMAGES of the pod spec at `path` (priority 1: `-o wide`, or 0). */
function containerCols(path: string, priority: number): TableColumn[] {
  const cs = (o: KubeObject) => arr(at(o, `${path}.containers`));
  return [
    col("Containers", (o) => cs(o).map((c) => c.name).join(","), { priority }),
    col("Images", (o) => cs(o).map((c) => c.image).join(","), { priority }),
  ];
}

function podTemplateCols(path: string, withSelector: string | undefined): TableColumn[] {
  const cols = containerCols(path, wide.priority);
  if (withSelector) cols.push(col("Selector", (o) => selectorText(at(o, withSelector)), wide));
  return cols;
}

/** A label map as upstream's labels.FormatLabels writes it: `k=v` sorted by key, or `<none>`. */
function formatLabels(map: unknown): string {
  const entries = map && typeof map === "object" ? Object.entries(map) : [];
  if (!entries.length) return "<none>";
  return entries.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function selectorText(sel: unknown): string {
  if (sel && typeof sel === "object" && ("matchLabels" in sel || "matchExpressions" in sel)) {
    return labelSelectorString(sel) || "<none>";
  }
  return formatLabels(sel);
}

function podStatus(o: KubeObject): string {
  if (at(o, "metadata.deletionTimestamp")) return "Terminating";
  let reason = (at(o, "status.reason") as string) || (at(o, "status.phase") as string) || "Unknown";
  for (const cs of arr(at(o, "status.containerStatuses"))) {
    const waiting = at(cs, "state.waiting.reason") as string | undefined;
    const term = at(cs, "state.terminated.reason") as string | undefined;
    if (waiting) reason = waiting;
    else if (term) reason = term;
  }
  return reason;
}

function podReady(o: KubeObject): string {
  const total = arr(at(o, "spec.containers")).length;
  const ready = arr(at(o, "status.containerStatuses")).filter((c) => c.ready === true).length;
  return `${ready}/${total}`;
}

function podRestarts(o: KubeObject): string {
  const n = arr(at(o, "status.containerStatuses")).reduce((s, c) => s + num(c.restartCount), 0);
  return String(n);
}

function servicePorts(o: KubeObject): string {
  const ports = arr(at(o, "spec.ports")).map((p) => {
    const base = `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`;
    return base;
  });
  return ports.length ? ports.join(",") : "<none>";
}

function externalIp(o: KubeObject): string {
  const type = at(o, "spec.type");
  const ext = arr(at(o, "spec.externalIPs"));
  const lb = arr(at(o, "status.loadBalancer.ingress")).map((i) => i.ip ?? i.hostname);
  const all = [...lb, ...ext].filter(Boolean);
  if (all.length) return all.join(",");
  if (type === "LoadBalancer") return "<pending>";
  if (type === "ExternalName") return String(at(o, "spec.externalName") ?? "");
  return "<none>";
}

function nodeStatus(o: KubeObject): string {
  const ready = arr(at(o, "status.conditions")).find((c) => c.type === "Ready");
  let s = ready?.status === "True" ? "Ready" : ready ? "NotReady" : "Unknown";
  if (at(o, "spec.unschedulable")) s += ",SchedulingDisabled";
  return s;
}

function nodeRoles(o: KubeObject): string {
  const labels = (at(o, "metadata.labels") ?? {}) as Record<string, string>;
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith("node-role.kubernetes.io/"))
    .map((k) => k.slice("node-role.kubernetes.io/".length));
  return roles.length ? roles.sort().join(",") : "<none>";
}

function nodeAddress(type: string) {
  return (o: KubeObject) =>
    (arr(at(o, "status.addresses")).find((a) => a.type === type)?.address as string) ?? "<none>";
}

function jobStatus(o: KubeObject): string {
  const conds = arr(at(o, "status.conditions")).filter((c) => c.status === "True");
  for (const t of ["Failed", "Complete", "Suspended", "FailureTarget", "SuccessCriteriaMet"]) {
    if (conds.some((c) => c.type === t)) return t === "FailureTarget" ? "Failed" : t;
  }
  return at(o, "metadata.deletionTimestamp") ? "Terminating" : "Running";
}

function jobCompletions(o: KubeObject): string {
  const succeeded = num(at(o, "status.succeeded"));
  const completions = at(o, "spec.completions");
  return typeof completions === "number"
    ? `${succeeded}/${completions}`
    : `${succeeded}/1 of ${num(at(o, "spec.parallelism"))}`;
}

function jobDuration(o: KubeObject, now: Date): string {
  const start = at(o, "status.startTime");
  if (typeof start !== "string") return "";
  const end = at(o, "status.completionTime");
  const until = typeof end === "string" ? new Date(end) : now;
  return humanDuration(until.getTime() - Date.parse(start));
}

function count(path: string) {
  return (o: KubeObject) => {
    const v = at(o, path);
    return v && typeof v === "object" ? Object.keys(v).length : 0;
  };
}

function accessModes(o: KubeObject, path: string): string {
  const short: Record<string, string> = {
    ReadWriteOnce: "RWO",
    ReadOnlyMany: "ROX",
    ReadWriteMany: "RWX",
    ReadWriteOncePod: "RWOP",
  };
  return arr(at(o, path)).map((m) => short[m as unknown as string] ?? m).join(",");
}

/** A condition of the object's status by type. */
function condition(o: KubeObject, type: string): Obj | undefined {
  return arr(at(o, "status.conditions")).find((c) => c.type === type);
}

/** A CertificateSigningRequest's CONDITION: Denied, Approved or Pending, then Failed, Issued. */
function csrCondition(o: KubeObject): string {
  let s = condition(o, "Denied") ? "Denied" : condition(o, "Approved") ? "Approved" : "Pending";
  if (condition(o, "Failed")) s += ",Failed";
  if (at(o, "status.certificate")) s += ",Issued";
  return s;
}

/** A FlowSchema's MISSINGPL: its Dangling condition's status, `?` until something looked. */
function missingPriorityLevel(o: KubeObject): string {
  const dangling = condition(o, "Dangling");
  return dangling ? String(dangling.status ?? "?") : "?";
}

/** An APIService's AVAILABLE: the condition's status, with its reason when not True. */
function apiServiceAvailable(o: KubeObject): string {
  const c = condition(o, "Available");
  if (!c) return "Unknown";
  return c.status === "True" ? "True" : `${c.status} (${c.reason ?? ""})`;
}

/** An APIService's SERVICE: Local, or namespace/name. */
function apiServiceService(o: KubeObject): string {
  const s = at(o, "spec.service") as Obj | undefined;
  return s ? `${s.namespace ?? ""}/${s.name ?? ""}` : "Local";
}

const str = (path: string, fallback = "<none>") => (o: KubeObject) => {
  const v = at(o, path);
  return v === undefined || v === null || v === "" ? fallback : String(v);
};
const int = (path: string) => (o: KubeObject) => num(at(o, path));

function subjects(kind: string) {
  return (o: KubeObject) => {
    const names = arr(at(o, "subjects")).filter((s) => s.kind === kind).map((s) =>
      kind === "ServiceAccount" ? `${s.namespace ?? ""}/${s.name}` : String(s.name)
    );
    return names.length ? names.join(", ") : "";
  };
}

const bindingColumns: TableColumn[] = [
  col("Role", (o) => `${at(o, "roleRef.kind")}/${at(o, "roleRef.name")}`),
  ageColumn,
  col("Users", subjects("User"), wide),
  col("Groups", subjects("Group"), wide),
  col("ServiceAccounts", subjects("ServiceAccount"), wide),
];

/**
 * Upstream's event columns: NAME only with -o wide, and for events of the new API (no
 * lastTimestamp, a series or an eventTime) the times and count taken from those.
 */
const eventColumns: TableColumn[] = (() => {
  const first = (o: KubeObject, now: Date) =>
    since(at(o, "firstTimestamp") ?? at(o, "eventTime"), now);
  const last = (o: KubeObject, now: Date) =>
    at(o, "series") != null
      ? since(at(o, "series.lastObservedTime"), now)
      : at(o, "lastTimestamp") != null
      ? since(at(o, "lastTimestamp"), now)
      : first(o, now);
  const text = (path: string) => str(path, "");
  const either = (a: string, b: string) => (o: KubeObject) => text(a)(o) || text(b)(o);
  return [
    col("Last Seen", last),
    col("Type", text("type")),
    col("Reason", text("reason")),
    col("Object", (o) => {
      const kind = text("involvedObject.kind")(o).toLowerCase();
      const name = text("involvedObject.name")(o);
      return name ? `${kind}/${name}` : kind;
    }),
    col("Subobject", text("involvedObject.fieldPath"), wide),
    col("Source", (o) => {
      const component = either("source.component", "reportingComponent")(o);
      const instance = either("source.host", "reportingInstance")(o);
      return instance ? `${component}, ${instance}` : component;
    }, wide),
    col("Message", (o) => text("message")(o).trim()),
    col("First Seen", first, wide),
    col("Count", (o) => {
      const series = at(o, "series.count");
      if (at(o, "series") != null) return Number(series ?? 0);
      return Number(at(o, "count") ?? 0) || 1;
    }, wide),
    col("Name", (o) => at(o, "metadata.name"), { ...wide, format: "name" }),
  ];
})();

/** Columns per "group/Kind" (core: "/Kind"). Kinds not listed print Name and Created At. */
/**
 * The columns of the version an object is stored as, for a version served from the same store
 * (`toStored` converts a served object back): each row is converted once, not once per cell.
 */
export function storedFormColumns(
  columns: TableColumn[],
  toStored: (o: KubeObject) => KubeObject,
): TableColumn[] {
  const stored = new WeakMap<KubeObject, KubeObject>();
  const storedOf = (o: KubeObject) => {
    let s = stored.get(o);
    if (!s) stored.set(o, s = toStored(o));
    return s;
  };
  return columns.map((c) => ({ ...c, cell: (o, now) => c.cell(storedOf(o), now) }));
}

export const builtinColumns: Record<string, TableColumn[]> = {
  "/Namespace": [col("Status", str("status.phase", "")), ageColumn],
  "/Pod": [
    col("Ready", podReady),
    col("Status", podStatus),
    col("Restarts", podRestarts),
    ageColumn,
    col("IP", str("status.podIP"), wide),
    col("Node", str("spec.nodeName"), wide),
    col("Nominated Node", str("status.nominatedNodeName"), wide),
    col("Readiness Gates", (o) => {
      const g = arr(at(o, "spec.readinessGates"));
      return g.length ? `0/${g.length}` : "<none>";
    }, wide),
  ],
  "/Service": [
    col("Type", str("spec.type", "ClusterIP")),
    col("Cluster-IP", str("spec.clusterIP")),
    col("External-IP", externalIp),
    col("Port(s)", servicePorts),
    ageColumn,
    col("Selector", (o) => selectorText(at(o, "spec.selector")), wide),
  ],
  "/Endpoints": [
    col("Endpoints", (o) => {
      const eps: string[] = [];
      for (const s of arr(at(o, "subsets"))) {
        for (const a of arr(s.addresses)) {
          for (const p of arr(s.ports)) eps.push(`${a.ip}:${p.port}`);
          if (!arr(s.ports).length) eps.push(String(a.ip));
        }
      }
      return eps.length
        ? eps.slice(0, 3).join(",") + (eps.length > 3 ? ` + ${eps.length - 3} more...` : "")
        : "<none>";
    }),
    ageColumn,
  ],
  "/ConfigMap": [
    col("Data", (o) => count("data")(o) + count("binaryData")(o), { type: "integer" }),
    ageColumn,
  ],
  "/Secret": [
    col("Type", str("type", "")),
    col("Data", count("data"), { type: "integer" }),
    ageColumn,
  ],
  "/ServiceAccount": [
    col("Secrets", (o) => arr(at(o, "secrets")).length, { type: "integer" }),
    ageColumn,
  ],
  "/Node": [
    col("Status", nodeStatus),
    col("Roles", nodeRoles),
    ageColumn,
    col("Version", str("status.nodeInfo.kubeletVersion", "")),
    col("Internal-IP", nodeAddress("InternalIP"), wide),
    col("External-IP", nodeAddress("ExternalIP"), wide),
    col("OS-Image", str("status.nodeInfo.osImage", "<unknown>"), wide),
    col("Kernel-Version", str("status.nodeInfo.kernelVersion", "<unknown>"), wide),
    col("Container-Runtime", str("status.nodeInfo.containerRuntimeVersion", "<unknown>"), wide),
  ],
  "/Event": eventColumns,
  "/PersistentVolume": [
    col("Capacity", str("spec.capacity.storage", "")),
    col("Access Modes", (o) => accessModes(o, "spec.accessModes")),
    col("Reclaim Policy", str("spec.persistentVolumeReclaimPolicy", "")),
    col("Status", str("status.phase", "")),
    col(
      "Claim",
      (
        o,
      ) => (at(o, "spec.claimRef.name")
        ? `${at(o, "spec.claimRef.namespace")}/${at(o, "spec.claimRef.name")}`
        : ""),
    ),
    col("StorageClass", str("spec.storageClassName", "")),
    col("VolumeAttributesClass", str("spec.volumeAttributesClassName")),
    col("Reason", str("status.reason", "")),
    ageColumn,
    col("VolumeMode", str("spec.volumeMode", ""), wide),
  ],
  "/PersistentVolumeClaim": [
    col("Status", str("status.phase", "")),
    col("Volume", str("spec.volumeName", "")),
    col("Capacity", str("status.capacity.storage", "")),
    col("Access Modes", (o) => accessModes(o, "status.accessModes")),
    col("StorageClass", str("spec.storageClassName", "")),
    col("VolumeAttributesClass", str("spec.volumeAttributesClassName")),
    ageColumn,
    col("VolumeMode", str("spec.volumeMode", ""), wide),
  ],
  "/ReplicationController": [
    col("Desired", int("spec.replicas"), { type: "integer" }),
    col("Current", int("status.replicas"), { type: "integer" }),
    col("Ready", int("status.readyReplicas"), { type: "integer" }),
    ageColumn,
    ...podTemplateCols("spec.template.spec", "spec.selector"),
  ],
  "apps/Deployment": [
    col("Ready", (o) => `${num(at(o, "status.readyReplicas"))}/${num(at(o, "spec.replicas"))}`),
    col("Up-to-date", int("status.updatedReplicas"), { type: "integer" }),
    col("Available", int("status.availableReplicas"), { type: "integer" }),
    ageColumn,
    ...podTemplateCols("spec.template.spec", "spec.selector"),
  ],
  "apps/ReplicaSet": [
    col("Desired", int("spec.replicas"), { type: "integer" }),
    col("Current", int("status.replicas"), { type: "integer" }),
    col("Ready", int("status.readyReplicas"), { type: "integer" }),
    ageColumn,
    ...podTemplateCols("spec.template.spec", "spec.selector"),
  ],
  "apps/StatefulSet": [
    col("Ready", (o) => `${num(at(o, "status.readyReplicas"))}/${num(at(o, "spec.replicas"))}`),
    ageColumn,
    ...podTemplateCols("spec.template.spec", undefined),
  ],
  "apps/DaemonSet": [
    col("Desired", int("status.desiredNumberScheduled"), { type: "integer" }),
    col("Current", int("status.currentNumberScheduled"), { type: "integer" }),
    col("Ready", int("status.numberReady"), { type: "integer" }),
    col("Up-to-date", int("status.updatedNumberScheduled"), { type: "integer" }),
    col("Available", int("status.numberAvailable"), { type: "integer" }),
    col("Node Selector", (o) => selectorText(at(o, "spec.template.spec.nodeSelector"))),
    ageColumn,
    ...podTemplateCols("spec.template.spec", "spec.selector"),
  ],
  "apps/ControllerRevision": [
    col("Controller", (o) => {
      const owner = arr(at(o, "metadata.ownerReferences")).find((r) => r.controller === true);
      return owner
        ? `${String(owner.kind).toLowerCase()}.${
          String(owner.apiVersion).split("/")[0]
        }/${owner.name}`
        : "<none>";
    }),
    col("Revision", int("revision"), { type: "integer" }),
    ageColumn,
  ],
  "batch/Job": [
    col("Status", jobStatus),
    col("Completions", jobCompletions),
    col("Duration", jobDuration),
    ageColumn,
    ...podTemplateCols("spec.template.spec", "spec.selector"),
  ],
  "batch/CronJob": [
    col("Schedule", str("spec.schedule", "")),
    col("Timezone", str("spec.timeZone")),
    col("Suspend", (o) => String(at(o, "spec.suspend") === true ? "True" : "False")),
    col("Active", (o) => arr(at(o, "status.active")).length, { type: "integer" }),
    col(
      "Last Schedule",
      (
        o,
        now,
      ) => (at(o, "status.lastScheduleTime")
        ? since(at(o, "status.lastScheduleTime"), now)
        : "<none>"),
    ),
    ageColumn,
    ...podTemplateCols("spec.jobTemplate.spec.template.spec", "spec.jobTemplate.spec.selector"),
  ],
  "autoscaling/HorizontalPodAutoscaler": [
    col(
      "Reference",
      (o) => `${at(o, "spec.scaleTargetRef.kind")}/${at(o, "spec.scaleTargetRef.name")}`,
    ),
    col("Targets", hpaTargets),
    col("MinPods", (o) => String(at(o, "spec.minReplicas") ?? 1)),
    col("MaxPods", int("spec.maxReplicas"), { type: "integer" }),
    col("Replicas", int("status.currentReplicas"), { type: "integer" }),
    ageColumn,
  ],
  "policy/PodDisruptionBudget": [
    col("Min Available", str("spec.minAvailable", "N/A")),
    col("Max Unavailable", str("spec.maxUnavailable", "N/A")),
    col("Allowed Disruptions", int("status.disruptionsAllowed"), { type: "integer" }),
    ageColumn,
  ],
  "coordination.k8s.io/Lease": [col("Holder", str("spec.holderIdentity", "")), ageColumn],
  "discovery.k8s.io/EndpointSlice": [
    col("AddressType", str("addressType", "")),
    col("Ports", (o) => arr(at(o, "ports")).map((p) => p.port ?? "<unset>").join(",") || "<unset>"),
    col(
      "Endpoints",
      (o) =>
        arr(at(o, "endpoints")).flatMap((e) => arr(e.addresses)).slice(0, 3).join(",") || "<unset>",
    ),
    ageColumn,
  ],
  "networking.k8s.io/Ingress": [
    col("Class", str("spec.ingressClassName")),
    col("Hosts", (o) => arr(at(o, "spec.rules")).map((r) => r.host ?? "*").join(",") || "*"),
    col(
      "Address",
      (o) => arr(at(o, "status.loadBalancer.ingress")).map((i) => i.ip ?? i.hostname).join(","),
    ),
    col("Ports", (o) => (arr(at(o, "spec.tls")).length ? "80, 443" : "80")),
    ageColumn,
  ],
  "networking.k8s.io/IngressClass": [
    col("Controller", str("spec.controller", "")),
    col(
      "Parameters",
      (
        o,
      ) => (at(o, "spec.parameters")
        ? `${at(o, "spec.parameters.kind")}/${at(o, "spec.parameters.name")}`
        : "<none>"),
    ),
    ageColumn,
  ],
  "networking.k8s.io/NetworkPolicy": [
    col("Pod-Selector", (o) => labelSelectorString(at(o, "spec.podSelector")) || "<none>"),
    ageColumn,
  ],
  // No AGE: upstream prints none for pod templates.
  "/PodTemplate": [
    ...containerCols("template.spec", 0),
    col("Pod Labels", (o) => formatLabels(at(o, "template.metadata.labels"))),
  ],
  "storage.k8s.io/StorageClass": [
    col("Provisioner", str("provisioner", "")),
    col("ReclaimPolicy", str("reclaimPolicy", "Delete")),
    col("VolumeBindingMode", str("volumeBindingMode", "Immediate")),
    col("AllowVolumeExpansion", (o) => String(at(o, "allowVolumeExpansion") === true)),
    ageColumn,
  ],
  "storage.k8s.io/CSIDriver": [
    col("AttachRequired", (o) => at(o, "spec.attachRequired") !== false, { type: "boolean" }),
    col("PodInfoOnMount", (o) => at(o, "spec.podInfoOnMount") === true, { type: "boolean" }),
    col("StorageCapacity", (o) => at(o, "spec.storageCapacity") === true, { type: "boolean" }),
    col("TokenRequests", (o) => {
      const requests = at(o, "spec.tokenRequests");
      return Array.isArray(requests)
        ? requests.map((r) => String((r as Record<string, unknown>)?.audience ?? "")).join(",")
        : "<unset>";
    }),
    col("RequiresRepublish", (o) => at(o, "spec.requiresRepublish") === true, { type: "boolean" }),
    col("Modes", (o) => arr(at(o, "spec.volumeLifecycleModes")).join(",") || "<none>"),
    ageColumn,
  ],
  "storage.k8s.io/CSINode": [
    col("Drivers", (o) => arr(at(o, "spec.drivers")).length, { type: "integer" }),
    ageColumn,
  ],
  "storage.k8s.io/VolumeAttachment": [
    col("Attacher", str("spec.attacher", "")),
    col("PV", str("spec.source.persistentVolumeName", "")),
    col("Node", str("spec.nodeName", "")),
    col("Attached", (o) => String(at(o, "status.attached") === true)),
    ageColumn,
  ],
  // No AGE: upstream prints none for storage capacities.
  "storage.k8s.io/CSIStorageCapacity": [
    col("StorageClassName", str("storageClassName", "")),
    col("Capacity", str("capacity", "<unset>")),
  ],
  "storage.k8s.io/VolumeAttributesClass": [col("DriverName", str("driverName", "")), ageColumn],
  "node.k8s.io/RuntimeClass": [col("Handler", str("handler", "")), ageColumn],
  "apiregistration.k8s.io/APIService": [
    col("Service", apiServiceService),
    col("Available", apiServiceAvailable),
    ageColumn,
  ],
  "flowcontrol.apiserver.k8s.io/FlowSchema": [
    col("PriorityLevel", str("spec.priorityLevelConfiguration.name", "")),
    col("MatchingPrecedence", (o) => at(o, "spec.matchingPrecedence") ?? 0, { type: "integer" }),
    col("DistinguisherMethod", str("spec.distinguisherMethod.type")),
    ageColumn,
    col("MissingPL", missingPriorityLevel),
  ],
  "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration": [
    col("Type", str("spec.type", "")),
    col("NominalConcurrencyShares", str("spec.limited.nominalConcurrencyShares")),
    col("Queues", str("spec.limited.limitResponse.queuing.queues")),
    col("HandSize", str("spec.limited.limitResponse.queuing.handSize")),
    col("QueueLengthLimit", str("spec.limited.limitResponse.queuing.queueLengthLimit")),
    ageColumn,
  ],
  "certificates.k8s.io/CertificateSigningRequest": [
    ageColumn,
    col("SignerName", str("spec.signerName")),
    col("Requestor", str("spec.username", "")),
    col("RequestedDuration", (o) => {
      const s = at(o, "spec.expirationSeconds");
      return typeof s === "number" ? humanDuration(s * 1000) : "<none>";
    }),
    col("Condition", csrCondition),
  ],
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy": [
    col("Validations", (o) => arr(at(o, "spec.validations")).length, { type: "integer" }),
    col("ParamKind", (o) => {
      const kind = at(o, "spec.paramKind");
      return kind ? `${at(kind, "apiVersion") ?? ""}/${at(kind, "kind") ?? ""}` : "<unset>";
    }),
    ageColumn,
  ],
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding": [
    col("PolicyName", str("spec.policyName", "")),
    col("ParamRef", (o) => {
      const ref = at(o, "spec.paramRef") as Record<string, unknown> | undefined;
      if (!ref) return "<unset>";
      // A name without a namespace may be cluster-scoped or in any namespace: upstream prints */.
      if (ref.name) return `${ref.namespace ? ref.namespace : "*"}/${ref.name}`;
      return ref.selector ? labelSelectorString(ref.selector) : "<unset>";
    }),
    ageColumn,
  ],
  "rbac.authorization.k8s.io/RoleBinding": bindingColumns,
  "rbac.authorization.k8s.io/ClusterRoleBinding": bindingColumns,
  "/ResourceQuota": [
    ageColumn,
    col("Request", (o) => quotaUsage(o, false)),
    col("Limit", (o) => quotaUsage(o, true)),
  ],
  "scheduling.k8s.io/PriorityClass": [
    col("Value", int("value"), { type: "integer" }),
    col("Global-Default", (o) => String(at(o, "globalDefault") === true)),
    ageColumn,
    col("PreemptionPolicy", str("preemptionPolicy", "")),
  ],
  "admissionregistration.k8s.io/MutatingWebhookConfiguration": [
    col("Webhooks", (o) => arr(at(o, "webhooks")).length, { type: "integer" }),
    ageColumn,
  ],
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration": [
    col("Webhooks", (o) => arr(at(o, "webhooks")).length, { type: "integer" }),
    ageColumn,
  ],
};

export const defaultColumns: TableColumn[] = [createdAt];

/**
 * An HPA's TARGETS cell as upstream prints it: per metric `current/target` (`cpu: 12%/80%`,
 * `<unknown>` before the controller has measured), the first two then `+ N more...`.
 */
function hpaTargets(o: unknown): string {
  const specs = arr(at(o, "spec.metrics"));
  if (specs.length === 0) return "<none>";
  const statuses = arr(at(o, "status.currentMetrics"));
  const q = (v: unknown) => (v === undefined || v === null ? "<unknown>" : String(v));
  const parts = specs.map((spec, i) => {
    const status = statuses[i];
    const field = ({
      Resource: "resource",
      ContainerResource: "containerResource",
      Pods: "pods",
      Object: "object",
      External: "external",
    } as Record<string, string>)[String(spec.type)];
    if (!field) return "<unknown type>";
    const target = (at(spec, `${field}.target`) ?? {}) as Obj;
    const current = (at(status, `${field}.current`) ?? undefined) as Obj | undefined;
    if (field === "resource" || field === "containerResource") {
      const name = String(at(spec, `${field}.name`) ?? "");
      if (target.averageValue !== undefined) {
        return `${name}: ${q(current?.averageValue)}/${target.averageValue}`;
      }
      const now = current?.averageUtilization;
      const want = target.averageUtilization;
      return `${name}: ${now === undefined ? "<unknown>" : `${now}%`}/${
        want === undefined ? "<auto>" : `${want}%`
      }`;
    }
    if (field === "pods") return `${q(current?.averageValue)}/${q(target.averageValue)}`;
    if (target.averageValue !== undefined) {
      return `${q(current?.averageValue)}/${target.averageValue} (avg)`;
    }
    return `${q(current?.value)}/${q(target.value)}`;
  });
  if (parts.length <= 2) return parts.join(", ");
  return `${parts.slice(0, 2).join(", ")} + ${parts.length - 2} more...`;
}

/**
 * A ResourceQuota's REQUEST or LIMIT cell: `name: used/hard` for each resource in `status.hard`
 * (the quota controller fills it), sorted by name; `limits.*` resources go to LIMIT.
 */
function quotaUsage(o: unknown, limits: boolean): string {
  const hard = (at(o, "status.hard") ?? {}) as Obj;
  const used = (at(o, "status.used") ?? {}) as Obj;
  return Object.keys(hard).sort()
    .filter((r) => (r.split(".").length > 1 && r.split(".")[0] === "limits") === limits)
    .map((r) => `${r}: ${used[r] ?? "0"}/${hard[r]}`)
    .join(", ");
}
