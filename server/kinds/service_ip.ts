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
  #range: NumberRange;

  constructor(readonly cidr: string, usedNow: () => string[]) {
    const { base, size } = parseCidr(cidr);
    this.#base = base;
    // Neither the network nor the broadcast address; the static band as upstream sizes it.
    this.#range = new NumberRange(
      base + 1,
      base + size - 2,
      Math.min(Math.max(16, Math.floor(size / 16)), 256),
      function* () {
        for (const ip of usedNow()) {
          const n = ipToNumber(ip);
          if (n !== undefined) yield n;
        }
      },
    );
  }

  /** The first usable address (the `kubernetes` service's). */
  first(): string {
    return ipToString(this.#base + 1);
  }

  /** Whether `ip` is in the service range. */
  contains(ip: string): boolean {
    const n = ipToNumber(ip);
    return n !== undefined && this.#range.contains(n);
  }

  /** Takes `wanted` (if free and in range) or a free address; else says why none. */
  allocate(wanted: string | undefined, dryRun: boolean): string | RangeError {
    const n = wanted === undefined ? undefined : ipToNumber(wanted) ?? -1;
    const got = this.#range.allocate(n, dryRun);
    return typeof got === "number" ? ipToString(got) : got;
  }

  release(ip: string) {
    const n = ipToNumber(ip);
    if (n !== undefined) this.#range.release(n);
  }
}

/**
 * A range of numbers handed out one at a time (Service cluster IPs as integers, node ports). The
 * set in use is rebuilt from the stored objects on first use, so nothing extra is persisted.
 * Dynamic allocations come from above the static band first, as upstream's allocators do, so
 * that numbers users pick themselves (low in the range) rarely collide with allocated ones.
 */
export type RangeError = "out of range" | "taken" | "full";

export class NumberRange {
  #used: Set<number> | undefined;

  /**
   * `first`..`last` inclusive; the lowest `staticBand` numbers are handed out only when the rest
   * is full; `inUse` lists the numbers stored objects hold.
   */
  constructor(
    readonly first: number,
    readonly last: number,
    readonly staticBand: number,
    private inUse: () => Iterable<number>,
  ) {}

  #set(): Set<number> {
    return this.#used ??= new Set(this.inUse());
  }

  contains(n: number): boolean {
    return Number.isInteger(n) && n >= this.first && n <= this.last;
  }

  /** Whether `n` is held. */
  has(n: number): boolean {
    return this.#set().has(n);
  }

  /**
   * Takes `wanted` (when given) or a free number; a dry run reserves nothing. Returns the number
   * or why none could be had.
   */
  allocate(wanted: number | undefined, dryRun: boolean): number | RangeError {
    const used = this.#set();
    if (wanted !== undefined) {
      if (!this.contains(wanted)) return "out of range";
      if (used.has(wanted)) return "taken";
      if (!dryRun) used.add(wanted);
      return wanted;
    }
    const size = this.last - this.first + 1;
    const band = Math.min(this.staticBand, size);
    // Upper part first, from a random point; then the static band.
    for (const [low, span] of [[this.first + band, size - band], [this.first, band]] as const) {
      const start = span > 0 ? Math.floor(Math.random() * span) : 0;
      for (let i = 0; i < span; i++) {
        const n = low + ((start + i) % span);
        if (!used.has(n)) {
          if (!dryRun) used.add(n);
          return n;
        }
      }
    }
    return "full";
  }

  release(n: number): void {
    this.#used?.delete(n);
  }
}
