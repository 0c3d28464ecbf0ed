/**
 * Durability across restarts of a real `kno server` on one data dir: a graceful stop (SIGTERM), a
 * SIGKILL in the middle of concurrent writes, SIGKILLs during start-up, and the identity (CA and
 * admin token) that clients hold across all of them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { type ServerProcess, startServer, waitFor } from "./harness.ts";

interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
}
interface Obj {
  kind: string;
  metadata: Meta;
  status?: { conditions?: { type: string; status: string }[] };
}
interface List {
  metadata: { resourceVersion: string };
  items: Obj[];
}

async function getJson<T>(s: ServerProcess, path: string): Promise<T> {
  const res = await s.api(path);
  const text = await res.text();
  assert.equal(res.status, 200, `GET ${path}: ${text}`);
  return JSON.parse(text) as T;
}

async function createConfigMap(s: ServerProcess, ns: string, name: string): Promise<Obj> {
  const res = await s.api(`/api/v1/namespaces/${ns}/configmaps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } }),
  });
  const text = await res.text();
  assert.equal(res.status, 201, `create ${ns}/${name}: ${text}`);
  return JSON.parse(text) as Obj;
}

function rv(o: { metadata: { resourceVersion: string } }): bigint {
  return BigInt(o.metadata.resourceVersion);
}

/** Opens a watch from `fromRv` and resolves with the first event's type and object name. */
async function firstWatchEvent(
  s: ServerProcess,
  path: string,
  fromRv: string,
  trigger: () => Promise<unknown>,
): Promise<{ type: string; name: string; rv: string }> {
  const res = await s.api(`${path}?watch=1&resourceVersion=${fromRv}`);
  assert.equal(res.status, 200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  try {
    await trigger();
    let buf = "";
    const deadline = setTimeout(() => reader.cancel(), 10_000);
    try {
      while (!buf.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`watch ended before an event; got ${JSON.stringify(buf)}`);
        buf += value;
      }
    } finally {
      clearTimeout(deadline);
    }
    const ev = JSON.parse(buf.slice(0, buf.indexOf("\n"))) as { type: string; object: Obj };
    return {
      type: ev.type,
      name: ev.object.metadata.name,
      rv: ev.object.metadata.resourceVersion,
    };
  } finally {
    await reader.cancel();
  }
}

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer }
`;

const WIDGET = `
apiVersion: example.com/v1
kind: Widget
metadata: { name: w1, namespace: alpha }
spec: { size: 3 }
`;

/** Paths of everything the first test creates (and of a default namespace). */
const PATHS = [
  "/api/v1/namespaces/default",
  "/api/v1/namespaces/alpha",
  "/api/v1/namespaces/beta",
  "/api/v1/namespaces/alpha/configmaps/one",
  "/api/v1/namespaces/alpha/configmaps/two",
  "/api/v1/namespaces/beta/configmaps/three",
  "/api/v1/namespaces/beta/secrets/creds",
  "/apis/apps/v1/namespaces/alpha/deployments/web",
  "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
  "/apis/example.com/v1/namespaces/alpha/widgets/w1",
];

Deno.test("objects, uids and resourceVersions survive a graceful SIGTERM restart", async () => {
  const s = await startServer();
  let s2: ServerProcess | undefined;
  try {
    await s.k("create", "namespace", "alpha");
    await s.k("create", "namespace", "beta");
    await s.k("-n", "alpha", "create", "configmap", "one", "--from-literal=a=1");
    await s.k("-n", "alpha", "create", "configmap", "two", "--from-literal=b=2");
    await s.k("-n", "beta", "create", "configmap", "three", "--from-literal=c=3");
    await s.k("-n", "beta", "create", "secret", "generic", "creds", "--from-literal=p=x");
    await s.k("-n", "alpha", "create", "deployment", "web", "--image=nginx", "--replicas=2");
    await s.k("-n", "alpha", "label", "configmap", "one", "tier=gold");
    const crd = await s.kubectl(["apply", "-f", "-"], { stdin: CRD });
    assert.equal(crd.code, 0, crd.stderr);
    await s.k("wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=20s");
    const cr = await s.kubectl(["apply", "-f", "-"], { stdin: WIDGET });
    assert.equal(cr.code, 0, cr.stderr);

    const before = new Map<string, Obj>();
    for (const p of PATHS) before.set(p, await getJson<Obj>(s, p));
    const storeRv = rv(await getJson<List>(s, "/api/v1/configmaps"));
    const maxObjRv = [...before.values()].map(rv).reduce((a, b) => (a > b ? a : b));
    assert.ok(storeRv >= maxObjRv, `list rv ${storeRv} < newest object rv ${maxObjRv}`);

    assert.equal(await s.stop(), 0, `SIGTERM must exit 0:\n${s.log()}`);
    s2 = await startServer({ dataDir: s.dataDir });

    // The CRD's resources are served at once, before anything else is asked.
    const w1 = await getJson<Obj>(s2, "/apis/example.com/v1/namespaces/alpha/widgets/w1");
    assert.equal(w1.metadata.uid, before.get(PATHS[9]!)?.metadata.uid);
    assert.match(await s2.k("-n", "alpha", "get", "widgets"), /w1/);

    for (const p of PATHS) {
      const after: Obj = await getJson<Obj>(s2, p);
      const old = before.get(p)!;
      assert.equal(after.metadata.uid, old.metadata.uid, `uid of ${p}`);
      assert.equal(after.metadata.resourceVersion, old.metadata.resourceVersion, `rv of ${p}`);
      assert.deepEqual(after, old, `${p} is unchanged`);
    }
    const alpha = await getJson<List>(s2, "/api/v1/namespaces/alpha/configmaps?labelSelector=tier");
    assert.deepEqual(alpha.items.map((o) => o.metadata.name), ["one"]);
    assert.ok(rv(alpha) >= storeRv, `list rv after restart ${rv(alpha)} < ${storeRv}`);

    const fresh = await createConfigMap(s2, "beta", "after-restart");
    assert.ok(rv(fresh) > storeRv, `new rv ${rv(fresh)} must exceed ${storeRv}`);
    const cm = await getJson<Obj>(s2, "/api/v1/namespaces/alpha/configmaps/two");
    const res = await s2.api("/api/v1/namespaces/alpha/configmaps/two", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...cm, data: { b: "22" } }),
    });
    const updated = JSON.parse(await res.text()) as Obj;
    assert.equal(res.status, 200);
    assert.ok(rv(updated) > rv(fresh), `update rv ${rv(updated)} must exceed ${rv(fresh)}`);
    assert.equal(await s2.stop(), 0, `SIGTERM must exit 0:\n${s2.log()}`);
  } finally {
    // No-ops for servers that already exited; a failed test must not leave a server behind.
    await s.kill();
    await s2?.kill();
    await Deno.remove(s.dataDir, { recursive: true });
  }
});

/**
 * Runs 8 concurrent create loops against `s` until it has acknowledged at least `atLeast` creates,
 * then SIGKILLs it mid-write. Returns each acknowledged create's name and resourceVersion.
 */
async function writeUntilKilled(
  s: ServerProcess,
  prefix: string,
  atLeast: number,
): Promise<Map<string, bigint>> {
  const acked = new Map<string, bigint>();
  let interrupted = 0;
  const writer = async (w: number) => {
    for (let i = 0; i < 10_000; i++) {
      const name = `${prefix}-${w}-${i}`;
      try {
        const res = await s.api("/api/v1/namespaces/load/configmaps", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name },
            data: { writer: String(w), seq: String(i) },
          }),
        });
        const body = await res.json() as Obj;
        if (res.status !== 201) throw new Error(`create ${name}: ${res.status}`);
        acked.set(name, rv(body));
      } catch {
        // The server died under us: this create was not acknowledged.
        interrupted++;
        return;
      }
    }
  };
  const writers = Array.from({ length: 8 }, (_, w) => writer(w));
  await waitFor(() => acked.size >= atLeast, 30_000, `${atLeast} acknowledged creates`);
  await s.kill();
  await Promise.all(writers);
  assert.equal(interrupted, 8, "the kill interrupted every writer");
  return acked;
}

function maxOf(values: Iterable<bigint>): bigint {
  let max = 0n;
  for (const v of values) if (v > max) max = v;
  return max;
}

Deno.test("SIGKILL during concurrent writes loses no acknowledged create and reuses no resourceVersion", async () => {
  let s = await startServer();
  const dataDir = s.dataDir;
  try {
    await s.k("create", "namespace", "load");
    // Two rounds: the second writes to, and is killed on, a store recovered from the first kill.
    const acked = await writeUntilKilled(s, "r1", 300);
    s = await startServer({ dataDir });
    const maxRound1 = maxOf(acked.values());
    const round2 = await writeUntilKilled(s, "r2", 300);
    assert.ok(
      maxOf(round2.values()) > maxRound1 && [...round2.values()].every((v) => v > maxRound1),
      "after a restart every new resourceVersion exceeds every acknowledged one",
    );
    for (const [k, v] of round2) acked.set(k, v);

    const rvs = [...acked.values()];
    assert.equal(new Set(rvs).size, rvs.length, "acknowledged resourceVersions are distinct");
    const maxAcked = maxOf(rvs);

    s = await startServer({ dataDir });
    const list = await getJson<List>(s, "/api/v1/namespaces/load/configmaps");
    const found = new Map(list.items.map((o) => [o.metadata.name, o]));
    const lost: string[] = [];
    for (const [name, wantRv] of acked) {
      const o = found.get(name);
      if (!o) lost.push(`${name} missing`);
      else if (rv(o) !== wantRv) lost.push(`${name} rv ${o.metadata.resourceVersion} != ${wantRv}`);
    }
    assert.deepEqual(lost, [], `acknowledged writes lost or changed after SIGKILL`);
    // Beyond the acknowledged ones, at most the 8 in-flight creates of each round may have landed
    // (the namespace's kube-root-ca.crt is not one of the writes).
    const written = list.items.filter((o) => /^r[12]-/.test(o.metadata.name)).length;
    assert.ok(written <= acked.size + 16, `${written} > ${acked.size} + 16`);
    const listedRvs = list.items.map(rv);
    assert.equal(new Set(listedRvs).size, listedRvs.length, "stored resourceVersions are distinct");
    assert.ok(rv(list) >= maxAcked, `list rv ${rv(list)} < acknowledged ${maxAcked}`);

    // Healthy: ready, writes continue above every acknowledged rv, watches deliver.
    const ready = await s.api("/readyz");
    assert.equal(ready.status, 200, await ready.text());
    const next = await createConfigMap(s, "load", "after-kill");
    assert.ok(rv(next) > maxOf(listedRvs), `new rv ${rv(next)} must exceed every stored rv`);
    const ev = await firstWatchEvent(
      s,
      "/api/v1/namespaces/load/configmaps",
      next.metadata.resourceVersion,
      () => createConfigMap(s, "load", "watched"),
    );
    assert.equal(ev.type, "ADDED");
    assert.equal(ev.name, "watched");
    assert.ok(BigInt(ev.rv) > rv(next));
    const count = (await s.k("-n", "load", "get", "cm", "-o", "name")).trim().split("\n").length;
    assert.equal(count, list.items.length + 2, "kubectl lists every configmap");
    assert.equal(await s.stop(), 0, s.log());
  } finally {
    await s.kill();
    await Deno.remove(dataDir, { recursive: true });
  }
});

interface KubeconfigIdentity {
  server: string;
  ca: string;
  token: string;
}

function identity(kubeconfigText: string): KubeconfigIdentity {
  const cfg = parseYaml(kubeconfigText) as {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    users: { user: { token: string } }[];
  };
  return {
    server: cfg.clusters[0]!.cluster.server,
    ca: cfg.clusters[0]!.cluster["certificate-authority-data"],
    token: cfg.users[0]!.user.token,
  };
}

Deno.test("the CA and admin token survive SIGTERM and SIGKILL restarts; old kubeconfigs keep working", async () => {
  const scratch = await Deno.makeTempDir({ prefix: "kno-old-kubeconfig-" });
  const oldKubeconfig = join(scratch, "kubeconfig.yaml");
  let s = await startServer();
  const dataDir = s.dataDir;
  const port = Number(new URL(s.url).port);
  try {
    await Deno.copyFile(s.kubeconfig, oldKubeconfig);
    const first = identity(await Deno.readTextFile(oldKubeconfig));
    await s.k("create", "configmap", "marker", "--from-literal=x=1");

    for (const how of ["SIGTERM", "SIGKILL"] as const) {
      const code = how === "SIGTERM" ? await s.stop() : await s.kill();
      if (how === "SIGTERM") assert.equal(code, 0, s.log());
      s = await startServer({ dataDir, port });
      const now = identity(await Deno.readTextFile(s.kubeconfig));
      assert.deepEqual(now, first, `kubeconfig after ${how} restart`);
      // The kubeconfig written before any restart still reaches the API: same CA, same token.
      const r = await s.kubectl(["--kubeconfig", oldKubeconfig, "get", "configmap", "marker"]);
      assert.equal(r.code, 0, `old kubeconfig after ${how}: ${r.stderr}`);
      assert.match(r.stdout, /marker/);
      const oldClient = Deno.createHttpClient({ caCerts: [atob(first.ca)] });
      try {
        const res = await fetch(`${first.server}/api/v1/namespaces/default/configmaps/marker`, {
          headers: { authorization: `Bearer ${first.token}` },
          client: oldClient,
        });
        assert.equal(res.status, 200, await res.text());
      } finally {
        oldClient.close();
      }
      const bad = await s.api("/api/v1/namespaces", { headers: { authorization: "Bearer nope" } });
      assert.equal(bad.status, 401, await bad.text());
    }
    assert.equal(await s.stop(), 0, s.log());
  } finally {
    await s.kill();
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(scratch, { recursive: true });
  }
});

Deno.test("SIGKILL right after start-up writes the kubeconfig corrupts nothing", async () => {
  // First start on an empty data dir, killed as soon as the kubeconfig appears.
  let s = await startServer();
  const dataDir = s.dataDir;
  const first = identity(await Deno.readTextFile(s.kubeconfig));
  try {
    await s.kill();
    // Two more starts, each killed at once; the second after a write.
    s = await startServer({ dataDir });
    await s.kill();
    s = await startServer({ dataDir });
    const ready = await waitFor(
      async () => {
        const res = await s.api("/readyz");
        await res.body?.cancel();
        return res.status === 200;
      },
      10_000,
      "/readyz",
    );
    assert.ok(ready);
    const made = await createConfigMap(s, "default", "between-kills");
    await s.kill();

    s = await startServer({ dataDir });
    assert.deepEqual(identity(await Deno.readTextFile(s.kubeconfig)), {
      ...first,
      server: s.url,
    });
    const names = (await s.k("get", "ns", "-o", "jsonpath={.items[*].metadata.name}")).split(" ");
    assert.deepEqual(names.sort(), ["default", "kube-node-lease", "kube-public", "kube-system"]);
    const kept = await getJson<Obj>(s, "/api/v1/namespaces/default/configmaps/between-kills");
    assert.equal(kept.metadata.uid, made.metadata.uid);
    assert.equal(kept.metadata.resourceVersion, made.metadata.resourceVersion);
    const next = await createConfigMap(s, "default", "after-kills");
    assert.ok(rv(next) > rv(made));
    assert.match(await s.k("get", "cm", "after-kills"), /after-kills/);
    assert.equal(await s.stop(), 0, s.log());
  } finally {
    await s.kill();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("the join token given with --token is kept and survives a restart without it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kno-e2e-token-" });
  const tokenFile = join(dataDir, "server", "token");
  const first = await startServer({ dataDir, extraArgs: ["--token", "s3cret"] });
  let token: string;
  try {
    token = (await Deno.readTextFile(tokenFile)).trim();
    assert.match(token, /^K10[0-9a-f]{64}::server:s3cret$/);
    assert.equal((await Deno.stat(tokenFile)).mode! & 0o777, 0o600);
  } finally {
    assert.equal(await first.stop(), 0, first.log());
  }
  const second = await startServer({ dataDir });
  try {
    assert.equal((await Deno.readTextFile(tokenFile)).trim(), token);
  } finally {
    assert.equal(await second.stop(), 0, second.log());
    await Deno.remove(dataDir, { recursive: true });
  }
});
