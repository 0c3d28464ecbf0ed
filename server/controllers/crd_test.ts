import assert from "node:assert/strict";
import { eventually, type Json, metaOf, startTestApi, type TestApi } from "../testing_helper.ts";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const WIDGETS = "/apis/example.com/v1/namespaces/default/widgets";

const widgetSchema = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      properties: {
        size: { type: "integer", minimum: 1 },
        color: { type: "string", enum: ["red", "blue"] },
        replicas: { type: "integer" },
      },
      required: ["size"],
    },
    status: {
      type: "object",
      properties: { replicas: { type: "integer" }, selector: { type: "string" } },
    },
  },
};

function widgetCrd(): Json {
  const version = (name: string, storage: boolean) => ({
    name,
    served: true,
    storage,
    schema: { openAPIV3Schema: widgetSchema },
    subresources: {
      status: {},
      scale: {
        specReplicasPath: ".spec.replicas",
        statusReplicasPath: ".status.replicas",
        labelSelectorPath: ".status.selector",
      },
    },
    additionalPrinterColumns: [{ name: "Size", type: "integer", jsonPath: ".spec.size" }],
  });
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wd"] },
      versions: [version("v1", true), version("v1beta1", false)],
    },
  };
}

function widget(name: string, spec: Json, extra: Json = {}): Json {
  return { apiVersion: "example.com/v1", kind: "Widget", metadata: { name }, spec, ...extra };
}

async function establish(t: TestApi) {
  const r = await t.post(CRDS, widgetCrd());
  assert.equal(r.status, 201, r.text);
  return await eventually(async () => {
    const crd = (await t.get(`${CRDS}/widgets.example.com`)).body;
    const conds = ((crd.status as Json | undefined)?.conditions as Json[] | undefined) ?? [];
    const ok = conds.some((c) => c.type === "Established" && c.status === "True");
    return ok ? crd : undefined;
  }, "the CRD to be Established");
}

Deno.test("a created CRD is Established and its versions are served and discoverable", async () => {
  const t = await startTestApi();
  try {
    const crd = await establish(t);
    const status = crd.status as Json;
    const types = (status.conditions as Json[]).map((c) => `${c.type}=${c.status}`).sort();
    assert.deepEqual(types, ["Established=True", "NamesAccepted=True"]);
    assert.deepEqual(status.storedVersions, ["v1"]);
    assert.equal((status.acceptedNames as Json).kind, "Widget");
    assert.ok(
      (metaOf(crd).finalizers as string[]).includes("customresourcecleanup.apiextensions.k8s.io"),
    );

    const groups = (await t.get("/apis")).body.groups as Json[];
    const g = groups.find((x) => x.name === "example.com");
    assert.ok(g, "example.com is in /apis");
    assert.deepEqual((g.versions as Json[]).map((v) => v.version), ["v1", "v1beta1"]);
    assert.deepEqual(g.preferredVersion, { groupVersion: "example.com/v1", version: "v1" });
    const res = await t.get("/apis/example.com/v1");
    assert.equal(res.status, 200, res.text);
    const byName = new Map((res.body.resources as Json[]).map((r) => [r.name, r]));
    assert.deepEqual([...byName.keys()], ["widgets", "widgets/status", "widgets/scale"]);
    const main = byName.get("widgets")!;
    assert.equal(main.kind, "Widget");
    assert.equal(main.namespaced, true);
    assert.deepEqual(main.shortNames, ["wd"]);
    assert.equal(byName.get("widgets/scale")!.kind, "Scale");
    assert.equal(byName.get("widgets/scale")!.group, "autoscaling");

    const list = await t.get(WIDGETS);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.kind, "WidgetList");
  } finally {
    await t.stop();
  }
});

