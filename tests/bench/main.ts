// deno-lint-ignore-file no-console
/**
 * `deno task bench <suite> [flags]`: runs one benchmark suite, prints a readable report on stdout
 * (progress on stderr) and, with `--json <file>`, writes the numbers as JSON.
 */
import { parseArgs } from "node:util";
import { type ApiBenchOptions, DEFAULTS, runApiBench } from "./api.ts";
import { renderReport, targets } from "./report.ts";

const USAGE = `usage: deno task bench <suite> [flags]

suites:
  api    one real kno server: start-up, RSS, idle writes, request latency and throughput,
         big lists, watch fan-out, and durable writes next to raw SQLite and etcd 3.4

flags (api):
  --json <file>                   also write the numbers as JSON
  --dir <dir>                     parent of all data dirs (default: a new temp dir)
  --objects <n>                   objects for RSS and the big list (${DEFAULTS.objects})
  --watchers <n>                  concurrent watch streams (${DEFAULTS.watchers})
  --watchers-per-connection <n>   watch streams per HTTP/2 connection (${DEFAULTS.watchersPerConnection})
  --watch-events <n>              objects created while watched (${DEFAULTS.watchEvents})
  --idle-seconds <s>              each idle I/O window (${DEFAULTS.idleSeconds})
  --clients <a,b,c>               concurrency levels (${DEFAULTS.clients.join(",")})
  --ops <n>                       creates, gets, updates and reference writes per level (${DEFAULTS.ops})
  --list-ops <n>                  lists per level (${DEFAULTS.listOps})
  --list-namespace-size <n>       objects in the listed namespace (${DEFAULTS.listNamespaceSize})
  --big-list-runs <n>             full and paged lists of the big namespace (${DEFAULTS.bigListRuns})
  --page-size <n>                 limit of the paged list (${DEFAULTS.pageSize})
  --value-bytes <n>               bytes of data per ConfigMap (${DEFAULTS.valueBytes})
  --ready-runs <n>                starts timed to /readyz (${DEFAULTS.readyRuns})
  --etcd <path>                   etcd binary (${DEFAULTS.etcdBin})
  --no-etcd                       skip etcd
  --h2load <path>                 h2load binary, the C load generator (${DEFAULTS.h2loadBin})
  --no-h2load                     skip the h2load measurements
  --h2load-gets <n>               GETs per level and round under h2load (${DEFAULTS.h2loadGets})
  --rounds <n>                    paired rounds per level under h2load (${DEFAULTS.rounds})
  --strict                        exit 1 when a target fails
`;

function usage(code: number, problem?: string): never {
  if (problem) console.error(`bench: ${problem}\n`);
  (code === 0 ? console.log : console.error)(USAGE);
  Deno.exit(code);
}

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(2, `--${name} wants a positive integer, got "${v}"`);
  return n;
}

const NUMERIC = {
  objects: "objects",
  watchers: "watchers",
  "watchers-per-connection": "watchersPerConnection",
  "watch-events": "watchEvents",
  "idle-seconds": "idleSeconds",
  ops: "ops",
  "list-ops": "listOps",
  "list-namespace-size": "listNamespaceSize",
  "big-list-runs": "bigListRuns",
  "page-size": "pageSize",
  "value-bytes": "valueBytes",
  "ready-runs": "readyRuns",
  "h2load-gets": "h2loadGets",
  rounds: "rounds",
} as const;

async function api(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: "string" },
        dir: { type: "string" },
        clients: { type: "string" },
        etcd: { type: "string" },
        "no-etcd": { type: "boolean" },
        h2load: { type: "string" },
        "no-h2load": { type: "boolean" },
        strict: { type: "boolean" },
        help: { type: "boolean" },
        ...Object.fromEntries(Object.keys(NUMERIC).map((k) => [k, { type: "string" as const }])),
      },
    });
  } catch (e: unknown) {
    usage(2, e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) usage(0);
  const numbers: Record<string, number> = {};
  for (const [flag, key] of Object.entries(NUMERIC)) {
    numbers[key] = positiveInt(flag, v[flag] as string | undefined, DEFAULTS[key]);
  }
  const clients = v.clients === undefined
    ? DEFAULTS.clients
    : String(v.clients).split(",").map((c) => positiveInt("clients", c.trim(), 1));
  const ownDir = v.dir === undefined;
  const dir = ownDir ? await Deno.makeTempDir({ prefix: "kno-bench-" }) : String(v.dir);
  const started = performance.now();
  const opts: ApiBenchOptions = {
    ...DEFAULTS,
    ...numbers,
    clients,
    dir,
    etcdBin: v["no-etcd"] ? "" : String(v.etcd ?? DEFAULTS.etcdBin),
    h2loadBin: v["no-h2load"] ? "" : String(v.h2load ?? DEFAULTS.h2loadBin),
    progress: (line) =>
      console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`),
  };
  try {
    const result = await runApiBench(opts);
    const seconds = (performance.now() - started) / 1000;
    console.log(renderReport(result));
    console.log(`\nbench api finished in ${seconds.toFixed(1)} s`);
    const t = targets(result);
    if (v.json) {
      await Deno.writeTextFile(
        String(v.json),
        JSON.stringify({ suite: "api", seconds, ...result, targets: t }, null, 2) + "\n",
      );
    }
    return v.strict && t.some((x) => x.pass === false) ? 1 : 0;
  } finally {
    if (ownDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

const suites: Record<string, (args: string[]) => Promise<number>> = { api };

if (import.meta.main) {
  const [suite, ...rest] = Deno.args;
  if (suite === "--help" || suite === "-h") usage(0);
  const run = suite === undefined ? undefined : suites[suite];
  if (!run) usage(2, suite === undefined ? "no suite given" : `unknown suite "${suite}"`);
  Deno.exit(await run(rest));
}
