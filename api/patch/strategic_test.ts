import assert from "node:assert/strict";
import { builtinResolver } from "../schema/table.ts";
import type { Schema, SchemaResolver } from "../schema/types.ts";
import { ApiError } from "../status.ts";
import { strategicPatchSupported } from "./schema_nav.ts";
import { applyStrategicMergePatch } from "./strategic.ts";

const r = builtinResolver;
const deploymentSchema = r.resolve("io.k8s.api.apps.v1.Deployment");
const podSchema = r.resolve("io.k8s.api.core.v1.Pod");
const smpDeploy = (orig: unknown, patch: unknown) =>
  applyStrategicMergePatch(orig, patch, deploymentSchema, r);
const smpPod = (orig: unknown, patch: unknown) =>
  applyStrategicMergePatch(orig, patch, podSchema, r);

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: "p" }) {
  return { apiVersion: "v1", kind: "Pod", metadata, spec };
}

const twoContainers = () =>
  pod({
    containers: [
      { name: "a", image: "a:1", ports: [{ containerPort: 80, protocol: "TCP" }] },
      { name: "b", image: "b:1", env: [{ name: "X", value: "1" }, { name: "Y", value: "2" }] },
    ],
  });

Deno.test("smp: the table's schemas are found", () => {
  assert.ok(deploymentSchema && podSchema);
});

Deno.test("smp: containers merge by name; new ones are appended", () => {
  const input = twoContainers();
  const out = smpPod(input, {
    spec: { containers: [{ name: "b", image: "b:2" }, { name: "c", image: "c:1" }] },
  });
  const containers = (out.spec as { containers: Record<string, unknown>[] }).containers;
  assert.deepEqual(containers.map((c) => c.name), ["a", "b", "c"]);
  assert.equal(containers[1]?.image, "b:2");
  assert.deepEqual(containers[1]?.env, [{ name: "X", value: "1" }, { name: "Y", value: "2" }]);
  assert.deepEqual(input, twoContainers(), "input untouched");
});

Deno.test("smp: env merges by name inside a merged container; null deletes a key", () => {
  const out = smpPod(twoContainers(), {
    spec: {
      containers: [{
        name: "b",
        env: [{ name: "Y", value: "3" }, { name: "Z", value: "4" }],
        image: null,
      }],
    },
  });
  const b = (out.spec as { containers: Record<string, unknown>[] }).containers[1];
  assert.deepEqual(b, {
    name: "b",
    env: [{ name: "X", value: "1" }, { name: "Y", value: "3" }, { name: "Z", value: "4" }],
  });
});

Deno.test("smp: $patch delete removes a list element by merge key", () => {
  const out = smpPod(twoContainers(), { spec: { containers: [{ name: "a", $patch: "delete" }] } });
  const names = (out.spec as { containers: { name: string }[] }).containers.map((c) => c.name);
  assert.deepEqual(names, ["b"]);
});

Deno.test("smp: $patch replace inside a list replaces the whole list", () => {
  const out = smpPod(twoContainers(), {
    spec: { containers: [{ $patch: "replace" }, { name: "z", image: "z:1" }] },
  });
  assert.deepEqual((out.spec as { containers: unknown[] }).containers, [{
    name: "z",
    image: "z:1",
  }]);
});

Deno.test("smp: $patch replace and delete on a map", () => {
  const orig = { metadata: { name: "p", labels: { a: "1", b: "2" } }, spec: {} };
  const replaced = smpPod(orig, { metadata: { labels: { $patch: "replace", c: "3" } } });
  assert.deepEqual((replaced.metadata as Record<string, unknown>).labels, { c: "3" });
  const deleted = smpPod(orig, { metadata: { labels: { $patch: "delete" } } });
  assert.deepEqual((deleted.metadata as Record<string, unknown>).labels, {});
  const merged = smpPod(orig, { metadata: { labels: { $patch: "merge", c: "3" } } });
  assert.deepEqual((merged.metadata as Record<string, unknown>).labels, { a: "1", b: "2", c: "3" });
});

Deno.test("smp: ports merge by containerPort", () => {
  const out = smpPod(twoContainers(), {
    spec: {
      containers: [{
        name: "a",
        ports: [{ containerPort: 80, name: "http" }, { containerPort: 443 }],
      }],
    },
  });
  const a = (out.spec as { containers: { ports: unknown[] }[] }).containers[0];
  assert.deepEqual(a?.ports, [{ containerPort: 80, protocol: "TCP", name: "http" }, {
    containerPort: 443,
  }]);
});

