/**
 * Bad input at the HTTP level: every malformed, oversized, unauthenticated or conflicting request
 * gets the matching `Status` (code and reason as kube-apiserver answers), the store is left
 * untouched, and the server stays responsive, also under a burst of concurrent garbage.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer } from "./harness.ts";
import { parse as parseYaml } from "yaml";

// deno-lint-ignore no-explicit-any
type Obj = any;

const NS = "/api/v1/namespaces/bad";
const CMS = `${NS}/configmaps`;
const DEPLOYS = "/apis/apps/v1/namespaces/bad/deployments";
const WIDGETS = "/apis/example.com/v1/namespaces/bad/widgets";
const MIB = 1024 * 1024;

interface Case {
  name: string;
  path: string;
  init?: RequestInit;
  /** Use this Authorization header instead of the admin token ("" = none at all). */
  auth?: string;
  code: number;
  reason: string;
  /** Further checks on the Status body. */
  check?: (status: Obj) => void;
}

const json = (body: unknown, method = "POST"): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

const JSON_TYPE = { "content-type": "application/json" };

const raw = (contentType: string, body: BodyInit, method = "POST"): RequestInit => ({
  method,
  headers: { "content-type": contentType },
  body,
});

const configMap = (name: string, extra: Obj = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  ...extra,
});

/** `k8s\0` + a runtime.Unknown whose `raw` field claims 64 bytes but stops after 2. */
function truncatedProtobuf(): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  const typeMeta = [0x0a, 2, ...enc.encode("v1"), 0x12, 9, ...enc.encode("ConfigMap")];
  const unknown = [0x0a, typeMeta.length, ...typeMeta, 0x12, 64, 0x0a, 0x05];
  return new Uint8Array([...enc.encode("k8s\0"), ...unknown]);
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  crypto.getRandomValues(out);
  return out;
}

/** A body stream of `bytes` bytes, sent without a Content-Length. */
function streamOf(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(c) {
      if (left <= 0) return c.close();
      const n = Math.min(left, 64 * 1024);
      left -= n;
      c.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
}

const bigConfigMap = () =>
  JSON.stringify(configMap("big", { data: { a: "a".repeat(3 * MIB + 10) } }));

const deployment = (replicas: unknown) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "typed" },
  spec: {
    replicas,
    selector: { matchLabels: { a: "b" } },
    template: {
      metadata: { labels: { a: "b" } },
      spec: { containers: [{ name: "c", image: "i" }] },
    },
  },
});

const BAD = { code: 400, reason: "BadRequest" } as const;
const UNSUPPORTED = { code: 415, reason: "UnsupportedMediaType" } as const;
const TOO_LARGE = { code: 413, reason: "RequestEntityTooLarge" } as const;
const NOT_FOUND = { code: 404, reason: "NotFound" } as const;
const UNAUTHORIZED = { code: 401, reason: "Unauthorized" } as const;
const PROTOBUF = "application/vnd.kubernetes.protobuf";

