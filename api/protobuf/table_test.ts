/**
 * Decoding against the real schema table: bodies built field by field with the upstream
 * `generated.proto` numbers, written the way Go's marshallers write them (every non-pointer
 * scalar, even when zero; every non-pointer struct, even when empty).
 */
import assert from "node:assert/strict";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { builtinResolver } from "../schema/table.ts";
import { decodeKubeProtobuf } from "./decode.ts";
import { encodeEnvelope } from "./envelope.ts";

const LD = WireType.LengthDelimited;
const VARINT = WireType.Varint;
type Build = (w: BinaryWriter) => void;

function msg(build: Build): Uint8Array {
  const w = new BinaryWriter();
  build(w);
  return w.finish();
}

const sub = (w: BinaryWriter, no: number, build: Build) => w.tag(no, LD).bytes(msg(build));
const str = (w: BinaryWriter, no: number, s: string) => w.tag(no, LD).string(s);
const int = (w: BinaryWriter, no: number, n: number) => w.tag(no, VARINT).int64(n);
const bool = (w: BinaryWriter, no: number, b: boolean) => w.tag(no, VARINT).bool(b);
const entry = (w: BinaryWriter, no: number, key: string, value: string) =>
  sub(w, no, (e) => str(str(e, 1, key), 2, value));
const quantityEntry = (w: BinaryWriter, no: number, key: string, q: string) =>
  sub(w, no, (e) => {
    str(e, 1, key);
    sub(e, 2, (v) => str(v, 1, q));
  });

/** ObjectMeta as Go writes it: every string and generation, an empty creationTimestamp. */
function objectMeta(w: BinaryWriter, name: string, namespace: string, labels: [string, string][]) {
  sub(w, 1, (m) => {
    str(m, 1, name);
    str(m, 2, "");
    str(m, 3, namespace);
    str(m, 4, "");
    str(m, 5, "");
    str(m, 6, "");
    int(m, 7, 0);
    sub(m, 8, () => {});
    for (const [k, v] of labels) entry(m, 11, k, v);
  });
}

function decode(apiVersion: string, kind: string, raw: Build): Record<string, unknown> {
  return decodeKubeProtobuf(encodeEnvelope({ apiVersion, kind, raw: msg(raw) }), builtinResolver);
}

/** A container as Go writes it (only name, image, resources and the zero scalars). */
function container(
  w: BinaryWriter,
  no: number,
  name: string,
  image: string,
  extra: Build = () => {},
) {
  sub(w, no, (c) => {
    str(c, 1, name);
    str(c, 2, image);
    str(c, 5, "");
    extra(c);
    str(c, 13, "");
    str(c, 14, "");
    bool(c, 16, false);
    bool(c, 17, false);
    bool(c, 18, false);
    str(c, 20, "");
  });
}

/** PodSpec scalars Go always writes. */
function podSpecZeros(s: BinaryWriter) {
  str(s, 3, "");
  str(s, 6, "");
  str(s, 8, "");
  str(s, 9, "");
  str(s, 10, "");
  bool(s, 11, false);
  bool(s, 12, false);
  bool(s, 13, false);
  str(s, 16, "");
  str(s, 17, "");
  str(s, 19, "");
}

Deno.test("table: a Deployment as kubectl create deployment sends it", () => {
  const obj = decode("apps/v1", "Deployment", (w) => {
    objectMeta(w, "web", "default", [["app", "web"]]);
    sub(w, 2, (spec) => {
      int(spec, 1, 2);
      sub(spec, 2, (sel) => entry(sel, 1, "app", "web"));
      sub(spec, 3, (tpl) => {
        objectMeta(tpl, "", "", [["app", "web"]]);
        sub(tpl, 2, (ps) => {
          container(ps, 2, "nginx", "nginx", (c) => sub(c, 8, () => {}));
          podSpecZeros(ps);
        });
      });
      sub(spec, 4, (st) => str(st, 1, ""));
      int(spec, 5, 0);
      bool(spec, 7, false);
    });
    sub(w, 3, (st) => {
      for (const no of [1, 2, 3, 4, 5, 7]) int(st, no, 0);
    });
  });
  assert.deepStrictEqual(obj, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
      },
      strategy: {},
    },
    status: {},
  });
});

