import assert from "node:assert/strict";
import * as jose from "jose";
import { eventually, type Json, startTestApi, type TestApi } from "../testing_helper.ts";

const SA = "/api/v1/namespaces/default/serviceaccounts";
const ISSUER = "https://kubernetes.default.svc.cluster.local";

const tokenRequest = (spec: Json = {}, metadata: Json = {}) => ({
  apiVersion: "authentication.k8s.io/v1",
  kind: "TokenRequest",
  metadata,
  spec,
});

async function withApi(fn: (t: TestApi) => Promise<void>) {
  const t = await startTestApi({ now: () => new Date("2026-11-24T10:00:00Z") });
  try {
    // The namespace controller creates the default account just after start.
    await eventually(async () => (await t.get(`${SA}/default`)).status === 200, "default account");
    await fn(t);
  } finally {
    await t.stop();
  }
}

Deno.test("TokenRequest: a signed token for the account, with upstream's defaults, that authenticates", async () => {
  await withApi(async (t) => {
    const r = await t.post(`${SA}/default/token`, tokenRequest());
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.kind, "TokenRequest");
    assert.equal(r.body.apiVersion, "authentication.k8s.io/v1");
    assert.deepEqual(r.body.metadata, {
      name: "default",
      namespace: "default",
      creationTimestamp: "2026-11-24T10:00:00Z",
    });
    assert.deepEqual(r.body.spec, { audiences: [ISSUER], expirationSeconds: 3600 });
    const status = r.body.status as Json;
    assert.equal(status.expirationTimestamp, "2026-11-24T11:00:00Z");
    const token = String(status.token);
    const sa = (await t.get(`${SA}/default`)).body.metadata as Json;
    assert.deepEqual(jose.decodeJwt(token)["kubernetes.io"], {
      namespace: "default",
      serviceaccount: { name: "default", uid: sa.uid },
    });

    // TokenReview, `kubectl auth whoami` and requests carrying the token all see the account.
    const review = await t.post("/apis/authentication.k8s.io/v1/tokenreviews", {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenReview",
      spec: { token },
    });
    const reviewed = review.body.status as Json;
    assert.equal(reviewed.authenticated, true, review.text);
    assert.equal((reviewed.user as Json).username, "system:serviceaccount:default:default");
    const self = await t.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
      token,
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    assert.equal(self.status, 201, self.text);
    assert.deepEqual(((self.body.status as Json).userInfo as Json).groups, [
      "system:serviceaccounts",
      "system:serviceaccounts:default",
      "system:authenticated",
    ]);

    // Until RBAC: discovery yes, objects and /metrics no.
    const as = (path: string) => t.request("GET", path, { token });
    assert.equal((await as("/api/v1")).status, 200);
    assert.equal((await as("/openapi/v3")).status, 200);
    const pods = await as("/api/v1/namespaces/default/pods");
    assert.equal(pods.status, 403);
    assert.equal(
      pods.body.message,
      'pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const metrics = await as("/metrics");
    assert.equal(metrics.status, 403);
    assert.equal(
      metrics.body.message,
      'forbidden: User "system:serviceaccount:default:default" cannot get path "/metrics"',
    );

    // Its issuer's discovery documents verify it.
    const oidc = await as("/.well-known/openid-configuration");
    assert.equal(oidc.status, 200, oidc.text);
    assert.equal(oidc.body.issuer, ISSUER);
    assert.equal(oidc.body.jwks_uri, "https://127.0.0.1:6443/openid/v1/jwks");
    const jwks = await as("/openid/v1/jwks");
    assert.equal(jwks.headers.get("content-type"), "application/jwk-set+json");
    const keys = jose.createLocalJWKSet(jwks.body as unknown as jose.JSONWebKeySet);
    await jose.jwtVerify(token, keys, {
      issuer: ISSUER,
      audience: ISSUER,
      currentDate: new Date("2026-11-24T10:30:00Z"),
    });

    // Audiences and lifetime as asked; a token for another audience is not for this server.
    const vault = await t.post(
      `${SA}/default/token`,
      tokenRequest({ audiences: ["vault"], expirationSeconds: 600 }),
    );
    assert.equal(vault.status, 201, vault.text);
    assert.equal((vault.body.status as Json).expirationTimestamp, "2026-11-24T10:10:00Z");
    const vaultToken = String((vault.body.status as Json).token);
    assert.deepEqual(jose.decodeJwt(vaultToken).aud, ["vault"]);
    assert.equal((await t.request("GET", "/api/v1", { token: vaultToken })).status, 401);
  });
});

