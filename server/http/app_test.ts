import assert from "node:assert/strict";
import { startTestApi } from "../testing_helper.ts";

Deno.test("/version reports a Kubernetes 1.35 version to anyone", async () => {
  const t = await startTestApi();
  try {
    const r = await t.request("GET", "/version", { token: null });
    assert.equal(r.status, 200);
    assert.equal(r.body.major, "1");
    assert.equal(r.body.minor, "35");
    assert.match(String(r.body.gitVersion), /^v1\.35\.\d+(\+[0-9A-Za-z.-]+)?$/);
    assert.match(String(r.body.platform), /^linux\/(amd64|arm64)$/);
  } finally {
    await t.stop();
  }
});

Deno.test("health endpoints answer 200 without a token", async () => {
  const t = await startTestApi();
  try {
    for (const path of ["/healthz", "/readyz", "/livez"]) {
      const r = await t.request("GET", path, { token: null });
      assert.equal(r.status, 200, path);
      assert.equal(r.text, "ok");
      const head = await t.fetch(path, { token: null, method: "HEAD" });
      assert.equal(head.status, 200, `HEAD ${path}`);
      assert.equal(await head.text(), "");
    }
    const post = await t.fetch("/healthz", { token: null, method: "POST" });
    assert.equal(post.status, 404, "probes are GET or HEAD only");
    assert.equal((await post.json()).kind, "Status");
  } finally {
    await t.stop();
  }
});

Deno.test("everything else needs a valid bearer token: 401 Status otherwise", async () => {
  const t = await startTestApi();
  try {
    const paths = [
      "/api",
      "/apis",
      "/api/v1",
      "/api/v1/namespaces",
      "/apis/apps/v1/namespaces/default/deployments",
      "/openapi/v3",
      "/metrics",
      "/no/such/path",
    ];
    for (const token of [null, "wrong", "t2", ""]) {
      for (const path of paths) {
        const r = await t.request("GET", path, { token });
        assert.equal(r.status, 401, `${path} with token ${JSON.stringify(token)}`);
        assert.equal(r.body.kind, "Status");
        assert.equal(r.body.reason, "Unauthorized");
        assert.equal(r.body.code, 401);
      }
    }
    const basic = await t.fetch("/api/v1/namespaces", {
      token: null,
      headers: { authorization: `Basic ${btoa("admin:t")}` },
    });
    assert.equal(basic.status, 401);
    await basic.body?.cancel();
    const write = await t.request("POST", "/api/v1/namespaces", {
      token: null,
      body: { metadata: { name: "sneaky" } },
    });
    assert.equal(write.status, 401);
    assert.equal((await t.get("/api/v1/namespaces/sneaky")).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("authenticated requests for unknown things get the matching Status", async () => {
  const t = await startTestApi();
  try {
    const unknownPath = await t.get("/no/such/path");
    assert.equal(unknownPath.status, 404);
    assert.equal(unknownPath.body.reason, "NotFound");
    const unknownResource = await t.get("/api/v1/namespaces/default/widgets");
    assert.equal(unknownResource.status, 404);
    assert.equal(unknownResource.body.kind, "Status");
    // Present and empty, as upstream's: Go clients read details.name of a 404.
    assert.deepEqual(unknownResource.body.details, {});
    const unknownSub = await t.get("/api/v1/namespaces/default/configmaps/x/widgets");
    assert.equal(unknownSub.status, 404);
    assert.deepEqual(unknownSub.body.details, {});
    const unknownParam = await t.get("/api/v1/namespaces/default/configmaps?bogus=1");
    assert.equal(unknownParam.status, 400);
    assert.equal(unknownParam.body.reason, "BadRequest");
    const postToName = await t.post("/api/v1/namespaces/default/configmaps/x", {});
    assert.equal(postToName.status, 405);
    assert.equal(postToName.body.reason, "MethodNotAllowed");
    const metrics = await t.get("/metrics");
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers.get("content-type")), /^text\/plain/);
  } finally {
    await t.stop();
  }
});
