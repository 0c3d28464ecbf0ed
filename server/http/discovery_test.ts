import assert from "node:assert/strict";
import { type Json, startTestApi } from "../testing_helper.ts";

const BUILTIN_GROUPS: Record<string, string> = {
  "apps": "v1",
  "batch": "v1",
  "autoscaling": "v2",
  "policy": "v1",
  "coordination.k8s.io": "v1",
  "discovery.k8s.io": "v1",
  "events.k8s.io": "v1",
  "networking.k8s.io": "v1",
  "storage.k8s.io": "v1",
  "rbac.authorization.k8s.io": "v1",
  "scheduling.k8s.io": "v1",
  "apiextensions.k8s.io": "v1",
  "admissionregistration.k8s.io": "v1",
};

function resources(doc: Json): Map<string, Json> {
  return new Map((doc.resources as Json[]).map((r) => [String(r.name), r]));
}

Deno.test("discovery serves /api, /apis and every built-in group", async () => {
  const t = await startTestApi();
  try {
    const api = await t.get("/api");
    assert.equal(api.status, 200);
    assert.equal(api.body.kind, "APIVersions");
    assert.deepEqual(api.body.versions, ["v1"]);
    assert.deepEqual(api.body.serverAddressByClientCIDRs, [
      { clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" },
    ]);

    const apis = await t.get("/apis");
    assert.equal(apis.body.kind, "APIGroupList");
    const groups = new Map((apis.body.groups as Json[]).map((g) => [String(g.name), g]));
    assert.equal(groups.has(""), false, "the core group is served under /api only");
    for (const [name, preferred] of Object.entries(BUILTIN_GROUPS)) {
      const g = groups.get(name);
      assert.ok(g, `group ${name} in /apis`);
      assert.deepEqual(g.preferredVersion, {
        groupVersion: `${name}/${preferred}`,
        version: preferred,
      });
      const one = await t.get(`/apis/${name}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.kind, "APIGroup");
      assert.equal(one.body.name, name);
      const list = await t.get(`/apis/${name}/${preferred}`);
      assert.equal(list.status, 200, `/apis/${name}/${preferred}`);
      assert.equal(list.body.kind, "APIResourceList");
      assert.equal(list.body.groupVersion, `${name}/${preferred}`);
    }
    assert.equal((await t.get("/apis/nope.example.com")).status, 404);
    assert.equal((await t.get("/apis/apps/v9")).status, 404);
    assert.equal((await t.get("/api/v2")).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("/api/v1 lists core resources with names, scope, verbs, short names and categories", async () => {
  const t = await startTestApi();
  try {
    const doc = (await t.get("/api/v1")).body;
    assert.equal(doc.kind, "APIResourceList");
    assert.equal(doc.groupVersion, "v1");
    const r = resources(doc);
    for (
      const name of [
        "namespaces",
        "pods",
        "services",
        "endpoints",
        "configmaps",
        "secrets",
        "serviceaccounts",
        "nodes",
        "events",
        "persistentvolumes",
        "persistentvolumeclaims",
        "resourcequotas",
        "limitranges",
        "podtemplates",
        "replicationcontrollers",
      ]
    ) assert.ok(r.has(name), `${name} in /api/v1`);
    const pods = r.get("pods")!;
    assert.equal(pods.kind, "Pod");
    assert.equal(pods.singularName, "pod");
    assert.equal(pods.namespaced, true);
    assert.deepEqual(pods.shortNames, ["po"]);
    assert.deepEqual(pods.categories, ["all"]);
    for (
      const v of ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    ) {
      assert.ok((pods.verbs as string[]).includes(v), `pods verb ${v}`);
    }
    assert.equal(r.get("namespaces")!.namespaced, false);
    assert.deepEqual(r.get("configmaps")!.shortNames, ["cm"]);
    const podStatus = r.get("pods/status")!;
    assert.equal(podStatus.kind, "Pod");
    assert.deepEqual([...(podStatus.verbs as string[])].sort(), ["get", "patch", "update"]);
    assert.equal(r.get("replicationcontrollers/scale")?.kind, "Scale");
    // A body kind of the parent's group-version names no group or version; another's does
    // (kubectl drain reads the eviction's group-version from here).
    const binding = r.get("pods/binding")!;
    assert.equal(binding.kind, "Binding");
    assert.equal(binding.group, undefined);
    assert.deepEqual(binding.verbs, ["create"]);
    const eviction = r.get("pods/eviction")!;
    assert.deepEqual([eviction.group, eviction.version, eviction.kind], [
      "policy",
      "v1",
      "Eviction",
    ]);
    assert.deepEqual(r.get("pods/ephemeralcontainers")!.verbs, ["get", "patch", "update"]);
  } finally {
    await t.stop();
  }
});

Deno.test("/apis/apps/v1 lists scale subresources as autoscaling/v1 Scale", async () => {
  const t = await startTestApi();
  try {
    const r = resources((await t.get("/apis/apps/v1")).body);
    const deploy = r.get("deployments")!;
    assert.equal(deploy.kind, "Deployment");
    assert.deepEqual(deploy.shortNames, ["deploy"]);
    assert.deepEqual(deploy.categories, ["all"]);
    for (const kind of ["deployments", "replicasets", "statefulsets"]) {
      const scale = r.get(`${kind}/scale`);
      assert.ok(scale, `${kind}/scale listed`);
      assert.equal(scale.group, "autoscaling");
      assert.equal(scale.version, "v1");
      assert.equal(scale.kind, "Scale");
      assert.equal(scale.namespaced, true);
    }
    assert.equal(r.get("deployments/status")?.kind, "Deployment");
    assert.equal(r.has("daemonsets/scale"), false);
    assert.ok(r.has("controllerrevisions"));
    // Every resource of the all category kubectl expands is marked so.
    const all = [...r.values()].filter((x) =>
      (x.categories as string[] | undefined)?.includes("all")
    )
      .map((x) => x.name).sort();
    assert.deepEqual(all, ["daemonsets", "deployments", "replicasets", "statefulsets"]);
  } finally {
    await t.stop();
  }
});

Deno.test("aggregated discovery answers with an APIGroupDiscoveryList when asked", async () => {
  const t = await startTestApi();
  try {
    const accept =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    const r = await t.get("/apis", { accept });
    assert.equal(r.status, 200);
    assert.match(String(r.headers.get("content-type")), /as=APIGroupDiscoveryList/);
    assert.equal(r.body.kind, "APIGroupDiscoveryList");
    assert.equal(r.body.apiVersion, "apidiscovery.k8s.io/v2");
    const apps = (r.body.items as Json[]).find((g) => (g.metadata as Json).name === "apps");
    assert.ok(apps, "apps in the aggregated list");
    const v1 = (apps.versions as Json[]).find((v) => v.version === "v1")!;
    const deploy = (v1.resources as Json[]).find((x) => x.resource === "deployments")!;
    assert.equal((deploy.responseKind as Json).kind, "Deployment");
    assert.equal(deploy.scope, "Namespaced");
    const scale = (deploy.subresources as Json[]).find((s) => s.subresource === "scale")!;
    assert.deepEqual(scale.responseKind, { group: "autoscaling", version: "v1", kind: "Scale" });
  } finally {
    await t.stop();
  }
});