Deno.test("TokenRequest: discovery and OpenAPI describe serviceaccounts/token as upstream's", async () => {
  await withApi(async (t) => {
    const legacy = (await t.get("/api/v1")).body.resources as Json[];
    assert.deepEqual(legacy.find((r) => r.name === "serviceaccounts/token"), {
      name: "serviceaccounts/token",
      singularName: "",
      namespaced: true,
      group: "authentication.k8s.io",
      version: "v1",
      kind: "TokenRequest",
      verbs: ["create"],
    });
    const aggregated = await t.get("/api", {
      accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    });
    const core = ((aggregated.body.items as Json[])[0]!.versions as Json[])[0]!;
    const sa = (core.resources as Json[]).find((r) => r.resource === "serviceaccounts")!;
    assert.deepEqual(sa.subresources, [{
      subresource: "token",
      responseKind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" },
      verbs: ["create"],
    }]);
    const doc = (await t.get("/openapi/v3/api/v1")).body;
    const post = ((doc.paths as Json)[
      "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token"
    ] as Json).post as Json;
    assert.equal(post.operationId, "createCoreV1NamespacedServiceAccountToken");
    assert.deepEqual(post["x-kubernetes-group-version-kind"], {
      group: "authentication.k8s.io",
      kind: "TokenRequest",
      version: "v1",
    });
    const schemas = (doc.components as Json).schemas as Json;
    assert.ok(schemas["io.k8s.api.authentication.v1.TokenRequest"]);
  });
});

Deno.test("TokenRequest: bad requests get upstream's Status, and nothing is stored", async () => {
  await withApi(async (t) => {
    const rev = async () => (await t.get(SA)).body.metadata as Json;
    const before = await rev();
    const cases: [string, unknown, number, string | RegExp][] = [
      [
        "name differs",
        tokenRequest({}, { name: "other" }),
        422,
        'TokenRequest.authentication.k8s.io "default" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
      ],
      [
        "namespace differs",
        tokenRequest({}, { namespace: "kube-system" }),
        422,
        'TokenRequest.authentication.k8s.io "default" is invalid: metadata.namespace: Invalid value: "kube-system": must match the service account namespace if specified',
      ],
      [
        "too short",
        tokenRequest({ expirationSeconds: 599 }),
        422,
        'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
      ],
      [
        "too long",
        tokenRequest({ expirationSeconds: 2 ** 32 + 1 }),
        422,
        /may not specify a duration larger than 2\^32 seconds$/,
      ],
      [
        "lifetime of the wrong type",
        tokenRequest({ expirationSeconds: "1h" }),
        400,
        /^TokenRequest in version "v1" cannot be handled as a TokenRequest: spec.expirationSeconds/,
      ],
      [
        "wrong kind",
        { apiVersion: "v1", kind: "ServiceAccount" },
        400,
        /does not match the expected API version \(authentication.k8s.io\/v1\)/,
      ],
      [
        "bound to a ConfigMap",
        tokenRequest({ boundObjectRef: { kind: "ConfigMap", apiVersion: "v1", name: "x" } }),
        400,
        "cannot bind token to object of type /v1, Kind=ConfigMap",
      ],
      [
        "bound to an apps/v1 Pod",
        tokenRequest({ boundObjectRef: { kind: "Pod", apiVersion: "apps/v1", name: "x" } }),
        400,
        "cannot bind token to object of type apps/v1, Kind=Pod",
      ],
      [
        // Not a kind, though the name of a member every JavaScript object has.
        "bound to a constructor",
        tokenRequest({ boundObjectRef: { kind: "constructor", apiVersion: "v1", name: "x" } }),
        400,
        "cannot bind token to object of type /v1, Kind=constructor",
      ],
      [
        "bound to a missing pod",
        tokenRequest({ boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "gone" } }),
        404,
        'pods "gone" not found',
      ],
    ];
    for (const [what, body, code, message] of cases) {
      const r = await t.post(`${SA}/default/token`, body);
      assert.equal(r.status, code, `${what}: ${r.text}`);
      assert.equal(r.body.kind, "Status", what);
      if (typeof message === "string") assert.equal(r.body.message, message, what);
      else assert.match(String(r.body.message), message, what);
    }
    const strict = await t.post(
      `${SA}/default/token?fieldValidation=Strict`,
      tokenRequest({ audience: "typo" }),
    );
    assert.equal(strict.status, 400, strict.text);
    assert.match(String(strict.body.message), /unknown field "spec.audience"/);
    const missing = await t.post(`${SA}/nobody/token`, tokenRequest());
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'serviceaccounts "nobody" not found');
    const get = await t.get(`${SA}/default/token`);
    assert.equal(get.status, 405, get.text);
    const nothing = await t.post(`${SA}/default/nothing`, tokenRequest());
    assert.equal(nothing.status, 404);
    assert.equal((await rev()).resourceVersion, before.resourceVersion, "nothing was written");
  });
});

