import assert from "node:assert/strict";
import { rawSqliteDurableWrites, storeWriteRate } from "./bench_raw.ts";
import { openSqliteStore } from "./sqlite/store.ts";

Deno.test("bench: raw and store write rates are measured and positive", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kno-bench-" });
  try {
    const raw = await rawSqliteDurableWrites({ dir, clients: 4, count: 50, valueBytes: 256 });
    assert.ok(raw.writesPerSecond > 0 && Number.isFinite(raw.writesPerSecond));
    const store = await openSqliteStore({ path: `${dir}/store.db` });
    try {
      const rate = await storeWriteRate({ store, clients: 16, count: 400, valueBytes: 256 });
      assert.ok(rate.writesPerSecond > 0 && Number.isFinite(rate.writesPerSecond));
      assert.equal(await store.count("/bench/store/"), 400);
    } finally {
      await store.close();
    }
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("raw")),
      [],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
