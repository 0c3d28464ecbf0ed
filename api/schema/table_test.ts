import assert from "node:assert/strict";
import { builtinResolver, createResolver, findKind, schemaTable } from "./table.ts";
import { REF_PREFIX, type Schema } from "./types.ts";
import { defaultsOverlay } from "./defaults_overlay.ts";

const CORE = "io.k8s.api.core.v1";
const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const APIEXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1";

function def(name: string): Schema {
  const d = builtinResolver.resolve(name);
  assert.ok(d, `definition ${name} exists`);
  return d;
}

function prop(defName: string, ...path: string[]): Schema {
  let s = def(defName);
  for (const p of path) {
    if (s.$ref && !s.properties) s = def(s.$ref);
    const next = s.properties?.[p];
    assert.ok(next, `${defName}.${path.join(".")}: property ${p}`);
    s = next;
  }
  return s;
}

/** Every schema node of the table, walking only schema positions (not property names). */
function* nodes(s: Schema): Generator<Schema> {
  yield s;
  if (s.items) yield* nodes(s.items);
  if (typeof s.additionalProperties === "object") yield* nodes(s.additionalProperties);
  for (const p of Object.values(s.properties ?? {})) yield* nodes(p);
  for (const list of [s.allOf, s.anyOf, s.oneOf]) for (const x of list ?? []) yield* nodes(x);
}

Deno.test("pod spec containers merge by name", () => {
  const c = prop(`${CORE}.Pod`, "spec", "containers");
  assert.equal(c.type, "array");
  assert.equal(c["x-kubernetes-patch-merge-key"], "name");
  assert.equal(c["x-kubernetes-patch-strategy"], "merge");
  assert.equal(c["x-kubernetes-list-type"], "map");
  assert.deepEqual(c["x-kubernetes-list-map-keys"], ["name"]);
  assert.equal(c.items?.$ref, `${REF_PREFIX}${CORE}.Container`);
  assert.deepEqual(def(`${CORE}.PodSpec`).required, ["containers"]);
});

Deno.test("container ports are a list map keyed by containerPort and protocol", () => {
  const ports = prop(`${CORE}.Container`, "ports");
  assert.deepEqual(ports["x-kubernetes-list-map-keys"], ["containerPort", "protocol"]);
  assert.equal(ports["x-kubernetes-patch-merge-key"], "containerPort");
  assert.equal(prop(`${CORE}.ContainerPort`, "protocol").default, "TCP");
});

Deno.test("deployment spec replicas is proto field 1 of type int32 defaulting to 1", () => {
  const r = prop("io.k8s.api.apps.v1.Deployment", "spec", "replicas");
  assert.equal(r["x-kno-proto"], 1);
  assert.equal(r["x-kno-proto-type"], "int32");
  assert.equal(r.type, "integer");
  assert.equal(r.format, "int32");
  assert.equal(r.default, 1);
  assert.equal(r["x-kno-omit-zero"], undefined, "a pointer is never omit-zero");
  const strategy = prop("io.k8s.api.apps.v1.DeploymentSpec", "strategy");
  assert.equal(strategy["x-kubernetes-patch-strategy"], "retainKeys");
  assert.deepEqual(strategy.default, {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
  });
});

Deno.test("volume sources are flattened into Volume but nested at proto field 2", () => {
  const v = def(`${CORE}.Volume`);
  const cm = prop(`${CORE}.Volume`, "configMap");
  assert.deepEqual(cm["x-kno-proto-via"], [2]);
  assert.equal(cm.$ref, `${REF_PREFIX}${CORE}.ConfigMapVolumeSource`);
  assert.equal(typeof cm["x-kno-proto"], "number");
  assert.equal(v.properties?.name?.["x-kno-proto"], 1);
  assert.equal(v.properties?.name?.["x-kno-proto-via"], undefined);
  assert.deepEqual(v.required, ["name"]);
  const eph = prop(`${CORE}.EphemeralContainer`, "image");
  assert.deepEqual(eph["x-kno-proto-via"], [1]);
  assert.equal(
    prop(`${CORE}.EphemeralContainer`, "targetContainerName")["x-kno-proto-via"],
    undefined,
  );
  assert.ok(prop(`${CORE}.PersistentVolumeSpec`, "hostPath")["x-kno-proto-via"]?.length === 1);
});

