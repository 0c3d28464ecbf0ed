/**
 * The review kinds (`kubectl auth whoami`, `kubectl auth can-i`, TokenReview): created, answered
 * at once from the authenticator and authorizer, never stored.
 */
import type { Authenticator, Authorizer, RequestAttributes } from "../auth/types.ts";
import type { KubeObject, ResourceType, UserInfo } from "../registry/types.ts";

type Obj = Record<string, unknown>;

function userJson(u: UserInfo): Obj {
  const out: Obj = { username: u.username, groups: u.groups };
  if (u.uid) out.uid = u.uid;
  if (u.extra) out.extra = u.extra;
  return out;
}

async function access(authorizer: Authorizer, user: UserInfo, spec: Obj): Promise<Obj> {
  const ra = spec.resourceAttributes as Obj | undefined;
  const nra = spec.nonResourceAttributes as Obj | undefined;
  const attrs: RequestAttributes = {
    user,
    verb: String(ra?.verb ?? nra?.verb ?? ""),
    resourceRequest: Boolean(ra),
    apiGroup: String(ra?.group ?? ""),
    apiVersion: String(ra?.version ?? ""),
    resource: String(ra?.resource ?? ""),
    subresource: String(ra?.subresource ?? ""),
    namespace: String(ra?.namespace ?? ""),
    name: String(ra?.name ?? ""),
    path: String(nra?.path ?? ""),
  };
  const d = await authorizer.authorize(attrs);
  const status: Obj = { allowed: d.allowed };
  if (d.reason) status.reason = d.reason;
  return status;
}

export function installReviews(
  types: ResourceType[],
  authenticator: Authenticator,
  authorizer: Authorizer,
) {
  const byKind = (kind: string) =>
    types.find((t) =>
      t.kind === kind && (t.group === "authentication.k8s.io" || t.group === "authorization.k8s.io")
    );
  const set = (kind: string, fn: NonNullable<ResourceType["virtual"]>) => {
    const t = byKind(kind);
    if (t) t.virtual = fn;
  };
  set("SelfSubjectReview", (o, ctx) => ({ ...o, status: { userInfo: userJson(ctx.user) } }));
  set(
    "SelfSubjectAccessReview",
    async (o, ctx) => ({ ...o, status: await access(authorizer, ctx.user, (o.spec ?? {}) as Obj) }),
  );
  set("SelfSubjectRulesReview", (o, ctx) => {
    const namespace = String((o.spec as Obj | undefined)?.namespace ?? "");
    return { ...o, status: authorizer.rulesFor(ctx.user, namespace) };
  });
  const subjectAccess = async (o: KubeObject) => {
    const spec = (o.spec ?? {}) as Obj;
    const user: UserInfo = {
      username: String(spec.user ?? ""),
      groups: (spec.groups as string[] | undefined) ?? [],
    };
    return { ...o, status: await access(authorizer, user, spec) };
  };
  set("SubjectAccessReview", subjectAccess);
  set("LocalSubjectAccessReview", subjectAccess);
  set("TokenReview", async (o) => {
    const token = String((o.spec as Obj | undefined)?.token ?? "");
    const user = await authenticator.authenticateToken(token);
    return {
      ...o,
      status: user ? { authenticated: true, user: userJson(user) } : { authenticated: false },
    };
  });
}
