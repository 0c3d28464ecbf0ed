/**
 * Authorization until RBAC lands: members of system:masters may do anything; everyone else gets
 * what upstream's default cluster roles grant every authenticated user (system:discovery,
 * system:basic-user, system:public-info-viewer: discovery, OpenAPI, version and health, and the
 * self reviews behind `kubectl auth whoami` and `can-i`), and service accounts may read the
 * token issuer's discovery documents (system:service-account-issuer-discovery). Nothing else:
 * a service-account token authenticates, and is then refused what RBAC would have to allow.
 */
import type { Authorizer, Decision, RequestAttributes, RulesReview, UserInfo } from "./types.ts";

/** Non-resource paths every authenticated user may GET; a trailing `*` matches any rest. */
const AUTHENTICATED_PATHS = [
  "/api",
  "/api/*",
  "/apis",
  "/apis/*",
  "/openapi/*",
  "/version",
  "/version/",
  "/healthz",
  "/livez",
  "/readyz",
];

const ISSUER_DISCOVERY_PATHS = ["/.well-known/openid-configuration", "/openid/v1/jwks"];

/** Resources every authenticated user may create: group/resource. */
const SELF_REVIEWS = new Set([
  "authentication.k8s.io/selfsubjectreviews",
  "authorization.k8s.io/selfsubjectaccessreviews",
  "authorization.k8s.io/selfsubjectrulesreviews",
]);

function pathMatches(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p.endsWith("*") ? path.startsWith(p.slice(0, -1)) : path === p);
}

const ALLOWED: Decision = { allowed: true };

/** group/resource -> the rule's apiGroups and resources. */
function selfReviewRules(): RulesReview["resourceRules"] {
  return [...SELF_REVIEWS].map((gr) => {
    const [group, resource] = gr.split("/") as [string, string];
    return { verbs: ["create"], apiGroups: [group], resources: [resource] };
  });
}

export class DefaultPolicyAuthorizer implements Authorizer {
  authorize(a: RequestAttributes): Promise<Decision> {
    return Promise.resolve(this.#decide(a));
  }

  rulesFor(user: UserInfo): RulesReview {
    const groups = user.groups;
    if (groups.includes("system:masters")) {
      return {
        resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
        nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
        incomplete: false,
      };
    }
    if (!groups.includes("system:authenticated")) {
      return { resourceRules: [], nonResourceRules: [], incomplete: false };
    }
    const paths = [
      ...AUTHENTICATED_PATHS,
      ...(groups.includes("system:serviceaccounts") ? ISSUER_DISCOVERY_PATHS : []),
    ];
    return {
      resourceRules: selfReviewRules(),
      nonResourceRules: [{ verbs: ["get"], nonResourceURLs: paths }],
      incomplete: false,
    };
  }

  #decide(a: RequestAttributes): Decision {
    const groups = a.user.groups;
    if (groups.includes("system:masters")) return ALLOWED;
    if (!groups.includes("system:authenticated")) return { allowed: false };
    if (a.resourceRequest) {
      if (
        a.verb === "create" && !a.subresource && SELF_REVIEWS.has(`${a.apiGroup}/${a.resource}`)
      ) {
        return ALLOWED;
      }
    } else if (a.verb === "get") {
      if (pathMatches(a.path, AUTHENTICATED_PATHS)) return ALLOWED;
      if (groups.includes("system:serviceaccounts") && ISSUER_DISCOVERY_PATHS.includes(a.path)) {
        return ALLOWED;
      }
    }
    return { allowed: false };
  }
}
