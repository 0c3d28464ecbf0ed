/**
 * The authentication and authorization seam. Today: bearer tokens from the token file and
 * "any authenticated user may do anything". The identity issue adds service-account and node
 * JWTs (more Authenticators, tried in order) and RBAC plus node rules (Authorizers, in a chain).
 */
import type { UserInfo } from "../registry/types.ts";

export type { UserInfo };

export interface Authenticator {
  /** The user a request authenticates as, or undefined when it carries no valid credential. */
  authenticate(req: Request): Promise<UserInfo | undefined>;
  /**
   * The user a bearer token authenticates as, or undefined. TokenReview asks this with whatever
   * string a client sent, which need not be a valid header value.
   */
  authenticateToken(token: string): Promise<UserInfo | undefined>;
}

/** What a request wants to do, as RBAC sees it. */
export interface RequestAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; or the HTTP verb
   * lower-cased for non-resource requests. */
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** For non-resource requests (/healthz, /version, /openapi/v3…). */
  path: string;
}

export interface Decision {
  allowed: boolean;
  /** Why not (or why), for the Forbidden message and audit. */
  reason?: string;
}

/** What a user may do, as SelfSubjectRulesReview (`kubectl auth can-i --list`) reports it. */
export interface RulesReview {
  resourceRules: { verbs: string[]; apiGroups: string[]; resources: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs: string[] }[];
  incomplete: boolean;
}

export interface Authorizer {
  authorize(attrs: RequestAttributes): Promise<Decision>;
  /** The rules that apply to `user` in `namespace`. */
  rulesFor(user: UserInfo, namespace: string): RulesReview;
}
