import assert from "node:assert/strict";
import { ApiError } from "../../api/status.ts";
import { parseQuery, parseResourcePath, splitRequestUrl } from "./request.ts";

Deno.test("splitRequestUrl gives the raw path and query, as URL would", () => {
  for (
    const u of [
      "https://127.0.0.1:6443/api/v1/namespaces/default/pods?watch=1&labelSelector=a%3Db",
      "https://h/apis/apps/v1/deployments",
      "http://localhost/api/v1/namespaces/a%2Fb/configmaps/x%25y?",
      "https://h/",
      "https://h/?x=1",
      "https://[::1]:6443/version",
    ]
  ) {
    const url = new URL(u);
    const got = splitRequestUrl(u);
    assert.equal(got.path, url.pathname, u);
    assert.equal(got.search, url.search.replace(/^\?/, ""), u);
  }
});

Deno.test("parseQuery rejects unknown parameters and reads the known ones", () => {
  const q = parseQuery("limit=5&watch=true&labelSelector=a%3Db");
  assert.equal(q.int("limit"), 5);
  assert.equal(q.bool("watch"), true);
  assert.equal(q.get("labelSelector"), "a=b");
  assert.equal(parseQuery("").get("limit"), undefined);
  assert.throws(
    () => parseQuery("limit=1&bogus=2"),
    (e) => e instanceof ApiError && e.code === 400,
  );
  assert.throws(() => parseQuery("limit=x").int("limit"), (e) => e instanceof ApiError);
});

Deno.test("parseResourcePath decodes segments once and finds namespace, name and subresource", () => {
  const ns = () => true;
  assert.deepEqual(parseResourcePath("/api/v1/namespaces/a/configmaps/x%25y", ns), {
    group: "",
    version: "v1",
    resource: "configmaps",
    namespace: "a",
    name: "x%y",
    subresource: "",
  });
  assert.deepEqual(parseResourcePath("/apis/apps/v1/namespaces/n/deployments/d/scale", ns), {
    group: "apps",
    version: "v1",
    resource: "deployments",
    namespace: "n",
    name: "d",
    subresource: "scale",
  });
  assert.throws(
    () => parseResourcePath("/api/v1/namespaces/%zz/configmaps", ns),
    (e) => e instanceof ApiError && e.code === 400,
  );
  assert.equal(parseResourcePath("/api/v1", ns), undefined);
  assert.equal(parseResourcePath("/version", ns), undefined);
});
