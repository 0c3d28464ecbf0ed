import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
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

/** The fields of one protobuf message: field number -> raw values (bytes for length-delimited). */
function fields(bytes: Uint8Array): Map<number, (Uint8Array | bigint | number)[]> {
  const r = new BinaryReader(bytes);
  const out = new Map<number, (Uint8Array | bigint | number)[]>();
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    const v = type === WireType.LengthDelimited
      ? r.bytes()
      : type === WireType.Varint
      ? r.uint64()
      : type === WireType.Bit64
      ? r.double()
      : (() => {
        throw new Error(`unexpected wire type ${type}`);
      })();
    out.set(no, [...(out.get(no) ?? []), v as Uint8Array | bigint | number]);
  }
  return out;
}

const text = (v: unknown) => new TextDecoder().decode(v as Uint8Array);

Deno.test("/openapi/v2: every definition, as protobuf for kubectl and as JSON", async () => {
  const t = await startTestApi();
  try {
    const json = await t.get("/openapi/v2", { accept: "application/json" });
    assert.equal(json.status, 200);
    const doc = json.body as { swagger: string; paths: Json; definitions: Record<string, Json> };
    assert.equal(doc.swagger, "2.0");
    const cm = doc.definitions["io.k8s.api.core.v1.ConfigMap"]!;
    assert.deepEqual(cm["x-kubernetes-group-version-kind"], [
      { group: "", version: "v1", kind: "ConfigMap" },
    ]);
    assert.equal(
      (cm.properties as Json).metadata && ((cm.properties as Json).metadata as Json).$ref,
      "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    );
    // Every reference resolves, none is v3-shaped, and no v3-only keyword is left.
    const all = JSON.stringify(doc.definitions);
    for (const m of all.matchAll(/"\$ref":"([^"]+)"/g)) {
      assert.ok(m[1]!.startsWith("#/definitions/"), m[1]!);
      assert.ok(doc.definitions[m[1]!.slice("#/definitions/".length)], `dangling ${m[1]}`);
    }
    const v3Only = (schema: Json, at: string): string[] => [
      ...["oneOf", "anyOf", "not", "nullable"].filter((k) => k in schema).map((k) => `${at}.${k}`),
      ...Object.entries((schema.properties ?? {}) as Record<string, Json>).flatMap(([k, p]) =>
        v3Only(p, `${at}.${k}`)
      ),
      ...["items", "additionalProperties"].flatMap((k) =>
        typeof schema[k] === "object" ? v3Only(schema[k] as Json, `${at}.${k}`) : []
      ),
    ];
    assert.deepEqual(Object.entries(doc.definitions).flatMap(([n, d]) => v3Only(d, n)), []);
    // JSON-type choices are strings to v2 readers, which take numbers for strings (as upstream).
    assert.deepEqual(doc.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"], {
      format: "int-or-string",
      type: "string",
    });
    assert.deepEqual(doc.definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"], {
      type: "string",
    });

    for (
      const accept of [
        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json;q=0.5",
      ]
    ) {
      const r = await t.fetch("/openapi/v2", { headers: { accept } });
      assert.equal(r.status, 200);
      assert.equal(
        r.headers.get("content-type"),
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
      );
      const top = fields(new Uint8Array(await r.arrayBuffer()));
      assert.equal(text(top.get(1)![0]), "2.0");
      const named = fields(top.get(9)![0] as Uint8Array).get(1)!.map((n) =>
        fields(n as Uint8Array)
      );
      assert.equal(named.length, Object.keys(doc.definitions).length);
      const cmPb = named.find((n) => text(n.get(1)![0]) === "io.k8s.api.core.v1.ConfigMap")!;
      const schema = fields(cmPb.get(2)![0] as Uint8Array);
      // type (22) is TypeItem{value: ["object"]}; vendor extensions (31) carry JSON as YAML.
      assert.equal(text(fields(schema.get(22)![0] as Uint8Array).get(1)![0]), "object");
      const gvk = schema.get(31)!.map((e) => fields(e as Uint8Array)).find((e) =>
        text(e.get(1)![0]) === "x-kubernetes-group-version-kind"
      )!;
      assert.deepEqual(JSON.parse(text(fields(gvk.get(2)![0] as Uint8Array).get(2)![0])), [
        { group: "", version: "v1", kind: "ConfigMap" },
      ]);
    }

    const yaml = await t.get("/openapi/v2", { accept: "application/yaml" });
    assert.equal(yaml.status, 406);
    assert.equal(yaml.body.kind, "Status");
  } finally {
    await t.stop();
  }
});
