import assert from "node:assert/strict";
import { DefaultPolicyAuthorizer } from "./default_policy.ts";
import type { RequestAttributes, UserInfo } from "./types.ts";

const authz = new DefaultPolicyAuthorizer();
const admin: UserInfo = { username: "system:admin", groups: ["system:masters"] };
const robot: UserInfo = {
  username: "system:serviceaccount:ns1:robot",
  groups: ["system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"],
};
const person: UserInfo = { username: "alice", groups: ["system:authenticated"] };
const nobody: UserInfo = { username: "x", groups: [] };

function resource(user: UserInfo, verb: string, group: string, res: string, sub = "") {
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup: group,
    apiVersion: "v1",
    resource: res,
    subresource: sub,
    namespace: "ns1",
    name: "",
    path: "",
  } satisfies RequestAttributes;
}

function path(user: UserInfo, p: string, verb = "get") {
  return { ...resource(user, verb, "", ""), resourceRequest: false, path: p };
}

Deno.test("default policy: masters anything; the authenticated discovery and self reviews; nothing else", async () => {
  const allowed = async (a: RequestAttributes) => (await authz.authorize(a)).allowed;
  assert.ok(await allowed(resource(admin, "delete", "apps", "deployments")));
  assert.ok(await allowed(path(admin, "/metrics")));
  for (const user of [robot, person]) {
    for (const p of ["/api", "/api/v1", "/apis", "/apis/apps/v1", "/openapi/v3", "/version"]) {
      assert.ok(await allowed(path(user, p)), `${user.username} GET ${p}`);
    }
    assert.equal(await allowed(path(user, "/api", "post")), false, "only GET");
    assert.equal(await allowed(path(user, "/metrics")), false);
    assert.equal(await allowed(path(user, "/apix")), false, "a prefix is not a path");
    assert.ok(
      await allowed(resource(user, "create", "authentication.k8s.io", "selfsubjectreviews")),
    );
    assert.ok(
      await allowed(resource(user, "create", "authorization.k8s.io", "selfsubjectaccessreviews")),
    );
    assert.equal(
      await allowed(resource(user, "create", "authentication.k8s.io", "tokenreviews")),
      false,
    );
    assert.equal(await allowed(resource(user, "list", "", "pods")), false);
    assert.equal(await allowed(resource(user, "create", "", "serviceaccounts", "token")), false);
  }
  // The token issuer's documents: for service accounts (as upstream's default binding).
  assert.ok(await allowed(path(robot, "/openid/v1/jwks")));
  assert.ok(await allowed(path(robot, "/.well-known/openid-configuration")));
  assert.equal(await allowed(path(person, "/openid/v1/jwks")), false);
  // Not even discovery without system:authenticated.
  assert.equal(await allowed(path(nobody, "/api")), false);
});

Deno.test("default policy: the rules kubectl auth can-i --list shows are the ones it decides by", () => {
  assert.deepEqual(authz.rulesFor(admin).resourceRules, [
    { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  ]);
  const mine = authz.rulesFor(robot);
  assert.deepEqual(mine.resourceRules.map((r) => `${r.resources[0]}.${r.apiGroups[0]}`), [
    "selfsubjectreviews.authentication.k8s.io",
    "selfsubjectaccessreviews.authorization.k8s.io",
    "selfsubjectrulesreviews.authorization.k8s.io",
  ]);
  const urls = mine.nonResourceRules[0]!.nonResourceURLs;
  assert.ok(urls.includes("/api/*") && urls.includes("/openid/v1/jwks"));
  assert.ok(
    !authz.rulesFor(person).nonResourceRules[0]!.nonResourceURLs.includes("/openid/v1/jwks"),
  );
  assert.deepEqual(authz.rulesFor(nobody), {
    resourceRules: [],
    nonResourceRules: [],
    incomplete: false,
  });
});
