import assert from "node:assert/strict";
import { openDatastore, parseEndpoint } from "./open.ts";

Deno.test("parseEndpoint reads a scheme, or takes a bare path as SQLite", () => {
  assert.deepEqual(parseEndpoint("sqlite:///var/lib/kno/state.db"), {
    scheme: "sqlite",
    target: "/var/lib/kno/state.db",
  });
  assert.deepEqual(parseEndpoint("/var/lib/kno/state.db"), {
    scheme: "sqlite",
    target: "/var/lib/kno/state.db",
  });
  assert.deepEqual(parseEndpoint("relative/state.db"), {
    scheme: "sqlite",
    target: "relative/state.db",
  });
  assert.equal(parseEndpoint("postgres://u:p@db/kno").scheme, "postgres");
  assert.equal(parseEndpoint("ETCD://a:2379").scheme, "etcd");
});

Deno.test("openDatastore refuses schemes without a driver", async () => {
  await assert.rejects(openDatastore("etcd://127.0.0.1:2379"), {
    message: "not implemented: etcd datastore",
  });
  await assert.rejects(openDatastore("sqlite://"), TypeError);
});