Deno.test("table: ConfigMap, Secret with data bytes, and Namespace", () => {
  assert.deepStrictEqual(
    decode("v1", "ConfigMap", (w) => {
      objectMeta(w, "cfg", "default", []);
      entry(w, 2, "key", "value");
    }),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "default" },
      data: { key: "value" },
    },
  );
  const secret = decode("v1", "Secret", (w) => {
    objectMeta(w, "sh.helm.release.v1.demo.v1", "default", [["owner", "helm"], [
      "status",
      "deployed",
    ]]);
    sub(w, 2, (e) => str(e, 1, "release").tag(2, LD).bytes(new TextEncoder().encode("H4sI")));
    str(w, 3, "helm.sh/release.v1");
  });
  assert.deepStrictEqual(secret, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "sh.helm.release.v1.demo.v1",
      namespace: "default",
      labels: { owner: "helm", status: "deployed" },
    },
    data: { release: "SDRzSQ==" },
    type: "helm.sh/release.v1",
  });
  assert.deepStrictEqual(
    decode("v1", "Namespace", (w) => {
      objectMeta(w, "team-a", "", []);
      sub(w, 2, () => {});
      sub(w, 3, (s) => str(s, 1, ""));
    }),
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" }, spec: {}, status: {} },
  );
});

Deno.test("table: a Job with a restart policy and a backoff limit", () => {
  const obj = decode("batch/v1", "Job", (w) => {
    objectMeta(w, "once", "default", []);
    sub(w, 2, (spec) => {
      int(spec, 7, 3);
      sub(spec, 6, (tpl) => {
        objectMeta(tpl, "", "", []);
        sub(tpl, 2, (ps) => {
          container(ps, 2, "once", "busybox", (c) => {
            str(c, 3, "sh");
            str(c, 3, "-c");
            str(c, 3, "echo hi");
            sub(c, 8, () => {});
          });
          podSpecZeros(ps);
          str(ps, 3, "Never");
        });
      });
    });
    sub(w, 3, (st) => int(st, 4, 0));
  });
  assert.deepStrictEqual(obj.spec, {
    backoffLimit: 3,
    template: {
      metadata: {},
      spec: {
        containers: [{
          name: "once",
          image: "busybox",
          command: ["sh", "-c", "echo hi"],
          resources: {},
        }],
        restartPolicy: "Never",
      },
    },
  });
});

Deno.test("table: DeleteOptions in meta.k8s.io/v1, v1 and a group version", () => {
  for (const apiVersion of ["meta.k8s.io/v1", "v1", "apps/v1"]) {
    const obj = decode(apiVersion, "DeleteOptions", (w) => {
      int(w, 1, 0);
      sub(w, 2, (p) => str(p, 2, "42"));
      str(w, 4, "Background");
    });
    assert.deepStrictEqual(obj, {
      apiVersion,
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
      preconditions: { resourceVersion: "42" },
      propagationPolicy: "Background",
    });
  }
});

Deno.test("table: SelfSubjectAccessReview from kubectl auth can-i", () => {
  const obj = decode("authorization.k8s.io/v1", "SelfSubjectAccessReview", (w) => {
    objectMeta(w, "", "", []);
    sub(w, 2, (spec) =>
      sub(spec, 1, (ra) => {
        str(ra, 1, "default");
        str(ra, 2, "create");
        str(ra, 3, "apps");
        str(ra, 4, "");
        str(ra, 5, "deployments");
        str(ra, 6, "");
        str(ra, 7, "");
      }));
    sub(w, 3, (st) => {
      bool(st, 1, false);
      str(st, 2, "");
      str(st, 3, "");
      bool(st, 4, false);
    });
  });
  assert.deepStrictEqual(obj, {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: {},
    spec: {
      resourceAttributes: {
        namespace: "default",
        verb: "create",
        group: "apps",
        resource: "deployments",
      },
    },
    status: { allowed: false },
  });
});

