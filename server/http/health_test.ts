import assert from "node:assert/strict";
import { healthResponse } from "./health.ts";

async function probe(path: string, search = "", ready = true, method = "GET") {
  const r = healthResponse(method, path, search, () => ready);
  return r ? { status: r.status, text: await r.text() } : undefined;
}

Deno.test("health: ok, the verbose list of checks, one check, exclusions", async () => {
  assert.deepEqual(await probe("/readyz"), { status: 200, text: "ok" });
  assert.deepEqual(await probe("/livez/ping"), { status: 200, text: "ok" });
  assert.deepEqual(await probe("/readyz", "verbose"), {
    status: 200,
    text: "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n" +
      "[+]shutdown ok\nreadyz check passed\n",
  });
  const excluded = await probe("/livez", "verbose&exclude=etcd&exclude=nope");
  assert.equal(excluded?.status, 200);
  assert.match(excluded!.text, /^\[\+\]etcd excluded: ok$/m);
  assert.match(
    excluded!.text,
    /^warn: some health checks cannot be excluded: no matches for "nope"$/m,
  );
  assert.match(excluded!.text, /livez check passed\n$/);
  // Not health endpoints or checks: left to the router (404 there).
  assert.equal(await probe("/readyz/bogus"), undefined);
  assert.equal(await probe("/readyz/ping/x"), undefined);
  assert.equal(await probe("/healthz", "", true, "POST"), undefined);
  const head = healthResponse("HEAD", "/healthz", "", () => true)!;
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
});

Deno.test("health: not ready is a 500 listing the failed check, unless it is excluded", async () => {
  const failed = await probe("/readyz", "", false);
  assert.equal(failed?.status, 500);
  assert.match(failed!.text, /^\[-\]informer-sync failed: reason withheld$/m);
  assert.match(failed!.text, /^\[\+\]etcd ok$/m);
  assert.match(failed!.text, /readyz check failed\n$/);
  assert.equal((await probe("/readyz/informer-sync", "", false))?.status, 500);
  assert.equal((await probe("/readyz/ping", "", false))?.status, 200);
  assert.deepEqual(await probe("/readyz", "exclude=informer-sync", false), {
    status: 200,
    text: "ok",
  });
  assert.deepEqual(await probe("/livez", "", false), { status: 200, text: "ok" });
});
