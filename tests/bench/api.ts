/**
 * The `api` suite: one real `kno server` on a fresh data dir, measured from outside the way a
 * user would see it (start-up, memory, idle disk writes, request latency and throughput, big
 * lists, watch fan-out), next to raw durable SQLite and etcd 3.4 under the same write load.
 * Creates and GETs are driven twice: by Deno fetch workers (a JS client like the ones users
 * write) and, when installed, by h2load, whose small per-request cost leaves the shared CPUs to
 * the server; the same h2load load against a bare Deno.serve (floor.ts) shows the runtime's part.
 */
import { join } from "node:path";
import { startServer } from "../harness.ts";
import { type Endpoint, expectStatus, type LoadResult } from "./load.ts";
import {
  denoCacheDir,
  type IdleWrites,
  idleWrites,
  ioCounters,
  peakRssBytes,
  type RssBreakdown,
  rssBreakdown,
  rssBytes,
} from "./proc.ts";
import { measureReady } from "./ready.ts";
import { type EtcdInfo, measureReference, type Reference } from "./reference.ts";
import {
  bigList,
  type BigListResult,
  configMapBody,
  createNamespace,
  fillNamespace,
  generateNameBody,
  opsAt,
  type OpsAtConcurrency,
} from "./requests.ts";
import { H2LOAD_BIN, h2loadInstalled } from "./h2load.ts";
import { startFloor } from "./floor.ts";
import { measureRounds, type RoundsAtLevel } from "./rounds.ts";
import { median } from "./stats.ts";
import { watchFanOut, type WatchResult } from "./watch.ts";

export interface ApiBenchOptions {
  /** Parent directory of every data dir (server, raw SQLite, etcd): one filesystem for all. */
  dir: string;
  /** Objects stored in one namespace for the RSS and big-list measurements. */
  objects: number;
  watchers: number;
  watchersPerConnection: number;
  watchEvents: number;
  idleSeconds: number;
  clients: number[];
  /** Creates, gets and updates per concurrency level (and writes for raw SQLite and etcd). */
  ops: number;
  /** Lists of the small namespace per concurrency level. */
  listOps: number;
  /** Objects in the namespace listed by the `list` operation. */
  listNamespaceSize: number;
  /** Full lists of the big namespace (and as many paged passes). */
  bigListRuns: number;
  pageSize: number;
  /** Bytes of data in each ConfigMap. */
  valueBytes: number;
  readyRuns: number;
  /** Path of the etcd binary; empty to skip etcd. */
  etcdBin: string;
  /** The h2load binary; empty to skip the h2load load. */
  h2loadBin: string;
  /** GETs per concurrency level and round under h2load. */
  h2loadGets: number;
  /** Paired rounds per concurrency level under h2load (rounds.ts). */
  rounds: number;
  /** Progress lines (the report itself is printed by the caller). */
  progress: (line: string) => void;
}

export const DEFAULTS: Omit<ApiBenchOptions, "dir" | "progress"> = {
  objects: 10_000,
  watchers: 1_000,
  watchersPerConnection: 100,
  watchEvents: 20,
  idleSeconds: 30,
  clients: [1, 16, 64],
  ops: 2_000,
  listOps: 500,
  listNamespaceSize: 100,
  bigListRuns: 20,
  pageSize: 500,
  valueBytes: 300,
  readyRuns: 3,
  etcdBin: "/usr/bin/etcd",
  h2loadBin: H2LOAD_BIN,
  h2loadGets: 10_000,
  rounds: 5,
};

export interface ApiBenchResult {
  machine: { cpus: number; deno: string; kernel: string; dir: string };
  options: Omit<ApiBenchOptions, "progress">;
  ready: { freshMs: number[]; restartMs: number[]; freshMedianMs: number; restartMedianMs: number };
  rss: {
    idleBytes: number;
    /** What backs the idle RSS: anonymous memory, the runtime's executable, Deno's caches. */
    idle: RssBreakdown;
    afterObjectsBytes: number;
    peakBytes: number;
    objectsStored: number;
  };
  idleWrites: { idle: IdleWrites; afterObjects: IdleWrites };
  /** Bytes the server put to storage per object write (WAL frames, checkpoints): during the fill
   * and during each level's creates and updates. SD cards wear by these. */
  writeBytes: { fillPerCreate: number; perWriteAt: { clients: number; bytes: number }[] };
  fill: LoadResult;
  ops: OpsAtConcurrency[];
  /** Creates and GETs from h2load in paired rounds with the floor and raw SQLite (rounds.ts),
   * or why they were not measured. */
  h2load: RoundsAtLevel[] | { skipped: string };
  bigList: BigListResult;
  watch: WatchResult | { error: string };
  reference: Reference[];
  etcd: EtcdInfo;
}

