/**
 * The cost limits of CEL evaluation. A CRD author's rule or a policy's expression runs on the
 * server's one thread: `self.all(x, self.all(y, x != y))` over a list of a million items would
 * hold it for hours. Upstream bounds each evaluation (a per-call limit) and all of an object's
 * rules together (a runtime budget), in cost units of about one per operation; kno counts one
 * unit per evaluated expression node, which bounds the same thing, the number of steps.
 *
 * The library evaluates every node below the root through its evaluator's `run`; the meter
 * wraps that method of the environment's one evaluator, found once through a macro.
 */

/** Upstream's limits (celconfig.PerCallLimit and RuntimeCELCostBudget). */
const PER_CALL_LIMIT = 1_000_000;
export const RUNTIME_BUDGET = 10_000_000;

/** Upstream's error text for an evaluation cut short by the per-call limit. */
export class CostLimitError extends Error {
  constructor() {
    super("operation cancelled: actual cost limit exceeded");
    this.name = "CostLimitError";
  }
}

interface Evaluator {
  run(node: unknown, ctx: unknown): unknown;
}

/** The part of the library's Environment the meter needs. */
export interface MeteredEnvironment {
  registerFunction(signature: string, handler: unknown): unknown;
  evaluate(expression: string, context?: Record<string, unknown>): unknown;
}

const meter = { used: 0, limit: Infinity };
let last = 0;

/** The cost of the latest `metered` call (the steps it took, cut short or not). */
export function lastCost(): number {
  return last;
}

const PROBE = "kno_cost_probe";

/** Makes every evaluation step of `env` count against the limit of the running `metered` call. */
export function installMeter(env: MeteredEnvironment): void {
  let found: Evaluator | undefined;
  env.registerFunction(`${PROBE}(ast): bool`, () => ({
    typeCheck: (checker: { getType(t: string): unknown }) => checker.getType("bool"),
    evaluate(ev: Evaluator) {
      found = ev;
      return true;
    },
  }));
  env.evaluate(`${PROBE}(true)`);
  if (!found) throw new Error("the CEL library's evaluator could not be metered");
  const ev = found;
  const run = ev.run;
  ev.run = function (node: unknown, ctx: unknown): unknown {
    // Past the limit every step throws at once: a loop that catches its items' errors (all,
    // exists) ends within one pass, and `metered` reports the overrun whatever it returned.
    if (++meter.used > meter.limit) throw new CostLimitError();
    return run.call(this, node, ctx);
  };
}

/**
 * Runs `evaluation` (a call of a compiled expression) with at most `limit` steps: its value, or
 * a CostLimitError past the limit. lastCost() then tells the steps it took.
 */
export function metered<T>(evaluation: () => T, limit = PER_CALL_LIMIT): T {
  const saved = { ...meter };
  meter.used = 0;
  meter.limit = limit;
  try {
    const value = evaluation();
    if (meter.used > meter.limit) throw new CostLimitError();
    return value;
  } finally {
    last = meter.used;
    meter.used = saved.used;
    meter.limit = saved.limit;
  }
}
