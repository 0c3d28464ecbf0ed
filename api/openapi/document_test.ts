import assert from "node:assert/strict";
import { buildOpenApiV3Document, type OpenApiV3Document } from "./document.ts";
import { crdDefinitionName } from "./crd.ts";
import { builtinResolver, schemaTable } from "../schema/table.ts";
import { REF_PREFIX, type Schema } from "../schema/types.ts";

type Json = Record<string, unknown>;

/** Every node of a JSON value, with its path. */
function* nodes(value: unknown, path = "$"): Generator<[string, Json]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* nodes(v, `${path}[${i}]`);
  } else if (value !== null && typeof value === "object") {
    yield [path, value as Json];
    for (const [k, v] of Object.entries(value)) yield* nodes(v, `${path}.${k}`);
  }
}

/** Structural checks every served document must pass. */
function assertWellFormed(doc: OpenApiV3Document): void {
  assert.equal(doc.openapi, "3.0.0");
  assert.equal(doc.info.title, "Kubernetes");
  const text = JSON.stringify(doc);
  assert.equal(text.includes("x-kno-"), false, "no x-kno keys are served");
  for (const [path, node] of nodes(doc)) {
    if (typeof node.$ref !== "string") continue;
    assert.deepEqual(Object.keys(node), ["$ref"], `$ref stands alone at ${path}`);
    const name = node.$ref.slice(REF_PREFIX.length);
    assert.ok(
      node.$ref.startsWith(REF_PREFIX) && doc.components.schemas[name],
      `${node.$ref} resolves`,
    );
  }
}

const schemas = (doc: OpenApiV3Document) => doc.components.schemas as Record<string, Json>;
const prop = (def: Json | undefined, name: string) =>
  (def?.properties as Record<string, Json> | undefined)?.[name];

