import assert from "node:assert/strict";
import { silentLogger } from "../api/log.ts";
import { loaderPageRanges } from "./loader_pages.ts";
import { startMemoryTrim, TrimPolicy } from "./memory_trim.ts";
import { residentPages, touchPages } from "./pagemap_test_helper.ts";

Deno.test("the trim policy trims once after each busy period, never while idle", () => {
  const p = new TrimPolicy(0);
  assert.equal(p.step(0), "trimmed", "start-up is a busy period");
  assert.equal(p.step(0), "idle");
  assert.equal(p.step(5), "busy");
  assert.equal(p.step(9), "busy");
  assert.equal(p.step(9), "trimmed");
  assert.equal(p.step(9), "idle");
  assert.equal(p.step(9), "idle");
  assert.equal(p.step(10), "busy");
  assert.equal(p.step(10), "trimmed");
});

Deno.test("the trimmer releases memory after start-up and after activity stops, and stops with its signal", async () => {
  // The loader-only pages of the executable, read back in (another test may have released them).
  const loaderPages = loaderPageRanges();
  assert.ok(loaderPages.length > 0, "the runtime's relocation table is not mapped read-only");
  for (const r of loaderPages) touchPages(r.start, r.length);
  const resident = () => loaderPages.reduce((n, r) => n + residentPages(r.start, r.length), 0);
  assert.ok(resident() > 0);
  let n = 0;
  const ac = new AbortController();
  const trim = startMemoryTrim({
    activity: () => n,
    quietMs: 10,
    signal: ac.signal,
    logger: silentLogger,
  });
  assert.equal(trim.available, true, "V8's gc and glibc's malloc_trim load on this machine");
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(trim.trims, 1, "one trim after start-up, none while nothing happens");
  assert.equal(resident(), 0, "the first trim released the executable's loader-only pages");
  n = 3;
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(trim.trims, 2, "one trim after the busy period");
  ac.abort();
  n = 4;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(trim.trims, 2, "none after the signal");
});