Deno.test("custom resources are validated against the schema and pruned of unknown fields", async () => {
  const t = await startTestApi();
  try {
    await establish(t);
    const created = await t.post(
      WIDGETS,
      widget("w1", { size: 3, color: "red", extra: "dropped" }, { junk: { a: 1 } }),
    );
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.spec, { size: 3, color: "red" });
    assert.equal(created.body.junk, undefined);
    assert.equal(metaOf(created.body).generation, 1);
    const stored = (await t.get(`${WIDGETS}/w1`)).body;
    assert.deepEqual(stored.spec, { size: 3, color: "red" });

    const strict = await t.post(
      `${WIDGETS}?fieldValidation=Strict`,
      widget("w2", { size: 1, extra: 1 }),
    );
    assert.equal(strict.status, 400, strict.text);

    for (
      const [spec, field] of [
        [{ size: "big" }, "spec.size"],
        [{ size: 0 }, "spec.size"],
        [{ size: 1, color: "green" }, "spec.color"],
        [{}, "spec.size"],
      ] as const
    ) {
      const r = await t.post(WIDGETS, widget("bad", spec));
      assert.equal(r.status, 422, `${JSON.stringify(spec)}: ${r.text}`);
      assert.equal(r.body.reason, "Invalid");
      const causes = (r.body.details as Json).causes as Json[];
      assert.ok(causes.some((c) => c.field === field), `${field} in ${JSON.stringify(causes)}`);
    }
    assert.equal((await t.get(`${WIDGETS}/bad`)).status, 404);

    // Served in every version with `none` conversion; printer columns from the CRD.
    const beta = await t.get("/apis/example.com/v1beta1/namespaces/default/widgets/w1");
    assert.equal(beta.status, 200);
    assert.equal(beta.body.apiVersion, "example.com/v1beta1");
    const table = await t.get(WIDGETS, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    assert.deepEqual((table.body.columnDefinitions as Json[]).map((c) => c.name), ["Name", "Size"]);
    assert.deepEqual((table.body.rows as Json[])[0]!.cells, ["w1", 3]);

    // The scale subresource of a CR.
    await t.patch(`${WIDGETS}/w1/status`, { status: { replicas: 2, selector: "app=w1" } });
    const scale = await t.get(`${WIDGETS}/w1/scale`);
    assert.equal(scale.status, 200, scale.text);
    assert.equal(scale.body.kind, "Scale");
    assert.deepEqual(scale.body.status, { replicas: 2, selector: "app=w1" });
    const scaled = await t.patch(`${WIDGETS}/w1/scale`, { spec: { replicas: 4 } });
    assert.equal(scaled.status, 200, scaled.text);
    assert.equal(((await t.get(`${WIDGETS}/w1`)).body.spec as Json).replicas, 4);
  } finally {
    await t.stop();
  }
});

Deno.test("deleting a CRD removes its custom resources and stops serving it", async () => {
  const t = await startTestApi();
  try {
    await establish(t);
    for (const n of ["a", "b"]) {
      assert.equal((await t.post(WIDGETS, widget(n, { size: 1 }))).status, 201);
    }
    const del = await t.delete(`${CRDS}/widgets.example.com`);
    assert.ok(del.status === 200 || del.status === 202, del.text);
    await eventually(
      async () => (await t.get(`${CRDS}/widgets.example.com`)).status === 404,
      "the CRD to be deleted",
    );
    assert.equal(await t.store.count("/registry/example.com/widgets/"), 0);
    const gone = await t.get("/apis/example.com/v1");
    assert.equal(gone.status, 404);
    const list = await t.get(WIDGETS);
    assert.equal(list.status, 404);
    const groups = (await t.get("/apis")).body.groups as Json[];
    assert.equal(groups.find((x) => x.name === "example.com"), undefined);
  } finally {
    await t.stop();
  }
});

async function deleteWithHeldWidget(t: TestApi) {
  await establish(t);
  const held = widget("held", { size: 1 });
  (held.metadata as Json).finalizers = ["example.com/hold"];
  assert.equal((await t.post(WIDGETS, held)).status, 201);
  const del = await t.delete(`${CRDS}/widgets.example.com`);
  assert.ok(del.status === 200 || del.status === 202, del.text);
  await eventually(
    async () => metaOf((await t.get(`${WIDGETS}/held`)).body).deletionTimestamp !== undefined,
    "the custom resource to be marked for deletion",
  );
}

async function releaseAndAwaitCrdGone(t: TestApi) {
  const released = await t.patch(`${WIDGETS}/held`, { metadata: { finalizers: null } });
  assert.equal(released.status, 200, released.text);
  await eventually(
    async () => (await t.get(`${CRDS}/widgets.example.com`)).status === 404,
    "the CRD to be deleted",
  );
}

