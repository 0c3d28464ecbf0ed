import assert from "node:assert/strict";
import { configMap, deployment, type Json, metaOf, pod, startTestApi } from "../testing_helper.ts";

const NS = "/api/v1/namespaces/default";

Deno.test("create sets uid, creationTimestamp and generation 1 for kinds with a spec only", async () => {
  const clock = new Date("2026-03-04T05:06:07.891Z");
  const t = await startTestApi({ now: () => clock });
  try {
    const d = await t.post("/apis/apps/v1/namespaces/default/deployments", deployment("web"));
    assert.equal(d.status, 201, d.text);
    const dm = metaOf(d.body);
    assert.match(String(dm.uid), /^[0-9a-f-]{36}$/);
    assert.equal(dm.creationTimestamp, "2026-03-04T05:06:07Z");
    assert.equal(dm.generation, 1);
    assert.equal(dm.namespace, "default");
    const spec = d.body.spec as Json;
    assert.deepEqual(spec.strategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
    });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.progressDeadlineSeconds, 600);

    const c = await t.post(`${NS}/configmaps`, configMap("cfg"));
    assert.equal(c.status, 201);
    assert.equal(metaOf(c.body).generation, undefined);
    const again = await t.post(`${NS}/configmaps`, configMap("cfg"));
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, "AlreadyExists");
  } finally {
    await t.stop();
  }
});

Deno.test("generateName makes a unique name from the prefix", async () => {
  const t = await startTestApi();
  try {
    const body = { metadata: { generateName: "job-" }, data: {} };
    const a = await t.post(`${NS}/configmaps`, body);
    const b = await t.post(`${NS}/configmaps`, body);
    assert.equal(a.status, 201, a.text);
    const na = String(metaOf(a.body).name);
    const nb = String(metaOf(b.body).name);
    assert.match(na, /^job-[a-z0-9]{5}$/);
    assert.notEqual(na, nb);
    assert.equal(metaOf(a.body).generateName, "job-");
    assert.equal((await t.get(`${NS}/configmaps/${na}`)).status, 200);
  } finally {
    await t.stop();
  }
});

/** Runs `fn` with Math.random returning 0 (generated suffix "bbbbb") `times` times. */
async function withZeroRandom<T>(times: number, fn: () => Promise<T>): Promise<T> {
  const real = Math.random;
  let left = times * 5; // five characters a suffix
  Math.random = () => (left-- > 0 ? 0 : real());
  try {
    return await fn();
  } finally {
    Math.random = real;
  }
}

