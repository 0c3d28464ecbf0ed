/**
 * The built-in kinds, one data row each. Everything the generic REST machinery, discovery,
 * OpenAPI and printing need comes from these rows plus the schema table.
 */
import type { SchemaResolver } from "../../api/schema/types.ts";
import { builtinColumns, defaultColumns } from "./columns.ts";
import { at } from "./columns.ts";
import {
  ALL_VERBS,
  type KubeObject,
  type ResourceHooks,
  type ResourceType,
  type Verb,
} from "./types.ts";

interface Row {
  g: string;
  v: string;
  kind: string;
  res: string;
  cluster?: boolean;
  short?: string[];
  cat?: string[];
  sub?: string[];
  scale?: ResourceType["scale"];
  /** Field selectors read at their own path, or computed (a reader) when upstream derives them. */
  fields?: (string | [string, (obj: KubeObject) => string | undefined])[];
  /** `metadata.generation` is not kept (upstream's strategy for the kind never sets it). */
  noGeneration?: boolean;
  /** Writes through the subresources change the metadata they send (upstream's strategy for
   * the kind keeps it), not only the subresource's field. */
  subMeta?: boolean;
  verbs?: Verb[];
}

const replicasScale = (selector = ".status.selector"): ResourceType["scale"] => ({
  specReplicasPath: ".spec.replicas",
  statusReplicasPath: ".status.replicas",
  labelSelectorPath: selector,
});

