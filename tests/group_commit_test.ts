/**
 * Group commit through the real server: writes that arrive together share one durable commit
 * (the datastore's counters in /metrics), so 16 or 64 clients do not cost 16 or 64 fsyncs.
 */
import assert from "node:assert/strict";
import { startServer } from "./harness.ts";

async function counters(api: (path: string) => Promise<Response>) {
  const text = await (await api("/metrics")).text();
  const read = (name: string) => {
    const m = new RegExp(`^${name} (\\d+)$`, "m").exec(text);
    assert.ok(m, `${name} in /metrics`);
    return Number(m[1]);
  };
  return { commits: read("kno_storage_commits_total"), writes: read("kno_storage_writes_total") };
}

Deno.test("concurrent creates share commits", async () => {
  const s = await startServer();
  try {
    const api = (path: string, init?: RequestInit) => s.api(path, init);
    const before = await counters(api);
    const n = 64;
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        api("/api/v1/namespaces/default/configmaps", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ metadata: { name: `gc-${i}` }, data: { i: String(i) } }),
        })),
    );
    for (const r of replies) {
      assert.equal(r.status, 201);
      await r.body?.cancel();
    }
    const after = await counters(api);
    assert.equal(after.writes - before.writes, n);
    const commits = after.commits - before.commits;
    assert.ok(commits <= n / 4, `${n} concurrent creates took ${commits} commits`);
  } finally {
    await s.stop();
  }
});
