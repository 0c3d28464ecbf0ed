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
