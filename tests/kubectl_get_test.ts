/**
 * Reading with kubectl: selectors, output formats and server-side columns, chunked lists,
 * watches, raw endpoints and discovery. One server; each step proves one behaviour.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer, toolPath } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Obj = any;

/** Every namespace holds the cluster CA ConfigMap, as upstream; the tests look past it. */
const SYSTEM_OBJECTS = new Set(["kube-root-ca.crt"]);

const names = async (s: ServerProcess, ...args: string[]) =>
  (await s.k("get", ...args, "-o", "jsonpath={.items[*].metadata.name}")).split(" ").filter(
    (n) => n !== "" && !SYSTEM_OBJECTS.has(n),
  ).sort();

/** A long-running `kubectl get -w` whose stdout lines can be awaited one by one. */
class Watcher {
  readonly #child: Deno.ChildProcess;
  readonly #lines: string[] = [];
  readonly #reading: Promise<void>;
  readonly #cacheDir: string;
  #wake: (() => void) | undefined;

  constructor(s: ServerProcess, cacheDir: string, args: string[]) {
    this.#cacheDir = cacheDir;
    const child = new Deno.Command(toolPath("kubectl"), {
      args: ["--kubeconfig", s.kubeconfig, "--cache-dir", cacheDir, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      env: { HOME: cacheDir },
    }).spawn();
    this.#child = child;
    this.#reading = (async () => {
      let buf = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          this.#lines.push(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
        this.#wake?.();
      }
    })();
  }

  /** Waits for a line matching `re` (lines are consumed in order) and returns it. */
  async next(re: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const line = this.#lines.shift();
      if (line !== undefined) {
        if (re.test(line)) return line;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line matching ${re} within ${timeoutMs} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.#wake = undefined;
    }
  }

  async close(): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch { /* already exited */ }
    await this.#child.status;
    await this.#reading;
    await Deno.remove(this.#cacheDir, { recursive: true });
  }
}