const ROWS: Row[] = [
  {
    g: "",
    v: "v1",
    kind: "Namespace",
    res: "namespaces",
    cluster: true,
    short: ["ns"],
    sub: ["finalize", "status"],
    fields: ["status.phase"],
    noGeneration: true,
  },
  {
    g: "",
    v: "v1",
    kind: "Pod",
    res: "pods",
    short: ["po"],
    cat: ["all"],
    sub: ["binding", "ephemeralcontainers", "eviction", "status"],
    fields: [
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.nominatedNodeName",
    ],
  },
  {
    g: "",
    v: "v1",
    kind: "Service",
    res: "services",
    short: ["svc"],
    cat: ["all"],
    sub: ["status"],
    fields: ["spec.clusterIP", "spec.type"],
    noGeneration: true,
  },
  { g: "", v: "v1", kind: "Endpoints", res: "endpoints", short: ["ep"], noGeneration: true },
  { g: "", v: "v1", kind: "ConfigMap", res: "configmaps", short: ["cm"], noGeneration: true },
  { g: "", v: "v1", kind: "Secret", res: "secrets", noGeneration: true, fields: ["type"] },
  {
    g: "",
    v: "v1",
    kind: "ServiceAccount",
    res: "serviceaccounts",
    short: ["sa"],
    noGeneration: true,
    sub: ["token"],
  },
  {
    g: "",
    v: "v1",
    kind: "Node",
    res: "nodes",
    cluster: true,
    short: ["no"],
    sub: ["status"],
    fields: ["spec.unschedulable"],
    noGeneration: true,
  },
  {
    g: "",
    v: "v1",
    kind: "Event",
    res: "events",
    short: ["ev"],
    noGeneration: true,
    fields: [
      "involvedObject.kind",
      "involvedObject.namespace",
      "involvedObject.name",
      "involvedObject.uid",
      "involvedObject.apiVersion",
      "involvedObject.resourceVersion",
      "involvedObject.fieldPath",
      "reason",
      "reportingComponent",
      // Upstream: the source's component, else the reporting controller.
      ["source", (o) => {
        const component = at(o, "source.component");
        return String(component || (at(o, "reportingComponent") ?? ""));
      }],
      "type",
    ],
  },
  {
    g: "",
    v: "v1",
    kind: "PersistentVolume",
    res: "persistentvolumes",
    cluster: true,
    short: ["pv"],
    sub: ["status"],
    noGeneration: true,
  },
  {
    g: "",
    v: "v1",
    kind: "PersistentVolumeClaim",
    res: "persistentvolumeclaims",
    short: ["pvc"],
    sub: ["status"],
    noGeneration: true,
  },
  {
    g: "",
    v: "v1",
    kind: "ResourceQuota",
    res: "resourcequotas",
    short: ["quota"],
    sub: ["status"],
    noGeneration: true,
  },
  { g: "", v: "v1", kind: "LimitRange", res: "limitranges", short: ["limits"], noGeneration: true },
  { g: "", v: "v1", kind: "PodTemplate", res: "podtemplates" },
  {
    g: "",
    v: "v1",
    kind: "ReplicationController",
    res: "replicationcontrollers",
    short: ["rc"],
    cat: ["all"],
    sub: ["status", "scale"],
    scale: replicasScale(),
    fields: ["status.replicas"],
  },
  {
    g: "apps",
    v: "v1",
    kind: "Deployment",
    res: "deployments",
    short: ["deploy"],
    cat: ["all"],
    sub: ["status", "scale"],
    scale: replicasScale(),
  },
  {
    g: "apps",
    v: "v1",
    kind: "ReplicaSet",
    res: "replicasets",
    short: ["rs"],
    cat: ["all"],
    sub: ["status", "scale"],
    scale: replicasScale(),
    fields: ["status.replicas"],
  },
  {
    g: "apps",
    v: "v1",
    kind: "StatefulSet",
    res: "statefulsets",
    short: ["sts"],
    cat: ["all"],
    sub: ["status", "scale"],
    scale: replicasScale(),
  },
  {
    g: "apps",
    v: "v1",
    kind: "DaemonSet",
    res: "daemonsets",
    short: ["ds"],
    cat: ["all"],
    sub: ["status"],
  },
  {
    g: "apps",
    v: "v1",
    kind: "ControllerRevision",
    res: "controllerrevisions",
    noGeneration: true,
  },
  {
    g: "batch",
    v: "v1",
    kind: "Job",
    res: "jobs",
    cat: ["all"],
    sub: ["status"],
    fields: ["status.successful"],
  },
  {
    g: "batch",
    v: "v1",
    kind: "CronJob",
    res: "cronjobs",
    short: ["cj"],
    cat: ["all"],
    sub: ["status"],
  },
  // Served from the v2 objects' store (kinds/hpa_v1.ts), for charts and clients written for v1.
  {
    g: "autoscaling",
    v: "v1",
    kind: "HorizontalPodAutoscaler",
    res: "horizontalpodautoscalers",
    short: ["hpa"],
    cat: ["all"],
    sub: ["status"],
    noGeneration: true,
  },
  {
    g: "autoscaling",
    v: "v2",
    kind: "HorizontalPodAutoscaler",
    res: "horizontalpodautoscalers",
    short: ["hpa"],
    cat: ["all"],
    sub: ["status"],
    noGeneration: true,
  },
  {
    g: "policy",
    v: "v1",
    kind: "PodDisruptionBudget",
    res: "poddisruptionbudgets",
    short: ["pdb"],
    sub: ["status"],
  },
  { g: "coordination.k8s.io", v: "v1", kind: "Lease", res: "leases", noGeneration: true },
  {
    g: "discovery.k8s.io",
    v: "v1",
    kind: "EndpointSlice",
    res: "endpointslices",
    fields: ["addressType"],
  },
  { g: "events.k8s.io", v: "v1", kind: "Event", res: "events", short: ["ev"], noGeneration: true },
  {
    g: "networking.k8s.io",
    v: "v1",
    kind: "Ingress",
    res: "ingresses",
    short: ["ing"],
    sub: ["status"],
  },
  { g: "networking.k8s.io", v: "v1", kind: "IngressClass", res: "ingressclasses", cluster: true },
  {
    g: "networking.k8s.io",
    v: "v1",
    kind: "NetworkPolicy",
    res: "networkpolicies",
    short: ["netpol"],
  },
  {
    g: "storage.k8s.io",
    v: "v1",
    kind: "StorageClass",
    res: "storageclasses",
    cluster: true,
    short: ["sc"],
    noGeneration: true,
  },
  {
    g: "storage.k8s.io",
    v: "v1",
    kind: "CSIDriver",
    res: "csidrivers",
    cluster: true,
    noGeneration: true,
  },
  {
    g: "storage.k8s.io",
    v: "v1",
    kind: "CSINode",
    res: "csinodes",
    cluster: true,
    noGeneration: true,
  },
  {
    g: "storage.k8s.io",
    v: "v1",
    kind: "VolumeAttachment",
    res: "volumeattachments",
    cluster: true,
    sub: ["status"],
    noGeneration: true,
  },
  {
    g: "storage.k8s.io",
    v: "v1",
    kind: "CSIStorageCapacity",
    res: "csistoragecapacities",
    noGeneration: true,
  },
  {
    g: "storage.k8s.io",
    v: "v1",
    kind: "VolumeAttributesClass",
    res: "volumeattributesclasses",
    cluster: true,
    short: ["vac"],
    noGeneration: true,
  },
  {
    g: "node.k8s.io",
    v: "v1",
    kind: "RuntimeClass",
    res: "runtimeclasses",
    cluster: true,
    noGeneration: true,
  },
  {
    g: "certificates.k8s.io",
    v: "v1",
    kind: "CertificateSigningRequest",
    res: "certificatesigningrequests",
    cluster: true,
    short: ["csr"],
    sub: ["approval", "status"],
    fields: ["spec.signerName"],
    noGeneration: true,
    subMeta: true,
  },
  {
    g: "apiregistration.k8s.io",
    v: "v1",
    kind: "APIService",
    res: "apiservices",
    cluster: true,
    cat: ["api-extensions"],
    sub: ["status"],
    noGeneration: true,
  },
  {
    g: "flowcontrol.apiserver.k8s.io",
    v: "v1",
    kind: "FlowSchema",
    res: "flowschemas",
    cluster: true,
    sub: ["status"],
  },
  {
    g: "flowcontrol.apiserver.k8s.io",
    v: "v1",
    kind: "PriorityLevelConfiguration",
    res: "prioritylevelconfigurations",
    cluster: true,
    sub: ["status"],
  },
  {
    g: "rbac.authorization.k8s.io",
    v: "v1",
    kind: "ClusterRole",
    res: "clusterroles",
    cluster: true,
    noGeneration: true,
  },
  {
    g: "rbac.authorization.k8s.io",
    v: "v1",
    kind: "ClusterRoleBinding",
    res: "clusterrolebindings",
    cluster: true,
    noGeneration: true,
  },
  { g: "rbac.authorization.k8s.io", v: "v1", kind: "Role", res: "roles", noGeneration: true },
  {
    g: "rbac.authorization.k8s.io",
    v: "v1",
    kind: "RoleBinding",
    res: "rolebindings",
    noGeneration: true,
  },
  {
    g: "scheduling.k8s.io",
    v: "v1",
    kind: "PriorityClass",
    res: "priorityclasses",
    cluster: true,
    short: ["pc"],
    noGeneration: true,
  },
  {
    g: "apiextensions.k8s.io",
    v: "v1",
    kind: "CustomResourceDefinition",
    res: "customresourcedefinitions",
    cluster: true,
    short: ["crd", "crds"],
    cat: ["api-extensions"],
    sub: ["status"],
  },
  {
    g: "admissionregistration.k8s.io",
    v: "v1",
    kind: "MutatingWebhookConfiguration",
    res: "mutatingwebhookconfigurations",
    cluster: true,
    cat: ["api-extensions"],
  },
  {
    g: "admissionregistration.k8s.io",
    v: "v1",
    kind: "ValidatingWebhookConfiguration",
    res: "validatingwebhookconfigurations",
    cluster: true,
    cat: ["api-extensions"],
  },
  {
    g: "admissionregistration.k8s.io",
    v: "v1",
    kind: "ValidatingAdmissionPolicy",
    res: "validatingadmissionpolicies",
    cluster: true,
    cat: ["api-extensions"],
    sub: ["status"],
  },
  {
    g: "admissionregistration.k8s.io",
    v: "v1",
    kind: "ValidatingAdmissionPolicyBinding",
    res: "validatingadmissionpolicybindings",
    cluster: true,
    cat: ["api-extensions"],
  },
  // A pod's assignment to a node, created here or as pods/binding and stored by none: the pod
  // gets the node (answered by a hook in server/).
  { g: "", v: "v1", kind: "Binding", res: "bindings", verbs: ["create"], noGeneration: true },
  // Review kinds: served for create only and stored by none (answered by hooks in server/).
  {
    g: "authentication.k8s.io",
    v: "v1",
    kind: "SelfSubjectReview",
    res: "selfsubjectreviews",
    cluster: true,
    verbs: ["create"],
  },
  {
    g: "authentication.k8s.io",
    v: "v1",
    kind: "TokenReview",
    res: "tokenreviews",
    cluster: true,
    verbs: ["create"],
  },
  {
    g: "authorization.k8s.io",
    v: "v1",
    kind: "SelfSubjectAccessReview",
    res: "selfsubjectaccessreviews",
    cluster: true,
    verbs: ["create"],
  },
  {
    g: "authorization.k8s.io",
    v: "v1",
    kind: "SelfSubjectRulesReview",
    res: "selfsubjectrulesreviews",
    cluster: true,
    verbs: ["create"],
  },
  {
    g: "authorization.k8s.io",
    v: "v1",
    kind: "SubjectAccessReview",
    res: "subjectaccessreviews",
    cluster: true,
    verbs: ["create"],
  },
  {
    g: "authorization.k8s.io",
    v: "v1",
    kind: "LocalSubjectAccessReview",
    res: "localsubjectaccessreviews",
    verbs: ["create"],
  },
];

