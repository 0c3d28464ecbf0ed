import assert from "node:assert/strict";
import { ApiError } from "../../api/status.ts";
import { DefaultPolicyAuthorizer } from "./default_policy.ts";
import { impersonatedUser } from "./impersonation.ts";
import type { UserInfo } from "./types.ts";

const admin: UserInfo = { username: "admin", groups: ["system:masters", "system:authenticated"] };
const bob: UserInfo = { username: "bob", groups: ["system:authenticated"] };
const authz = new DefaultPolicyAuthorizer();

async function failure(headers: Record<string, string>, who: UserInfo): Promise<ApiError> {
  try {
    await impersonatedUser(new Headers(headers), who, authz);
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e;
  }
  assert.fail("impersonation was allowed");
}

Deno.test("impersonation: a master acts as the user, groups, uid and extras asked for", async () => {
  const user = await impersonatedUser(
    new Headers([
      ["Impersonate-User", "alice"],
      ["Impersonate-Group", "devs"],
      ["Impersonate-Group", "ops"],
      ["Impersonate-Uid", "1234"],
      ["Impersonate-Extra-Scopes%2Fteam", "a"],
      ["Impersonate-Extra-Scopes%2Fteam", "b"],
    ]),
    admin,
    authz,
  );
  assert.deepEqual(user, {
    username: "alice",
    groups: ["devs", "ops", "system:authenticated"],
    uid: "1234",
    extra: { "scopes/team": ["a", "b"] },
  });
});

Deno.test("impersonation: service accounts get their groups; anonymous is unauthenticated", async () => {
  const sa = await impersonatedUser(
    new Headers({ "Impersonate-User": "system:serviceaccount:apps:builder" }),
    admin,
    authz,
  );
  assert.deepEqual(sa.groups, [
    "system:serviceaccounts",
    "system:serviceaccounts:apps",
    "system:authenticated",
  ]);
  const anon = await impersonatedUser(
    new Headers({ "Impersonate-User": "system:anonymous" }),
    admin,
    authz,
  );
  assert.deepEqual(anon.groups, ["system:unauthenticated"]);
});

Deno.test("impersonation: refused without the impersonate verb, and groups need a user", async () => {
  const denied = await failure({ "Impersonate-User": "alice" }, bob);
  assert.equal(denied.code, 403);
  assert.equal(
    denied.message,
    'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
  );
  const sa = await failure({ "Impersonate-User": "system:serviceaccount:apps:builder" }, bob);
  assert.match(sa.message, /serviceaccounts "builder" is forbidden: .* in the namespace "apps"/);
  const groups = await failure({ "Impersonate-Group": "system:masters" }, admin);
  assert.equal(groups.code, 400);
  assert.match(groups.message, /without impersonating a user/);
});