Deno.test("TokenRequest: bound to a pod of the account, a secret or a node (with uids checked)", async () => {
  await withApi(async (t) => {
    await t.post(SA, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "robot" },
    });
    const pod = (name: string, account?: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: {
        ...(account ? { serviceAccountName: account } : {}),
        nodeName: "n1",
        containers: [{ name: "c", image: "busybox" }],
      },
    });
    const web = await t.post("/api/v1/namespaces/default/pods", pod("web", "robot"));
    assert.equal(web.status, 201, web.text);
    await t.post("/api/v1/namespaces/default/pods", pod("plain"));
    const bind = (ref: Json, account = "robot") =>
      t.post(
        `${SA}/${account}/token`,
        tokenRequest({ boundObjectRef: { apiVersion: "v1", ...ref } }),
      );

    const ok = await bind({ kind: "Pod", name: "web", uid: (web.body.metadata as Json).uid });
    assert.equal(ok.status, 201, ok.text);
    const claim = jose.decodeJwt(String((ok.body.status as Json).token))["kubernetes.io"] as Json;
    assert.deepEqual(claim.pod, { name: "web", uid: (web.body.metadata as Json).uid });
    // The pod's node is named even though no Node object exists (as upstream does).
    assert.deepEqual(claim.node, { name: "n1", uid: "" });

    const other = await bind({ kind: "Pod", name: "plain" });
    assert.equal(other.status, 400);
    assert.equal(
      other.body.message,
      'cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.',
    );
    const stale = await bind({ kind: "Pod", name: "web", uid: "0000" });
    assert.equal(stale.status, 409, stale.text);
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on Pod "web": the UID in the bound object reference (0000) does not match the UID in record. The object might have been deleted and then recreated',
    );

    await t.post("/api/v1/namespaces/default/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
    });
    const secret = await bind({ kind: "Secret", name: "s" });
    assert.equal(secret.status, 201, secret.text);
    const secretToken = String((secret.body.status as Json).token);
    assert.equal((await t.request("GET", "/api", { token: secretToken })).status, 200);
    // Deleting the secret revokes the token bound to it.
    await t.delete("/api/v1/namespaces/default/secrets/s");
    assert.equal((await t.request("GET", "/api", { token: secretToken })).status, 401);

    assert.equal((await bind({ kind: "Node", name: "n1" })).status, 404);
    await t.post("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
    const node = await bind({ kind: "Node", name: "n1" });
    assert.equal(node.status, 201, node.text);
  });
});
