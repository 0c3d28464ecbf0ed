import assert from "node:assert/strict";
import * as jose from "jose";
import type { KubeObject } from "../registry/types.ts";
import { newServiceAccountKeyPem } from "../testing_helper.ts";
import {
  type BoundKind,
  type ServiceAccountLookup,
  ServiceAccountTokens,
  type TokenClaimsInput,
} from "./service_account.ts";

const ISSUER = "https://kubernetes.default.svc.cluster.local";
const T0 = new Date("2026-11-24T10:00:00Z");

const obj = (name: string, uid: string, extra: KubeObject = {}): KubeObject => ({
  metadata: { name, uid },
  ...extra,
});

/** A world of objects the lookup reads, keyed "Kind/ns/name". */
function world(objects: Record<string, KubeObject>): ServiceAccountLookup {
  return { get: (kind, ns, name) => objects[`${kind}/${ns}/${name}`] };
}

async function setup(objects: Record<string, KubeObject>, now = () => T0) {
  const keyPem = await newServiceAccountKeyPem();
  const tokens = new ServiceAccountTokens({
    keyPem,
    issuer: ISSUER,
    audiences: [ISSUER],
    lookup: world(objects),
    now,
  });
  return { tokens, keyPem };
}

function input(sa: KubeObject, more: Partial<TokenClaimsInput> = {}): TokenClaimsInput {
  return {
    namespace: "ns1",
    serviceAccount: sa,
    audiences: [ISSUER],
    expirationSeconds: 3600,
    now: T0,
    ...more,
  };
}

Deno.test("service-account tokens: claims as upstream's, and the user they authenticate as", async () => {
  const sa = obj("robot", "sa-uid-1");
  const { tokens } = await setup({ "ServiceAccount/ns1/robot": sa });
  const { token, expiration } = await tokens.issue(input(sa));
  assert.equal(expiration.toISOString(), "2026-11-24T11:00:00.000Z");
  const header = jose.decodeProtectedHeader(token);
  assert.equal(header.alg, "ES256");
  assert.equal(header.kid, (await tokens.jwks()).keys[0]!.kid);
  const claims = jose.decodeJwt(token);
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.sub, "system:serviceaccount:ns1:robot");
  assert.deepEqual(claims.aud, [ISSUER]);
  assert.equal(claims.iat, T0.getTime() / 1000);
  assert.equal(claims.nbf, claims.iat);
  assert.equal(claims.exp, claims.iat! + 3600);
  assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
  assert.deepEqual(claims["kubernetes.io"], {
    namespace: "ns1",
    serviceaccount: { name: "robot", uid: "sa-uid-1" },
  });

  const user = await tokens.authenticateToken(token);
  assert.deepEqual(user, {
    username: "system:serviceaccount:ns1:robot",
    uid: "sa-uid-1",
    groups: ["system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"],
    extra: { "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`] },
  });
  // The same through a request's Authorization header; other schemes are not ours.
  const req = (h: string) => new Request("https://kno.test/api", { headers: { authorization: h } });
  assert.deepEqual(await tokens.authenticate(req(`Bearer ${token}`)), user);
  assert.equal(await tokens.authenticate(req(`Basic ${token}`)), undefined);

  // Anyone holding the JWKS can verify it.
  const jwks = jose.createLocalJWKSet(await tokens.jwks() as jose.JSONWebKeySet);
  const verified = await jose.jwtVerify(token, jwks, { currentDate: T0, issuer: ISSUER });
  assert.equal(verified.payload.sub, "system:serviceaccount:ns1:robot");
});

