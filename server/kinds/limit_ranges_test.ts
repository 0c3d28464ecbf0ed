import assert from "node:assert/strict";
import { type Json, pod, startTestApi } from "../testing_helper.ts";

const NS = "/api/v1/namespaces/default";
const limitRange = (limits: Json[]) => ({
  apiVersion: "v1",
  kind: "LimitRange",
  metadata: { name: "limits" },
  spec: { limits },
});
const resourcesOf = (o: Json, i = 0) =>
  ((((o.spec as Json).containers as Json[])[i]!).resources ?? {}) as Json;

Deno.test("a LimitRange gets upstream's defaults and must be consistent", async () => {
  const t = await startTestApi();
  try {
    const made = await t.post(
      `${NS}/limitranges`,
      limitRange([{ type: "Container", max: { cpu: "2" }, min: { memory: "64Mi" } }]),
    );
    assert.equal(made.status, 201, made.text);
    const item = ((made.body.spec as Json).limits as Json[])[0]!;
    assert.deepEqual(item.default, { cpu: "2" }, "default from max");
    assert.deepEqual(item.defaultRequest, { cpu: "2", memory: "64Mi" }, "from default, then min");

    const bad = await t.post(`${NS}/limitranges`, {
      ...limitRange([{ type: "Container", min: { cpu: "2" }, max: { cpu: "1" } }]),
      metadata: { name: "bad" },
    });
    assert.equal(bad.status, 422, bad.text);
    assert.match(
      String(bad.body.message),
      /spec\.limits\[0\]\.min\[cpu\]: Invalid value: "2": min value 2 is greater than max value 1/,
    );
    const inverted = await t.post(`${NS}/limitranges`, {
      ...limitRange([{ type: "Container", default: { cpu: "1" }, defaultRequest: { cpu: "2" } }]),
      metadata: { name: "inverted" },
    });
    assert.match(
      String(inverted.body.message),
      /spec\.limits\[0\]\.defaultRequest\[cpu\]: Invalid value: "2": default request value 2 is greater than default limit value 1/,
    );
    const pod = await t.post(`${NS}/limitranges`, {
      ...limitRange([{ type: "Pod", default: { cpu: "1" } }]),
      metadata: { name: "pod" },
    });
    assert.match(
      String(pod.body.message),
      /spec\.limits\[0\]\.default: Forbidden: may not be specified when `type` is 'Pod'/,
    );
  } finally {
    await t.stop();
  }
});

Deno.test("new pods take their namespace's container defaults and must stay within its limits", async () => {
  const t = await startTestApi();
  try {
    const lr = limitRange([{
      type: "Container",
      default: { cpu: "500m", memory: "256Mi" },
      defaultRequest: { cpu: "100m", memory: "128Mi" },
      max: { cpu: "1", memory: "1Gi" },
      min: { cpu: "50m" },
      maxLimitRequestRatio: { cpu: "10" },
    }]);
    assert.equal((await t.post(`${NS}/limitranges`, lr)).status, 201);

    const plain = await t.post(`${NS}/pods`, pod("plain"));
    assert.equal(plain.status, 201, plain.text);
    assert.deepEqual(resourcesOf(plain.body), {
      limits: { cpu: "500m", memory: "256Mi" },
      requests: { cpu: "100m", memory: "128Mi" },
    });
    assert.equal(
      ((plain.body.metadata as Json).annotations as Json)["kubernetes.io/limit-ranger"],
      "LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c",
    );
    assert.equal((plain.body.status as Json).qosClass, "Burstable", "classed after the defaults");

    // What a container states is kept; only the rest is filled in.
    const partial = await t.post(
      `${NS}/pods`,
      pod("partial", {
        spec: {
          containers: [{ name: "c", image: "x", resources: { requests: { cpu: "200m" } } }],
        },
      }),
    );
    assert.deepEqual(resourcesOf(partial.body).requests, { cpu: "200m", memory: "128Mi" });

    const greedy = await t.post(
      `${NS}/pods`,
      pod("greedy", {
        spec: {
          containers: [{
            name: "c",
            image: "x",
            resources: { limits: { cpu: "2" }, requests: { cpu: "10m" } },
          }],
        },
      }),
    );
    assert.equal(greedy.status, 403, greedy.text);
    assert.equal(
      greedy.body.message,
      'pods "greedy" is forbidden: [minimum cpu usage per Container is 50m, but request is 10m, maximum cpu usage per Container is 1, but limit is 2, cpu max limit to request ratio per Container is 10, but provided ratio is 200.000000]',
    );
    assert.equal((await t.get(`${NS}/pods/greedy`)).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("claims must ask for storage within their namespace's PersistentVolumeClaim limits", async () => {
  const t = await startTestApi();
  try {
    const lr = limitRange([{
      type: "PersistentVolumeClaim",
      min: { storage: "1Gi" },
      max: { storage: "5Gi" },
    }]);
    assert.equal((await t.post(`${NS}/limitranges`, lr)).status, 201);
    const claim = (name: string, storage: string) => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
    });
    assert.equal((await t.post(`${NS}/persistentvolumeclaims`, claim("ok", "2Gi"))).status, 201);
    const big = await t.post(`${NS}/persistentvolumeclaims`, claim("big", "10Gi"));
    assert.equal(big.status, 403, big.text);
    assert.equal(
      big.body.message,
      'persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi',
    );
    const small = await t.post(`${NS}/persistentvolumeclaims`, claim("small", "500Mi"));
    assert.match(
      String(small.body.message),
      /minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi/,
    );
  } finally {
    await t.stop();
  }
});
