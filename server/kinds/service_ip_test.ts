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

Deno.test("dynamic allocations come from above the static band first, then from it; never repeat", () => {
  const ips = new ServiceIpAllocator("10.96.0.0/24", () => []);
  const seen = new Set<string>();
  const next = (i: number) => {
    const ip = ips.allocate(undefined, false);
    assert.equal(typeof ip, "string", `allocation ${i}: ${String(ip)}`);
    assert.ok(String(ip).startsWith("10.96.0."));
    assert.ok(!seen.has(String(ip)), `repeated ${String(ip)}`);
    seen.add(String(ip));
    return Number(String(ip).split(".")[3]);
  };
  // 256 addresses: never the network or broadcast; .1-.16 (the static band, upstream's
  // max(16, size/16)) only once the 238 above it are gone.
  for (let i = 0; i < 238; i++) {
    const last = next(i);
    assert.ok(last >= 17 && last <= 254, String(last));
  }
  for (let i = 0; i < 16; i++) {
    const last = next(i);
    assert.ok(last >= 1 && last <= 16, String(last));
  }
  assert.equal(ips.allocate(undefined, false), "full");
  ips.release("10.96.0.100");
  assert.equal(ips.allocate(undefined, false), "10.96.0.100");
});

Deno.test("a requested address is given if free and in range", () => {
  const ips = new ServiceIpAllocator("10.43.0.0/16", () => ["10.43.0.1", "10.43.0.10", "bogus"]);
  assert.equal(ips.allocate("10.43.200.1", false), "10.43.200.1");
  assert.equal(ips.allocate("10.43.200.1", false), "taken");
  assert.equal(ips.allocate("10.43.0.10", false), "taken", "used at start");
  for (const outside of ["10.44.0.1", "10.43.0.0", "10.43.255.255", "not-an-ip"]) {
    assert.equal(ips.allocate(outside, false), "out of range", outside);
  }
});

Deno.test("a dry-run allocation reserves nothing", () => {
  const ips = new ServiceIpAllocator("10.43.0.0/16", () => []);
  assert.equal(ips.allocate("10.43.1.1", true), "10.43.1.1");
  assert.equal(ips.allocate("10.43.1.1", false), "10.43.1.1");
  const small = new ServiceIpAllocator("10.0.0.0/28", () => []);
  const dry = new Set<string>();
  for (let i = 0; i < 20; i++) dry.add(String(small.allocate(undefined, true)));
  // /28: 16 addresses, all of them the static band, handed out when nothing else is left.
  for (const ip of dry) assert.match(ip, /^10\.0\.0\.([1-9]|1[0-4])$/);
});
