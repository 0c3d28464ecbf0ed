/**
 * Service-account tokens: JWTs (ES256) the server signs for TokenRequest (`kubectl create token`,
 * later the kubelet's projected volumes) and accepts as bearer tokens. A token names its service
 * account by namespace, name and uid, and may be bound to a Pod, Secret or Node: it is valid only
 * while those objects exist with the same uids, so deleting the object revokes the token.
 *
 * The claims follow upstream's (`iss`, `sub`, `aud`, `exp`, `iat`, `nbf`, `jti` and the private
 * `kubernetes.io` claim), so tools that read a Kubernetes service-account token read these.
 * The JWT library is loaded on first use: an idle server that never sees one does not hold it.
 */
import type { Authenticator, UserInfo } from "./types.ts";
import type { KubeObject } from "../registry/types.ts";
import { lazily } from "../http/lazy.ts";
import { bearer } from "./token.ts";

/** The kinds a token may be bound to. */
export type BoundKind = "Pod" | "Secret" | "Node";
export const BOUND_KINDS: readonly BoundKind[] = ["Pod", "Secret", "Node"];

/** The core/v1 resource each kind a token names is stored as. */
export const TOKEN_OBJECT_RESOURCES: Readonly<Record<"ServiceAccount" | BoundKind, string>> = {
  ServiceAccount: "serviceaccounts",
  Pod: "pods",
  Secret: "secrets",
  Node: "nodes",
};

/** Reads the live objects a token's claims name (the watch cache, in the server). */
export interface ServiceAccountLookup {
  get(kind: "ServiceAccount" | BoundKind, namespace: string, name: string): KubeObject | undefined;
}

export interface TokenClaimsInput {
  namespace: string;
  serviceAccount: KubeObject;
  audiences: string[];
  expirationSeconds: number;
  /** The objects the token is bound to (a Pod also names its Node, when scheduled). */
  pod?: KubeObject;
  secret?: KubeObject;
  node?: KubeObject;
  now: Date;
}

interface Ref {
  name: string;
  uid: string;
}

/** The private claim upstream puts under `kubernetes.io`. */
interface KubeClaim {
  namespace: string;
  serviceaccount: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
}

type Jose = typeof import("jose");

export const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
const ALG = "ES256";
/** Clock skew tolerated on `exp` and `nbf` (upstream allows one minute too). */
const LEEWAY_SECONDS = 60;
/** Verified tokens remembered (signature and times), so a busy client costs one verify. */
const VERIFIED_CACHE = 1024;

function refOf(o: KubeObject): Ref {
  const m = o.metadata ?? {};
  return { name: String(m.name ?? ""), uid: String(m.uid ?? "") };
}

function isRef(v: unknown): v is Ref {
  const r = v as Ref | undefined;
  return typeof r === "object" && r !== null && typeof r.name === "string" &&
    typeof r.uid === "string";
}

function kubeClaimOf(payload: Record<string, unknown>): KubeClaim | undefined {
  const k = payload["kubernetes.io"] as Record<string, unknown> | undefined;
  if (typeof k !== "object" || k === null || typeof k.namespace !== "string") return undefined;
  if (!isRef(k.serviceaccount)) return undefined;
  for (const f of ["pod", "secret", "node"]) {
    if (k[f] !== undefined && !isRef(k[f])) return undefined;
  }
  return k as unknown as KubeClaim;
}

/** The object still exists as the one the token was issued for (same uid, not being deleted). */
function live(o: KubeObject | undefined, ref: Ref, deleting: boolean): boolean {
  if (!o) return false;
  const m = o.metadata ?? {};
  if (ref.uid !== "" && m.uid !== ref.uid) return false;
  return !(deleting && m.deletionTimestamp);
}

export interface ServiceAccountTokensOptions {
  /** The signing key, PKCS#8 PEM (ECDSA P-256). */
  keyPem: string;
  /** `iss` of every token, e.g. https://kubernetes.default.svc.cluster.local. */
  issuer: string;
  /** Audiences the API server accepts; TokenRequest's default. */
  audiences: string[];
  lookup: ServiceAccountLookup;
  now?: () => Date;
}

