/**
 * Paired rounds at one concurrency level. This VM's speed drifts by tens of percent within
 * minutes, so a ratio is only meaningful between measurements taken next to each other. Each
 * round runs back to back: kno creates, floor creates, raw durable SQLite writes, kno GETs, floor
 * GETs (all but raw SQLite driven by h2load). Ratios are taken within a round; the level reports
 * the median round of each measure and the median of the ratios.
 */
import { rawSqliteDurableWrites } from "../../datastore/mod.ts";
import { runH2load } from "./h2load.ts";
import { ApiConnection, type Endpoint, expectStatus, type LoadResult } from "./load.ts";
import { createNamespace } from "./requests.ts";
import { median } from "./stats.ts";

export interface Round {
  knoCreate: LoadResult;
  floorCreate: LoadResult;
  rawPerSecond: number;
  knoGet: LoadResult;
  floorGet: LoadResult;
}

export interface RoundsAtLevel {
  clients: number;
  rounds: Round[];
  /** kno's creates and GETs, and the floor's: each the round with the median p99. */
  create: LoadResult;
  get: LoadResult;
  floorCreate: LoadResult;
  floorGet: LoadResult;
  /** Medians over rounds. */
  createPerSecond: number;
  floorCreatePerSecond: number;
  rawPerSecond: number;
  /** Medians over rounds of (creates per second / raw writes per second) of the same round. */
  createVsRaw: number;
  floorVsRaw: number;
  /** Median over rounds of kno's creates per second / the floor's: the part kno itself costs. */
  createVsFloor: number;
}

export interface RoundsOptions {
  endpoint: Endpoint;
  floorUrl: string;
  clients: number;
  rounds: number;
  /** Creates (and raw writes) per round. */
  ops: number;
  gets: number;
  valueBytes: number;
  /** The create body (a ConfigMap with generateName). */
  body: string;
  dir: string;
  bin: string;
}

function medianBy<T>(xs: T[], key: (x: T) => number): T {
  const sorted = [...xs].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function shuffledUrls(endpoint: Endpoint, path: string): Promise<string[]> {
  const api = new ApiConnection(endpoint);
  try {
    const r = await api.request("GET", path);
    expectStatus("list", r, 200);
    const names = (JSON.parse(r.text) as { items: { metadata: { name: string } }[] }).items
      .map((i) => i.metadata.name).filter((n) => n.startsWith("cm-"));
    if (!names.length) throw new Error(`no objects under ${path} after the creates`);
    const urls = names.map((n) => `${endpoint.url}${path}/${n}`);
    for (let i = urls.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [urls[i], urls[j]] = [urls[j]!, urls[i]!];
    }
    return urls;
  } finally {
    api.close();
  }
}

export async function measureRounds(o: RoundsOptions): Promise<RoundsAtLevel> {
  const ns = `bench-h2-c${o.clients}`;
  await createNamespace(o.endpoint, ns);
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  const auth = { authorization: `Bearer ${o.endpoint.token}`, accept: "application/json" };
  const post = { "content-type": "application/json" };
  const h2 = { clients: o.clients, dir: o.dir, bin: o.bin };
  const rounds: Round[] = [];
  let urls: string[] | undefined;
  for (let i = 0; i < o.rounds; i++) {
    const knoCreate = await runH2load({
      ...h2,
      urls: [o.endpoint.url + path],
      requests: o.ops,
      headers: { ...auth, ...post },
      body: o.body,
      ok: [201],
    });
    const floorCreate = await runH2load({
      ...h2,
      urls: [o.floorUrl],
      requests: o.ops,
      headers: post,
      body: o.body,
      ok: [201],
    });
    const raw = await rawSqliteDurableWrites({
      clients: o.clients,
      count: o.ops,
      valueBytes: o.valueBytes,
      dir: o.dir,
    });
    urls ??= await shuffledUrls(o.endpoint, path);
    const knoGet = await runH2load({ ...h2, urls, requests: o.gets, headers: auth, ok: [200] });
    const floorGet = await runH2load({
      ...h2,
      urls: [o.floorUrl],
      requests: o.gets,
      headers: {},
      ok: [200],
    });
    rounds.push({ knoCreate, floorCreate, rawPerSecond: raw.writesPerSecond, knoGet, floorGet });
  }
  return {
    clients: o.clients,
    rounds,
    create: medianBy(rounds, (r) => r.knoCreate.latency.p99Ms).knoCreate,
    get: medianBy(rounds, (r) => r.knoGet.latency.p99Ms).knoGet,
    floorCreate: medianBy(rounds, (r) => r.floorCreate.latency.p99Ms).floorCreate,
    floorGet: medianBy(rounds, (r) => r.floorGet.latency.p99Ms).floorGet,
    createPerSecond: median(rounds.map((r) => r.knoCreate.opsPerSecond)),
    floorCreatePerSecond: median(rounds.map((r) => r.floorCreate.opsPerSecond)),
    rawPerSecond: median(rounds.map((r) => r.rawPerSecond)),
    createVsRaw: median(rounds.map((r) => r.knoCreate.opsPerSecond / r.rawPerSecond)),
    floorVsRaw: median(rounds.map((r) => r.floorCreate.opsPerSecond / r.rawPerSecond)),
    createVsFloor: median(
      rounds.map((r) => r.knoCreate.opsPerSecond / r.floorCreate.opsPerSecond),
    ),
  };
}
