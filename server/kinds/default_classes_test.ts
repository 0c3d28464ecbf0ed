import assert from "node:assert/strict";
import { type Json, startTestApi } from "../testing_helper.ts";

const CLAIMS = "/api/v1/namespaces/default/persistentvolumeclaims";
const CLASSES = "/apis/storage.k8s.io/v1/storageclasses";
const INGRESSES = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";
const INGRESS_CLASSES = "/apis/networking.k8s.io/v1/ingressclasses";

const claim = (name: string, spec: Json = {}, annotations?: Json) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec },
});
const storageClass = (name: string, isDefault: boolean) => ({
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: {
    name,
    ...(isDefault
      ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }
      : {}),
  },
  provisioner: "rancher.io/local-path",
});
const classOf = (o: Json) => (o.spec as Json).storageClassName;

Deno.test("a new claim without a class gets the default StorageClass, the newest of several", async () => {
  let now = new Date("2026-05-01T10:00:00Z");
  const t = await startTestApi({ now: () => now });
  try {
    assert.equal(
      classOf((await t.post(CLAIMS, claim("before"))).body),
      undefined,
      "no default yet",
    );
    assert.equal((await t.post(CLASSES, storageClass("slow", false))).status, 201);
    assert.equal((await t.post(CLASSES, storageClass("local-path", true))).status, 201);
    assert.equal(classOf((await t.post(CLAIMS, claim("a"))).body), "local-path");
    now = new Date("2026-05-01T11:00:00Z");
    assert.equal((await t.post(CLASSES, storageClass("newer", true))).status, 201);
    assert.equal(classOf((await t.post(CLAIMS, claim("b"))).body), "newer");
    // Asking for a class, or for none with "", or with the beta annotation, is a choice.
    assert.equal(
      classOf((await t.post(CLAIMS, claim("c", { storageClassName: "slow" }))).body),
      "slow",
    );
    assert.equal(classOf((await t.post(CLAIMS, claim("d", { storageClassName: "" }))).body), "");
    const beta = await t.post(
      CLAIMS,
      claim("e", {}, { "volume.beta.kubernetes.io/storage-class": "slow" }),
    );
    assert.equal(classOf(beta.body), undefined);
  } finally {
    await t.stop();
  }
});

Deno.test("a new Ingress without a class gets the default IngressClass", async () => {
  const t = await startTestApi();
  const ingress = (name: string, extra: Json = {}) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name },
    spec: { defaultBackend: { service: { name: "web", port: { number: 80 } } }, ...extra },
  });
  try {
    assert.equal(
      ((await t.post(INGRESSES, ingress("a"))).body.spec as Json).ingressClassName,
      undefined,
    );
    const traefik = {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: {
        name: "traefik",
        annotations: { "ingressclass.kubernetes.io/is-default-class": "true" },
      },
      spec: { controller: "traefik.io/ingress-controller" },
    };
    assert.equal((await t.post(INGRESS_CLASSES, traefik)).status, 201);
    assert.equal(
      ((await t.post(INGRESSES, ingress("b"))).body.spec as Json).ingressClassName,
      "traefik",
    );
    const named = await t.post(INGRESSES, ingress("c", { ingressClassName: "nginx" }));
    assert.equal((named.body.spec as Json).ingressClassName, "nginx");
  } finally {
    await t.stop();
  }
});
