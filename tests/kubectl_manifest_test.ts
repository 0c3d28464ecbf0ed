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

/** What `kubectl get -o yaml` prints for several objects: one `kind: List`. */
const LIST = (extra: string) =>
  `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: listed, labels: {from: list}}
  data: {mode: "one"}
- apiVersion: v1
  kind: Service
  metadata: {name: listed, labels: {from: list}}
  spec:
    ports: [{port: 80, targetPort: 8080}]${extra}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: listed, labels: {from: list}}
  spec:
    selector: {matchLabels: {a: b}}
    template:
      metadata: {labels: {a: b}}
      spec:
        containers:
        - name: c
          image: x
          resources: {limits: {cpu: 1, memory: 100Mi}, requests: {cpu: 100m}}
`;

Deno.test("a kind: List file creates and applies, its items validated by kubectl against /openapi/v2", async () => {
  const s = await startServer();
  try {
    // kubectl validates List items client-side with the OpenAPI v2 models (protobuf): it reads
    // kno's definitions, so an unknown field is named before anything is sent.
    const bad = await s.kubectl(["apply", "-f", "-"], { stdin: LIST("\n    bogus: 1") });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown field "bogus" in io\.k8s\.api\.core\.v1\.ServiceSpec/);
    assert.equal(await s.k("get", "cm,svc,deploy", "-l", "from=list", "-o", "name"), "");

    const created = await s.kubectl(["create", "-f", "-"], { stdin: LIST("") });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /configmap\/listed created[\s\S]*deployment.apps\/listed created/);
    const applied = await s.kubectl(["apply", "-f", "-"], {
      stdin: LIST("").replace('mode: "one"', 'mode: "two"'),
    });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(await s.k("get", "cm", "listed", "-o", "jsonpath={.data.mode}"), "two");
    // And back from kubectl's own output, as users do.
    const dump = await s.k("get", "cm,svc", "-l", "from=list", "-o", "yaml");
    assert.match(dump, /^kind: List$/m);
    const again = await s.kubectl(["apply", "-f", "-"], { stdin: dump });
    assert.equal(again.code, 0, again.stderr);
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("server warnings reach kubectl worded as upstream's, whatever field names they quote", async () => {
  const s = await startServer();
  try {
    // --validate=warn: kubectl sends fieldValidation=Warn and prints the server's warnings.
    const r = await s.kubectl(["create", "--validate=warn", "-f", "-"], {
      stdin:
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: warned}\nbogus: 1\n"new\\nline €": 2\n',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Warning: unknown field "bogus"$/m);
    // A newline cannot travel in a header: it is spelled out; the rest arrives as UTF-8.
    assert.match(r.stderr, /^Warning: unknown field "new\\u000aline €"$/m);
    assert.equal(await s.k("get", "cm", "warned", "-o", "jsonpath={.metadata.name}"), "warned");
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});