function cases(staleRv: string): Case[] {
  const stale = configMap("existing", {
    metadata: { name: "existing", resourceVersion: staleRv },
    data: { v: "stale" },
  });
  return [
    { name: "malformed JSON is 400", path: CMS, init: raw("application/json", '{"a":'), ...BAD },
    {
      name: "malformed YAML is 400",
      path: CMS,
      init: raw("application/yaml", "apiVersion: v1\nkind: [ConfigMap\n  metadata: :\n"),
      ...BAD,
    },
    { name: "a JSON array for an object is 400", path: CMS, init: json([1, 2]), ...BAD },
    {
      name: "a review asked for only as a Table is 406 (it has no table view)",
      path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      init: {
        method: "POST",
        headers: { ...JSON_TYPE, accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
        body: JSON.stringify({
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { nonResourceAttributes: { path: "/", verb: "get" } },
        }),
      },
      code: 406,
      reason: "NotAcceptable",
    },
    {
      name: "a field given twice is 400 under fieldValidation=Strict, with the unknown ones",
      path: `${DEPLOYS}?fieldValidation=Strict`,
      init: raw(
        "application/json",
        JSON.stringify(deployment(2)).replace(
          '"replicas":2',
          '"bogus":1,"replicas":2,"replicas":3',
        ),
      ),
      ...BAD,
      check: (s) =>
        assert.equal(
          s.message,
          'strict decoding error: unknown field "spec.bogus", duplicate field "spec.replicas"',
        ),
    },
    {
      name: "a YAML key given twice is 400 under fieldValidation=Strict, naming its line",
      path: `${CMS}?fieldValidation=Strict`,
      init: raw(
        "application/yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\ndata:\n  a: x\n  a: y\n",
      ),
      ...BAD,
      check: (s) =>
        assert.equal(
          s.message,
          'strict decoding error: yaml: unmarshal errors:\n  line 7: key "a" already set in map',
        ),
    },
    {
      name: "an apply patch with an undeclared field is 400 as upstream's typed patch words it",
      path: `${CMS}/applied?fieldManager=m`,
      init: raw(
        "application/apply-patch+yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\nbogus: 1\n",
        "PATCH",
      ),
      ...BAD,
      check: (s) =>
        assert.equal(
          s.message,
          "failed to create typed patch object (/v1, Kind=ConfigMap): .bogus: field not declared in schema",
        ),
    },
    {
      name: "a label selector with an unknown operator is 422 (evictions could not read it)",
      path: "/apis/policy/v1/namespaces/bad/poddisruptionbudgets",
      init: json({
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "odd" },
        spec: { minAvailable: 1, selector: { matchExpressions: [{ key: "a", operator: "Near" }] } },
      }),
      code: 422,
      reason: "Invalid",
      check: (s) =>
        assert.match(s.message, /operator: Invalid value: "Near": not a valid selector operator/),
    },
    ...["abc", "-1", "1e5", "99999999999999999999999999"].map((rv) => ({
      name: `a list or watch at resourceVersion ${rv} (not an unsigned 64-bit number) is 400`,
      path: `${CMS}?resourceVersion=${rv}${rv === "-1" ? "&watch=1" : ""}`,
      ...BAD,
      check: (s: Obj) => assert.equal(s.message, `invalid resource version: "${rv}"`),
    })),
    // Kinds whose rules fill in their spec before the schema is checked: a spec that is not an
    // object was a 500 for Services and stored as {} for Namespaces.
    ...([
      ["/api/v1/namespaces", "v1", "Namespace"],
      [`${NS}/services`, "v1", "Service"],
      [`${NS}/pods`, "v1", "Pod"],
      [`${NS}/persistentvolumeclaims`, "v1", "PersistentVolumeClaim"],
      ["/apis/networking.k8s.io/v1/namespaces/bad/ingresses", "networking.k8s.io/v1", "Ingress"],
    ] as const).map(([path, apiVersion, kind]) => ({
      name: `a ${kind} whose spec is a number is 400`,
      path,
      init: json({ apiVersion, kind, metadata: { name: "odd" }, spec: 5 }),
      ...BAD,
    })),
    {
      name: "a create answered in a media type kno does not speak is 406, and nothing is stored",
      path: CMS,
      init: { ...json(configMap("html")), headers: { ...JSON_TYPE, accept: "text/html" } },
      code: 406,
      reason: "NotAcceptable",
      check: (s) => assert.match(s.message, /application\/json, application\/yaml/),
    },
    {
      name: "wrong apiVersion in the body is 400",
      path: CMS,
      init: json({ ...configMap("x"), apiVersion: "apps/v1" }),
      ...BAD,
      check: (s) => assert.match(s.message, /apps\/v1/),
    },
    {
      name: "wrong kind in the body is 400",
      path: CMS,
      init: json({ ...configMap("x"), kind: "Secret" }),
      ...BAD,
      check: (s) => assert.match(s.message, /Secret/),
    },
    {
      name: "an invalid name is 422 with a cause on metadata.name",
      path: CMS,
      init: json(configMap("Not_A_Name")),
      code: 422,
      reason: "Invalid",
      check: (s) => {
        assert.deepEqual([s.details.kind, s.details.name], ["ConfigMap", "Not_A_Name"]);
        assert.ok(s.details.causes.some((c: Obj) => c.field === "metadata.name"), s.message);
      },
    },
    {
      // kube-apiserver decodes built-ins into typed structs: a JSON type mismatch is a decode
      // error, `Deployment in version "v1" cannot be handled as a Deployment: json: cannot
      // unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`
      name: "a field of the wrong type on a built-in kind is 400",
      path: DEPLOYS,
      init: json(deployment("x")),
      ...BAD,
      check: (s) => assert.match(s.message, /spec\.replicas/),
    },
    {
      name: "a body over 3 MiB is 413",
      path: CMS,
      init: raw("application/json", bigConfigMap()),
      ...TOO_LARGE,
    },
    {
      name: "a streamed body over 3 MiB without Content-Length is 413",
      path: CMS,
      init: raw("application/json", streamOf(3 * MIB + 1)),
      ...TOO_LARGE,
    },
    {
      name: "an unknown query parameter on a read is 400",
      path: `${CMS}?colour=blue`,
      ...BAD,
      check: (s) => assert.match(s.message, /colour/),
    },
    {
      name: "an unknown query parameter on a write is 400",
      path: `${CMS}?colour=blue`,
      init: json(configMap("query")),
      ...BAD,
    },
    { name: "an unknown core resource is 404", path: `${NS}/gizmos`, ...NOT_FOUND },
    { name: "an unknown group is 404", path: "/apis/no.example.com/v1/gizmos", ...NOT_FOUND },
    {
      name: "a missing object is 404",
      path: `${CMS}/nobody`,
      ...NOT_FOUND,
      check: (s) => assert.deepEqual([s.details.name, s.details.kind], ["nobody", "configmaps"]),
    },
    {
      name: "an unsupported Content-Type is 415",
      path: CMS,
      init: raw("text/plain", "hello"),
      ...UNSUPPORTED,
    },
    {
      name: "a strategic merge patch on a custom resource is 415",
      path: `${WIDGETS}/w1`,
      init: raw("application/strategic-merge-patch+json", '{"spec":{"size":"x"}}', "PATCH"),
      ...UNSUPPORTED,
    },
    {
      name: "random bytes as protobuf are 400",
      path: CMS,
      init: raw(PROTOBUF, randomBytes(256)),
      ...BAD,
    },
    {
      name: "a truncated protobuf with a valid envelope is 400",
      path: CMS,
      init: raw(PROTOBUF, truncatedProtobuf()),
      ...BAD,
    },
    { name: "no token is 401", path: CMS, auth: "", ...UNAUTHORIZED },
    {
      name: "a wrong token is 401",
      path: CMS,
      init: json(configMap("sneaky")),
      auth: "Bearer not-the-token",
      ...UNAUTHORIZED,
    },
    {
      name: "a PUT with a stale resourceVersion is 409 Conflict",
      path: `${CMS}/existing`,
      init: json(stale, "PUT"),
      code: 409,
      reason: "Conflict",
      check: (s) => assert.match(s.message, /the object has been modified/),
    },
    {
      name: "creating a duplicate is 409 AlreadyExists",
      path: CMS,
      init: json(configMap("existing")),
      code: 409,
      reason: "AlreadyExists",
      check: (s) => {
        assert.equal(s.message, 'configmaps "existing" already exists');
        assert.deepEqual([s.details.name, s.details.kind], ["existing", "configmaps"]);
      },
    },
    {
      name: "a body nested 200,000 levels deep is 400, not a stack overflow",
      path: CMS,
      init: raw(
        "application/json",
        `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${
          '{"a":'.repeat(200_000)
        }1${"}".repeat(200_000)}}`,
      ),
      ...BAD,
      check: (s) => assert.match(s.message, /nests objects and arrays more than 516 levels deep/),
    },
    {
      name: "a custom resource nested past 500 levels in preserved fields is 400",
      path: WIDGETS,
      init: json({
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name: "deep" },
        spec: { free: nested(501) },
      }),
      ...BAD,
      check: (s) => assert.match(s.message, /would nest objects and arrays more than 500 levels/),
    },
    {
      name: "a merge patch that would take an object past 500 levels is 400",
      path: `${WIDGETS}/w1`,
      init: raw(
        "application/merge-patch+json",
        JSON.stringify({ spec: { free: nested(499) } }),
        "PATCH",
      ),
      ...BAD,
      check: (s) => assert.match(s.message, /would nest objects and arrays more than 500 levels/),
    },
  ];
}