Deno.test("a generated name that is taken is generated again; 409 only when every try is taken", async () => {
  const t = await startTestApi();
  try {
    assert.equal((await t.post(`${NS}/configmaps`, configMap("job-bbbbb", {}))).status, 201);
    const body = { metadata: { generateName: "job-" }, data: {} };
    const r = await withZeroRandom(1, () => t.post(`${NS}/configmaps`, body));
    assert.equal(r.status, 201, r.text);
    assert.match(String(metaOf(r.body).name), /^job-[a-z0-9]{5}$/);
    assert.notEqual(metaOf(r.body).name, "job-bbbbb");
    const stuck = await withZeroRandom(100, () => t.post(`${NS}/configmaps`, body));
    assert.equal(stuck.status, 409, stuck.text);
    assert.equal(stuck.body.reason, "AlreadyExists");
    const list = await t.get(`${NS}/configmaps`);
    const names = (list.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    assert.equal(names.filter((n) => n.startsWith("job-")).length, 2, "nothing more written");
  } finally {
    await t.stop();
  }
});

Deno.test("dryRun=All answers like a create but stores nothing", async () => {
  const t = await startTestApi();
  try {
    const before = t.store.currentRevision();
    const r = await t.post(`${NS}/configmaps?dryRun=All`, configMap("ghost", { a: "b" }));
    assert.equal(r.status, 201, r.text);
    assert.equal(metaOf(r.body).name, "ghost");
    assert.ok(metaOf(r.body).uid);
    assert.equal(t.store.currentRevision(), before);
    assert.equal((await t.get(`${NS}/configmaps/ghost`)).status, 404);
    const svc = await t.post(`${NS}/services?dryRun=All`, {
      metadata: { name: "dry" },
      spec: { ports: [{ port: 80 }] },
    });
    assert.equal(svc.status, 201, svc.text);
    assert.equal(t.store.currentRevision(), before);
  } finally {
    await t.stop();
  }
});

Deno.test("create is refused in a missing namespace and for bad bodies", async () => {
  const t = await startTestApi();
  try {
    const missing = await t.post("/api/v1/namespaces/nope/configmaps", configMap("x"));
    assert.equal(missing.status, 404, missing.text);
    assert.equal(missing.body.reason, "NotFound");
    assert.match(String(missing.body.message), /namespaces "nope" not found/);

    const badName = await t.post(`${NS}/configmaps`, configMap("Bad_Name"));
    assert.equal(badName.status, 422, badName.text);
    assert.equal(badName.body.reason, "Invalid");
    const causes = (badName.body.details as Json).causes as Json[];
    assert.ok(causes.some((c) => c.field === "metadata.name"));

    const wrongKind = await t.post(`${NS}/configmaps`, { ...configMap("x"), kind: "Secret" });
    assert.equal(wrongKind.status, 400);
    const wrongNs = await t.post(`${NS}/configmaps`, {
      ...configMap("x"),
      metadata: { name: "x", namespace: "other" },
    });
    assert.equal(wrongNs.status, 400);
    const withRv = await t.post(`${NS}/configmaps`, {
      ...configMap("x"),
      metadata: { name: "x", resourceVersion: "5" },
    });
    assert.equal(withRv.status, 400);
    const notJson = await t.post(`${NS}/configmaps`, "{not json");
    assert.equal(notJson.status, 400);
    assert.equal((await t.get(`${NS}/configmaps/x`)).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("Secret stringData is folded into base64 data", async () => {
  const t = await startTestApi();
  try {
    const r = await t.post(`${NS}/secrets`, {
      metadata: { name: "s" },
      data: { kept: btoa("old"), both: btoa("from-data") },
      stringData: { plain: "héllo", both: "from-stringData" },
    });
    assert.equal(r.status, 201, r.text);
    const got = (await t.get(`${NS}/secrets/s`)).body;
    assert.equal(got.stringData, undefined);
    const data = got.data as Record<string, string>;
    assert.equal(data.kept, btoa("old"));
    assert.equal(data.both, btoa("from-stringData"));
    const bytes = Uint8Array.from(atob(data.plain!), (ch) => ch.charCodeAt(0));
    assert.equal(new TextDecoder().decode(bytes), "héllo");
    assert.equal(got.type, "Opaque");
  } finally {
    await t.stop();
  }
});

Deno.test("a Service gets a ClusterIP from the service CIDR, and a taken one is refused", async () => {
  const t = await startTestApi();
  try {
    const r = await t.post(`${NS}/services`, {
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    });
    assert.equal(r.status, 201, r.text);
    const spec = r.body.spec as Json;
    const ip = String(spec.clusterIP);
    assert.match(ip, /^10\.43\.\d+\.\d+$/);
    assert.deepEqual(spec.clusterIPs, [ip]);
    assert.equal(spec.type, "ClusterIP");
    assert.deepEqual(spec.ipFamilies, ["IPv4"]);
    assert.equal(((spec.ports as Json[])[0]!).targetPort, 80);
    const kube = (await t.get(`${NS}/services/kubernetes`)).body.spec as Json;
    assert.equal(kube.clusterIP, "10.43.0.1");

    const taken = await t.post(`${NS}/services`, {
      metadata: { name: "dup" },
      spec: { clusterIP: ip, ports: [{ port: 80 }] },
    });
    assert.equal(taken.status, 422, taken.text);
    assert.equal(taken.body.reason, "Invalid");
    const outside = await t.post(`${NS}/services`, {
      metadata: { name: "far" },
      spec: { clusterIP: "192.168.1.1", ports: [{ port: 80 }] },
    });
    assert.equal(outside.status, 422, outside.text);
    const headless = await t.post(`${NS}/services`, {
      metadata: { name: "headless" },
      spec: { clusterIP: "None", ports: [{ port: 80 }] },
    });
    assert.equal(headless.status, 201, headless.text);
    assert.equal((headless.body.spec as Json).clusterIP, "None");
  } finally {
    await t.stop();
  }
});

Deno.test("a Pod gets status.phase Pending, its QoS class and the spec defaults", async () => {
  const t = await startTestApi();
  try {
    const r = await t.post(`${NS}/pods`, pod("p"));
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.status, { phase: "Pending", qosClass: "BestEffort" });
    const spec = r.body.spec as Json;
    assert.equal(spec.restartPolicy, "Always");
    assert.equal(spec.dnsPolicy, "ClusterFirst");
    assert.equal(spec.terminationGracePeriodSeconds, 30);
    assert.equal(spec.schedulerName, "default-scheduler");
    assert.equal(spec.serviceAccountName, "default");
    const c = (spec.containers as Json[])[0]!;
    assert.equal(c.imagePullPolicy, "IfNotPresent");
    assert.equal(c.terminationMessagePath, "/dev/termination-log");

    const guaranteed = await t.post(
      `${NS}/pods`,
      pod("g", {
        spec: {
          containers: [{
            name: "c",
            image: "nginx",
            resources: { limits: { cpu: "1", memory: "1Gi" } },
          }],
        },
      }),
    );
    assert.equal(guaranteed.status, 201, guaranteed.text);
    assert.equal((guaranteed.body.status as Json).qosClass, "Guaranteed");
    assert.equal(
      ((guaranteed.body.spec as Json).containers as Json[])[0]!.imagePullPolicy,
      "Always",
    );
    const burstable = await t.post(
      `${NS}/pods`,
      pod("b", {
        spec: {
          containers: [{ name: "c", image: "nginx:1", resources: { requests: { cpu: "100m" } } }],
        },
      }),
    );
    assert.equal((burstable.body.status as Json).qosClass, "Burstable");
    // The client's status is ignored on create.
    const withStatus = await t.post(`${NS}/pods`, { ...pod("s"), status: { phase: "Running" } });
    assert.equal((withStatus.body.status as Json).phase, "Pending");
  } finally {
    await t.stop();
  }
});

Deno.test("a Job gets its selector, template labels and completion defaults", async () => {
  const t = await startTestApi();
  try {
    const r = await t.post("/apis/batch/v1/namespaces/default/jobs", {
      metadata: { name: "once" },
      spec: {
        template: {
          spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] },
        },
      },
    });
    assert.equal(r.status, 201, r.text);
    const uid = String(metaOf(r.body).uid);
    const spec = r.body.spec as Json;
    assert.deepEqual(spec.selector, {
      matchLabels: { "batch.kubernetes.io/controller-uid": uid },
    });
    const labels = metaOf(spec.template as Json).labels as Json;
    assert.equal(labels["batch.kubernetes.io/controller-uid"], uid);
    assert.equal(labels["batch.kubernetes.io/job-name"], "once");
    assert.equal(labels["job-name"], "once");
    assert.equal(labels["controller-uid"], uid);
    assert.equal(spec.completions, 1);
    assert.equal(spec.parallelism, 1);
    assert.equal(spec.backoffLimit, 6);
    assert.equal(spec.completionMode, "NonIndexed");
    assert.equal(spec.suspend, false);
    assert.equal(spec.podReplacementPolicy, "TerminatingOrFailed");

    // The choices that hang on other fields, as upstream's SetDefaults_Job makes them.
    const indexed = await t.post("/apis/batch/v1/namespaces/default/jobs", {
      metadata: { name: "indexed" },
      spec: {
        completionMode: "Indexed",
        completions: 3,
        backoffLimitPerIndex: 1,
        podFailurePolicy: {
          rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [42] } }],
        },
        template: {
          spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] },
        },
      },
    });
    assert.equal(indexed.status, 201, indexed.text);
    const ispec = indexed.body.spec as Json;
    assert.equal(ispec.parallelism, 1);
    assert.equal(ispec.backoffLimit, 2147483647);
    assert.equal(ispec.podReplacementPolicy, "Failed");

    // An update that drops a defaulted field gets it back.
    delete spec.backoffLimit;
    const put = await t.put("/apis/batch/v1/namespaces/default/jobs/once", r.body);
    assert.equal(put.status, 200, put.text);
    assert.equal((put.body.spec as Json).backoffLimit, 6);
  } finally {
    await t.stop();
  }
});

