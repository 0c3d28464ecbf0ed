/**
 * `kubectl create token` (a protobuf TokenRequest to `serviceaccounts/<name>/token`) and what the
 * token is then good for: kubectl authenticates with it as the service account, is refused what
 * no policy grants it until RBAC lands, and loses it when the object it is bound to goes; and
 * `kubectl --as`, which only those allowed to impersonate may use.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer, waitFor } from "./harness.ts";

type Json = Record<string, unknown>;

const ISSUER = "https://kubernetes.default.svc.cluster.local";

function claims(token: string): Json {
  const payload = token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, "=")));
}

/** `kubectl create token default`, once the namespace controller has made the account. */
async function defaultAccountToken(s: ServerProcess): Promise<string> {
  await waitFor(
    async () => (await s.kubectl(["get", "sa", "default"])).code === 0,
    10_000,
    "default SA",
  );
  return (await s.k("create", "token", "default")).trim();
}

Deno.test("kubectl create token: the token authenticates as the account, bound tokens die with their object", async () => {
  const s = await startServer();
  try {
    const token = await defaultAccountToken(s);
    const c = claims(token);
    assert.equal(c.iss, ISSUER);
    assert.equal(c.sub, "system:serviceaccount:default:default");
    assert.deepEqual(c.aud, [ISSUER]);
    assert.equal(Number(c.exp) - Number(c.iat), 3600);
    const uid = (JSON.parse(await s.k("get", "sa", "default", "-o", "json")).metadata as Json).uid;
    assert.deepEqual((c["kubernetes.io"] as Json).serviceaccount, { name: "default", uid });

    // kubectl with the token is the service account...
    const who = JSON.parse(await s.k("--token", token, "auth", "whoami", "-o", "json"));
    assert.equal(who.status.userInfo.username, "system:serviceaccount:default:default");
    assert.deepEqual(who.status.userInfo.groups, [
      "system:serviceaccounts",
      "system:serviceaccounts:default",
      "system:authenticated",
    ]);
    // ...which may read discovery but nothing else until RBAC grants it more.
    const pods = await s.kubectl(["--token", token, "get", "pods"]);
    assert.equal(pods.code, 1);
    assert.match(
      pods.stderr,
      /Error from server \(Forbidden\): pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"/,
    );
    const canI = await s.kubectl(["--token", token, "auth", "can-i", "create", "deployments"]);
    assert.equal(canI.stdout.trim(), "no");
    // The admin's list, then the account's (kubectl sends the review with a status to ignore).
    assert.match(await s.k("auth", "can-i", "--list"), /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
    const list = await s.k("--token", token, "auth", "can-i", "--list");
    assert.match(list, /selfsubjectreviews\.authentication\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
    assert.match(list, /\[\/api\/\*\]\s+\[\]\s+\[get\]/);
    assert.equal((await s.kubectl(["--token", "not.a.token", "get", "ns"])).code, 1);

    // Lifetime and audiences as asked; too short a lifetime is refused as upstream refuses it.
    const custom = claims(
      (await s.k("create", "token", "default", "--duration", "20m", "--audience", "vault")).trim(),
    );
    assert.equal(Number(custom.exp) - Number(custom.iat), 1200);
    assert.deepEqual(custom.aud, ["vault"]);
    const short = await s.kubectl(["create", "token", "default", "--duration", "5m"]);
    assert.equal(short.code, 1);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
    const nobody = await s.kubectl(["create", "token", "nobody"]);
    assert.match(nobody.stderr, /serviceaccounts "nobody" not found/);

    // Bound to a pod: valid while the pod lives, refused once it is deleted.
    await s.k("run", "web", "--image", "busybox", "--restart", "Never");
    const bound = (await s.k(
      "create",
      "token",
      "default",
      "--bound-object-kind",
      "Pod",
      "--bound-object-name",
      "web",
    )).trim();
    const podWho = JSON.parse(await s.k("--token", bound, "auth", "whoami", "-o", "json"));
    assert.deepEqual(podWho.status.userInfo.extra["authentication.kubernetes.io/pod-name"], [
      "web",
    ]);
    await s.k("delete", "pod", "web", "--grace-period", "0", "--force");
    const after = await s.kubectl(["--token", bound, "auth", "whoami"]);
    assert.equal(after.code, 1);
    assert.match(after.stderr, /Unauthorized/);
    // The unbound token lives on.
    assert.equal((await s.kubectl(["--token", token, "auth", "whoami"])).code, 0);
  } finally {
    await s.stop();
  }
});

Deno.test("service-account tokens survive a restart: the signing key is kept", async () => {
  const s = await startServer();
  let dataDir = s.dataDir;
  try {
    const token = await defaultAccountToken(s);
    dataDir = s.dataDir;
    assert.equal(await s.stop(), 0);
    const again = await startServer({ dataDir });
    try {
      const who = JSON.parse(await again.k("--token", token, "auth", "whoami", "-o", "json"));
      assert.equal(who.status.userInfo.username, "system:serviceaccount:default:default");
    } finally {
      await again.stop();
    }
  } finally {
    await s.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});

Deno.test("kubectl --as: requests act as the impersonated user, which only those allowed may ask for", async () => {
  const s = await startServer();
  try {
    // The admin (system:masters) may impersonate; alice has none of its rights.
    assert.equal(
      (await s.kubectl(["auth", "can-i", "get", "pods", "--as=alice"])).stdout.trim(),
      "no",
    );
    const who = JSON.parse(
      await s.k("auth", "whoami", "--as=alice", "--as-group=devs", "-o", "json"),
    );
    assert.deepEqual(who.status.userInfo, {
      username: "alice",
      groups: ["devs", "system:authenticated"],
    });
    const list = await s.kubectl(["get", "pods", "--as=alice"]);
    assert.equal(list.code, 1);
    assert.match(
      list.stderr,
      /pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"/,
    );
    assert.match(
      await s.k("get", "namespaces", "--as=alice", "--as-group=system:masters"),
      /default/,
    );
    // A service account's token may not impersonate anyone.
    const token = await defaultAccountToken(s);
    const res = await s.api("/api/v1/namespaces", {
      headers: { authorization: `Bearer ${token}`, "impersonate-user": "admin" },
    });
    assert.equal(res.status, 403);
    assert.equal(
      (await res.json()).message,
      'users "admin" is forbidden: User "system:serviceaccount:default:default" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    const groupsOnly = await s.api("/api/v1/namespaces", {
      headers: { "impersonate-group": "system:masters" },
    });
    assert.equal(groupsOnly.status, 400);
    await groupsOnly.body?.cancel();
  } finally {
    await s.stop();
  }
});