Deno.test("TypeMeta is flattened without proto numbers", () => {
  const pod = def(`${CORE}.Pod`);
  assert.deepEqual(pod.properties?.apiVersion, { type: "string" });
  assert.deepEqual(pod.properties?.kind, { type: "string" });
  assert.deepEqual(Object.keys(pod.properties ?? {}), [
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "status",
  ]);
  assert.equal(pod.properties?.metadata?.["x-kno-proto"], 1);
  assert.equal(pod.required, undefined);
});

Deno.test("secret data is a map of byte strings", () => {
  const data = prop(`${CORE}.Secret`, "data");
  assert.equal(data.type, "object");
  assert.deepEqual(data.additionalProperties, {
    type: "string",
    format: "byte",
    "x-kno-proto-type": "bytes",
  });
  assert.equal(data["x-kno-proto"], 2);
  assert.equal(prop(`${CORE}.Secret`, "type").default, "Opaque");
  assert.equal(prop(`${CORE}.ConfigMap`, "binaryData").additionalProperties !== undefined, true);
});

Deno.test("object meta facts", () => {
  assert.equal(prop(`${META}.ObjectMeta`, "name")["x-kno-proto"], 1);
  assert.equal(prop(`${META}.ObjectMeta`, "name")["x-kno-omit-zero"], true);
  const fin = prop(`${META}.ObjectMeta`, "finalizers");
  assert.equal(fin["x-kubernetes-patch-strategy"], "merge");
  assert.equal(fin["x-kno-proto"], 14);
  const owners = prop(`${META}.ObjectMeta`, "ownerReferences");
  assert.equal(owners["x-kubernetes-patch-merge-key"], "uid");
  assert.equal(prop(`${META}.ObjectMeta`, "creationTimestamp").$ref, `${REF_PREFIX}${META}.Time`);
  assert.equal(prop(`${META}.ObjectMeta`, "labels").additionalProperties !== undefined, true);
  assert.equal(def(`${META}.LabelSelector`)["x-kubernetes-struct-type"], "atomic");
});

