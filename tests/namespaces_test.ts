import assert from "node:assert/strict";
import { startServer } from "./harness.ts";

Deno.test("kubectl sees the default namespaces and creates, lists and deletes one", async () => {
  const s = await startServer();
  try {
    const names = (await s.k("get", "ns", "-o", "jsonpath={.items[*].metadata.name}")).split(" ")
      .sort();
    assert.deepEqual(names, ["default", "kube-node-lease", "kube-public", "kube-system"]);
    assert.match(await s.k("create", "namespace", "team-a"), /namespace\/team-a created/);
    assert.match(await s.k("get", "ns", "team-a"), /team-a\s+Active/);
    const r = await s.kubectl(["create", "namespace", "team-a"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /AlreadyExists|already exists/);
    await s.k("delete", "ns", "team-a", "--wait=true", "--timeout=20s");
    const gone = await s.kubectl(["get", "ns", "team-a"]);
    assert.match(gone.stderr, /NotFound|not found/);
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});