/** `levels` objects, one inside the other. */
function nested(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

/** Sends one case's request; fetch failures are reported with the case name. */
async function send(s: ServerProcess, c: Case, client: Deno.HttpClient): Promise<Response> {
  try {
    if (c.auth === undefined) return await s.api(c.path, c.init);
    const headers = new Headers(c.init?.headers);
    if (c.auth) headers.set("authorization", c.auth);
    return await fetch(s.url + c.path, { ...c.init, headers, client } as RequestInit);
  } catch (e) {
    throw new Error(`${c.name}: the request failed without a response`, { cause: e });
  }
}

async function assertStatus(res: Response, c: Pick<Case, "name" | "code" | "reason" | "check">) {
  const text = await res.text();
  assert.equal(res.status, c.code, `${c.name}: ${text}`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/, c.name);
  const status = JSON.parse(text);
  assert.equal(status.kind, "Status", c.name);
  assert.equal(status.apiVersion, "v1", c.name);
  assert.equal(status.status, "Failure", c.name);
  assert.equal(status.code, c.code, c.name);
  assert.equal(status.reason, c.reason, c.name);
  assert.equal(typeof status.message, "string", c.name);
  c.check?.(status);
}

/** What must not change: the objects in the namespace and the store revision. */
async function snapshot(s: ServerProcess): Promise<{ names: string[]; rv: string }> {
  const names: string[] = [];
  let rv = "";
  for (const path of [CMS, DEPLOYS, WIDGETS]) {
    const res = await s.api(path);
    assert.equal(res.status, 200, path);
    const list = await res.json();
    names.push(
      ...list.items.map((i: Obj) =>
        `${i.kind ?? path}/${i.metadata.name}@${i.metadata.resourceVersion}`
      ),
    );
    rv = list.metadata.resourceVersion;
  }
  return { names: names.sort(), rv };
}

async function assertReady(s: ServerProcess): Promise<void> {
  const res = await s.api("/readyz");
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "ok");
}

