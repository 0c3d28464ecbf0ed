/**
 * A CustomResourceDefinition through kubectl: served at once, schema validation and pruning,
 * explain, printer columns, scale and status subresources, a second served version, and removal;
 * and validation rules (CEL) on custom resources.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer, waitFor } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Obj = any;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.selector}
    additionalPrinterColumns:
    - {name: Size, type: string, jsonPath: .spec.size}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: Desired state of the widget.
            required: [size, color]
            properties:
              size: {type: string, enum: [small, medium, large], description: How big the widget is.}
              color: {type: string, pattern: '^#[0-9a-f]{6}$'}
              replicas: {type: integer, minimum: 0, maximum: 10}
              owner:
                type: object
                properties:
                  name: {type: string}
                  email: {type: string}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
              phase: {type: string}
  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

function widget(name: string, spec: string): string {
  return `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
}

async function apply(s: ServerProcess, manifest: string, ...flags: string[]) {
  return await s.kubectl(["apply", ...flags, "-f", "-"], { stdin: manifest });
}

async function getJson(s: ServerProcess, ...args: string[]): Promise<Obj> {
  return JSON.parse(await s.k("get", ...args, "-o", "json"));
}

Deno.test("a CRD through kubectl: validation, pruning, explain, columns, subresources, versions and removal", async (t) => {
  const s = await startServer();
  try {
    await t.step("the CRD is served at once and reports Established", async () => {
      const crd = await apply(s, CRD);
      assert.equal(crd.code, 0, crd.stderr);
      // no wait before the first custom resource
      const cr = await apply(
        s,
        widget(
          "w1",
          '{size: small, color: "#00ff00", replicas: 1, owner: {name: bob}, extra: {list: [1, 2], deep: {x: "z"}}}',
        ),
      );
      assert.equal(cr.code, 0, cr.stderr);
      assert.match(cr.stdout, /widget.example.com\/w1 created/);
      const wait = await s.kubectl([
        "wait",
        "--for",
        "condition=established",
        "crd/widgets.example.com",
        "--timeout=15s",
      ]);
      assert.equal(wait.code, 0, wait.stderr);
      assert.match(wait.stdout, /condition met/);
      const w1 = await getJson(s, "widget", "w1");
      assert.deepEqual(
        w1.spec.extra,
        { list: [1, 2], deep: { x: "z" } },
        "preserved subtree kept whole",
      );
      assert.equal(w1.metadata.generation, 1);
      assert.ok(w1.metadata.uid);
    });

    await t.step("invalid custom resources are refused with 422 naming each field", async () => {
      const bad = await apply(
        s,
        widget("bad", "{size: huge, color: green, replicas: 11, owner: {name: 5}}"),
      );
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /The Widget "bad" is invalid/);
      assert.match(
        bad.stderr,
        /spec\.size: Unsupported value: "huge": supported values: "small", "medium", "large"/,
      );
      assert.match(
        bad.stderr,
        /spec\.color: Invalid value: "green": spec\.color in body should match '\^#\[0-9a-f\]\{6\}\$'/,
      );
      assert.match(
        bad.stderr,
        /spec\.replicas: Invalid value: 11: spec\.replicas in body should be less than or equal to 10/,
      );
      assert.match(
        bad.stderr,
        /spec\.owner\.name: Invalid value: "integer": spec\.owner\.name in body must be of type string/,
      );
      const missing = await apply(s, widget("bad", "{size: small}"));
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /spec\.color: Required value/);

      const res = await s.api("/apis/example.com/v1/namespaces/default/widgets", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          apiVersion: "example.com/v1",
          kind: "Widget",
          metadata: { name: "bad" },
          spec: { size: "small", color: "#000000", replicas: -1 },
        }),
      });
      const status = await res.json();
      assert.equal(res.status, 422);
      assert.equal(status.kind, "Status");
      assert.equal(status.reason, "Invalid");
      assert.equal(status.details.kind, "Widget");
      assert.equal(status.details.group, "example.com");
      assert.deepEqual(status.details.causes.map((c: Obj) => c.field), ["spec.replicas"]);
      assert.equal((await s.kubectl(["get", "widget", "bad"])).code, 1);
    });

    await t.step(
      "unknown fields fail strict apply and are pruned with --validate=false",
      async () => {
        const manifest = widget(
          "w2",
          '{size: medium, color: "#0000ff", bogus: 1, owner: {name: a, nick: b}}',
        );
        const strict = await apply(s, manifest);
        assert.equal(strict.code, 1);
        assert.match(strict.stderr, /BadRequest/);
        assert.match(
          strict.stderr,
          /strict decoding error: unknown field "spec\.bogus", unknown field "spec\.owner\.nick"/,
        );
        assert.equal(
          (await s.kubectl(["get", "widget", "w2"])).code,
          1,
          "strict failure stores nothing",
        );

        const lax = await apply(s, manifest, "--validate=false");
        assert.equal(lax.code, 0, lax.stderr);
        const w2 = await getJson(s, "widget", "w2");
        assert.deepEqual(w2.spec, { size: "medium", color: "#0000ff", owner: { name: "a" } });
      },
    );

    await t.step("kubectl explain shows the schema's fields", async () => {
      const top = await s.k("explain", "widget");
      assert.match(top, /^KIND:\s+Widget$/m);
      assert.match(top, /^GROUP:\s+example\.com$/m);
      assert.match(top, /^\s+spec\s+<Object>$/m);
      assert.match(top, /^\s+status\s+<Object>$/m);
      const spec = await s.k("explain", "widgets.spec");
      assert.match(spec, /Desired state of the widget\./);
      assert.match(spec, /^\s+color\s+<string> -required-$/m);
      assert.match(spec, /^\s+size\s+<string> -required-$/m);
      assert.match(spec, /^\s+replicas\s+<integer>$/m);
      assert.match(spec, /^\s+owner\s+<Object>$/m);
      const size = await s.k("explain", "wd.spec.size");
      assert.match(size, /How big the widget is\./);
      assert.match(size, /small/);
    });

    await t.step("kubectl get shows the printer columns and the short name works", async () => {
      const lines = (await s.k("get", "widgets")).trim().split("\n");
      assert.deepEqual(lines[0]!.split(/\s+/), ["NAME", "SIZE", "REPLICAS", "AGE"]);
      assert.match(lines[1]!, /^w1\s+small\s+1\s+\d+s$/);
      assert.match(lines[2]!, /^w2\s+medium\s+<none>\s+\d+s$/);
      assert.equal(
        (await s.k("get", "wd", "-o", "name")).trim(),
        "widget.example.com/w1\nwidget.example.com/w2",
      );
    });

    await t.step("kubectl scale and --subresource=status on the custom resource", async () => {
      assert.match(
        await s.k("scale", "widget", "w1", "--replicas=3"),
        /widget.example.com\/w1 scaled/,
      );
      let w1 = await getJson(s, "widget", "w1");
      assert.equal(w1.spec.replicas, 3);
      assert.equal(w1.metadata.generation, 2);
      const tooMany = await s.kubectl(["scale", "widget", "w1", "--replicas=11"]);
      assert.equal(tooMany.code, 1, "scale is validated against the schema");

      await s.k(
        "patch",
        "widget",
        "w1",
        "--subresource=status",
        "--type=merge",
        "-p",
        '{"spec":{"size":"large"},"status":{"replicas":3,"selector":"app=w1","phase":"Ready"}}',
      );
      w1 = await getJson(s, "widget", "w1");
      assert.equal(w1.spec.size, "small", "status writes ignore spec");
      assert.deepEqual(w1.status, { replicas: 3, selector: "app=w1", phase: "Ready" });
      assert.equal(w1.metadata.generation, 2, "status writes do not bump generation");
      assert.equal(
        (await getJson(s, "widget", "w1", "--subresource=status")).status.phase,
        "Ready",
      );
      await s.k("patch", "widget", "w1", "--type=merge", "-p", '{"status":{"phase":"Lost"}}');
      assert.equal(
        (await getJson(s, "widget", "w1")).status.phase,
        "Ready",
        "main writes ignore status",
      );

      const res = await s.api("/apis/example.com/v1/namespaces/default/widgets/w1/scale");
      const scale = await res.json();
      assert.equal(scale.apiVersion, "autoscaling/v1");
      assert.deepEqual(scale.spec, { replicas: 3 });
      assert.deepEqual(scale.status, { replicas: 3, selector: "app=w1" });
    });

    await t.step("the v1beta1 version serves the same objects", async () => {
      const beta = await getJson(s, "widgets.v1beta1.example.com", "w1");
      assert.equal(beta.apiVersion, "example.com/v1beta1");
      const v1 = await getJson(s, "widgets.v1.example.com", "w1");
      assert.equal(v1.apiVersion, "example.com/v1");
      assert.deepEqual(beta.spec, v1.spec);
      assert.equal(beta.metadata.uid, v1.metadata.uid);
      // written through v1beta1, read through v1
      await s.k("label", "widgets.v1beta1.example.com", "w1", "via=beta");
      assert.equal((await getJson(s, "widgets.v1.example.com", "w1")).metadata.labels.via, "beta");
    });

    await t.step(
      "deleting the CRD removes its custom resources and the resource type",
      async () => {
        await s.k("delete", "crd", "widgets.example.com", "--timeout=30s");
        const freshCache = await Deno.makeTempDir({ prefix: "kno-crd-cache-" });
        try {
          const gone = await s.kubectl(["--cache-dir", freshCache, "get", "widgets"]);
          assert.equal(gone.code, 1);
          assert.match(gone.stderr, /the server doesn't have a resource type "widgets"/);
          const res = await s.api("/apis/example.com/v1/namespaces/default/widgets");
          assert.equal(res.status, 404);
          await res.body?.cancel();

          // recreated, the type starts empty: the old objects were deleted with it
          const again = await apply(s, CRD);
          assert.equal(again.code, 0, again.stderr);
          await s.k(
            "wait",
            "--for",
            "condition=established",
            "crd/widgets.example.com",
            "--timeout=15s",
          );
          const list = await s.api("/apis/example.com/v1/widgets");
          assert.equal(list.status, 200);
          assert.deepEqual((await list.json()).items, []);
        } finally {
          await Deno.remove(freshCache, { recursive: true });
        }
      },
    );
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});

const RULES_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gateways.net.example.com
spec:
  group: net.example.com
  scope: Namespaced
  names: {plural: gateways, kind: Gateway}
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
            x-kubernetes-validations:
            - rule: "self.minReplicas <= self.maxReplicas"
              message: "minReplicas must not exceed maxReplicas"
              fieldPath: ".minReplicas"
            - rule: "self.className == oldSelf.className"
              message: "className is immutable"
              reason: FieldValueForbidden
            properties:
              className: {type: string}
              minReplicas: {type: integer}
              maxReplicas: {type: integer}
              listeners:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    port:
                      type: integer
                      x-kubernetes-validations:
                      - rule: "self > 0 && self < 65536"
          status:
            type: object
            properties:
              ready:
                type: integer
                x-kubernetes-validations:
                - rule: "self >= 0"
                  message: "ready is a count"
    subresources:
      status: {}
`;

const gateway = (name: string, spec: string) =>
  `apiVersion: net.example.com/v1\nkind: Gateway\nmetadata: {name: ${name}}\nspec: ${spec}\n`;

Deno.test("a CRD's validation rules (CEL) judge its custom resources, transition rules on updates", async () => {
  const s = await startServer();
  try {
    const broken = RULES_CRD.replace('"self > 0 && self < 65536"', '"self >>> 0"');
    const refused = await apply(s, broken);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /x-kubernetes-validations\[0\]\.rule: Invalid value: "self >>> 0": compilation failed/,
    );
    assert.equal((await apply(s, RULES_CRD)).code, 0);
    const bad = await apply(
      s,
      gateway(
        "bad",
        "{className: a, minReplicas: 5, maxReplicas: 2, listeners: [{name: web, port: 70000}]}",
      ),
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /spec.minReplicas: Invalid value: minReplicas must not exceed maxReplicas/,
    );
    assert.match(
      bad.stderr,
      /spec.listeners\[0\].port: Invalid value: 70000: failed rule: self > 0 && self < 65536/,
    );
    const good = gateway("good", "{className: a, minReplicas: 1, maxReplicas: 2}");
    assert.equal(
      (await apply(s, good)).code,
      0,
      "a create has no oldSelf: the transition rule waits",
    );
    const renamed = await apply(s, good.replace("className: a", "className: b"));
    assert.match(renamed.stderr, /spec: Forbidden: className is immutable/);
    assert.equal((await apply(s, good.replace("maxReplicas: 2", "maxReplicas: 3"))).code, 0);
    // Status writes are judged by the rules too.
    const status = (ready: number) =>
      s.kubectl([
        "patch",
        "gateway",
        "good",
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status: { ready } }),
      ]);
    assert.match((await status(-1)).stderr, /status.ready: Invalid value: -1: ready is a count/);
    assert.equal((await status(2)).code, 0);
  } finally {
    await s.stop();
  }
});

/** A namespaced CRD of one version (v1) whose spec has `properties` (a YAML flow mapping). */
function crdWithSpec(
  group: string,
  names: { plural: string; singular: string; kind: string },
  properties: string,
): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${names.plural}.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: ${names.plural}, singular: ${names.singular}, kind: ${names.kind}}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: ${properties}}
`;
}

const PATTERN_CRD = crdWithSpec(
  "example.com",
  { plural: "tags", singular: "tag", kind: "Tag" },
  `{word: {type: string, pattern: "PATTERN"}, hex: {type: string, pattern: "^(?i)[0-9a-f]+\\\\z"}}`,
);

Deno.test("a CRD's patterns are RE2: invalid ones refused as upstream, none can stall the server", async () => {
  const s = await startServer();
  try {
    const refused = await apply(s, PATTERN_CRD.replace("PATTERN", "+"));
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /properties\[spec\]\.properties\[word\]\.pattern: Invalid value: "\+": must be a valid regular expression, but isn't: error parsing regexp: missing argument to repetition operator: `\+`/,
    );
    // Nested quantifiers: a backtracking engine takes 2^n steps to refuse n letters and a `!`.
    assert.equal((await apply(s, PATTERN_CRD.replace("PATTERN", "^(a+)+$"))).code, 0);
    const tag = (name: string, spec: string) =>
      `apiVersion: example.com/v1\nkind: Tag\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
    const evil = await apply(s, tag("evil", `{word: "${"a".repeat(60)}!"}`));
    assert.equal(evil.code, 1);
    assert.match(evil.stderr, /spec.word: Invalid value: "a+!": spec.word in body should match/);
    assert.equal((await apply(s, tag("ok", `{word: "${"a".repeat(60)}", hex: "BEEF"}`))).code, 0);
    const notHex = await apply(s, tag("nothex", `{hex: "beef\\n"}`));
    assert.match(notHex.stderr, /spec.hex in body should match/, "RE2's \\z ends the text");
    assert.equal((await s.kubectl(["get", "tags"])).code, 0, "the server answers on");
  } finally {
    await s.stop();
  }
});