export class ServiceAccountTokens implements Authenticator {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly #lookup: ServiceAccountLookup;
  readonly #now: () => Date;
  readonly #verified = new Map<string, { claim: KubeClaim; exp: number; jti: string }>();
  readonly #keys: () => Promise<{
    jose: Jose;
    privateKey: Awaited<ReturnType<Jose["importPKCS8"]>>;
    publicKey: Awaited<ReturnType<Jose["importJWK"]>>;
    jwk: Record<string, unknown>;
  }>;

  constructor(opts: ServiceAccountTokensOptions) {
    this.issuer = opts.issuer;
    this.audiences = [...opts.audiences];
    this.#lookup = opts.lookup;
    this.#now = opts.now ?? (() => new Date());
    this.#keys = lazily(async () => {
      const jose = await import("jose");
      const privateKey = await jose.importPKCS8(opts.keyPem, ALG, { extractable: true });
      const { kty, crv, x, y } = await jose.exportJWK(privateKey);
      const pub = { kty, crv, x, y };
      const publicKey = await jose.importJWK(pub, ALG);
      const kid = await jose.calculateJwkThumbprint(pub);
      return { jose, privateKey, publicKey, jwk: { ...pub, kid, use: "sig", alg: ALG } };
    });
  }

  /** A signed token for a service account, and when it expires. */
  async issue(input: TokenClaimsInput): Promise<{ token: string; expiration: Date }> {
    const { jose, privateKey, jwk } = await this.#keys();
    const iat = Math.floor(input.now.getTime() / 1000);
    const exp = iat + input.expirationSeconds;
    const claim: KubeClaim = {
      namespace: input.namespace,
      serviceaccount: refOf(input.serviceAccount),
    };
    if (input.pod) claim.pod = refOf(input.pod);
    if (input.secret) claim.secret = refOf(input.secret);
    if (input.node) claim.node = refOf(input.node);
    const token = await new jose.SignJWT({ "kubernetes.io": claim })
      .setProtectedHeader({ alg: ALG, kid: String(jwk.kid) })
      .setIssuer(this.issuer)
      .setSubject(`${SERVICE_ACCOUNT_PREFIX}${input.namespace}:${claim.serviceaccount.name}`)
      .setAudience(input.audiences)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(crypto.randomUUID())
      .sign(privateKey);
    return { token, expiration: new Date(exp * 1000) };
  }

  /** The public key as a JSON Web Key Set (`/openid/v1/jwks`). */
  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    return { keys: [(await this.#keys()).jwk] };
  }

  authenticate(req: Request): Promise<UserInfo | undefined> {
    const token = bearer(req);
    return token ? this.authenticateToken(token) : Promise.resolve(undefined);
  }

  async authenticateToken(token: string): Promise<UserInfo | undefined> {
    // Not a compact JWS: not ours, and no reason to load the JWT library for it.
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return undefined;
    const now = this.#now().getTime() / 1000;
    let verified = this.#verified.get(token);
    if (verified && verified.exp + LEEWAY_SECONDS < now) {
      this.#verified.delete(token);
      verified = undefined;
    }
    if (!verified) {
      verified = await this.#verify(token);
      if (!verified) return undefined;
      if (this.#verified.size >= VERIFIED_CACHE) {
        this.#verified.delete(this.#verified.keys().next().value!);
      }
      this.#verified.set(token, verified);
    }
    return this.#user(verified.claim, verified.jti);
  }

  async #verify(token: string) {
    const { jose, publicKey } = await this.#keys();
    try {
      const { payload } = await jose.jwtVerify(token, publicKey, {
        algorithms: [ALG],
        issuer: this.issuer,
        audience: [...this.audiences],
        clockTolerance: LEEWAY_SECONDS,
        currentDate: this.#now(),
        requiredClaims: ["exp", "sub"],
      });
      const claim = kubeClaimOf(payload as Record<string, unknown>);
      if (!claim) return undefined;
      const sub = `${SERVICE_ACCOUNT_PREFIX}${claim.namespace}:${claim.serviceaccount.name}`;
      if (payload.sub !== sub) return undefined;
      return { claim, exp: payload.exp!, jti: String(payload.jti ?? "") };
    } catch {
      // A bad signature, another issuer or audience, an expired token: not authenticated.
      return undefined;
    }
  }

  /** The user a verified token names, while the objects it names are still the same ones. */
  #user(claim: KubeClaim, jti: string): UserInfo | undefined {
    const ns = claim.namespace;
    const sa = this.#lookup.get("ServiceAccount", ns, claim.serviceaccount.name);
    if (!live(sa, claim.serviceaccount, true)) return undefined;
    const extra: Record<string, string[]> = {};
    if (claim.pod) {
      if (!live(this.#lookup.get("Pod", ns, claim.pod.name), claim.pod, true)) return undefined;
      extra["authentication.kubernetes.io/pod-name"] = [claim.pod.name];
      extra["authentication.kubernetes.io/pod-uid"] = [claim.pod.uid];
    }
    if (claim.secret) {
      const secret = this.#lookup.get("Secret", ns, claim.secret.name);
      if (!live(secret, claim.secret, true)) return undefined;
    }
    if (claim.node) {
      // A pod-bound token names its pod's node for information only; a node-bound one needs it.
      const node = this.#lookup.get("Node", "", claim.node.name);
      if (!claim.pod && !live(node, claim.node, false)) return undefined;
      extra["authentication.kubernetes.io/node-name"] = [claim.node.name];
      if (claim.node.uid) extra["authentication.kubernetes.io/node-uid"] = [claim.node.uid];
    }
    if (jti) extra["authentication.kubernetes.io/credential-id"] = [`JTI=${jti}`];
    return {
      username: `${SERVICE_ACCOUNT_PREFIX}${ns}:${claim.serviceaccount.name}`,
      uid: claim.serviceaccount.uid,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
      extra,
    };
  }
}