Deno.test("apps/v1 document from the table", () => {
  const doc = buildOpenApiV3Document({
    groupVersion: "apps/v1",
    resolver: builtinResolver,
    kinds: [
      {
        schema: { $ref: REF_PREFIX + "io.k8s.api.apps.v1.Deployment" },
        definitionName: "io.k8s.api.apps.v1.Deployment",
        listDefinitionName: "io.k8s.api.apps.v1.DeploymentList",
        gvk: { group: "apps", version: "v1", kind: "Deployment" },
        namespaced: true,
        resource: "deployments",
        subresources: [
          { name: "status", verbs: ["get", "patch", "update"] },
          {
            name: "scale",
            verbs: ["get", "patch", "update"],
            definitionName: "io.k8s.api.autoscaling.v1.Scale",
            gvk: { group: "autoscaling", version: "v1", kind: "Scale" },
          },
        ],
      },
      {
        schema: { $ref: REF_PREFIX + "io.k8s.api.apps.v1.DaemonSet" },
        definitionName: "io.k8s.api.apps.v1.DaemonSet",
        listDefinitionName: "io.k8s.api.apps.v1.DaemonSetList",
        gvk: { group: "apps", version: "v1", kind: "DaemonSet" },
        namespaced: true,
        resource: "daemonsets",
      },
    ],
  });
  assertWellFormed(doc);
  const s = schemas(doc);
  const deployment = s["io.k8s.api.apps.v1.Deployment"];
  assert.deepEqual(deployment?.["x-kubernetes-group-version-kind"], [
    { group: "apps", version: "v1", kind: "Deployment" },
  ]);
  assert.deepEqual(s["io.k8s.api.apps.v1.DeploymentList"]?.["x-kubernetes-group-version-kind"], [
    { group: "apps", version: "v1", kind: "DeploymentList" },
  ]);
  const containers = prop(s["io.k8s.api.core.v1.PodSpec"], "containers");
  assert.equal(containers?.["x-kubernetes-patch-merge-key"], "name");
  assert.equal(containers?.["x-kubernetes-patch-strategy"], "merge");
  assert.equal(containers?.["x-kubernetes-list-type"], "map");
  assert.deepEqual(prop(s["io.k8s.api.apps.v1.DeploymentSpec"], "strategy"), {
    allOf: [{ $ref: REF_PREFIX + "io.k8s.api.apps.v1.DeploymentStrategy" }],
    default: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
    "x-kubernetes-patch-strategy": "retainKeys",
  });
  for (const name of ["ObjectMeta", "ListMeta", "Status", "DeleteOptions", "Patch", "WatchEvent"]) {
    assert.ok(s[`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`], name);
  }
  assert.ok(s["io.k8s.api.autoscaling.v1.Scale"], "the scale subresource's schema");
  assert.ok(s["io.k8s.apimachinery.pkg.api.resource.Quantity"], "transitively referenced");

  const item = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"] as Record<
    string,
    Json
  >;
  assert.deepEqual(Object.keys(item).sort(), ["delete", "get", "parameters", "patch", "put"]);
  const gvk = { group: "apps", kind: "Deployment", version: "v1" };
  assert.equal(item.get?.["x-kubernetes-action"], "get");
  assert.deepEqual(item.get?.["x-kubernetes-group-version-kind"], gvk);
  assert.equal(item.get?.operationId, "readAppsV1NamespacedDeployment");
  const okSchema = (op: Json | undefined, code = "200") =>
    ((op?.responses as Record<string, Json>)[code]?.content as Record<string, Json>)[
      "application/json"
    ]
      ?.schema;
  assert.deepEqual(okSchema(item.get), { $ref: REF_PREFIX + "io.k8s.api.apps.v1.Deployment" });
  assert.deepEqual(okSchema(item.delete), {
    $ref: REF_PREFIX + "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
  });
  const patchTypes = Object.keys((item.patch?.requestBody as Json).content as Json);
  assert.ok(patchTypes.includes("application/strategic-merge-patch+json"));
  assert.ok(patchTypes.includes("application/apply-patch+yaml"));
  assert.equal(item.patch?.["x-kubernetes-action"], "patch");
  assert.equal(item.put?.["x-kubernetes-action"], "put");

  const collection = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments"] as Record<
    string,
    Json
  >;
  assert.equal(collection.get?.["x-kubernetes-action"], "list");
  assert.deepEqual(okSchema(collection.get), {
    $ref: REF_PREFIX + "io.k8s.api.apps.v1.DeploymentList",
  });
  assert.equal(collection.post?.["x-kubernetes-action"], "post");
  assert.equal(collection.delete?.["x-kubernetes-action"], "deletecollection");
  const scale = doc
    .paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"] as Record<string, Json>;
  assert.deepEqual(okSchema(scale.get), { $ref: REF_PREFIX + "io.k8s.api.autoscaling.v1.Scale" });
  assert.deepEqual((scale.get as Json)["x-kubernetes-group-version-kind"], {
    group: "autoscaling",
    kind: "Scale",
    version: "v1",
  });
  assert.equal((scale.put as Json).operationId, "replaceAppsV1NamespacedDeploymentScale");
  assert.equal(scale.post, undefined, "scale is not created");
  const watch = doc.paths["/apis/apps/v1/watch/namespaces/{namespace}/daemonsets/{name}"] as Record<
    string,
    Json
  >;
  assert.equal(watch.get?.["x-kubernetes-action"], "watch");
  assert.ok(doc.paths["/apis/apps/v1/deployments"], "list across namespaces");
  assert.ok(doc.paths["/apis/apps/v1/"], "the group-version's resource list");
});

Deno.test("core/v1 document: cluster-scoped kinds and verbs", () => {
  const doc = buildOpenApiV3Document({
    groupVersion: "v1",
    resolver: builtinResolver,
    version: "v1.35.0+kno.1",
    kinds: [{
      schema: { $ref: REF_PREFIX + "io.k8s.api.core.v1.Namespace" },
      definitionName: "io.k8s.api.core.v1.Namespace",
      listDefinitionName: "io.k8s.api.core.v1.NamespaceList",
      gvk: { group: "", version: "v1", kind: "Namespace" },
      namespaced: false,
      resource: "namespaces",
      verbs: ["get", "list", "create"],
    }],
  });
  assertWellFormed(doc);
  assert.equal(doc.info.version, "v1.35.0+kno.1");
  const item = doc.paths["/api/v1/namespaces/{name}"] as Record<string, Json>;
  assert.deepEqual(Object.keys(item).sort(), ["get", "parameters"]);
  assert.equal(item.get?.operationId, "readCoreV1Namespace");
  assert.equal(doc.paths["/api/v1/watch/namespaces"], undefined);
});