Deno.test("a CronJob's jobTemplate is not defaulted as a Job (upstream defaults the Jobs it makes)", async () => {
  const t = await startTestApi();
  try {
    const r = await t.post("/apis/batch/v1/namespaces/default/cronjobs", {
      metadata: { name: "nightly" },
      spec: {
        schedule: "0 3 * * *",
        jobTemplate: {
          spec: {
            template: {
              spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] },
            },
          },
        },
      },
    });
    assert.equal(r.status, 201, r.text);
    const spec = r.body.spec as Json;
    assert.equal(spec.concurrencyPolicy, "Allow");
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    const jobSpec = (spec.jobTemplate as Json).spec as Json;
    assert.deepEqual(Object.keys(jobSpec), ["template"]);
    // Its pod template is defaulted, as every pod spec is.
    const podSpec = (jobSpec.template as Json).spec as Json;
    assert.equal(podSpec.dnsPolicy, "ClusterFirst");
  } finally {
    await t.stop();
  }
});

Deno.test("a Service create that fails after its cluster IP was reserved gives the IP back", async () => {
  const t = await startTestApi();
  try {
    const svc = (name: string) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name },
      spec: { clusterIP: "10.43.0.50", ports: [{ port: 80 }] },
    });
    const bad = await t.post("/api/v1/namespaces/default/services", svc("Bad_Name"));
    assert.equal(bad.status, 422);
    const dup = await t.post("/api/v1/namespaces/default/services", svc("kubernetes"));
    assert.equal(dup.status, 409, "AlreadyExists after the IP was reserved");
    const ok = await t.post("/api/v1/namespaces/default/services", svc("web"));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal((ok.body.spec as { clusterIP: string }).clusterIP, "10.43.0.50");
  } finally {
    await t.stop();
  }
});

