/**
 * helm 4 against a real `kno server`: the life cycle of a chart made by `helm create` (server-side
 * apply, helm's default), `--wait` on a chart of a ConfigMap and a Secret (helm 4 waits with
 * WatchList/kstatus), and the client-side apply path (`--server-side=false`).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { type ServerProcess, startServer, waitFor } from "./harness.ts";

interface ManagedField {
  manager?: string;
  operation?: string;
}
interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: ManagedField[];
}
interface Obj {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  type?: string;
  spec?: { replicas?: number };
}
interface Release {
  name: string;
  namespace: string;
  revision: string | number;
  status: string;
  chart: string;
}
interface HistoryEntry {
  revision: number;
  status: string;
  chart: string;
  description: string;
}

async function helmOk(s: ServerProcess, args: string[], cwd?: string): Promise<string> {
  const r = await s.helm(args, { ...(cwd ? { cwd } : {}), timeoutMs: 60_000 });
  if (r.code !== 0) {
    throw new Error(`helm ${args.join(" ")} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

async function getObj(s: ServerProcess, ns: string, kind: string, name: string): Promise<Obj> {
  const out = await s.k("-n", ns, "get", kind, name, "-o", "json", "--show-managed-fields");
  return JSON.parse(out) as Obj;
}

/** Names of `kind` in `ns` matching `selector`. */
async function names(s: ServerProcess, ns: string, kind: string, selector = ""): Promise<string[]> {
  const args = ["-n", ns, "get", kind, "-o", "json", ...(selector ? ["-l", selector] : [])];
  const list = JSON.parse(await s.k(...args)) as { items: Obj[] };
  return list.items.map((o) => o.metadata.name).sort();
}

function managers(o: Obj): string[] {
  return (o.metadata.managedFields ?? []).map((f) => `${f.manager}/${f.operation}`);
}

/** The objects of a multi-document manifest that are not hooks, keyed `Kind/name`. */
function nonHookDocs(manifest: string): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const doc of parseAllDocuments(manifest)) {
    const o = doc.toJS() as Obj | null;
    if (!o || o.metadata.annotations?.["helm.sh/hook"]) continue;
    out.set(`${o.kind}/${o.metadata.name}`, o);
  }
  return out;
}

async function replicas(s: ServerProcess, ns: string, name: string): Promise<number | undefined> {
  return (await getObj(s, ns, "deployment", name)).spec?.replicas;
}