Deno.test("CRD document: reversed-group names, wrapped schema, synthesized list", () => {
  const group = "stable.example.com";
  const definitionName = crdDefinitionName(group, "v1", "CronTab");
  assert.equal(definitionName, "com.example.stable.v1.CronTab");
  const schema: Schema = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          cronSpec: { type: "string", pattern: "^\\S+$" },
          replicas: { type: "integer", minimum: 1, default: 1 },
          x: { "x-kubernetes-int-or-string": true },
          y: { "x-kubernetes-int-or-string": true, anyOf: [{ maximum: 3 }] },
          pod: {
            type: "object",
            "x-kubernetes-embedded-resource": true,
            "x-kubernetes-preserve-unknown-fields": true,
          },
        },
      },
      status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
  };
  const doc = buildOpenApiV3Document({
    groupVersion: `${group}/v1`,
    resolver: builtinResolver,
    kinds: [{
      schema,
      definitionName,
      gvk: { group, version: "v1", kind: "CronTab" },
      namespaced: true,
      resource: "crontabs",
      subresources: [{ name: "status", verbs: ["get", "patch", "update"] }],
    }],
  });
  assertWellFormed(doc);
  const s = schemas(doc);
  const def = s[definitionName];
  assert.deepEqual(prop(def, "metadata"), {
    $ref: REF_PREFIX + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
  });
  assert.deepEqual(prop(def, "apiVersion"), { type: "string" });
  assert.deepEqual(prop(def, "kind"), { type: "string" });
  assert.deepEqual(prop(prop(def, "spec"), "replicas"), {
    type: "integer",
    minimum: 1,
    default: 1,
  });
  assert.deepEqual(def?.["x-kubernetes-group-version-kind"], [{
    group,
    version: "v1",
    kind: "CronTab",
  }]);
  const list = s[`${definitionName}List`];
  assert.deepEqual(prop(list, "items"), {
    type: "array",
    items: { $ref: REF_PREFIX + definitionName },
  });
  const item = doc
    .paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"] as Record<
      string,
      Json
    >;
  assert.equal(item.get?.operationId, "readStableExampleComV1NamespacedCronTab");
  const patchTypes = Object.keys((item.patch?.requestBody as Json).content as Json);
  assert.equal(patchTypes.includes("application/strategic-merge-patch+json"), false);
  assert.ok(doc.paths["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status"]);
});

Deno.test("quantity and int-or-string are served as upstream's v3 oneOf shapes", () => {
  const withQuantity = buildOpenApiV3Document({
    groupVersion: "v1",
    resolver: builtinResolver,
    kinds: [],
    extraDefinitions: {
      Holder: {
        type: "object",
        properties: {
          q: { $ref: REF_PREFIX + "io.k8s.apimachinery.pkg.api.resource.Quantity" },
          i: { $ref: REF_PREFIX + "io.k8s.apimachinery.pkg.util.intstr.IntOrString" },
        },
      },
    },
  });
  assertWellFormed(withQuantity);
  const s = schemas(withQuantity);
  assert.deepEqual(s["io.k8s.apimachinery.pkg.api.resource.Quantity"], {
    oneOf: [{ type: "string" }, { type: "number" }],
  });
  assert.deepEqual(s["io.k8s.apimachinery.pkg.util.intstr.IntOrString"], {
    format: "int-or-string",
    oneOf: [{ type: "integer" }, { type: "string" }],
  });
});

Deno.test("every group-version of the table builds a well-formed document", () => {
  const byGv = new Map<string, typeof schemaTable.kinds>();
  for (const k of schemaTable.kinds) {
    const gv = k.group ? `${k.group}/${k.version}` : k.version;
    byGv.set(gv, [...(byGv.get(gv) ?? []), k]);
  }
  assert.ok(byGv.size > 10);
  for (const [groupVersion, kinds] of byGv) {
    const doc = buildOpenApiV3Document({
      groupVersion,
      resolver: builtinResolver,
      kinds: kinds.map((k) => ({
        schema: { $ref: REF_PREFIX + k.definition },
        definitionName: k.definition,
        ...(k.listDefinition ? { listDefinitionName: k.listDefinition } : {}),
        gvk: { group: k.group, version: k.version, kind: k.kind },
        namespaced: true,
        resource: `${k.kind.toLowerCase()}s`,
      })),
    });
    assertWellFormed(doc);
    for (const k of kinds) {
      const gvks = schemas(doc)[k.definition]?.["x-kubernetes-group-version-kind"] as unknown[];
      assert.ok(gvks.length >= 1, `${groupVersion} ${k.kind}`);
    }
  }
});
