import assert from "node:assert/strict";
import { ipToString, parseCidr, ServiceIpAllocator } from "./service_ip.ts";

Deno.test("parseCidr normalizes the base and refuses what is not an IPv4 CIDR", () => {
  assert.deepEqual(parseCidr("10.43.0.0/16"), { base: 0x0a2b0000, size: 65536 });
  assert.deepEqual(parseCidr("10.43.7.9/24"), { base: 0x0a2b0700, size: 256 });
  assert.equal(ipToString(parseCidr("192.168.1.128/25").base), "192.168.1.128");
  for (
    const bad of ["10.43.0.0", "10.43.0.0/33", "10.43.0.0/4", "300.1.1.1/16", "fd00::/108", ""]
  ) {
    assert.throws(() => parseCidr(bad), /invalid IPv4 CIDR/, bad);
  }
});

Deno.test("the first address belongs to the kubernetes service", () => {
  assert.equal(new ServiceIpAllocator("10.43.0.0/16", () => []).first(), "10.43.0.1");
  assert.equal(new ServiceIpAllocator("172.20.5.0/24", () => []).first(), "172.20.5.1");
});

Deno.test("dynamic allocations stay in range, above the static band, and never repeat", async () => {
  const ips = new ServiceIpAllocator("10.96.0.0/24", () => []);
  const seen = new Set<string>();
  // 256 addresses: network, broadcast and the lower sixteenth (16) are never handed out.
  for (let i = 0; i < 256 - 16 - 1; i++) {
    const ip = await ips.allocate(undefined, false);
    assert.equal(typeof ip, "string", `allocation ${i}: ${String(ip)}`);
    const last = Number(String(ip).split(".")[3]);
    assert.ok(String(ip).startsWith("10.96.0."));
    assert.ok(last >= 16 && last <= 254, String(ip));
    assert.ok(!seen.has(String(ip)), `repeated ${String(ip)}`);
    seen.add(String(ip));
  }
  const full = await ips.allocate(undefined, false);
  assert.ok(full instanceof Error);
  assert.match(full.message, /range is full/);
  ips.release("10.96.0.100");
  assert.equal(await ips.allocate(undefined, false), "10.96.0.100");
});

Deno.test("a requested address is given if free and in range", async () => {
  const ips = new ServiceIpAllocator("10.43.0.0/16", () => ["10.43.0.1", "10.43.0.10", "bogus"]);
  assert.equal(await ips.allocate("10.43.200.1", false), "10.43.200.1");
  const again = await ips.allocate("10.43.200.1", false);
  assert.ok(again instanceof Error && /already allocated/.test(again.message));
  const taken = await ips.allocate("10.43.0.10", false);
  assert.ok(taken instanceof Error && /already allocated/.test(taken.message), "used at start");
  for (const outside of ["10.44.0.1", "10.43.0.0", "10.43.255.255", "not-an-ip"]) {
    const r = await ips.allocate(outside, false);
    assert.ok(r instanceof Error && /not in the valid range/.test(r.message), outside);
  }
});

Deno.test("a dry-run allocation reserves nothing", async () => {
  const ips = new ServiceIpAllocator("10.43.0.0/16", () => []);
  assert.equal(await ips.allocate("10.43.1.1", true), "10.43.1.1");
  assert.equal(await ips.allocate("10.43.1.1", false), "10.43.1.1");
  const small = new ServiceIpAllocator("10.0.0.0/28", () => []);
  const dry = new Set<string>();
  for (let i = 0; i < 20; i++) dry.add(String(await small.allocate(undefined, true)));
  // /28: 16 addresses, dynamic from .2 to .14 (the static band is at least .2).
  for (const ip of dry) assert.match(ip, /^10\.0\.0\.([2-9]|1[0-4])$/);
});
