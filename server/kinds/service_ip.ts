/**
 * Cluster IPs from the service CIDR. The first address goes to `default/kubernetes`; the set in
 * use is rebuilt from the stored Services, so nothing extra is persisted.
 */

export function parseCidr(cidr: string): { base: number; size: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`invalid IPv4 CIDR "${cidr}"`);
  const ip = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (ip.some((o) => o > 255) || bits < 8 || bits > 30) {
    throw new Error(`invalid IPv4 CIDR "${cidr}"`);
  }
  const n = ((ip[0]! << 24) >>> 0) + (ip[1]! << 16) + (ip[2]! << 8) + ip[3]!;
  const size = 2 ** (32 - bits);
  return { base: n - (n % size), size };
}

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function ipToNumber(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return undefined;
  const p = m.slice(1, 5).map(Number);
  if (p.some((o) => o > 255)) return undefined;
  return ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
}

export class ServiceIpAllocator {
  #base: number;
  #size: number;
  #used = new Set<number>();
  #loaded = false;

  constructor(cidr: string, private usedNow: () => string[]) {
    const { base, size } = parseCidr(cidr);
    this.#base = base;
    this.#size = size;
  }

  /** The first usable address (the `kubernetes` service's). */
  first(): string {
    return ipToString(this.#base + 1);
  }

  #load() {
    if (this.#loaded) return;
    for (const ip of this.usedNow()) {
      const n = ipToNumber(ip);
      if (n !== undefined) this.#used.add(n);
    }
    this.#loaded = true;
  }

  /** Allocates `wanted` (if free and in range) or a free address; an Error when impossible. */
  allocate(wanted: string | undefined, dryRun: boolean): Promise<string | Error> {
    this.#load();
    if (wanted) {
      const n = ipToNumber(wanted);
      if (n === undefined || n <= this.#base || n >= this.#base + this.#size - 1) {
        return Promise.resolve(
          new Error(`Invalid value: "${wanted}": the provided IP is not in the valid range`),
        );
      }
      if (this.#used.has(n)) {
        return Promise.resolve(
          new Error(`Invalid value: "${wanted}": provided IP is already allocated`),
        );
      }
      if (!dryRun) this.#used.add(n);
      return Promise.resolve(wanted);
    }
    // Dynamic allocations avoid the lower sixteenth, which upstream keeps for static IPs.
    const lowest = this.#base + Math.max(2, Math.floor(this.#size / 16));
    const span = this.#base + this.#size - 1 - lowest;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const n = lowest + ((start + i) % span);
      if (!this.#used.has(n)) {
        if (!dryRun) this.#used.add(n);
        return Promise.resolve(ipToString(n));
      }
    }
    return Promise.resolve(new Error("range is full"));
  }

  release(ip: string) {
    const n = ipToNumber(ip);
    if (n !== undefined) this.#used.delete(n);
  }
}
