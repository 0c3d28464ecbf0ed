import assert from "node:assert/strict";
import { startServer, waitFor } from "./harness.ts";

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {mode: prod}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27", envFrom: [{configMapRef: {name: cfg}}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

Deno.test("a multi-document manifest with its namespace first applies and deletes cleanly", async () => {
  const s = await startServer();
  try {
    const applied = await s.kubectl(["apply", "-f", "-"], { stdin: MANIFEST });
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /namespace\/shop created[\s\S]*service\/web created/);
    assert.match(
      await s.k("get", "deploy,svc,cm", "-n", "shop", "-o", "name"),
      /deployment.apps\/web/,
    );
    // The namespace goes first; the objects in it must still be there for kubectl to delete.
    const deleted = await s.kubectl(["delete", "-f", "-"], { stdin: MANIFEST });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /deployment.apps "web" deleted/);
    await waitFor(
      async () => (await s.kubectl(["get", "ns", "shop"])).code !== 0,
      20_000,
      "the namespace to go",
    );
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});