Deno.test("a CRD being deleted waits for its custom resources' finalizers", async () => {
  const t = await startTestApi();
  try {
    await deleteWithHeldWidget(t);
    const crd = await t.get(`${CRDS}/widgets.example.com`);
    assert.equal(crd.status, 200, "the CRD stays while a custom resource is held");
    assert.ok(metaOf(crd.body).deletionTimestamp);
    assert.equal((await t.get(`${WIDGETS}/held`)).status, 200);
    await releaseAndAwaitCrdGone(t);
    assert.equal((await t.get(`${WIDGETS}/held`)).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("creating a custom resource of a terminating CRD is refused with 405", async () => {
  const t = await startTestApi();
  try {
    await deleteWithHeldWidget(t);
    const late = await t.post(WIDGETS, widget("late", { size: 1 }));
    try {
      assert.equal(late.status, 405, late.text);
      assert.equal(late.body.reason, "MethodNotAllowed");
    } finally {
      if (late.status === 201) await t.delete(`${WIDGETS}/late`);
      await releaseAndAwaitCrdGone(t);
    }
  } finally {
    await t.stop();
  }
});

/** Records timers started while installed, to find those still pending (Deno's leak check
 * does not report timers). */
function trackTimers() {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const pending = new Map<Parameters<typeof clearTimeout>[0], string>();
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    const id = realSet(() => {
      pending.delete(id);
      fn();
    }, ms);
    pending.set(id, `${ms} ms timer from ${new Error().stack?.split("\n")[2]?.trim()}`);
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = (id: Parameters<typeof clearTimeout>[0]) => {
    if (id !== undefined) pending.delete(id);
    realClear(id);
  };
  return {
    /** Restores the real functions, cancels what is still pending and returns it. */
    finish(): string[] {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
      for (const id of pending.keys()) realClear(id);
      return [...pending.values()];
    },
  };
}

Deno.test("no timer outlives stop() while a CRD waits for held custom resources", async () => {
  const timers = trackTimers();
  let left: string[] = [];
  const t = await startTestApi();
  try {
    await deleteWithHeldWidget(t);
  } finally {
    await t.stop();
    left = timers.finish();
  }
  assert.deepEqual(left, [], "timers still pending after stop()");
});

Deno.test("stopping the server while a new CRD is being established ends every loop", async () => {
  const t = await startTestApi();
  let stopped = false;
  try {
    assert.equal((await t.post(CRDS, widgetCrd())).status, 201);
    // Served (registry row added) means the controller is inside its reconcile.
    await eventually(
      async () => (await t.get("/apis/example.com/v1")).status === 200,
      "the CRD to be served",
    );
  } finally {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<false>((r) => timer = setTimeout(() => r(false), 5000));
    stopped = await Promise.race([t.stop().then(() => true as const), gaveUp]);
    clearTimeout(timer);
    if (!stopped) {
      await t.store.close();
      await Deno.remove(t.dir, { recursive: true });
    }
  }
  assert.ok(stopped, "stop() (api.stopped()) did not resolve within 5 s");
});

Deno.test("a stored CRD is served again after a restart", async () => {
  const t = await startTestApi();
  try {
    await establish(t);
    await t.post(WIDGETS, widget("kept", { size: 2 }));
    await t.restart();
    const r = await t.get(`${WIDGETS}/kept`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.spec, { size: 2 });
  } finally {
    await t.stop();
  }
});

Deno.test("an invalid CRD is refused with 422", async () => {
  const t = await startTestApi();
  try {
    const crd = widgetCrd();
    const r = await t.post(CRDS, { ...crd, metadata: { name: "wrong.example.com" } });
    assert.equal(r.status, 422, r.text);
    assert.ok(
      ((r.body.details as Json).causes as Json[]).some((c) => c.field === "metadata.name"),
    );
    assert.equal((await t.get("/apis/example.com/v1")).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("CRD conversion settings are checked as upstream checks them; a webhook strategy warns", async () => {
  const t = await startTestApi();
  try {
    const crd = widgetCrd();
    const causes = async (conversion: Json) => {
      const r = await t.post(`${CRDS}?dryRun=All`, {
        ...crd,
        spec: { ...(crd.spec as Json), conversion },
      });
      if (r.status === 201) return r.headers.get("warning") ?? "";
      assert.equal(r.status, 422, r.text);
      return ((r.body.details as Json).causes as Json[]).map((c) => `${c.field}: ${c.message}`);
    };
    assert.deepEqual(await causes({ strategy: "Webhook" }), [
      "spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook",
      "spec.conversion.conversionReviewVersions: Required value",
    ]);
    assert.deepEqual(
      await causes({
        strategy: "Webhook",
        webhook: {
          clientConfig: { url: "https://x.example.com", service: { name: "s", namespace: "n" } },
          conversionReviewVersions: ["v1"],
        },
      }),
      ["spec.conversion.webhookClientConfig: Required value: exactly one of url or service is required"],
    );
    assert.deepEqual(
      await causes({
        strategy: "None",
        webhook: {
          clientConfig: { url: "https://x.example.com" },
          conversionReviewVersions: ["v1"],
        },
      }),
      [
        "spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook",
        "spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook",
      ],
    );
    // A valid webhook strategy is stored, with a warning that kno converts as None.
    assert.match(
      String(
        await causes({
          strategy: "Webhook",
          webhook: {
            clientConfig: { url: "https://x.example.com" },
            conversionReviewVersions: ["v1"],
          },
        }),
      ),
      /kno does not call conversion webhooks yet/,
    );
    assert.equal(await causes({ strategy: "None" }), "");
  } finally {
    await t.stop();
  }
});

Deno.test("a CRD whose schema is not structural is refused with upstream's causes", async () => {
  const t = await startTestApi();
  try {
    const crd = widgetCrd();
    const version = ((crd.spec as Json).versions as Json[])[0]!;
    const path = "spec.versions[0].schema.openAPIV3Schema";
    const cases: [Json, string, string][] = [
      [
        { type: "object", properties: { spec: {} } },
        `${path}.properties[spec].type`,
        "must not be empty for specified object fields",
      ],
      [
        { type: "object", properties: { list: { type: "array", items: {} } } },
        `${path}.properties[list].items.type`,
        "must not be empty for specified array items",
      ],
      [
        {
          type: "object",
          properties: { a: { type: "string" } },
          additionalProperties: { type: "string" },
        },
        `${path}.additionalProperties`,
        "additionalProperties and properties are mutual exclusive",
      ],
      [
        {
          type: "object",
          properties: { p: { type: "string", "x-kubernetes-int-or-string": true } },
        },
        `${path}.properties[p].type`,
        "must be empty if x-kubernetes-int-or-string is true",
      ],
      [
        {
          type: "object",
          properties: { s: { type: "array", uniqueItems: true, items: { type: "string" } } },
        },
        `${path}.properties[s].uniqueItems`,
        "uniqueItems cannot be set",
      ],
      [{ type: "object", $ref: "#/definitions/x" }, `${path}.$ref`, "$ref is not supported"],
    ];
    for (const [schema, field, message] of cases) {
      const r = await t.post(CRDS, {
        ...crd,
        spec: {
          ...(crd.spec as Json),
          versions: [{ ...version, schema: { openAPIV3Schema: schema } }],
        },
      });
      assert.equal(r.status, 422, r.text);
      const causes = (r.body.details as Json).causes as Json[];
      assert.ok(
        causes.some((c) => c.field === field && String(c.message).includes(message)),
        `${field}: ${r.text}`,
      );
    }
    // Untyped is fine where unknown fields are kept or the value is int-or-string.
    const open = {
      type: "object",
      properties: {
        free: { "x-kubernetes-preserve-unknown-fields": true },
        port: { "x-kubernetes-int-or-string": true },
      },
    };
    const ok = await t.post(CRDS, {
      ...crd,
      spec: {
        ...(crd.spec as Json),
        versions: [{ ...version, schema: { openAPIV3Schema: open } }],
      },
    });
    assert.equal(ok.status, 201, ok.text);
  } finally {
    await t.stop();
  }
});

Deno.test("a CRD deleted right after it was created is deleted: the delete retries past the controller's write", async () => {
  const t = await startTestApi();
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal((await t.post(CRDS, widgetCrd())).status, 201);
      const del = await t.delete(`${CRDS}/widgets.example.com`);
      assert.equal(del.status, 202, del.text);
      await eventually(
        async () => (await t.get(`${CRDS}/widgets.example.com`)).status === 404,
        "CRD gone",
      );
    }
    // The same through deletecollection, which skipped an object that lost the race.
    assert.equal((await t.post(CRDS, widgetCrd())).status, 201);
    assert.equal((await t.delete(CRDS)).status, 200);
    await eventually(
      async () => (await t.get(`${CRDS}/widgets.example.com`)).status === 404,
      "CRD gone after deletecollection",
    );
  } finally {
    await t.stop();
  }
});

Deno.test("a property schema sent as null is an empty schema (422), as Go decodes it", async () => {
  const t = await startTestApi();
  try {
    const crd = structuredClone(widgetCrd());
    const schema = (crd.spec as Json).versions as Json[];
    ((schema[0]!.schema as Json).openAPIV3Schema as Json).properties = { format: null };
    const r = await t.post(CRDS, crd);
    assert.equal(r.status, 422, r.text);
    assert.match(r.text, /properties\[format\]\.type: Required value/);
  } finally {
    await t.stop();
  }
});

Deno.test("a stored CRD that cannot be served does not keep the server from starting", async () => {
  const t = await startTestApi();
  try {
    await establish(t);
    // As an older kno could store it: a null where a property's schema belongs.
    const bad = structuredClone(widgetCrd());
    const meta = bad.metadata as Json;
    meta.name = "gadgets.example.com";
    const spec = bad.spec as Json;
    spec.names = { plural: "gadgets", kind: "Gadget" };
    const version = (spec.versions as Json[])[0]!;
    ((version.schema as Json).openAPIV3Schema as Json).properties = { format: null };
    meta.uid = crypto.randomUUID();
    meta.creationTimestamp = "2026-01-01T00:00:00Z";
    await t.store.create(
      "/registry/apiextensions.k8s.io/customresourcedefinitions/gadgets.example.com",
      JSON.stringify(bad),
    );
    await t.restart();
    assert.equal((await t.get(`${WIDGETS}`)).status, 200, "the other CRD is served");
    assert.equal((await t.get("/apis/example.com/v1/namespaces/default/gadgets")).status, 404);
  } finally {
    await t.stop();
  }
});

Deno.test("nested schemas of a CRD (items, additionalProperties) are checked like the rest", async () => {
  const t = await startTestApi();
  try {
    const withSpec = (spec: Json) => {
      const crd = structuredClone(widgetCrd());
      for (const v of (crd.spec as Json).versions as Json[]) {
        (v.schema as Json).openAPIV3Schema = {
          type: "object",
          properties: { spec: { type: "object", properties: { list: spec } } },
        };
      }
      return crd;
    };
    const items = await t.post(
      CRDS,
      withSpec({ type: "array", items: { type: "object", required: {} } }),
    );
    assert.equal(items.status, 400, items.text);
    assert.match(items.text, /items\.required/);
    const map = await t.post(
      CRDS,
      withSpec({ type: "object", additionalProperties: { type: 5 } }),
    );
    assert.equal(map.status, 400, map.text);
    const strict = await t.post(
      `${CRDS}?fieldValidation=Strict`,
      withSpec({ type: "array", items: { type: "string", colour: "blue" } }),
    );
    assert.equal(strict.status, 400, strict.text);
    assert.match(strict.text, /unknown field .*items\.colour/);
    const ok = await t.post(CRDS, withSpec({ type: "object", additionalProperties: true }));
    assert.equal(ok.status, 201, ok.text);
  } finally {
    await t.stop();
  }
});

Deno.test("a null version or a $ref under a value validation is refused, not a 500", async () => {
  const t = await startTestApi();
  try {
    const nullVersion = structuredClone(widgetCrd());
    ((nullVersion.spec as Json).versions as unknown[]).push(null);
    const a = await t.post(CRDS, nullVersion);
    assert.equal(a.status, 422, a.text);
    const ref = structuredClone(widgetCrd());
    for (const v of (ref.spec as Json).versions as Json[]) {
      (v.schema as Json).openAPIV3Schema = {
        type: "object",
        properties: { spec: { type: "object", not: { $ref: "#/definitions/x" } } },
      };
    }
    const b = await t.post(CRDS, ref);
    assert.equal(b.status, 422, b.text);
    assert.match(b.text, /properties\[spec\]\.not\.\$ref: Forbidden: \$ref is not supported/);
  } finally {
    await t.stop();
  }
});