Deno.test("service-account tokens: refused when forged, expired, for others, or not JWTs at all", async () => {
  const sa = obj("robot", "sa-uid-1");
  let now = T0;
  const { tokens } = await setup({ "ServiceAccount/ns1/robot": sa }, () => now);
  const { token } = await tokens.issue(input(sa));
  const [h, p, sig] = token.split(".") as [string, string, string];

  // A payload changed after signing (another account), and a signature from another key.
  const forgedPayload = jose.base64url.encode(
    JSON.stringify({ ...jose.decodeJwt(token), sub: "system:serviceaccount:ns1:admin" }),
  );
  assert.equal(await tokens.authenticateToken(`${h}.${forgedPayload}.${sig}`), undefined);
  const { tokens: stranger } = await setup({ "ServiceAccount/ns1/robot": sa });
  assert.equal(await tokens.authenticateToken((await stranger.issue(input(sa))).token), undefined);

  // alg "none" (no signature at all).
  const none = `${jose.base64url.encode('{"alg":"none"}')}.${p}.`;
  assert.equal(await tokens.authenticateToken(none), undefined);

  // Another audience, another issuer.
  const other = await tokens.issue(input(sa, { audiences: ["vault"] }));
  assert.equal(await tokens.authenticateToken(other.token), undefined);
  const foreign = new ServiceAccountTokens({
    keyPem: await newServiceAccountKeyPem(),
    issuer: "https://elsewhere",
    audiences: [ISSUER],
    lookup: world({}),
    now: () => now,
  });
  assert.equal(await tokens.authenticateToken((await foreign.issue(input(sa))).token), undefined);

  // Not JWTs: random strings, empty, extra dots, a header with spaces.
  for (const s of ["", "abc", "a.b", "a.b.c.d", `${h} .${p}.${sig}`, "x".repeat(10_000)]) {
    assert.equal(await tokens.authenticateToken(s), undefined, s.slice(0, 20));
  }

  // Accepted within the hour (and a minute of clock skew), refused after, even once cached.
  assert.ok(await tokens.authenticateToken(token));
  now = new Date(T0.getTime() + 3600_000 + 59_000);
  assert.ok(await tokens.authenticateToken(token), "within the leeway");
  now = new Date(T0.getTime() + 3600_000 + 61_000);
  assert.equal(await tokens.authenticateToken(token), undefined, "expired");
  // Not yet valid: issued in the future beyond the leeway.
  now = T0;
  const early = await tokens.issue(input(sa, { now: new Date(T0.getTime() + 120_000) }));
  assert.equal(await tokens.authenticateToken(early.token), undefined, "not before");
});

Deno.test("service-account tokens: deleting or recreating the account or a bound object revokes them", async () => {
  const objects: Record<string, KubeObject> = {
    "ServiceAccount/ns1/robot": obj("robot", "sa-1"),
    "Pod/ns1/web": obj("web", "pod-1", { spec: { serviceAccountName: "robot", nodeName: "n1" } }),
    "Node//n1": obj("n1", "node-1"),
    "Secret/ns1/s": obj("s", "secret-1"),
  };
  const { tokens } = await setup(objects);
  const sa = objects["ServiceAccount/ns1/robot"]!;
  const plain = (await tokens.issue(input(sa))).token;
  const bound = async (kind: BoundKind, o: KubeObject, more: Partial<TokenClaimsInput> = {}) =>
    (await tokens.issue(input(sa, { [kind.toLowerCase()]: o, ...more }))).token;
  const pod = await bound("Pod", objects["Pod/ns1/web"]!, { node: objects["Node//n1"]! });
  const secret = await bound("Secret", objects["Secret/ns1/s"]!);
  const node = await bound("Node", objects["Node//n1"]!);

  const podUser = await tokens.authenticateToken(pod);
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(podUser?.extra ?? {}).filter(([k]) => !k.endsWith("credential-id")),
    ),
    {
      "authentication.kubernetes.io/pod-name": ["web"],
      "authentication.kubernetes.io/pod-uid": ["pod-1"],
      "authentication.kubernetes.io/node-name": ["n1"],
      "authentication.kubernetes.io/node-uid": ["node-1"],
    },
  );
  assert.ok(await tokens.authenticateToken(secret));
  assert.ok(await tokens.authenticateToken(node));

  // A pod being deleted no longer vouches for its token; a pod-bound token outlives its node.
  objects["Pod/ns1/web"] = obj("web", "pod-1", {
    metadata: { name: "web", uid: "pod-1", deletionTimestamp: "2026-11-24T10:00:00Z" },
  });
  assert.equal(await tokens.authenticateToken(pod), undefined, "pod terminating");
  objects["Pod/ns1/web"] = obj("web", "pod-2", { spec: { serviceAccountName: "robot" } });
  assert.equal(await tokens.authenticateToken(pod), undefined, "pod recreated");
  delete objects["Secret/ns1/s"];
  assert.equal(await tokens.authenticateToken(secret), undefined, "secret deleted");
  objects["Node//n1"] = obj("n1", "node-2");
  assert.equal(await tokens.authenticateToken(node), undefined, "node recreated");

  assert.ok(await tokens.authenticateToken(plain));
  objects["ServiceAccount/ns1/robot"] = obj("robot", "sa-2");
  assert.equal(await tokens.authenticateToken(plain), undefined, "account recreated");
  delete objects["ServiceAccount/ns1/robot"];
  assert.equal(await tokens.authenticateToken(plain), undefined, "account deleted");
});
