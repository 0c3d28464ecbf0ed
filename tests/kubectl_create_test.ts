/**
 * `kubectl create <kind>` sends protobuf bodies: these tests read every object back as JSON to
 * prove the server decoded, defaulted and stored what kubectl meant.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type ServerProcess, startServer } from "./harness.ts";

type Json = Record<string, unknown>;
// deno-lint-ignore no-explicit-any
type Obj = any;

async function getJson(s: ServerProcess, ...args: string[]): Promise<Obj> {
  return JSON.parse(await s.k("get", ...args, "-o", "json"));
}

function assertServerMetadata(meta: Json, what: string): void {
  assert.match(
    String(meta.uid),
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    `${what} uid`,
  );
  assert.match(String(meta.resourceVersion), /^[0-9]+$/, `${what} resourceVersion`);
  assert.ok(
    !Number.isNaN(Date.parse(String(meta.creationTimestamp))),
    `${what} creationTimestamp ${meta.creationTimestamp}`,
  );
  assert.match(String(meta.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
}

Deno.test("kubectl create namespace, deployment and job store protobuf bodies with upstream defaults", async () => {
  const s = await startServer();
  try {
    // namespace (protobuf body)
    assert.match(await s.k("create", "namespace", "proto-ns"), /namespace\/proto-ns created/);
    const ns = await getJson(s, "namespace", "proto-ns");
    assertServerMetadata(ns.metadata, "namespace");
    assert.equal(ns.status.phase, "Active");
    assert.deepEqual(ns.spec.finalizers, ["kubernetes"]);
    assert.equal(ns.metadata.labels["kubernetes.io/metadata.name"], "proto-ns");

    // deployment
    assert.match(
      await s.k(
        "create",
        "deployment",
        "web",
        "-n",
        "proto-ns",
        "--image=nginx:1.27",
        "--replicas=3",
        "--port=8080",
      ),
      /deployment.apps\/web created/,
    );
    const d = await getJson(s, "deployment", "web", "-n", "proto-ns");
    assert.equal(d.apiVersion, "apps/v1");
    assert.equal(d.kind, "Deployment");
    assertServerMetadata(d.metadata, "deployment");
    assert.equal(d.metadata.generation, 1);
    assert.deepEqual(d.metadata.labels, { app: "web" });
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.selector, { matchLabels: { app: "web" } });
    assert.deepEqual(d.spec.strategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" },
    });
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    const pod = d.spec.template.spec;
    assert.deepEqual(d.spec.template.metadata.labels, { app: "web" });
    assert.equal(pod.restartPolicy, "Always");
    assert.equal(pod.dnsPolicy, "ClusterFirst");
    assert.equal(pod.terminationGracePeriodSeconds, 30);
    assert.equal(pod.schedulerName, "default-scheduler");
    assert.equal(pod.containers.length, 1);
    const c = pod.containers[0];
    assert.equal(c.name, "nginx");
    assert.equal(c.image, "nginx:1.27");
    assert.equal(c.imagePullPolicy, "IfNotPresent");
    assert.equal(c.terminationMessagePath, "/dev/termination-log");
    assert.equal(c.terminationMessagePolicy, "File");
    assert.deepEqual(c.ports, [{ containerPort: 8080, protocol: "TCP" }]);

    // job: the image has no tag, so it is pulled Always; the selector is generated from the uid
    assert.match(
      await s.k("create", "job", "once", "-n", "proto-ns", "--image=busybox", "--", "echo", "hi"),
      /job.batch\/once created/,
    );
    const j = await getJson(s, "job", "once", "-n", "proto-ns");
    assertServerMetadata(j.metadata, "job");
    assert.equal(j.metadata.generation, 1);
    const uid = j.metadata.uid as string;
    assert.deepEqual(j.spec.selector, {
      matchLabels: { "batch.kubernetes.io/controller-uid": uid },
    });
    const templateLabels = {
      "batch.kubernetes.io/controller-uid": uid,
      "batch.kubernetes.io/job-name": "once",
      "controller-uid": uid,
      "job-name": "once",
    };
    assert.deepEqual(j.spec.template.metadata.labels, templateLabels);
    assert.equal(j.spec.backoffLimit, 6);
    assert.equal(j.spec.completions, 1);
    assert.equal(j.spec.parallelism, 1);
    assert.equal(j.spec.completionMode, "NonIndexed");
    assert.equal(j.spec.suspend, false);
    assert.equal(j.spec.podReplacementPolicy, "TerminatingOrFailed");
    const jc = j.spec.template.spec.containers[0];
    assert.deepEqual(jc.command, ["echo", "hi"]);
    assert.equal(jc.image, "busybox");
    assert.equal(jc.imagePullPolicy, "Always");
    assert.equal(j.spec.template.spec.restartPolicy, "Never");
    assert.equal(j.spec.template.spec.terminationGracePeriodSeconds, 30);
    // upstream defaults a Job's empty labels to its template labels (read back after create)
    assert.deepEqual(j.metadata.labels, templateLabels, "job metadata.labels");
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("kubectl create configmap and secret from literals, files and env files; stringData is stored as data", async () => {
  const s = await startServer();
  const dir = await Deno.makeTempDir({ prefix: "kno-create-" });
  try {
    await Deno.writeTextFile(join(dir, "app.conf"), "listen 80;\n");
    await Deno.writeTextFile(join(dir, "vars.env"), "A=1\nB=two\n");
    await Deno.writeFile(join(dir, "blob.bin"), new Uint8Array([0, 1, 2, 254, 255]));

    assert.match(
      await s.k(
        "create",
        "configmap",
        "cfg",
        "--from-literal=k1=v1",
        `--from-file=${join(dir, "app.conf")}`,
        `--from-file=renamed=${join(dir, "app.conf")}`,
        `--from-file=${join(dir, "blob.bin")}`,
      ),
      /configmap\/cfg created/,
    );
    const cm = await getJson(s, "configmap", "cfg");
    assertServerMetadata(cm.metadata, "configmap");
    assert.deepEqual(cm.data, { k1: "v1", "app.conf": "listen 80;\n", renamed: "listen 80;\n" });
    // non-UTF-8 file content goes to binaryData
    assert.deepEqual(cm.binaryData, { "blob.bin": btoa(String.fromCharCode(0, 1, 2, 254, 255)) });

    await s.k("create", "configmap", "envcfg", `--from-env-file=${join(dir, "vars.env")}`);
    assert.deepEqual((await getJson(s, "configmap", "envcfg")).data, { A: "1", B: "two" });

    assert.match(
      await s.k(
        "create",
        "secret",
        "generic",
        "creds",
        "--from-literal=user=admin",
        "--from-literal=pass=s3cr3t!",
        `--from-file=${join(dir, "app.conf")}`,
      ),
      /secret\/creds created/,
    );
    const sec = await getJson(s, "secret", "creds");
    assertServerMetadata(sec.metadata, "secret");
    assert.equal(sec.type, "Opaque");
    assert.deepEqual(sec.data, {
      user: btoa("admin"),
      pass: btoa("s3cr3t!"),
      "app.conf": btoa("listen 80;\n"),
    });

    await s.k(
      "create",
      "secret",
      "generic",
      "typed",
      "--type=example.com/token",
      "--from-literal=t=x",
    );
    assert.equal((await getJson(s, "secret", "typed")).type, "example.com/token");

    // stringData is write-only: merged into data (base64), never stored
    await Deno.writeTextFile(
      join(dir, "string-data.yaml"),
      [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        "  name: plain",
        "data:",
        `  user: ${btoa("admin")}`,
        "stringData:",
        "  password: hunter2",
        "  user: root",
        "",
      ].join("\n"),
    );
    assert.match(await s.k("apply", "-f", join(dir, "string-data.yaml")), /secret\/plain created/);
    const plain = await getJson(s, "secret", "plain");
    assert.equal(plain.stringData, undefined, "stringData must not be stored");
    // stringData wins over data for the same key
    assert.deepEqual(plain.data, { password: btoa("hunter2"), user: btoa("root") });
    assert.equal(plain.type, "Opaque");
  } finally {
    await Deno.remove(dir, { recursive: true });
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("kubectl create -f with generateName gives each object a fresh suffixed name", async () => {
  const s = await startServer();
  const dir = await Deno.makeTempDir({ prefix: "kno-create-" });
  try {
    const file = join(dir, "gen.yaml");
    await Deno.writeTextFile(
      file,
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: batch-\n  labels: {set: gen}\ndata: {a: b}\n",
    );
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await s.k("create", "-f", file, "-o", "name");
      const m = out.trim().match(/^configmap\/(batch-[a-z0-9]{5})$/);
      assert.ok(m, `unexpected output ${out}`);
      names.push(m[1]!);
    }
    assert.equal(new Set(names).size, 3);
    const list = await getJson(s, "configmap", "-l", "set=gen");
    assert.deepEqual(list.items.map((i: Obj) => i.metadata.name).sort(), [...names].sort());
    for (const item of list.items) {
      assert.equal(item.metadata.generateName, "batch-");
      assert.deepEqual(item.data, { a: "b" });
      assertServerMetadata(item.metadata, item.metadata.name);
    }
    // distinct uids, increasing resourceVersions
    assert.equal(new Set(list.items.map((i: Obj) => i.metadata.uid)).size, 3);
    const rvs = list.items.map((i: Obj) => Number(i.metadata.resourceVersion));
    assert.equal(new Set(rvs).size, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("kubectl create service: node ports are held by one Service each and follow the type", async () => {
  const s = await startServer();
  try {
    await s.k("create", "service", "nodeport", "web", "--tcp=80:8080", "--node-port=30080");
    const web = await getJson(s, "service", "web");
    assert.equal(web.spec.ports[0].nodePort, 30080);
    assert.equal(web.spec.ports[0].targetPort, 8080);
    const clash = await s.kubectl([
      "create",
      "service",
      "nodeport",
      "other",
      "--tcp=80:80",
      "--node-port=30080",
    ]);
    assert.notEqual(clash.code, 0);
    assert.match(
      clash.stderr,
      /spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated/,
    );
    await s.k("create", "service", "loadbalancer", "lb", "--tcp=443");
    const lb = await getJson(s, "service", "lb");
    assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
    assert.ok(lb.spec.ports[0].nodePort >= 30000 && lb.spec.ports[0].nodePort <= 32767);
    assert.match(await s.k("get", "service", "lb"), /443:3\d{4}\/TCP/);

    // Back to ClusterIP: the node port goes, and another Service may take it.
    await s.k("patch", "service", "web", "-p", '{"spec":{"type":"ClusterIP"}}');
    assert.equal((await getJson(s, "service", "web")).spec.ports[0].nodePort, undefined);
    await s.k("create", "service", "nodeport", "other", "--tcp=80:80", "--node-port=30080");
    const moved = await s.kubectl([
      "patch",
      "service",
      "web",
      "-p",
      '{"spec":{"clusterIP":"10.43.0.99"}}',
    ]);
    assert.notEqual(moved.code, 0);
    assert.match(
      moved.stderr,
      /spec\.clusterIPs\[0\]: Invalid value: "10\.43\.0\.99": may not change once set/,
    );
  } finally {
    await s.stop();
  }
});

Deno.test("kubectl create cronjob: schedules, time zones and enum fields are checked as upstream's", async () => {
  const s = await startServer();
  try {
    const bad = await s.kubectl(["create", "cronjob", "bad", "--image=busybox", "--schedule=bad"]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: \[bad\]/,
    );
    await s.k("create", "cronjob", "nightly", "--image=busybox", "--schedule=@daily");
    const tz = await s.kubectl([
      "patch",
      "cronjob",
      "nightly",
      "-p",
      '{"spec":{"timeZone":"Mars/Base"}}',
    ]);
    assert.match(
      tz.stderr,
      /spec.timeZone: Invalid value: "Mars\/Base": unknown time zone Mars\/Base/,
    );
    const policy = await s.kubectl([
      "patch",
      "cronjob",
      "nightly",
      "-p",
      '{"spec":{"concurrencyPolicy":"Bogus"}}',
    ]);
    assert.match(
      policy.stderr,
      /spec.concurrencyPolicy: Unsupported value: "Bogus": supported values: "Allow", "Forbid", "Replace"/,
    );
    await s.k(
      "patch",
      "cronjob",
      "nightly",
      "-p",
      '{"spec":{"timeZone":"Europe/Berlin","concurrencyPolicy":"Forbid"}}',
    );
    const cj = await getJson(s, "cronjob", "nightly");
    assert.equal(cj.spec.timeZone, "Europe/Berlin");
    assert.equal(cj.spec.concurrencyPolicy, "Forbid");
    // The enum reaches OpenAPI: kubectl explain lists the values.
    assert.match(
      await s.k("explain", "cronjob.spec.concurrencyPolicy"),
      /ENUM:\s+Allow\s+Forbid\s+Replace/,
    );
    // A Service of an unknown type is refused, not stored.
    const svc = await s.kubectl(["apply", "-f", "-"], {
      stdin: JSON.stringify({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "odd" },
        spec: { type: "Bogus", ports: [{ port: 80 }] },
      }),
    });
    assert.match(svc.stderr, /spec.type: Unsupported value: "Bogus"/);
    assert.notEqual((await s.kubectl(["get", "service", "odd"])).code, 0);
  } finally {
    await s.stop();
  }
});
