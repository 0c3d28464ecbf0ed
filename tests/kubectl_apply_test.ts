/**
 * Writing with kubectl: client-side and server-side apply, diff, replace, every patch type,
 * label and annotate.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type ServerProcess, startServer } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Obj = any;

async function getJson(s: ServerProcess, ...args: string[]): Promise<Obj> {
  return JSON.parse(await s.k("get", ...args, "-o", "json"));
}

function deployment(name: string, opts: { replicas: number; image: string; extra?: string }) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}${opts.extra ? ", tier: web" : ""}}
${opts.extra ? "  annotations: {note: one}\n" : ""}spec:
  replicas: ${opts.replicas}
${opts.extra ? "  minReadySeconds: 5\n" : ""}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: main
        image: ${opts.image}
      - name: side
        image: busybox:1.36
`;
}

Deno.test("client-side kubectl apply creates, leaves unchanged, configures and prunes removed fields", async () => {
  const s = await startServer();
  const dir = await Deno.makeTempDir({ prefix: "kno-apply-" });
  try {
    const file = join(dir, "d.yaml");
    await Deno.writeTextFile(
      file,
      deployment("csa", { replicas: 2, image: "nginx:1.26", extra: "yes" }),
    );
    assert.match(await s.k("apply", "-f", file), /deployment.apps\/csa created/);
    const first = await getJson(s, "deploy", "csa");
    const lastApplied = JSON.parse(
      first.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"],
    );
    assert.equal(lastApplied.spec.replicas, 2);
    assert.equal(lastApplied.metadata.annotations.note, "one");
    assert.equal(first.metadata.annotations.note, "one");
    assert.equal(first.spec.minReadySeconds, 5);

    assert.match(await s.k("apply", "-f", file), /deployment.apps\/csa unchanged/);
    const same = await getJson(s, "deploy", "csa");
    assert.equal(same.metadata.resourceVersion, first.metadata.resourceVersion);
    assert.equal(same.metadata.generation, 1);

    // new image; label tier, annotation note and minReadySeconds dropped from the manifest
    await Deno.writeTextFile(file, deployment("csa", { replicas: 2, image: "nginx:1.27" }));
    const diff = await s.kubectl(["diff", "-f", file]);
    assert.equal(diff.code, 1, `kubectl diff exits 1 when there are differences: ${diff.stderr}`);
    assert.match(diff.stdout, /^-\s+(- )?image: nginx:1\.26$/m);
    assert.match(diff.stdout, /^\+\s+(- )?image: nginx:1\.27$/m);
    assert.match(diff.stdout, /^-\s+tier: web$/m);
    assert.match(diff.stdout, /^-\s+minReadySeconds: 5$/m);
    // diff is a dry run: nothing changed
    assert.equal(
      (await getJson(s, "deploy", "csa")).metadata.resourceVersion,
      first.metadata.resourceVersion,
    );

    assert.match(await s.k("apply", "-f", file), /deployment.apps\/csa configured/);
    const after = await getJson(s, "deploy", "csa");
    assert.equal(after.metadata.uid, first.metadata.uid);
    assert.equal(after.metadata.generation, 2);
    assert.ok(Number(after.metadata.resourceVersion) > Number(first.metadata.resourceVersion));
    assert.equal(after.spec.template.spec.containers[0].image, "nginx:1.27");
    assert.deepEqual(after.metadata.labels, { app: "csa" });
    assert.equal(after.metadata.annotations.note, undefined);
    assert.equal(after.spec.minReadySeconds, undefined);
    assert.equal(
      JSON.parse(after.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"])
        .spec
        .template.spec.containers[0].image,
      "nginx:1.27",
    );

    const clean = await s.kubectl(["diff", "-f", file]);
    assert.equal(clean.code, 0, `no differences left: ${clean.stdout}${clean.stderr}`);
    assert.equal(clean.stdout, "");

    // replace: the whole object is the file's
    await Deno.writeTextFile(file, deployment("csa", { replicas: 4, image: "nginx:1.28" }));
    assert.match(await s.k("replace", "-f", file), /deployment.apps\/csa replaced/);
    const replaced = await getJson(s, "deploy", "csa");
    assert.equal(replaced.spec.replicas, 4);
    assert.equal(replaced.spec.template.spec.containers[0].image, "nginx:1.28");
    assert.equal(replaced.metadata.uid, first.metadata.uid);
    assert.equal(replaced.metadata.generation, 3);
    // defaults are filled again on replace
    assert.equal(replaced.spec.strategy.type, "RollingUpdate");
    const missing = await s.kubectl(["replace", "-f", file.replace("d.yaml", "none.yaml")]);
    assert.notEqual(missing.code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("server-side apply records managers, reports conflicts on replicas and yields to --force-conflicts", async () => {
  const s = await startServer();
  const dir = await Deno.makeTempDir({ prefix: "kno-apply-" });
  try {
    const file = join(dir, "ssa.yaml");
    await Deno.writeTextFile(file, deployment("ssa", { replicas: 2, image: "nginx:1.26" }));
    assert.match(
      await s.k("apply", "--server-side", "-f", file),
      /deployment.apps\/ssa serverside-applied/,
    );
    const d = JSON.parse(await s.k("get", "deploy", "ssa", "-o", "json", "--show-managed-fields"));
    const entries = d.metadata.managedFields as Obj[];
    const mine = entries.find((e) => e.manager === "kubectl" && e.operation === "Apply");
    assert.ok(mine, JSON.stringify(entries));
    assert.equal(mine.apiVersion, "apps/v1");
    assert.equal(mine.fieldsType, "FieldsV1");
    assert.ok("f:replicas" in mine.fieldsV1["f:spec"]);
    assert.ok(
      'k:{"name":"main"}' in mine.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"],
    );
    assert.equal(
      d.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"],
      undefined,
    );

    // another manager takes replicas
    await Deno.writeTextFile(
      join(dir, "other.yaml"),
      deployment("ssa", { replicas: 5, image: "nginx:1.26" }),
    );
    const other = await s.kubectl([
      "apply",
      "--server-side",
      "--field-manager=other",
      "--force-conflicts",
      "-f",
      join(dir, "other.yaml"),
    ]);
    assert.equal(other.code, 0, other.stderr);
    assert.equal(await s.k("get", "deploy", "ssa", "-o", "jsonpath={.spec.replicas}"), "5");

    // the original manager now asks for a third value: conflict on .spec.replicas with "other"
    await Deno.writeTextFile(file, deployment("ssa", { replicas: 3, image: "nginx:1.26" }));
    const conflict = await s.kubectl(["apply", "--server-side", "-f", file]);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Apply failed with 1 conflict: conflict with "other"/);
    assert.match(conflict.stderr, /\.spec\.replicas/);
    assert.equal(await s.k("get", "deploy", "ssa", "-o", "jsonpath={.spec.replicas}"), "5");

    // kubectl scale takes it under the scale subresource: conflict names that
    assert.match(await s.k("scale", "deploy", "ssa", "--replicas=6"), /scaled/);
    const scaled = await s.kubectl(["apply", "--server-side", "-f", file]);
    assert.equal(scaled.code, 1);
    assert.match(
      scaled.stderr,
      /conflict with "kubectl" with subresource "scale".*\.spec\.replicas/s,
    );

    assert.match(
      await s.k("apply", "--server-side", "--force-conflicts", "-f", file),
      /deployment.apps\/ssa serverside-applied/,
    );
    const won = JSON.parse(
      await s.k("get", "deploy", "ssa", "-o", "json", "--show-managed-fields"),
    );
    assert.equal(won.spec.replicas, 3);
    const owners = (won.metadata.managedFields as Obj[]).filter((e) =>
      e.fieldsV1?.["f:spec"]?.["f:replicas"] !== undefined
    );
    assert.deepEqual(owners.map((e) => e.manager), ["kubectl"]);
    assert.equal(owners[0].operation, "Apply");
  } finally {
    await Deno.remove(dir, { recursive: true });
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("kubectl patch applies json, merge and strategic patches; label and annotate add, overwrite and remove", async () => {
  const s = await startServer();
  try {
    await s.k("create", "deployment", "p", "--image=nginx:1.27");
    const images = () =>
      s.k(
        "get",
        "deploy",
        "p",
        "-o",
        "jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}",
      );

    // strategic: containers merge by name, existing one updated in place, new one appended
    await s.k(
      "patch",
      "deploy",
      "p",
      "--type=strategic",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"},{"name":"side","image":"busybox"}]}}}}',
    );
    assert.equal((await images()).trim(), "nginx=nginx:1.28 side=busybox");
    // the merged container keeps its defaulted fields
    assert.equal(
      await s.k(
        "get",
        "deploy",
        "p",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].imagePullPolicy}",
      ),
      "IfNotPresent",
    );
    // strategic $patch: delete removes one element by merge key
    await s.k(
      "patch",
      "deploy",
      "p",
      "-p",
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","$patch":"delete"}]}}}}',
    );
    assert.equal((await images()).trim(), "side=busybox");

    // finalizers merge as a set under strategic, are replaced under merge patch
    await s.k(
      "patch",
      "deploy",
      "p",
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":["a.example.com/x"]}}',
    );
    await s.k(
      "patch",
      "deploy",
      "p",
      "--type=strategic",
      "-p",
      '{"metadata":{"finalizers":["b.example.com/y"]}}',
    );
    const fin = JSON.parse(
      await s.k("get", "deploy", "p", "-o", "jsonpath={.metadata.finalizers}"),
    );
    assert.deepEqual([...fin].sort(), ["a.example.com/x", "b.example.com/y"]);
    await s.k(
      "patch",
      "deploy",
      "p",
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":["c.example.com/z"]}}',
    );
    assert.equal(
      await s.k("get", "deploy", "p", "-o", "jsonpath={.metadata.finalizers}"),
      '["c.example.com/z"]',
    );
    await s.k("patch", "deploy", "p", "--type=merge", "-p", '{"metadata":{"finalizers":null}}');
    assert.equal(await s.k("get", "deploy", "p", "-o", "jsonpath={.metadata.finalizers}"), "");

    // merge patch: null deletes a key, maps merge
    await s.k(
      "patch",
      "deploy",
      "p",
      "--type=merge",
      "-p",
      '{"metadata":{"labels":{"m":"1"}},"spec":{"minReadySeconds":7}}',
    );
    await s.k("patch", "deploy", "p", "--type=merge", "-p", '{"metadata":{"labels":{"m":null}}}');
    const merged = await getJson(s, "deploy", "p");
    assert.deepEqual(merged.metadata.labels, { app: "p" });
    assert.equal(merged.spec.minReadySeconds, 7);

    // json patch: ops in order, test guards, failure changes nothing
    await s.k(
      "patch",
      "deploy",
      "p",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels/j","value":"p"},{"op":"test","path":"/spec/replicas","value":4}]',
    );
    const jp = await getJson(s, "deploy", "p");
    assert.equal(jp.spec.replicas, 4);
    assert.equal(jp.metadata.labels.j, "p");
    const failed = await s.kubectl([
      "patch",
      "deploy",
      "p",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/spec/replicas","value":9},{"op":"test","path":"/spec/replicas","value":1}]',
    ]);
    assert.equal(failed.code, 1);
    assert.equal((await getJson(s, "deploy", "p")).spec.replicas, 4);
    assert.equal(
      (await getJson(s, "deploy", "p")).metadata.resourceVersion,
      jp.metadata.resourceVersion,
    );

    // label / annotate
    assert.match(await s.k("label", "deploy", "p", "team=a"), /deployment.apps\/p labeled/);
    const noOverwrite = await s.kubectl(["label", "deploy", "p", "team=b"]);
    assert.equal(noOverwrite.code, 1);
    assert.match(noOverwrite.stderr, /'team' already has a value \(a\), and --overwrite is false/);
    await s.k("label", "deploy", "p", "team=b", "--overwrite");
    assert.equal(await s.k("get", "deploy", "p", "-o", "jsonpath={.metadata.labels.team}"), "b");
    assert.match(await s.k("annotate", "deploy", "p", "owner=ops"), /annotated/);
    await s.k("annotate", "deploy", "p", "owner=dev", "--overwrite");
    assert.equal(
      await s.k("get", "deploy", "p", "-o", "jsonpath={.metadata.annotations.owner}"),
      "dev",
    );
    assert.match(await s.k("label", "deploy", "p", "team-"), /unlabeled/);
    await s.k("annotate", "deploy", "p", "owner-");
    const final = await getJson(s, "deploy", "p");
    assert.equal(final.metadata.labels.team, undefined);
    assert.equal(final.metadata.annotations?.owner, undefined);
    assert.deepEqual(final.metadata.labels, { app: "p", j: "p" });
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});

Deno.test("kubectl apply of a changed selector or Job template gets upstream's 'field is immutable'", async () => {
  const s = await startServer();
  try {
    const deploy = (app: string) =>
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
`;
    assert.equal((await s.kubectl(["apply", "-f", "-"], { stdin: deploy("web") })).code, 0);
    const relabel = await s.kubectl(["apply", "-f", "-"], { stdin: deploy("web-v2") });
    assert.notEqual(relabel.code, 0);
    assert.match(
      relabel.stderr,
      /The Deployment "web" is invalid: spec\.selector: Invalid value: .*field is immutable/,
    );
    assert.equal((await getJson(s, "deploy", "web")).spec.selector.matchLabels.app, "web");

    await s.k("create", "job", "once", "--image=busybox:1.36");
    const retarget = await s.kubectl(["set", "image", "job/once", "once=busybox:1.37"]);
    assert.notEqual(retarget.code, 0);
    assert.match(retarget.stderr, /spec\.template: Invalid value: .*field is immutable/);
  } finally {
    await s.stop();
  }
});

Deno.test("kubectl diff of an object as it is reports nothing (exit 0), and a change (exit 1)", async () => {
  const s = await startServer();
  try {
    await s.k("create", "configmap", "settings", "--from-literal=mode=fast");
    const manifest = (mode: string) =>
      `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: default}
data: {mode: ${mode}}
`;
    // kubectl diff dry-runs a patch that sets `annotations: {}`: the empty map must not show.
    const same = await s.kubectl(["diff", "-f", "-"], { stdin: manifest("fast") });
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.equal(same.stdout, "");
    const changed = await s.kubectl(["diff", "-f", "-"], { stdin: manifest("slow") });
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /^-\s+mode: fast$/m);
    assert.match(changed.stdout, /^\+\s+mode: slow$/m);
    assert.doesNotMatch(changed.stdout, /annotations: \{\}/);
  } finally {
    await s.stop();
  }
});
