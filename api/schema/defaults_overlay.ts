/**
 * Static defaults the Kubernetes API server applies to built-in types, which upstream sets in
 * code rather than with `+default` markers. The generator writes them into `table.json` as
 * `default` on the named properties, so generic defaulting (applied where a property is absent)
 * gives kubectl users the objects they expect.
 *
 * Only unconditional defaults belong here. Defaults that depend on other fields (a container's
 * imagePullPolicy on its image tag, a Job's completions/parallelism when both are unset, a
 * Deployment's rollingUpdate when only `type` is given, a Service's traffic policies by
 * type, resource requests copied from limits, …) are applied by code.
 *
 * Keys: definition name → property name → default value.
 */

const CORE = "io.k8s.api.core.v1";
const APPS = "io.k8s.api.apps.v1";
const BATCH = "io.k8s.api.batch.v1";
const ADMISSION = "io.k8s.api.admissionregistration.v1";
const APIEXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";

const containerDefaults = {
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File",
};

const webhookDefaults = {
  failurePolicy: "Fail",
  matchPolicy: "Equivalent",
  namespaceSelector: {},
  objectSelector: {},
  timeoutSeconds: 10,
};

export const defaultsOverlay: Record<string, Record<string, unknown>> = {
  // core/v1: pods and containers
  [`${CORE}.PodSpec`]: {
    restartPolicy: "Always",
    dnsPolicy: "ClusterFirst",
    terminationGracePeriodSeconds: 30,
    schedulerName: "default-scheduler",
    securityContext: {},
    enableServiceLinks: true,
  },
  [`${CORE}.Container`]: containerDefaults,
  [`${CORE}.EphemeralContainer`]: containerDefaults,
  [`${CORE}.ContainerPort`]: { protocol: "TCP" },
  [`${CORE}.Probe`]: {
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  },
  [`${CORE}.HTTPGetAction`]: { scheme: "HTTP" },
  [`${CORE}.ObjectFieldSelector`]: { apiVersion: "v1" },
  // core/v1: volumes
  [`${CORE}.ConfigMapVolumeSource`]: { defaultMode: 420 },
  [`${CORE}.SecretVolumeSource`]: { defaultMode: 420 },
  [`${CORE}.ProjectedVolumeSource`]: { defaultMode: 420 },
  [`${CORE}.DownwardAPIVolumeSource`]: { defaultMode: 420 },
  [`${CORE}.HostPathVolumeSource`]: { type: "" },
  [`${CORE}.ServiceAccountTokenProjection`]: { expirationSeconds: 3600 },
  [`${CORE}.PersistentVolumeClaimSpec`]: { volumeMode: "Filesystem" },
  [`${CORE}.PersistentVolumeSpec`]: {
    persistentVolumeReclaimPolicy: "Retain",
    volumeMode: "Filesystem",
  },
  // core/v1: services, secrets, controllers
  [`${CORE}.ServiceSpec`]: { type: "ClusterIP", sessionAffinity: "None" },
  [`${CORE}.ServicePort`]: { protocol: "TCP" },
  [`${CORE}.EndpointPort`]: { protocol: "TCP" },
  [`${CORE}.Secret`]: { type: "Opaque" },
  [`${CORE}.ReplicationControllerSpec`]: { replicas: 1 },
  // apps/v1
  [`${APPS}.DeploymentSpec`]: {
    replicas: 1,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
  },
  [`${APPS}.RollingUpdateDeployment`]: { maxUnavailable: "25%", maxSurge: "25%" },
  [`${APPS}.ReplicaSetSpec`]: { replicas: 1 },
  [`${APPS}.StatefulSetSpec`]: {
    replicas: 1,
    podManagementPolicy: "OrderedReady",
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
    revisionHistoryLimit: 10,
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
  },
  [`${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`]: {
    whenDeleted: "Retain",
    whenScaled: "Retain",
  },
  [`${APPS}.DaemonSetSpec`]: {
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
  },
  // batch/v1 (a JobSpec's own defaults are a Job's only, not a CronJob's jobTemplate's: code)
  [`${BATCH}.CronJobSpec`]: {
    concurrencyPolicy: "Allow",
    suspend: false,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
  },
  // autoscaling
  ["io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec"]: { minReplicas: 1 },
  ["io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec"]: { minReplicas: 1 },
  // networking, discovery
  ["io.k8s.api.networking.v1.NetworkPolicyPort"]: { protocol: "TCP" },
  ["io.k8s.api.discovery.v1.EndpointPort"]: { protocol: "TCP" },
  // storage, scheduling
  ["io.k8s.api.storage.v1.StorageClass"]: {
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  },
  ["io.k8s.api.storage.v1.CSIDriverSpec"]: {
    attachRequired: true,
    podInfoOnMount: false,
    storageCapacity: false,
    fsGroupPolicy: "ReadWriteOnceWithFSType",
    requiresRepublish: false,
    volumeLifecycleModes: ["Persistent"],
    seLinuxMount: false,
  },
  ["io.k8s.api.scheduling.v1.PriorityClass"]: { preemptionPolicy: "PreemptLowerPriority" },
  // authentication
  ["io.k8s.api.authentication.v1.TokenRequestSpec"]: { expirationSeconds: 3600 },
  // admissionregistration/v1
  [`${ADMISSION}.ValidatingWebhook`]: webhookDefaults,
  [`${ADMISSION}.MutatingWebhook`]: { ...webhookDefaults, reinvocationPolicy: "Never" },
  [`${ADMISSION}.RuleWithOperations`]: { scope: "*" },
  [`${ADMISSION}.ServiceReference`]: { port: 443 },
  // apiextensions/v1
  [`${APIEXT}.CustomResourceDefinitionSpec`]: { conversion: { strategy: "None" } },
  [`${APIEXT}.CustomResourceConversion`]: { strategy: "None" },
  [`${APIEXT}.ServiceReference`]: { port: 443 },
};
