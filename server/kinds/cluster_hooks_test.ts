import assert from "node:assert/strict";
import { CLUSTER_KINDS } from "./hooks.ts";
import { clusterHooks } from "./cluster_hooks.ts";

Deno.test("hooks.ts loads lazily exactly the kinds cluster_hooks.ts has rules for", () => {
  assert.deepEqual(Object.keys(clusterHooks()).sort(), [...CLUSTER_KINDS].sort());
});
