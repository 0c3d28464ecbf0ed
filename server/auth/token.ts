/**
 * Static bearer tokens (the admin token in the kubeconfig kno writes), compared in constant
 * time. Service-account and node JWTs come later as further Authenticators in the chain.
 */
import type { Authenticator, UserInfo } from "./types.ts";

/** The token of an `Authorization: Bearer <token>` header. */
export function bearer(req: Request): string | undefined {
  const h = req.headers.get("authorization");
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/**
 * Compares in time that depends only on the lengths, not on where the strings differ. Header
 * values are byte strings, so comparing UTF-16 units compares their bytes, with no encoding.
 */
function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    diff |= (i < a.length ? a.charCodeAt(i) : 0) ^ (i < b.length ? b.charCodeAt(i) : 0);
  }
  return diff === 0;
}

export class StaticTokenAuthenticator implements Authenticator {
  #tokens: { token: string; user: UserInfo }[];

  constructor(tokens: { token: string; user: UserInfo }[]) {
    this.#tokens = tokens.filter((t) => t.token.length > 0);
  }

  authenticate(req: Request): Promise<UserInfo | undefined> {
    const given = bearer(req);
    return given ? this.authenticateToken(given) : Promise.resolve(undefined);
  }

  authenticateToken(token: string): Promise<UserInfo | undefined> {
    if (!token) return Promise.resolve(undefined);
    const hit = this.#tokens.find((t) => constantTimeEqual(t.token, token));
    return Promise.resolve(hit?.user);
  }
}

/** Tries each authenticator in turn. */
export class AuthenticatorChain implements Authenticator {
  constructor(private chain: Authenticator[]) {}

  async authenticate(req: Request): Promise<UserInfo | undefined> {
    for (const a of this.chain) {
      const u = await a.authenticate(req);
      if (u) return u;
    }
    return undefined;
  }

  async authenticateToken(token: string): Promise<UserInfo | undefined> {
    for (const a of this.chain) {
      const u = await a.authenticateToken(token);
      if (u) return u;
    }
    return undefined;
  }
}

export const ADMIN_USER: UserInfo = {
  username: "system:admin",
  groups: ["system:masters", "system:authenticated"],
};
