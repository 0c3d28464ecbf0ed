import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { eventually, type Json, startTestApi, type TestApi } from "../testing_helper.ts";

function knoKeys(v: unknown, path = "$", out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => knoKeys(x, `${path}[${i}]`, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith("x-kno-")) out.push(`${path}.${k}`);
      knoKeys(x, `${path}.${k}`, out);
    }
  }
  return out;
}

/** The kinds a group-version's discovery document lists (main resources only). */
async function discoveredKinds(t: TestApi, path: string): Promise<string[]> {
  const doc = (await t.get(`/${path}`)).body;
  return [
    ...new Set(
      (doc.resources as Json[]).filter((r) => !String(r.name).includes("/")).map((r) =>
        String(r.kind)
      ),
    ),
  ];
}

function gvkKinds(doc: Json, groupVersion: string): Set<string> {
  const out = new Set<string>();
  const [group, version] = groupVersion.includes("/")
    ? groupVersion.split("/") as [string, string]
    : ["", groupVersion];
  for (const schema of Object.values((doc.components as Json).schemas as Record<string, Json>)) {
    for (const gvk of (schema["x-kubernetes-group-version-kind"] as Json[] | undefined) ?? []) {
      if (gvk.group === group && gvk.version === version) out.add(String(gvk.kind));
    }
  }
  return out;
}

Deno.test("/openapi/v3 indexes every group-version with a content hash, and every document parses", async () => {
  const t = await startTestApi();
  try {
    const index = await t.get("/openapi/v3");
    assert.equal(index.status, 200);
    const paths = index.body.paths as Record<string, { serverRelativeURL: string }>;
    for (const p of ["api/v1", "apis/apps/v1", "apis/batch/v1", "apis/autoscaling/v2"]) {
      assert.ok(paths[p], `${p} in the index`);
    }
    for (const [path, { serverRelativeURL }] of Object.entries(paths)) {
      const m = /^\/openapi\/v3\/(.+)\?hash=([0-9A-F]{128})$/.exec(serverRelativeURL);
      assert.ok(m, `${path}: ${serverRelativeURL}`);
      assert.equal(m[1], path);
      const res = await t.get(serverRelativeURL);
      assert.equal(res.status, 200, path);
      assert.match(String(res.headers.get("content-type")), /^application\/json/);
      assert.equal(createHash("sha512").update(res.text).digest("hex").toUpperCase(), m[2]);
      const doc = res.body;
      assert.match(String(doc.openapi), /^3\./);
      assert.ok(doc.paths && Object.keys(doc.paths as Json).length > 0, `${path} has paths`);
      assert.deepEqual(knoKeys(doc), [], `${path} leaks internal keys`);
      const groupVersion = path.replace(/^apis?\//, "");
      const kinds = gvkKinds(doc, groupVersion);
      for (const kind of await discoveredKinds(t, path)) {
        assert.ok(kinds.has(kind), `${path}: components.schemas has ${kind}`);
      }
    }
    const core = (await t.get(paths["api/v1"]!.serverRelativeURL)).body;
    const schemas = (core.components as Json).schemas as Record<string, Json>;
    assert.ok(schemas["io.k8s.api.core.v1.Pod"]);
    assert.ok(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]);
    assert.equal((await t.get("/openapi/v3/apis/nope/v1")).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("a CRD's schema appears in /openapi/v3 once it is served", async () => {
  const t = await startTestApi();
  try {
    const r = await t.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      metadata: { name: "gadgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { plural: "gadgets", kind: "Gadget" },
        versions: [{
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", properties: { n: { type: "integer" } } } },
            },
          },
        }],
      },
    });
    assert.equal(r.status, 201, r.text);
    const url = await eventually(async () => {
      const paths = (await t.get("/openapi/v3")).body.paths as Record<string, Json>;
      return paths["apis/example.com/v1"]?.serverRelativeURL as string | undefined;
    }, "apis/example.com/v1 in the OpenAPI index");
    const doc = (await t.get(url)).body;
    assert.ok(gvkKinds(doc, "example.com/v1").has("Gadget"));
    assert.deepEqual(knoKeys(doc), []);
    // Let the CRD controller finish before stopping (stopping mid-reconcile hangs: see
    // controllers/crd_test.ts).
    await eventually(async () => {
      const crd = (await t.get(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com",
      )).body;
      const conds = ((crd.status as Json | undefined)?.conditions as Json[] | undefined) ?? [];
      return conds.some((c) => c.type === "Established" && c.status === "True");
    }, "the CRD to be Established");
  } finally {
    await t.stop();
  }
});

Deno.test("/openapi/v2 is not served as JSON: 404 or 406", async () => {
  const t = await startTestApi();
  try {
    for (
      const accept of [
        "application/json",
        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
      ]
    ) {
      const r = await t.get("/openapi/v2", { accept });
      assert.ok(r.status === 404 || r.status === 406, `${accept}: ${r.status}`);
      assert.equal(r.body.kind, "Status");
    }
  } finally {
    await t.stop();
  }
});