Deno.test("helm installs, upgrades, rolls back and uninstalls a chart made by helm create", async () => {
  const s = await startServer();
  const dir = await Deno.makeTempDir({ prefix: "kno-helm-chart-" });
  try {
    await helmOk(s, ["create", "mychart"], dir);
    const chart = join(dir, "mychart");

    // install: helm 4 applies server-side with field manager "helm".
    assert.match(await helmOk(s, ["install", "rel", chart]), /STATUS: deployed/);
    for (const kind of ["deployment", "service", "serviceaccount"]) {
      const o = await getObj(s, "default", kind, "rel-mychart");
      assert.equal(o.metadata.labels?.["app.kubernetes.io/managed-by"], "Helm", kind);
      assert.equal(o.metadata.labels?.["app.kubernetes.io/instance"], "rel", kind);
      assert.equal(o.metadata.labels?.["helm.sh/chart"], "mychart-0.1.0", kind);
      assert.equal(o.metadata.annotations?.["meta.helm.sh/release-name"], "rel", kind);
      assert.equal(o.metadata.annotations?.["meta.helm.sh/release-namespace"], "default", kind);
      assert.ok(managers(o).includes("helm/Apply"), `${kind} managedFields: ${managers(o)}`);
    }
    assert.equal(await replicas(s, "default", "rel-mychart"), 1);
    const v1 = await getObj(s, "default", "secret", "sh.helm.release.v1.rel.v1");
    assert.equal(v1.type, "helm.sh/release.v1");
    assert.equal(v1.metadata.labels?.owner, "helm");
    assert.equal(v1.metadata.labels?.name, "rel");
    assert.equal(v1.metadata.labels?.status, "deployed");
    assert.equal(v1.metadata.labels?.version, "1");

    // list
    const listed = JSON.parse(await helmOk(s, ["list", "-o", "json"])) as Release[];
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.name, "rel");
    assert.equal(listed[0]?.namespace, "default");
    assert.equal(String(listed[0]?.revision), "1");
    assert.equal(listed[0]?.status, "deployed");
    assert.equal(listed[0]?.chart, "mychart-0.1.0");

    // upgrade
    const deployUid = (await getObj(s, "default", "deployment", "rel-mychart")).metadata.uid;
    await helmOk(s, ["upgrade", "rel", chart, "--set", "replicaCount=3"]);
    assert.equal(await replicas(s, "default", "rel-mychart"), 3);
    const afterUpgrade = await getObj(s, "default", "deployment", "rel-mychart");
    assert.equal(afterUpgrade.metadata.uid, deployUid, "upgrade patches, it does not recreate");
    assert.deepEqual(await names(s, "default", "secret", "owner=helm,name=rel"), [
      "sh.helm.release.v1.rel.v1",
      "sh.helm.release.v1.rel.v2",
    ]);
    const v2 = await getObj(s, "default", "secret", "sh.helm.release.v1.rel.v2");
    assert.equal(v2.metadata.labels?.status, "deployed");
    assert.equal(v2.metadata.labels?.version, "2");
    const v1After = await getObj(s, "default", "secret", "sh.helm.release.v1.rel.v1");
    assert.equal(v1After.metadata.labels?.status, "superseded");

    // rollback
    assert.match(await helmOk(s, ["rollback", "rel", "1"]), /Rollback was a success/);
    assert.equal(await replicas(s, "default", "rel-mychart"), 1);
    const v3 = await getObj(s, "default", "secret", "sh.helm.release.v1.rel.v3");
    assert.equal(v3.metadata.labels?.status, "deployed");
    assert.equal(v3.metadata.labels?.version, "3");

    // history
    const history = JSON.parse(await helmOk(s, ["history", "rel", "-o", "json"])) as HistoryEntry[];
    assert.deepEqual(history.map((h) => [h.revision, h.status]), [
      [1, "superseded"],
      [2, "superseded"],
      [3, "deployed"],
    ]);
    assert.equal(history[2]?.description, "Rollback to 1");

    // status
    const status = JSON.parse(await helmOk(s, ["status", "rel", "-o", "json"])) as {
      name: string;
      version: number;
      info: { status: string };
    };
    assert.equal(status.name, "rel");
    assert.equal(status.version, 3);
    assert.equal(status.info.status, "deployed");

    // template (client-only rendering) and get manifest (what the release stored) agree.
    const rendered = nonHookDocs(await helmOk(s, ["template", "rel", chart]));
    const stored = nonHookDocs(await helmOk(s, ["get", "manifest", "rel"]));
    assert.deepEqual(
      [...stored.keys()].sort(),
      ["Deployment/rel-mychart", "Service/rel-mychart", "ServiceAccount/rel-mychart"],
    );
    assert.deepEqual(stored, rendered);

    // uninstall removes the objects and every release secret.
    assert.match(await helmOk(s, ["uninstall", "rel"]), /release "rel" uninstalled/);
    for (const kind of ["deployment", "service", "serviceaccount"]) {
      await waitFor(
        async () => !(await names(s, "default", kind)).includes("rel-mychart"),
        10_000,
        `${kind} rel-mychart to be deleted`,
      );
    }
    assert.deepEqual(await names(s, "default", "secret", "owner=helm"), []);
    assert.deepEqual(JSON.parse(await helmOk(s, ["list", "-o", "json"])), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
    assert.equal(await s.stop(), 0, s.log());
  }
});