Deno.test("table: a Pod with a configMap volume, quantities and an int-or-string probe port", () => {
  const obj = decode("v1", "Pod", (w) => {
    objectMeta(w, "p", "default", []);
    sub(w, 2, (ps) => {
      sub(ps, 1, (v) => {
        str(v, 1, "config");
        sub(v, 2, (src) =>
          sub(src, 19, (cm) => {
            sub(cm, 1, (ref) => str(ref, 1, "app-config"));
            sub(cm, 2, (k) => str(str(k, 1, "a.yaml"), 2, "a.yaml").tag(3, VARINT).int32(0o644));
          }));
      });
      container(ps, 2, "app", "app:1", (c) => {
        sub(c, 6, (p) => {
          str(p, 1, "");
          int(p, 2, 0);
          int(p, 3, 8080);
          str(p, 4, "TCP");
          str(p, 5, "");
        });
        sub(c, 8, (r) => {
          quantityEntry(r, 1, "memory", "256Mi");
          quantityEntry(r, 2, "cpu", "100m");
          quantityEntry(r, 2, "memory", "128Mi");
        });
        sub(c, 9, (m) => {
          str(m, 1, "config");
          bool(m, 2, true);
          str(m, 3, "/etc/app");
          str(m, 4, "");
        });
        sub(c, 11, (probe) => {
          sub(probe, 1, (h) =>
            sub(h, 2, (get) => {
              str(get, 1, "/healthz");
              sub(get, 2, (port) => int(int(port, 1, 1), 2, 0).tag(3, LD).string("http"));
              str(get, 3, "");
              str(get, 4, "HTTP");
            }));
          int(probe, 2, 0);
          int(probe, 4, 10);
        });
      });
      podSpecZeros(ps);
    });
  });
  const spec = obj.spec as Record<string, unknown>;
  assert.deepStrictEqual(spec.volumes, [
    {
      name: "config",
      configMap: { name: "app-config", items: [{ key: "a.yaml", path: "a.yaml", mode: 0o644 }] },
    },
  ]);
  assert.deepStrictEqual(spec.containers, [{
    name: "app",
    image: "app:1",
    ports: [{ containerPort: 8080, protocol: "TCP" }],
    resources: { limits: { memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
    volumeMounts: [{ name: "config", readOnly: true, mountPath: "/etc/app" }],
    readinessProbe: {
      httpGet: { path: "/healthz", port: "http", scheme: "HTTP" },
      periodSeconds: 10,
    },
  }]);
});

Deno.test("table: an Ingress (inline rule value) and a Service with a numeric targetPort", () => {
  const ingress = decode("networking.k8s.io/v1", "Ingress", (w) => {
    objectMeta(w, "web", "default", []);
    sub(w, 2, (spec) => {
      sub(spec, 3, (rule) => {
        str(rule, 1, "example.com");
        sub(rule, 2, (value) =>
          sub(value, 1, (http) =>
            sub(http, 1, (path) => {
              str(path, 1, "/");
              sub(path, 2, (b) =>
                sub(b, 4, (svc) =>
                  str(svc, 1, "web").tag(2, LD).bytes(
                    msg((p) => str(p, 1, "").tag(2, VARINT).int32(80)),
                  )));
              str(path, 3, "Prefix");
            })));
      });
      str(spec, 4, "traefik");
    });
    sub(w, 3, (st) => sub(st, 1, () => {}));
  });
  assert.deepStrictEqual(ingress.spec, {
    ingressClassName: "traefik",
    rules: [{
      host: "example.com",
      http: {
        paths: [{
          path: "/",
          pathType: "Prefix",
          backend: { service: { name: "web", port: { number: 80 } } },
        }],
      },
    }],
  });
  const service = decode("v1", "Service", (w) => {
    objectMeta(w, "web", "default", []);
    sub(w, 2, (spec) => {
      sub(spec, 1, (p) => {
        str(p, 1, "");
        str(p, 2, "TCP");
        int(p, 3, 80);
        sub(p, 4, (t) => int(int(t, 1, 0), 2, 8080).tag(3, LD).string(""));
        int(p, 5, 0);
      });
      entry(spec, 2, "app", "web");
      str(spec, 4, "ClusterIP");
    });
  });
  assert.deepStrictEqual(service.spec, {
    ports: [{ protocol: "TCP", port: 80, targetPort: 8080 }],
    selector: { app: "web" },
    type: "ClusterIP",
  });
});
