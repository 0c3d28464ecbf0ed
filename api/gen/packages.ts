/**
 * Which upstream packages the table covers, the API group each one serves, and the structs
 * that seed the definitions (everything they reference is pulled in transitively).
 */

export const META = "k8s.io/apimachinery/pkg/apis/meta/v1";

export interface ApiPackage {
  importPath: string;
  /** API group ("" for core); undefined for packages that serve no kinds. */
  group?: string;
  version?: string;
  /** Seed only these structs; all structs of the `types*.go` files when absent. */
  only?: string[];
  /** Extra structs to seed besides those of the `types*.go` files. */
  extra?: string[];
}

const api = (dir: string, group: string): ApiPackage => ({
  importPath: `k8s.io/api/${dir}`,
  group,
  version: dir.split("/")[1] ?? "",
});

export const API_PACKAGES: ApiPackage[] = [
  api("core/v1", ""),
  api("apps/v1", "apps"),
  api("batch/v1", "batch"),
  api("autoscaling/v1", "autoscaling"),
  api("autoscaling/v2", "autoscaling"),
  api("policy/v1", "policy"),
  api("coordination/v1", "coordination.k8s.io"),
  api("discovery/v1", "discovery.k8s.io"),
  api("events/v1", "events.k8s.io"),
  api("networking/v1", "networking.k8s.io"),
  api("storage/v1", "storage.k8s.io"),
  api("rbac/v1", "rbac.authorization.k8s.io"),
  api("scheduling/v1", "scheduling.k8s.io"),
  api("node/v1", "node.k8s.io"),
  api("certificates/v1", "certificates.k8s.io"),
  api("flowcontrol/v1", "flowcontrol.apiserver.k8s.io"),
  api("admissionregistration/v1", "admissionregistration.k8s.io"),
  api("authentication/v1", "authentication.k8s.io"),
  api("authorization/v1", "authorization.k8s.io"),
  {
    importPath: "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1",
    group: "apiextensions.k8s.io",
    version: "v1",
  },
  {
    importPath: "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1",
    group: "apiregistration.k8s.io",
    version: "v1",
  },
  { importPath: META, extra: ["WatchEvent", "Time", "MicroTime", "Duration"] },
  { importPath: "k8s.io/apimachinery/pkg/api/resource", only: ["Quantity"] },
  { importPath: "k8s.io/apimachinery/pkg/util/intstr", only: ["IntOrString"] },
  { importPath: "k8s.io/apimachinery/pkg/runtime", only: ["RawExtension", "Unknown"] },
];

/**
 * Kinds served without a `<Kind>List`: request/review bodies and subresource bodies.
 * (Registered kinds otherwise are recognised by their list sibling.)
 */
export const KINDS_WITHOUT_LIST = new Set([
  "TokenRequest",
  "TokenReview",
  "SelfSubjectReview",
  "SelfSubjectAccessReview",
  "SubjectAccessReview",
  "LocalSubjectAccessReview",
  "SelfSubjectRulesReview",
  "Scale",
  "Eviction",
  "Binding",
]);