const CONFIG_CHART: Record<string, string> = {
  "Chart.yaml": "apiVersion: v2\nname: cfg\nversion: 0.1.0\n",
  "templates/configmap.yaml": [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: {{ .Release.Name }}-settings",
    "data:",
    '  mode: {{ .Values.mode | default "fast" | quote }}',
    "",
  ].join("\n"),
  "templates/secret.yaml": [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: {{ .Release.Name }}-creds",
    "type: Opaque",
    "stringData:",
    "  password: hunter2",
    "",
  ].join("\n"),
};

Deno.test("helm --wait returns for ready objects and --server-side=false uses client-side apply", async () => {
  const s = await startServer();
  const dir = await Deno.makeTempDir({ prefix: "kno-helm-chart-" });
  try {
    const cfgChart = join(dir, "cfg");
    await Deno.mkdir(join(cfgChart, "templates"), { recursive: true });
    for (const [path, text] of Object.entries(CONFIG_CHART)) {
      await Deno.writeTextFile(join(cfgChart, path), text);
    }

    // helm 4's watcher wait (WatchList + kstatus) must see ConfigMap and Secret as ready.
    const started = Date.now();
    const out = await helmOk(s, [
      "install",
      "cfg",
      cfgChart,
      "-n",
      "waits",
      "--create-namespace",
      "--wait",
      "--timeout",
      "20s",
    ]);
    assert.ok(Date.now() - started < 20_000, `install --wait took ${Date.now() - started} ms`);
    assert.match(out, /STATUS: deployed/);
    const cm = JSON.parse(await s.k("-n", "waits", "get", "cm", "cfg-settings", "-o", "json")) as {
      data: Record<string, string>;
    };
    assert.deepEqual(cm.data, { mode: "fast" });
    const secret = JSON.parse(
      await s.k("-n", "waits", "get", "secret", "cfg-creds", "-o", "json"),
    ) as { data: Record<string, string> };
    assert.equal(atob(secret.data.password ?? ""), "hunter2");

    // upgrade --wait as well: the changed ConfigMap is ready at once.
    await helmOk(s, [
      "upgrade",
      "cfg",
      cfgChart,
      "-n",
      "waits",
      "--set",
      "mode=safe",
      "--wait",
      "--timeout",
      "20s",
    ]);
    assert.equal(
      await s.k("-n", "waits", "get", "cm", "cfg-settings", "-o", "jsonpath={.data.mode}"),
      "safe",
    );
    await helmOk(s, ["uninstall", "cfg", "-n", "waits", "--wait", "--timeout", "20s"]);
    assert.ok(!(await names(s, "waits", "configmap")).includes("cfg-settings"));
    assert.ok(!(await names(s, "waits", "secret")).includes("cfg-creds"));

    // --server-side=false: helm creates with POST and upgrades with a three-way merge patch.
    await helmOk(s, ["create", "mychart"], dir);
    const chart = join(dir, "mychart");
    await helmOk(s, ["install", "csa", chart, "--server-side=false"]);
    const created = await getObj(s, "default", "deployment", "csa-mychart");
    assert.equal(created.metadata.labels?.["app.kubernetes.io/instance"], "csa");
    assert.ok(
      managers(created).includes("helm/Update"),
      `deployment managedFields: ${managers(created)}`,
    );
    assert.ok(!managers(created).includes("helm/Apply"), `managedFields: ${managers(created)}`);
    await helmOk(s, ["upgrade", "csa", chart, "--server-side=false", "--set", "replicaCount=2"]);
    const patched = await getObj(s, "default", "deployment", "csa-mychart");
    assert.equal(patched.spec?.replicas, 2);
    assert.equal(patched.metadata.uid, created.metadata.uid);
    assert.deepEqual(await names(s, "default", "secret", "owner=helm,name=csa"), [
      "sh.helm.release.v1.csa.v1",
      "sh.helm.release.v1.csa.v2",
    ]);
    await helmOk(s, ["uninstall", "csa"]);
    await waitFor(
      async () => !(await names(s, "default", "deployment")).includes("csa-mychart"),
      10_000,
      "deployment csa-mychart to be deleted",
    );
    assert.deepEqual(await names(s, "default", "secret", "owner=helm"), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
    assert.equal(await s.stop(), 0, s.log());
  }
});