Deno.test("special codecs and their JSON shapes", () => {
  assert.deepEqual(def("io.k8s.apimachinery.pkg.api.resource.Quantity"), {
    type: "string",
    format: "quantity",
    "x-kno-codec": "quantity",
  });
  const ios = def("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
  assert.equal(ios["x-kno-codec"], "intOrString");
  assert.equal(ios["x-kubernetes-int-or-string"], true);
  assert.equal(def(`${META}.Time`)["x-kno-codec"], "time");
  assert.equal(def(`${META}.Time`).format, "date-time");
  assert.equal(def(`${META}.MicroTime`)["x-kno-codec"], "microTime");
  assert.equal(def(`${META}.Duration`)["x-kno-codec"], "duration");
  assert.equal(def(`${META}.FieldsV1`)["x-kno-codec"], "fieldsV1");
  const raw = def("io.k8s.apimachinery.pkg.runtime.RawExtension");
  assert.equal(raw["x-kno-codec"], "rawExtension");
  assert.equal(raw["x-kubernetes-preserve-unknown-fields"], true);
  assert.equal(def(`${APIEXT}.JSON`)["x-kno-codec"], "json");
  const orBool = def(`${APIEXT}.JSONSchemaPropsOrBool`);
  assert.equal(orBool["x-kno-codec"], "schemaOrBool");
  assert.equal(orBool.properties?.Allows?.["x-kno-proto"], 1);
  assert.equal(orBool.properties?.Allows?.["x-kno-proto-type"], "bool");
  assert.equal(orBool.properties?.Schema?.["x-kno-proto"], 2);
  assert.equal(def(`${APIEXT}.JSONSchemaPropsOrArray`)["x-kno-codec"], "schemaOrArray");
  assert.equal(
    def(`${APIEXT}.JSONSchemaPropsOrStringArray`)["x-kno-codec"],
    "schemaOrStringArray",
  );
  const limits = prop(`${CORE}.ResourceRequirements`, "limits");
  assert.equal(
    (limits.additionalProperties as Schema).$ref,
    `${REF_PREFIX}io.k8s.apimachinery.pkg.api.resource.Quantity`,
  );
});

Deno.test("named slices wrapped in a message (Verbs, ExtraValue)", () => {
  const verbs = prop(`${META}.APIResource`, "verbs");
  assert.deepEqual(verbs["x-kno-proto-via"], [4]);
  assert.equal(verbs["x-kno-proto"], 1);
  const extra = prop("io.k8s.api.authentication.v1.UserInfo", "extra");
  assert.equal(extra["x-kno-proto"], 4);
  const value = extra.additionalProperties as Schema;
  assert.equal(value.type, "array");
  assert.equal(value["x-kno-proto"], 1);
});

Deno.test("CRD schema refers to JSONSchemaProps", () => {
  const s = prop(`${APIEXT}.CustomResourceDefinition`, "spec", "versions");
  assert.equal(s.items?.$ref, `${REF_PREFIX}${APIEXT}.CustomResourceDefinitionVersion`);
  const v3 = prop(`${APIEXT}.CustomResourceValidation`, "openAPIV3Schema");
  assert.equal(v3.$ref, `${REF_PREFIX}${APIEXT}.JSONSchemaProps`);
  assert.equal(v3["x-kno-proto"], 1);
  const props = prop(`${APIEXT}.JSONSchemaProps`, "properties");
  assert.equal(
    (props.additionalProperties as Schema).$ref,
    `${REF_PREFIX}${APIEXT}.JSONSchemaProps`,
  );
  assert.equal(prop(`${APIEXT}.JSONSchemaProps`, "$ref")["x-kno-proto"], 3);
});

Deno.test("kinds include every served kind, with their definitions", () => {
  const want: [string, string, string, boolean][] = [
    ["", "v1", "Pod", true],
    ["", "v1", "Service", true],
    ["", "v1", "ConfigMap", true],
    ["", "v1", "Secret", true],
    ["", "v1", "Namespace", true],
    ["", "v1", "Node", true],
    ["", "v1", "Event", true],
    ["", "v1", "ServiceAccount", true],
    ["", "v1", "PersistentVolumeClaim", true],
    ["apps", "v1", "Deployment", true],
    ["apps", "v1", "StatefulSet", true],
    ["apps", "v1", "DaemonSet", true],
    ["apps", "v1", "ReplicaSet", true],
    ["batch", "v1", "Job", true],
    ["batch", "v1", "CronJob", true],
    ["autoscaling", "v2", "HorizontalPodAutoscaler", true],
    ["autoscaling", "v1", "Scale", false],
    ["policy", "v1", "PodDisruptionBudget", true],
    ["policy", "v1", "Eviction", false],
    ["coordination.k8s.io", "v1", "Lease", true],
    ["discovery.k8s.io", "v1", "EndpointSlice", true],
    ["events.k8s.io", "v1", "Event", true],
    ["networking.k8s.io", "v1", "Ingress", true],
    ["networking.k8s.io", "v1", "NetworkPolicy", true],
    ["storage.k8s.io", "v1", "StorageClass", true],
    ["rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", true],
    ["rbac.authorization.k8s.io", "v1", "Role", true],
    ["scheduling.k8s.io", "v1", "PriorityClass", true],
    ["admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", true],
    ["authentication.k8s.io", "v1", "TokenRequest", false],
    ["authentication.k8s.io", "v1", "TokenReview", false],
    ["authentication.k8s.io", "v1", "SelfSubjectReview", false],
    ["authorization.k8s.io", "v1", "SelfSubjectAccessReview", false],
    ["authorization.k8s.io", "v1", "SubjectAccessReview", false],
    ["authorization.k8s.io", "v1", "LocalSubjectAccessReview", false],
    ["authorization.k8s.io", "v1", "SelfSubjectRulesReview", false],
    ["apiextensions.k8s.io", "v1", "CustomResourceDefinition", true],
    ["", "v1", "Status", false],
    ["", "v1", "DeleteOptions", false],
    ["meta.k8s.io", "v1", "DeleteOptions", false],
    ["apps", "v1", "DeleteOptions", false],
    ["", "v1", "WatchEvent", false],
  ];
  for (const [group, version, kind, hasList] of want) {
    const entry = findKind(schemaTable, { group, version, kind });
    assert.ok(entry, `kind ${group}/${version}/${kind}`);
    assert.ok(schemaTable.definitions[entry.definition], `definition of ${kind}`);
    assert.equal(entry.listDefinition !== undefined, hasList, `${kind} list`);
    const schema = builtinResolver.forKind({ group, version, kind });
    assert.ok(
      schema?.["x-kubernetes-group-version-kind"]?.some((g) =>
        g.group === group && g.version === version && g.kind === kind
      ),
    );
  }
  assert.equal(
    findKind(schemaTable, { group: "", version: "v1", kind: "Pod" })?.definition,
    `${CORE}.Pod`,
  );
  assert.equal(
    findKind(schemaTable, { group: "rbac.authorization.k8s.io", version: "v1", kind: "Role" })
      ?.definition,
    "io.k8s.api.rbac.v1.Role",
  );
  const podList = builtinResolver.forKind({ group: "", version: "v1", kind: "PodList" });
  assert.equal(podList, def(`${CORE}.PodList`));
  assert.equal(builtinResolver.forKind({ group: "apps", version: "v1", kind: "Pod" }), undefined);
});

Deno.test("every $ref resolves and no node carries a description", () => {
  let refs = 0;
  for (const [name, d] of Object.entries(schemaTable.definitions)) {
    for (const n of nodes(d)) {
      assert.equal(n.description, undefined, `description in ${name}`);
      if (n.$ref) {
        refs++;
        assert.ok(n.$ref.startsWith(REF_PREFIX), n.$ref);
        assert.ok(builtinResolver.resolve(n.$ref), `${name}: ${n.$ref}`);
      }
    }
    assert.ok(d.type === "object" || d["x-kno-codec"], `${name} is an object or special`);
  }
  assert.ok(refs > 900);
  assert.ok(schemaTable.sources?.["kubernetes/api"]?.match(/^[0-9a-f]{40}$/));
});

Deno.test("every overlay default is in the table", () => {
  for (const [defName, props] of Object.entries(defaultsOverlay)) {
    for (const [p, value] of Object.entries(props)) {
      assert.deepEqual(prop(defName, p).default, value, `${defName}.${p}`);
    }
  }
  assert.equal(prop(`${CORE}.PodSpec`, "dnsPolicy").default, "ClusterFirst");
  assert.equal(prop(`${CORE}.Probe`, "periodSeconds").default, 10);
  assert.equal(prop("io.k8s.api.batch.v1.CronJobSpec", "successfulJobsHistoryLimit").default, 3);
});

Deno.test("createResolver resolves refs and bare names, and nothing else", () => {
  const r = createResolver({
    definitions: { "a.B": { type: "object", properties: { x: { type: "string" } } } },
    kinds: [{ group: "g", version: "v1", kind: "B", definition: "a.B" }],
  });
  assert.equal(r.resolve(`${REF_PREFIX}a.B`)?.type, "object");
  assert.equal(r.resolve("a.B")?.type, "object");
  assert.equal(r.resolve("a.C"), undefined);
  assert.equal(r.resolve("constructor"), undefined);
  assert.equal(r.forKind({ group: "g", version: "v1", kind: "B" })?.type, "object");
  assert.equal(r.forKind({ group: "g", version: "v2", kind: "B" }), undefined);
});