Deno.test("smp: finalizers (merge strategy, primitives) are a union without duplicates", () => {
  const out = smpPod({ metadata: { name: "p", finalizers: ["a", "b"] } }, {
    metadata: { finalizers: ["b", "c"] },
  });
  assert.deepEqual((out.metadata as Record<string, unknown>).finalizers, ["a", "b", "c"]);
});

Deno.test("smp: $deleteFromPrimitiveList removes values", () => {
  const out = smpPod({ metadata: { name: "p", finalizers: ["a", "b", "c"] } }, {
    metadata: { "$deleteFromPrimitiveList/finalizers": ["b"] },
  });
  assert.deepEqual((out.metadata as Record<string, unknown>).finalizers, ["a", "c"]);
});

Deno.test("smp: lists without a merge strategy (tolerations, args) are replaced", () => {
  const orig = pod({
    containers: [{ name: "a", args: ["1", "2"] }],
    tolerations: [{ key: "k1", operator: "Exists" }],
  });
  const out = smpPod(orig, {
    spec: {
      tolerations: [{ key: "k2", operator: "Exists" }],
      containers: [{ name: "a", args: ["3"] }],
    },
  });
  const spec = out.spec as Record<string, unknown>;
  assert.deepEqual(spec.tolerations, [{ key: "k2", operator: "Exists" }]);
  assert.deepEqual((spec.containers as Record<string, unknown>[])[0]?.args, ["3"]);
});

Deno.test("smp: $setElementOrder orders the merged list", () => {
  const orig = pod({ containers: [{ name: "a" }, { name: "b" }, { name: "c" }] });
  const out = smpPod(orig, {
    spec: {
      "$setElementOrder/containers": [{ name: "c" }, { name: "a" }, { name: "b" }],
      containers: [{ name: "a", image: "a:2" }],
    },
  });
  assert.deepEqual(
    (out.spec as { containers: unknown[] }).containers,
    [{ name: "c" }, { name: "a", image: "a:2" }, { name: "b" }],
  );
});

Deno.test("smp: $setElementOrder on a primitive list", () => {
  const out = smpPod({ metadata: { name: "p", finalizers: ["a", "b"] } }, {
    metadata: { "$setElementOrder/finalizers": ["b", "c", "a"], finalizers: ["c"] },
  });
  assert.deepEqual((out.metadata as Record<string, unknown>).finalizers, ["b", "c", "a"]);
});

Deno.test("smp: server-only elements keep their place around patched ones", () => {
  const orig = pod({ containers: [{ name: "a" }, { name: "b" }, { name: "c" }] });
  const out = smpPod(orig, {
    spec: { containers: [{ name: "c", image: "x" }, { name: "a", image: "y" }] },
  });
  const names = (out.spec as { containers: { name: string }[] }).containers.map((c) => c.name);
  // b sits before c in the live list, so it stays in front of the patched items.
  assert.deepEqual(names, ["b", "c", "a"]);
});

Deno.test("smp: $retainKeys drops unlisted keys (deployment strategy switch)", () => {
  const orig = {
    spec: {
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    },
  };
  const out = smpDeploy(orig, {
    spec: { strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null } },
  });
  assert.deepEqual((out.spec as Record<string, unknown>).strategy, { type: "Recreate" });
});

Deno.test("smp: $retainKeys on volumes replaces the volume source", () => {
  const orig = pod({
    containers: [],
    volumes: [{ name: "v", emptyDir: {} }, { name: "w", emptyDir: {} }],
  });
  const out = smpPod(orig, {
    spec: { volumes: [{ name: "v", $retainKeys: ["name", "hostPath"], hostPath: { path: "/x" } }] },
  });
  assert.deepEqual((out.spec as Record<string, unknown>).volumes, [
    { name: "v", hostPath: { path: "/x" } },
    { name: "w", emptyDir: {} },
  ]);
});

Deno.test("smp: malformed directives are 400", () => {
  const cases: unknown[] = [
    [1],
    { spec: { template: { spec: { containers: [{ image: "no-name" }] } } } },
    { spec: { template: { spec: { containers: [{ name: "a", $patch: "bogus" }] } } } },
    { metadata: { "$deleteFromPrimitiveList/finalizers": "a" } },
    { spec: { "$setElementOrder/containers": "a" } },
    { spec: { strategy: { $retainKeys: "type" } } },
    { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: {} } } },
  ];
  for (const patch of cases) {
    assert.throws(
      () => smpDeploy({ spec: { strategy: {}, template: {} } }, patch),
      (e: unknown) => e instanceof ApiError && e.code === 400,
      JSON.stringify(patch),
    );
  }
});

