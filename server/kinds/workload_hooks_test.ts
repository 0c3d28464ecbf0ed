import assert from "node:assert/strict";
import { WORKLOAD_KINDS } from "./hooks.ts";
import { workloadHooks } from "./workload_hooks.ts";

Deno.test("hooks.ts loads lazily exactly the kinds workload_hooks.ts has rules for", () => {
  const table = workloadHooks({ get: () => undefined, list: () => [] });
  assert.deepEqual(Object.keys(table).sort(), [...WORKLOAD_KINDS].sort());
  // hooks.ts forwards only prepare and validate to these kinds.
  for (const [kind, hooks] of Object.entries(table)) {
    const others = Object.keys(hooks).filter((h) =>
      !["prepareCreate", "prepareUpdate", "validate"].includes(h)
    );
    assert.deepEqual(others, [], kind);
  }
});