export async function runApiBench(o: ApiBenchOptions): Promise<ApiBenchResult> {
  const say = o.progress;
  const { progress: _, ...options } = o;
  const maxClients = Math.max(...o.clients);

  say(`start to /readyz: ${o.readyRuns} fresh starts, ${o.readyRuns} restarts`);
  const r = await measureReady(o.dir, o.readyRuns);
  const ready = {
    ...r,
    freshMedianMs: median(r.freshMs),
    restartMedianMs: median(r.restartMs),
  };

  const dataDir = await Deno.makeTempDir({ dir: o.dir, prefix: "kno-bench-server-" });
  const server = await startServer({ dataDir });
  let result: Omit<ApiBenchResult, "reference" | "etcd" | "machine" | "options" | "ready">;
  const tlsDir = join(dataDir, "server", "tls");
  try {
    const endpoint: Endpoint = { url: server.url, token: server.token, caPem: server.caPem };
    const readyz = await server.api("/readyz");
    expectStatus("readyz", { status: readyz.status, text: await readyz.text() }, 200);

    say(`idle: ${o.idleSeconds} s of I/O counters`);
    const idle = await idleWrites(server.pid, o.idleSeconds);
    const idleRss = await rssBytes(server.pid);
    const idleBreakdown = await rssBreakdown(server.pid, Deno.execPath(), await denoCacheDir());

    say(`storing ${o.objects} objects from ${maxClients} clients`);
    await createNamespace(endpoint, "bench-big");
    const beforeFill = await ioCounters(server.pid);
    const fill = await fillNamespace(endpoint, "bench-big", maxClients, o.objects, o.valueBytes);
    const fillPerCreate = ((await ioCounters(server.pid)).writeBytes - beforeFill.writeBytes) /
      Math.max(1, fill.ops);
    say(`listing ${o.objects} objects ${o.bigListRuns}x, full and limit=${o.pageSize}`);
    const big = await bigList(endpoint, "bench-big", o);
    say(`idle after ${o.objects} objects: ${o.idleSeconds} s of I/O counters`);
    const afterObjects = await idleWrites(server.pid, o.idleSeconds);
    const afterRss = await rssBytes(server.pid);

    await createNamespace(endpoint, "bench-list");
    const listFill = await fillNamespace(
      endpoint,
      "bench-list",
      4,
      o.listNamespaceSize,
      o.valueBytes,
    );
    if (listFill.errors) throw new Error(`filling "bench-list": ${listFill.firstError}`);
    const ops: OpsAtConcurrency[] = [];
    const perWriteAt: { clients: number; bytes: number }[] = [];
    for (const c of o.clients) {
      say(`create/get/list/update at ${c} client(s)`);
      const before = await ioCounters(server.pid);
      const at = await opsAt(endpoint, c, o, "bench-list");
      const written = (await ioCounters(server.pid)).writeBytes - before.writeBytes;
      perWriteAt.push({ clients: c, bytes: written / Math.max(1, at.create.ops + at.update.ops) });
      ops.push(at);
    }

    let h2load: RoundsAtLevel[] | { skipped: string };
    if (!o.h2loadBin) h2load = { skipped: "h2load disabled" };
    else if (!await h2loadInstalled(o.h2loadBin)) {
      h2load = { skipped: `h2load not installed (apt-get install -y nghttp2-client)` };
    } else {
      h2load = [];
      // The floor serves with kno's own certificate; both stay up, idle but for their turn.
      const floor = await startFloor({
        dir: o.dir,
        cert: await Deno.readTextFile(join(tlsDir, "serving-kube-apiserver.crt")),
        key: await Deno.readTextFile(join(tlsDir, "serving-kube-apiserver.key")),
      });
      try {
        for (const c of o.clients) {
          say(
            `h2load: ${o.rounds} rounds of kno/floor creates, raw SQLite, GETs at ${c} client(s)`,
          );
          h2load.push(
            await measureRounds({
              endpoint,
              floorUrl: floor.url,
              clients: c,
              rounds: o.rounds,
              ops: o.ops,
              gets: o.h2loadGets,
              valueBytes: o.valueBytes,
              body: generateNameBody(o.valueBytes),
              dir: o.dir,
              bin: o.h2loadBin,
            }),
          );
        }
      } finally {
        await floor.stop();
      }
    }

    say(`watch: ${o.watchers} watchers, ${o.watchEvents} events`);
    await createNamespace(endpoint, "bench-watch");
    let watch: WatchResult | { error: string };
    try {
      watch = await watchFanOut({
        endpoint,
        namespace: "bench-watch",
        watchers: o.watchers,
        watchersPerConnection: o.watchersPerConnection,
        events: o.watchEvents,
        body: (name) => configMapBody(name, o.valueBytes),
      });
    } catch (e: unknown) {
      watch = { error: e instanceof Error ? e.message : String(e) };
    }
    const peak = await peakRssBytes(server.pid);
    result = {
      rss: {
        idleBytes: idleRss,
        idle: idleBreakdown,
        afterObjectsBytes: afterRss,
        peakBytes: peak,
        objectsStored: o.objects,
      },
      idleWrites: { idle, afterObjects },
      writeBytes: { fillPerCreate, perWriteAt },
      fill,
      ops,
      h2load,
      bigList: big,
      watch,
    };
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }

  // The API's create rate from the cheaper client where it was measured; etcd gets the same one.
  const apiCreates = Array.isArray(result.h2load)
    ? result.h2load.map((a) => ({
      clients: a.clients,
      perSecond: a.createPerSecond,
      paired: { rawPerSecond: a.rawPerSecond, fractionOfRawSqlite: a.createVsRaw },
    }))
    : result.ops.map((a) => ({ clients: a.clients, perSecond: a.create.opsPerSecond }));
  const { reference, etcd } = await measureReference({
    dir: o.dir,
    etcdBin: o.etcdBin,
    writes: o.ops,
    apiCreates,
    ...(Array.isArray(result.h2load) ? { h2loadBin: o.h2loadBin } : {}),
    body: (i) => configMapBody(`cm-${i}`, o.valueBytes),
    key: (c, i) => `/registry/configmaps/bench-c${c}/cm-${i}`,
    progress: say,
  });

  return {
    machine: {
      cpus: navigator.hardwareConcurrency,
      deno: Deno.version.deno,
      kernel: Deno.osRelease(),
      dir: o.dir,
    },
    options,
    ready,
    ...result,
    reference,
    etcd,
  };
}