Deno.test("smp: selector is merged as a map (labels in matchLabels merge)", () => {
  const out = smpDeploy({ spec: { selector: { matchLabels: { a: "1" } } } }, {
    spec: { selector: { matchLabels: { b: "2" } } },
  });
  assert.deepEqual((out.spec as Record<string, unknown>).selector, {
    matchLabels: { a: "1", b: "2" },
  });
});

// A CRD-like schema: no patch metadata anywhere.
const crd: Schema = {
  type: "object",
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec: {
      type: "object",
      properties: {
        items: {
          type: "array",
          items: { type: "object", properties: { name: { type: "string" } } },
        },
      },
    },
  },
};
const noRefs: SchemaResolver = { resolve: () => undefined, forKind: () => undefined };

Deno.test("smp: lists without patch metadata (CRDs) are replaced, maps still merge", () => {
  const out = applyStrategicMergePatch(
    { spec: { items: [{ name: "a" }], other: 1 } },
    { spec: { items: [{ name: "b" }] } },
    crd,
    noRefs,
  );
  assert.deepEqual(out, { spec: { items: [{ name: "b" }], other: 1 } });
});

Deno.test("smp: strategicPatchSupported is true for built-ins and false for CRD schemas", () => {
  assert.equal(strategicPatchSupported(deploymentSchema, r), true);
  assert.equal(
    strategicPatchSupported({ $ref: "#/components/schemas/io.k8s.api.core.v1.Pod" }, r),
    true,
  );
  assert.equal(strategicPatchSupported(crd, noRefs), false);
  assert.equal(strategicPatchSupported(undefined, noRefs), false);
});

Deno.test("smp: neither the original nor the patch is mutated", () => {
  const original = twoContainers();
  const patch = {
    spec: {
      "$setElementOrder/containers": [{ name: "b" }, { name: "a" }],
      containers: [{ name: "a", $patch: "delete" }, {
        name: "b",
        image: "b:9",
        env: [{ name: "X", $patch: "delete" }],
      }],
    },
  };
  const patchCopy = structuredClone(patch);
  const out = smpPod(original, patch);
  assert.deepEqual(patch, patchCopy);
  assert.deepEqual(original, twoContainers());
  assert.deepEqual((out.spec as { containers: unknown[] }).containers, [
    { name: "b", image: "b:9", env: [{ name: "Y", value: "2" }] },
  ]);
});

Deno.test("smp: lists as long as a 3 MiB body allows merge element by element, not pairwise", () => {
  // 40,000 containers: a pairwise merge compares 1.6 billion pairs; by key it is one pass.
  const n = 40_000;
  const containers = Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: "a:1" }));
  const finalizers = Array.from({ length: n }, (_, i) => `f${i}`);
  const out = smpPod(pod({ containers }, { name: "p", finalizers }), {
    metadata: {
      finalizers: [...finalizers.slice(n - 10), "new"],
      "$deleteFromPrimitiveList/finalizers": finalizers.slice(0, n / 2),
    },
    spec: {
      containers: [
        ...containers.filter((_, i) => i % 2 === 0).map((c) => ({ name: c.name, image: "a:2" })),
        ...containers.filter((_, i) => i % 4 === 1).map((c) => ({
          name: c.name,
          $patch: "delete",
        })),
        { name: "extra", image: "x:1" },
      ],
    },
  });
  const merged = (out.spec as { containers: { name: string; image: string }[] }).containers;
  assert.equal(merged.length, n - n / 4 + 1);
  assert.deepEqual(merged.slice(0, 4), [
    { name: "c0", image: "a:2" },
    { name: "c2", image: "a:2" },
    { name: "c3", image: "a:1" },
    { name: "c4", image: "a:2" },
  ]);
  assert.deepEqual(merged.filter((c) => c.name === "extra"), [{ name: "extra", image: "x:1" }]);
  const kept = (out.metadata as { finalizers: string[] }).finalizers;
  assert.equal(kept.length, n / 2 + 1);
  assert.deepEqual([kept[0], kept.at(-1)], [`f${n / 2}`, "new"]);
});