Deno.test("kubectl get: selectors, output formats, chunking, watch and discovery", async (t) => {
  const s = await startServer();
  try {
    await s.k("create", "namespace", "sel");
    const cms: [string, string][] = [
      ["a1", "app=x,env=a"],
      ["a2", "app=x,env=b,canary=yes"],
      ["a3", "app=y,env=c"],
      ["a4", "env=a"],
    ];
    for (const [name, labels] of cms) {
      await s.k("create", "configmap", name, "-n", "sel");
      await s.k("label", "configmap", name, "-n", "sel", ...labels.split(","));
    }

    await t.step("label selectors: equality, set-based, existence and inequality", async () => {
      assert.deepEqual(await names(s, "cm", "-n", "sel", "-l", "app=x"), ["a1", "a2"]);
      assert.deepEqual(await names(s, "cm", "-n", "sel", "-l", "env in (a,b)"), ["a1", "a2", "a4"]);
      assert.deepEqual(await names(s, "cm", "-n", "sel", "-l", "env notin (a,b)"), ["a3"]);
      assert.deepEqual(await names(s, "cm", "-n", "sel", "-l", "!app"), ["a4"]);
      assert.deepEqual(await names(s, "cm", "-n", "sel", "-l", "app"), ["a1", "a2", "a3"]);
      assert.deepEqual(await names(s, "cm", "-n", "sel", "-l", "app!=x"), ["a3", "a4"]);
      assert.deepEqual(await names(s, "cm", "-n", "sel", "-l", "app=x,!canary"), ["a1"]);
      assert.deepEqual(await names(s, "cm", "-n", "sel", "-l", "app=nothing"), []);
      const bad = await s.kubectl(["get", "cm", "-n", "sel", "-l", "a b c"]);
      assert.notEqual(bad.code, 0);
    });

    await t.step(
      "field selectors: metadata.name, secret type, unsupported field is an error",
      async () => {
        assert.deepEqual(
          await names(s, "cm", "-n", "sel", "--field-selector", "metadata.name=a2"),
          ["a2"],
        );
        assert.deepEqual(
          await names(s, "cm", "-n", "sel", "--field-selector", "metadata.name!=a2", "-l", "env"),
          ["a1", "a3", "a4"],
        );
        assert.deepEqual(
          await names(s, "cm", "-A", "--field-selector", "metadata.namespace=sel"),
          ["a1", "a2", "a3", "a4"],
        );
        await s.k("create", "secret", "generic", "opaque", "-n", "sel", "--from-literal=a=b");
        await s.k(
          "create",
          "secret",
          "generic",
          "tls-ish",
          "-n",
          "sel",
          "--type=example.com/x",
          "--from-literal=a=b",
        );
        assert.deepEqual(await names(s, "secret", "-n", "sel", "--field-selector", "type=Opaque"), [
          "opaque",
        ]);
        assert.deepEqual(
          await names(s, "secret", "-n", "sel", "--field-selector", "type!=Opaque"),
          ["tls-ish"],
        );
        const bad = await s.kubectl(["get", "cm", "-n", "sel", "--field-selector", "data.x=1"]);
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /BadRequest/);
        assert.match(bad.stderr, /field label not supported: data\.x/);
      },
    );

    await t.step(
      "output formats yaml, json, jsonpath, name, custom-columns, wide and --show-labels",
      async () => {
        await s.k("create", "deployment", "web", "-n", "sel", "--image=nginx:1.27", "--replicas=2");
        const yaml = await s.k("get", "deploy", "web", "-n", "sel", "-o", "yaml");
        assert.match(yaml, /^apiVersion: apps\/v1$/m);
        assert.match(yaml, /^kind: Deployment$/m);
        assert.match(yaml, /^ {2}replicas: 2$/m);
        const json = JSON.parse(await s.k("get", "deploy", "web", "-n", "sel", "-o", "json"));
        assert.equal(json.metadata.name, "web");
        assert.equal(
          await s.k(
            "get",
            "deploy",
            "web",
            "-n",
            "sel",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
          ),
          "nginx:1.27",
        );
        assert.equal(
          (await s.k("get", "deploy", "-n", "sel", "-o", "name")).trim(),
          "deployment.apps/web",
        );
        assert.deepEqual(
          (await s.k(
            "get",
            "cm",
            "-n",
            "sel",
            "-l",
            "app",
            "-o",
            "custom-columns=N:.metadata.name,E:.metadata.labels.env",
          ))
            .trim().split("\n").map((l) => l.split(/\s+/)),
          [["N", "E"], ["a1", "a"], ["a2", "b"], ["a3", "c"]],
        );

        const wide = (await s.k("get", "deploy", "-n", "sel", "-o", "wide")).trim().split("\n");
        assert.deepEqual(wide[0]!.split(/\s+/), [
          "NAME",
          "READY",
          "UP-TO-DATE",
          "AVAILABLE",
          "AGE",
          "CONTAINERS",
          "IMAGES",
          "SELECTOR",
        ]);
        assert.match(wide[1]!, /^web\s+0\/2\s+0\s+0\s+\S+\s+nginx\s+nginx:1\.27\s+app=web$/);

        const svc = (await s.k("get", "svc", "-n", "default")).trim().split("\n");
        assert.deepEqual(svc[0]!.split(/\s+/), [
          "NAME",
          "TYPE",
          "CLUSTER-IP",
          "EXTERNAL-IP",
          "PORT(S)",
          "AGE",
        ]);
        assert.match(svc[1]!, /^kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+<none>\s+443\/TCP\s+\S+$/);

        const labels = (await s.k("get", "cm", "-n", "sel", "a2", "--show-labels")).trim().split(
          "\n",
        );
        assert.deepEqual(labels[0]!.split(/\s+/), ["NAME", "DATA", "AGE", "LABELS"]);
        assert.match(labels[1]!, /^a2\s+0\s+\S+\s+app=x,canary=yes,env=b$/);
      },
    );

    await t.step("--all-namespaces and get all", async () => {
      const all = (await s.k("get", "cm", "--all-namespaces")).trim().split("\n");
      assert.deepEqual(all[0]!.split(/\s+/), ["NAMESPACE", "NAME", "DATA", "AGE"]);
      assert.ok(all.some((l) => /^sel\s+a1\s/.test(l)), all.join("\n"));
      const ns = JSON.parse(await s.k("get", "deploy", "-A", "-o", "json"));
      assert.deepEqual(ns.items.map((i: Obj) => `${i.metadata.namespace}/${i.metadata.name}`), [
        "sel/web",
      ]);

      await s.k("create", "job", "j", "-n", "sel", "--image=busybox");
      const getAll = await s.k("get", "all", "-n", "sel");
      assert.match(getAll, /^deployment\.apps\/web\s/m);
      assert.match(getAll, /^job\.batch\/j\s/m);
      const defaults = await s.k("get", "all", "-n", "default");
      assert.match(defaults, /^service\/kubernetes\s+ClusterIP\s+10\.43\.0\.1\s/m);
    });

    await t.step("--chunk-size=2 pages through 7 objects with limit and continue", async () => {
      await s.k("create", "namespace", "chunks");
      for (let i = 1; i <= 7; i++) {
        await s.k("create", "secret", "generic", `c${i}`, "-n", "chunks");
      }
      const r = await s.kubectl([
        "get",
        "secret",
        "-n",
        "chunks",
        "--chunk-size=2",
        "-o",
        "name",
        "-v=6",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.stdout.trim().split("\n"),
        [1, 2, 3, 4, 5, 6, 7].map((i) => `secret/c${i}`),
      );
      const requests = r.stderr.split("\n").filter((l) =>
        /GET.*\/namespaces\/chunks\/secrets/.test(l)
      );
      assert.equal(requests.length, 4, requests.join("\n"));
      assert.ok(requests.every((l) => /limit=2/.test(l)));
      assert.equal(requests.filter((l) => /continue=/.test(l)).length, 3);

      // the same through the API: continue tokens and remainingItemCount
      const seen: string[] = [];
      let cont = "";
      let pages = 0;
      do {
        const res = await s.api(
          `/api/v1/namespaces/chunks/secrets?limit=3${
            cont ? `&continue=${encodeURIComponent(cont)}` : ""
          }`,
        );
        assert.equal(res.status, 200);
        const list = await res.json();
        pages++;
        seen.push(...list.items.map((i: Obj) => i.metadata.name));
        cont = list.metadata.continue ?? "";
        if (cont) assert.equal(list.metadata.remainingItemCount, 7 - seen.length);
      } while (cont);
      assert.equal(pages, 3);
      assert.deepEqual(seen, ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]);
    });

    await t.step("get -w --output-watch-events streams ADDED, MODIFIED and DELETED", async () => {
      await s.k("create", "namespace", "watched");
      await s.k("create", "configmap", "before", "-n", "watched");
      const cacheDir = await Deno.makeTempDir({ prefix: "kno-watch-" });
      const w = new Watcher(s, cacheDir, [
        "get",
        "cm",
        "-n",
        "watched",
        "-w",
        "--output-watch-events",
      ]);
      try {
        assert.match(await w.next(/\S/), /^EVENT\s+NAME\s+DATA\s+AGE$/);
        assert.match(await w.next(/\S/), /^ADDED\s+before\s+0\s/);
        await s.k("create", "configmap", "live", "-n", "watched", "--from-literal=a=b");
        assert.match(await w.next(/live/), /^ADDED\s+live\s+1\s/);
        await s.k(
          "patch",
          "configmap",
          "live",
          "-n",
          "watched",
          "--type=merge",
          "-p",
          '{"data":{"c":"d"}}',
        );
        assert.match(await w.next(/live/), /^MODIFIED\s+live\s+2\s/);
        await s.k("delete", "configmap", "live", "-n", "watched");
        assert.match(await w.next(/live/), /^DELETED\s+live\s+2\s/);
      } finally {
        await w.close();
      }
    });

    await t.step("non-ASCII data comes back byte for byte, with its length in bytes", async () => {
      const text = "grüße, 日本, 😀";
      await s.k("create", "configmap", "utf8", "-n", "sel", `--from-literal=t=${text}`);
      assert.equal(await s.k("get", "cm", "utf8", "-n", "sel", "-o", "jsonpath={.data.t}"), text);
      const r = await s.api("/api/v1/namespaces/sel/configmaps/utf8");
      const body = new Uint8Array(await r.arrayBuffer());
      assert.equal(Number(r.headers.get("content-length")), body.byteLength);
      assert.equal(JSON.parse(new TextDecoder().decode(body)).data.t, text);
    });

    await t.step("get --raw serves /version, /readyz and /metrics", async () => {
      const version = JSON.parse(await s.k("get", "--raw", "/version"));
      assert.equal(version.major, "1");
      assert.equal(version.minor, "35");
      assert.match(version.gitVersion, /^v1\.35\.\d+/);
      assert.match(version.platform, /^linux\//);
      assert.equal(await s.k("get", "--raw", "/readyz"), "ok");
      assert.match(
        await s.k("get", "--raw", "/readyz?verbose"),
        /^\[\+\]etcd ok$[\s\S]*^readyz check passed$/m,
      );
      assert.equal(await s.k("get", "--raw", "/livez/ping"), "ok");
      const metrics = await s.k("get", "--raw", "/metrics");
      assert.match(metrics, /^# TYPE \w+ (counter|gauge|histogram)$/m);
      assert.match(metrics, /^apiserver_request_total\{[^}]*\} \d+$/m);
    });

    await t.step("api-resources and api-versions list the served resources", async () => {
      const res = (await s.k("api-resources")).trim().split("\n");
      assert.deepEqual(res[0]!.split(/\s+/), [
        "NAME",
        "SHORTNAMES",
        "APIVERSION",
        "NAMESPACED",
        "KIND",
      ]);
      const row = (name: string) => res.find((l) => l.split(/\s+/)[0] === name)?.split(/\s+/);
      assert.deepEqual(row("deployments"), [
        "deployments",
        "deploy",
        "apps/v1",
        "true",
        "Deployment",
      ]);
      assert.deepEqual(row("namespaces"), ["namespaces", "ns", "v1", "false", "Namespace"]);
      assert.deepEqual(row("configmaps"), ["configmaps", "cm", "v1", "true", "ConfigMap"]);
      assert.deepEqual(row("customresourcedefinitions"), [
        "customresourcedefinitions",
        "crd,crds",
        "apiextensions.k8s.io/v1",
        "false",
        "CustomResourceDefinition",
      ]);
      const apps = (await s.k("api-resources", "--api-group=apps", "-o", "name")).trim().split("\n")
        .sort();
      assert.deepEqual(apps, [
        "controllerrevisions.apps",
        "daemonsets.apps",
        "deployments.apps",
        "replicasets.apps",
        "statefulsets.apps",
      ]);
      const versions = (await s.k("api-versions")).trim().split("\n");
      for (
        const v of [
          "v1",
          "apps/v1",
          "batch/v1",
          "apiextensions.k8s.io/v1",
          "rbac.authorization.k8s.io/v1",
        ]
      ) {
        assert.ok(versions.includes(v), `${v} in ${versions.join(",")}`);
      }
    });
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});