async function setUp(s: ServerProcess): Promise<string> {
  const ok = async (path: string, init: RequestInit, code = 201) => {
    const res = await s.api(path, init);
    const text = await res.text();
    assert.equal(res.status, code, `${path}: ${text}`);
    return JSON.parse(text);
  };
  await ok(
    "/api/v1/namespaces",
    json({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bad" } }),
  );
  const created = await ok(CMS, json(configMap("existing", { data: { v: "1" } })));
  const staleRv = created.metadata.resourceVersion as string;
  await ok(`${CMS}/existing`, json({ ...created, data: { v: "2" } }, "PUT"), 200);

  await ok(
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    json({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
        versions: [{
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  properties: {
                    size: { type: "string" },
                    free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  },
                },
              },
            },
          },
        }],
      },
    }),
  );
  const deadline = Date.now() + 10_000;
  while (true) {
    const res = await s.api(WIDGETS);
    await res.body?.cancel();
    if (res.status === 200) break;
    if (Date.now() > deadline) throw new Error(`CRD not served: ${res.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await ok(
    WIDGETS,
    json({
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w1" },
      spec: { size: "s" },
    }),
  );
  return staleRv;
}

Deno.test("bad input gets the matching Status and leaves the store untouched", async (t) => {
  const s = await startServer();
  const client = Deno.createHttpClient({ caCerts: [s.caPem] });
  try {
    const staleRv = await setUp(s);
    const before = await snapshot(s);
    for (const c of cases(staleRv)) {
      await t.step(c.name, async () => {
        await assertStatus(await send(s, c, client), c);
        assert.deepEqual(await snapshot(s), before, `${c.name}: the store changed`);
        await assertReady(s);
      });
    }
    await t.step("a client accepting only YAML gets objects and errors in YAML", async () => {
      const yaml = { headers: { accept: "application/yaml" } };
      const found = await s.api(`${CMS}/existing`, yaml);
      assert.equal(found.headers.get("content-type"), "application/yaml");
      const obj = parseYaml(await found.text()) as Obj;
      assert.equal(obj.metadata.name, "existing");
      const missing = await s.api(`${CMS}/missing`, yaml);
      assert.equal(missing.status, 404);
      assert.match(await missing.text(), /^kind: Status\n[^]*reason: NotFound/);
    });
    await t.step("an object right at the nesting limit goes through every path", async () => {
      // The limit is only safe if every walk survives it: create, merge, JSON and apply patches,
      // the object sent back whole with its managedFields, reads, tables and watches.
      const at = `${WIDGETS}/edge`;
      const body = (levels: number, name = "edge") => ({
        apiVersion: "example.com/v1",
        kind: "Widget",
        metadata: { name },
        spec: { free: nested(levels) },
      });
      const expect = async (res: Response, code: number) =>
        assert.equal(res.status, code, `${res.url}: ${await res.text()}`);
      await expect(await s.api(WIDGETS, json(body(498))), 201);
      const patch = (type: string, p: unknown, query = "") =>
        s.api(`${at}${query}`, raw(type, JSON.stringify(p), "PATCH"));
      await expect(await patch("application/merge-patch+json", { spec: { b: nested(498) } }), 200);
      await expect(
        await patch("application/json-patch+json", [
          { op: "add", path: "/spec/c", value: nested(497) },
        ]),
        200,
      );
      await expect(
        await patch("application/apply-patch+yaml", body(498), "?fieldManager=edge&force=true"),
        200,
      );
      const whole = await (await s.api(at)).json();
      await expect(await s.api(at, json(whole, "PUT")), 200);
      const table = { headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } };
      for (const path of [at, WIDGETS]) {
        await expect(await s.api(path), 200);
        await expect(await s.api(path, table), 200);
      }
      await expect(await s.api(`${WIDGETS}?watch=1&timeoutSeconds=1`), 200);
      await expect(await s.api(at, { method: "DELETE" }), 200);
    });
  } finally {
    client.close();
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("50 concurrent malformed requests all get a Status and the server stays responsive", async () => {
  const s = await startServer();
  const client = Deno.createHttpClient({ caCerts: [s.caPem] });
  try {
    const staleRv = await setUp(s);
    const before = await snapshot(s);
    // the cheap cases (no 3 MiB bodies), cycled to 50 requests
    const pool = cases(staleRv).filter((c) => !/3 MiB/.test(c.name));
    const burst = Array.from({ length: 50 }, (_, i) => pool[i % pool.length]!);
    // bodies are single-use: rebuild each request's init from a fresh case list. The exact
    // codes are the first test's business; here each answer must be some client-error Status.
    const results = await Promise.allSettled(burst.map(async (c, i) => {
      const fresh = cases(staleRv).find((f) => f.name === c.name)!;
      const res = await send(s, fresh, client);
      const text = await res.text();
      const what = `#${i} ${fresh.name}: ${res.status} ${text}`;
      assert.ok(res.status >= 400 && res.status < 500, what);
      const status = JSON.parse(text);
      assert.equal(status.kind, "Status", what);
      assert.equal(status.code, res.status, what);
    }));
    const failures = results.flatMap((r) => r.status === "rejected" ? [String(r.reason)] : []);
    assert.deepEqual(failures, []);

    const started = Date.now();
    await assertReady(s);
    const res = await s.api(CMS, json(configMap("after-burst")));
    assert.equal(res.status, 201, await res.text());
    assert.ok(
      Date.now() - started < 2_000,
      "a valid request right after the burst is served at once",
    );
    const after = await snapshot(s);
    assert.deepEqual(after.names.filter((n) => !n.includes("after-burst")), before.names);
  } finally {
    client.close();
    assert.equal(await s.stop(), 0, s.log());
  }
});