Deno.test("create, update and patch answer with the stored text: what a GET then serves", async () => {
  const t = await startTestApi();
  try {
    const path = `${NS}/configmaps`;
    // Keys in an order the stored form changes (metadata after data, apiVersion last).
    const body = JSON.stringify({
      data: { b: "2", a: "1" },
      metadata: { labels: { x: "y" }, name: "text" },
      kind: "ConfigMap",
      apiVersion: "v1",
    });
    const created = await t.fetch(path, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    assert.equal(created.status, 201);
    const createdText = await created.text();
    const get = async () => await (await t.fetch(`${path}/text`)).text();
    assert.equal(createdText, await get());
    assert.equal(JSON.parse(createdText).metadata.labels.x, "y");

    const live = JSON.parse(createdText);
    live.data.c = "3";
    const updated = await t.fetch(`${path}/text`, {
      method: "PUT",
      body: JSON.stringify(live),
      headers: { "content-type": "application/json" },
    });
    assert.equal(updated.status, 200);
    const updatedText = await updated.text();
    assert.equal(updatedText, await get());
    assert.notEqual(
      JSON.parse(updatedText).metadata.resourceVersion,
      live.metadata.resourceVersion,
    );

    const patched = await t.fetch(`${path}/text`, {
      method: "PATCH",
      body: JSON.stringify({ data: { d: "4" } }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    const patchedText = await patched.text();
    assert.equal(patchedText, await get());
    assert.deepEqual(JSON.parse(patchedText).data, { a: "1", b: "2", c: "3", d: "4" });

    // dry run stores nothing: its answer is serialized from the object.
    const dry = await t.fetch(`${path}?dryRun=All`, {
      method: "POST",
      body: JSON.stringify({ metadata: { name: "dry" }, data: { z: "1" } }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(dry.status, 201);
    assert.equal((await dry.json()).data.z, "1");
  } finally {
    await t.stop();
  }
});

Deno.test("fields named like Object.prototype members are unknown fields, not schema lookups", async () => {
  const t = await startTestApi();
  try {
    const body = JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "proto", toString: "x" },
      constructor: "x",
      hasOwnProperty: 3,
      data: { constructor: "kept: a map key" },
    });
    const post = (query: string) =>
      t.fetch(`${NS}/configmaps${query}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
    const strict = await post("?fieldValidation=Strict");
    assert.equal(strict.status, 400);
    const status = await strict.json();
    assert.match(status.message, /strict decoding error: /);
    for (const f of ["metadata.toString", "constructor", "hasOwnProperty"]) {
      assert.ok(status.message.includes(`unknown field "${f}"`), `${f}: ${status.message}`);
    }
    const warned = await post("");
    assert.equal(warned.status, 201);
    assert.ok(
      (warned.headers.get("warning") ?? "").includes('299 - "unknown field \\"constructor\\""'),
      warned.headers.get("warning") ?? "",
    );
    const stored = await (await t.fetch(`${NS}/configmaps/proto`)).json();
    assert.equal(Object.hasOwn(stored, "constructor"), false);
    assert.equal(Object.hasOwn(stored, "hasOwnProperty"), false);
    assert.equal(Object.hasOwn(stored.metadata, "toString"), false);
    assert.deepEqual(stored.data, { constructor: "kept: a map key" });
  } finally {
    await t.stop();
  }
});

Deno.test("workload rules beyond the schema: 422 on create, update and the scale subresource", async () => {
  const t = await startTestApi();
  try {
    const path = "/apis/apps/v1/namespaces/default/deployments";
    const bad = await t.post(path, {
      ...deployment("web"),
      spec: { ...(deployment("web").spec as Json), replicas: -1 },
    });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.body.reason, "Invalid");
    assert.equal(((bad.body.details as Json).causes as Json[])[0]!.field, "spec.replicas");
    const mismatch = structuredClone(deployment("web2"));
    ((mismatch.spec as Json).selector as Json).matchLabels = { app: "other" };
    assert.equal((await t.post(path, mismatch)).status, 422);
    assert.equal((await t.post(path, deployment("web"))).status, 201);
    assert.equal((await t.patch(`${path}/web`, { spec: { replicas: -2 } })).status, 422);
    const scale = await t.patch(`${path}/web/scale`, { spec: { replicas: -3 } });
    assert.equal(scale.status, 422, scale.text);
    assert.equal((await t.patch(`${path}/web/scale`, { spec: { replicas: 3 } })).status, 200);
    // The template is held to the pod rules, as the pods it makes would be.
    const noImage = structuredClone(deployment("web3"));
    const template = (noImage.spec as Json).template as Json;
    ((template.spec as Json).containers as Json[])[0]!.image = undefined;
    const refused = await t.post(path, noImage);
    assert.equal(refused.status, 422, refused.text);
    assert.equal(
      ((refused.body.details as Json).causes as Json[])[0]!.field,
      "spec.template.spec.containers[0].image",
    );
    const jobs = "/apis/batch/v1/namespaces/default/jobs";
    const job = await t.post(jobs, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j" },
      spec: { template: { spec: { restartPolicy: "Never", containers: [] } } },
    });
    assert.equal(job.status, 422, job.text);
    assert.match(String(job.body.message), /spec\.template\.spec\.containers: Required value/);
  } finally {
    await t.stop();
  }
});

Deno.test("empty metadata maps and lists are dropped, as upstream's typed round trip drops them", async () => {
  const t = await startTestApi();
  try {
    const r = await t.post(`${NS}/configmaps`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "bare", labels: {}, annotations: {}, finalizers: [], ownerReferences: [] },
    });
    assert.equal(r.status, 201, r.text);
    const meta = (await t.get(`${NS}/configmaps/bare`)).body.metadata as Json;
    for (const f of ["labels", "annotations", "finalizers", "ownerReferences"]) {
      assert.equal(meta[f], undefined, f);
    }
    const patched = await t.patch(`${NS}/configmaps/bare`, { metadata: { annotations: {} } });
    assert.equal((patched.body.metadata as Json).annotations, undefined);
  } finally {
    await t.stop();
  }
});

Deno.test("admission webhooks and policies are stored with a Warning that kno does not enforce them", async () => {
  const t = await startTestApi();
  try {
    const r = await t.post(
      "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
      {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingWebhookConfiguration",
        metadata: { name: "policy" },
        webhooks: [],
      },
    );
    assert.equal(r.status, 201, r.text);
    assert.match(
      String(r.headers.get("warning")),
      /kno does not call admission webhooks yet: this configuration is stored, not enforced/,
    );
  } finally {
    await t.stop();
  }
});

Deno.test("metadata.generation only where upstream's strategies keep it", async () => {
  const t = await startTestApi();
  const generation = async (path: string) => ((await t.get(path)).body.metadata as Json).generation;
  try {
    assert.equal(await generation("/api/v1/namespaces/default"), undefined);
    assert.equal(await generation(`${NS}/services/kubernetes`), undefined);
    assert.equal((await t.post(`${NS}/configmaps`, configMap("c"))).status, 201);
    assert.equal(await generation(`${NS}/configmaps/c`), undefined);
    const patched = await t.patch(`${NS}/services/kubernetes`, {
      spec: { sessionAffinity: "ClientIP" },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((patched.body.metadata as Json).generation, undefined);

    const deployments = "/apis/apps/v1/namespaces/default/deployments";
    assert.equal((await t.post(deployments, deployment("web"))).status, 201);
    assert.equal(await generation(`${deployments}/web`), 1);
    assert.equal((await t.patch(`${deployments}/web`, { spec: { replicas: 4 } })).status, 200);
    assert.equal(await generation(`${deployments}/web`), 2);
    const template = {
      apiVersion: "v1",
      kind: "PodTemplate",
      metadata: { name: "pt" },
      template: { spec: { containers: [{ name: "c", image: "x" }] } },
    };
    assert.equal((await t.post(`${NS}/podtemplates`, template)).status, 201);
    assert.equal(await generation(`${NS}/podtemplates/pt`), 1);
  } finally {
    await t.stop();
  }
});