Deno.test("a default a CRD gains applies to custom resources already stored, when read", async () => {
  const s = await startServer();
  try {
    const crd = (defaults: string) =>
      crdWithSpec(
        "ex.example.com",
        { plural: "paints", singular: "paint", kind: "Paint" },
        `{a: {type: string, default: A}, b: {type: string${defaults}}}`,
      );
    assert.equal((await apply(s, crd(""))).code, 0);
    const paint = (name: string) =>
      `apiVersion: ex.example.com/v1\nkind: Paint\nmetadata: {name: ${name}}\nspec: {}\n`;
    assert.equal((await s.kubectl(["create", "-f", "-"], { stdin: paint("old") })).code, 0);
    assert.equal(await s.k("get", "paint", "old", "-o", "jsonpath={.spec}"), '{"a":"A"}');
    const watch = async () =>
      await (await s.api(
        "/apis/ex.example.com/v1/namespaces/default/paints?watch=1&timeoutSeconds=1",
      )).text();
    assert.match(await watch(), /"spec":\{"a":"A"\}/);
    assert.equal((await apply(s, crd(", default: B"))).code, 0);
    const spec = '{"a":"A","b":"B"}';
    // Served at once: a get, a list and a watch's events read the stored object defaulted
    // (not the encoding of the event a watch sent before the CRD changed).
    await waitFor(
      async () => (await s.k("get", "paint", "old", "-o", "jsonpath={.spec}")) === spec,
      5000,
      "the stored paint read with its new default",
    );
    assert.equal(await s.k("get", "paints", "-o", "jsonpath={.items[0].spec}"), spec);
    assert.match(await watch(), /"spec":\{"a":"A","b":"B"\}/);
    assert.equal((await s.kubectl(["create", "-f", "-"], { stdin: paint("new") })).code, 0);
    assert.equal(await s.k("get", "paint", "new", "-o", "jsonpath={.spec}"), spec);
  } finally {
    await s.stop();
  }
});