/** Kind-specific behaviour, keyed "group/Kind" (core: "/Kind"). Filled in by server/. */
export type HookTable = Record<string, ResourceHooks>;

export function fieldReader(path: string) {
  return (obj: KubeObject): string | undefined => {
    const v = at(obj, path);
    if (v === undefined || v === null) return undefined;
    return String(v);
  };
}

export function builtinResourceTypes(
  resolver: SchemaResolver,
  hooks: HookTable = {},
): ResourceType[] {
  return ROWS.map((r) => typeOfRow(r, resolver, hooks));
}

/**
 * A kind that is only ever a subresource's body (TokenRequest), as a row the generic decoding
 * and admission can take: served at no path of its own, stored by none.
 */
export function subresourceKindType(
  resolver: SchemaResolver,
  gvk: { group: string; version: string; kind: string },
): ResourceType {
  return typeOfRow(
    {
      g: gvk.group,
      v: gvk.version,
      kind: gvk.kind,
      res: "",
      verbs: ["create"],
      noGeneration: true,
    },
    resolver,
    {},
  );
}

function typeOfRow(r: Row, resolver: SchemaResolver, hooks: HookTable): ResourceType {
  const key = `${r.g}/${r.kind}`;
  const gvk = { group: r.g, version: r.v, kind: r.kind };
  const fieldSelectors: ResourceType["fieldSelectors"] = {};
  for (const f of r.fields ?? []) {
    if (typeof f === "string") fieldSelectors[f] = fieldReader(f);
    else fieldSelectors[f[0]] = f[1];
  }
  const t: ResourceType = {
    group: r.g,
    version: r.v,
    kind: r.kind,
    listKind: `${r.kind}List`,
    resource: r.res,
    singular: r.kind.toLowerCase(),
    namespaced: !r.cluster,
    shortNames: r.short ?? [],
    categories: r.cat ?? [],
    verbs: r.verbs ?? ALL_VERBS,
    subresources: r.sub ?? [],
    fieldSelectors,
    columns: builtinColumns[key] ?? defaultColumns,
    schema: () => resolver.forKind(gvk),
    resolver,
    tracksGeneration: !r.noGeneration,
    hasStatus: (r.sub ?? []).includes("status"),
    storagePrefix: `${r.g || "core"}/${r.res}`,
    storageVersion: r.v,
  };
  if (r.scale) t.scale = r.scale;
  if (r.subMeta) t.subresourcesWriteMetadata = true;
  const h = hooks[key];
  if (h) t.hooks = h;
  return t;
}
