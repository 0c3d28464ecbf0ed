import assert from "node:assert/strict";
import { lazily } from "./lazy.ts";

Deno.test("lazily loads once for concurrent and later callers", async () => {
  let loads = 0;
  const get = lazily(async () => {
    loads++;
    await new Promise((r) => setTimeout(r, 5));
    return { n: loads };
  });
  assert.equal(loads, 0, "nothing loads before the first call");
  const [a, b] = await Promise.all([get(), get()]);
  assert.equal(a, b);
  assert.equal(await get(), a);
  assert.equal(loads, 1);
});

Deno.test("lazily forgets a failed load: the next call tries again", async () => {
  let attempts = 0;
  const get = lazily(() => {
    attempts++;
    return attempts === 1 ? Promise.reject(new Error("boom")) : Promise.resolve("ok");
  });
  await assert.rejects(get(), /boom/);
  assert.equal(await get(), "ok");
  assert.equal(await get(), "ok");
  assert.equal(attempts, 2);
});
