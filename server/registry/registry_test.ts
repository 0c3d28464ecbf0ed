import assert from "node:assert/strict";
import { builtinResolver } from "../../api/schema/table.ts";
import { crdResourceTypes } from "../kinds/crd.ts";
import { builtinResourceTypes } from "./builtin.ts";
import { compareVersions, Registry } from "./registry.ts";
import type { KubeObject } from "./types.ts";

function crd(group: string, plural: string, kind: string, versions: string[]): KubeObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural, kind },
      versions: versions.map((name, i) => ({
        name,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema: { type: "object" } },
      })),
    },
  };
}

Deno.test("compareVersions orders GA, then beta, then alpha, then the rest", () => {
  const versions = ["v1alpha1", "foo", "v1beta1", "v2", "v1", "v1beta2", "v2beta1", "v10", "bar"];
  assert.deepEqual([...versions].sort(compareVersions), [
    "v10",
    "v2",
    "v1",
    "v2beta1",
    "v1beta2",
    "v1beta1",
    "v1alpha1",
    "bar",
    "foo",
  ]);
  assert.ok(compareVersions("v1", "v1beta2") < 0);
  assert.ok(compareVersions("v1beta2", "v1beta1") < 0);
  assert.ok(compareVersions("v1beta1", "v1alpha1") < 0);
  assert.equal(compareVersions("v1", "v1"), 0);
});

Deno.test("the built-in registry serves core first and every group with its versions", () => {
  const r = new Registry(builtinResourceTypes(builtinResolver));
  const groups = r.groups();
  assert.deepEqual(groups[0], { name: "", versions: ["v1"] });
  const byName = new Map(groups.map((g) => [g.name, g.versions]));
  assert.deepEqual(byName.get("apps"), ["v1"]);
  // v2 preferred, v1 served from its store (as upstream serves both).
  assert.deepEqual(byName.get("autoscaling"), ["v2", "v1"]);
  assert.deepEqual(byName.get("rbac.authorization.k8s.io"), ["v1"]);
  assert.equal(r.lookup("apps", "v1", "deployments")?.kind, "Deployment");
  assert.equal(r.lookup("", "v1", "pods")?.namespaced, true);
  assert.equal(r.lookup("", "v1", "nodes")?.namespaced, false);
  assert.equal(r.lookup("apps", "v1", "nope"), undefined);
  assert.equal(r.byKind({ group: "batch", version: "v1", kind: "CronJob" })?.resource, "cronjobs");
  assert.equal(r.lookup("apps", "v1", "deployments")?.storagePrefix, "apps/deployments");
  assert.equal(r.lookup("", "v1", "pods")?.storagePrefix, "core/pods");
  assert.ok(r.groupVersion("", "v1").some((t) => t.resource === "configmaps"));
  assert.equal(r.generation, 0);
});

Deno.test("custom rows are added, replaced and removed, each change bumping generation", () => {
  const r = new Registry(builtinResourceTypes(builtinResolver));

  r.setCustom(
    "example.com",
    "widgets",
    crdResourceTypes(
      crd("example.com", "widgets", "Widget", ["v1alpha1", "v1"]),
      builtinResolver,
    ),
  );
  assert.equal(r.generation, 1);
  assert.deepEqual(r.groups().find((g) => g.name === "example.com"), {
    name: "example.com",
    versions: ["v1", "v1alpha1"],
  });
  assert.equal(r.lookup("example.com", "v1", "widgets")?.custom, true);
  assert.equal(
    r.byKind({ group: "example.com", version: "v1alpha1", kind: "Widget" })?.resource,
    "widgets",
  );
  assert.equal(r.versionsOf("example.com", "widgets").length, 2);

  // Replacing drops versions no longer served.
  r.setCustom(
    "example.com",
    "widgets",
    crdResourceTypes(
      crd("example.com", "widgets", "Widget", ["v1"]),
      builtinResolver,
    ),
  );
  assert.equal(r.generation, 2);
  assert.equal(r.lookup("example.com", "v1alpha1", "widgets"), undefined);
  assert.deepEqual(r.groups().find((g) => g.name === "example.com")?.versions, ["v1"]);

  r.removeCustom("example.com", "widgets");
  assert.equal(r.generation, 3);
  assert.equal(r.lookup("example.com", "v1", "widgets"), undefined);
  assert.equal(r.groups().find((g) => g.name === "example.com"), undefined);

  // Removing what is not there, or a built-in, changes nothing.
  r.removeCustom("example.com", "widgets");
  r.removeCustom("apps", "deployments");
  assert.equal(r.generation, 3);
  assert.ok(r.lookup("apps", "v1", "deployments"));
});

Deno.test("two CRDs in one group keep the group until the last is removed", () => {
  const r = new Registry(builtinResourceTypes(builtinResolver));
  for (const [plural, kind] of [["widgets", "Widget"], ["gadgets", "Gadget"]] as const) {
    r.setCustom(
      "example.com",
      plural,
      crdResourceTypes(
        crd("example.com", plural, kind, ["v1"]),
        builtinResolver,
      ),
    );
  }
  assert.deepEqual(r.groupVersion("example.com", "v1").map((t) => t.resource).sort(), [
    "gadgets",
    "widgets",
  ]);
  r.removeCustom("example.com", "widgets");
  assert.ok(r.groups().some((g) => g.name === "example.com"));
  assert.ok(r.lookup("example.com", "v1", "gadgets"));
  r.removeCustom("example.com", "gadgets");
  assert.equal(r.groups().some((g) => g.name === "example.com"), false);
});
