/**
 * The physical limit and the reference store under the API server's write load: the same number
 * of writes of the same bytes committed straight to node:sqlite (synchronous=FULL, one
 * transaction per write), through kno's datastore in-process (no HTTP, group commit), and into
 * etcd 3.4 from the same number of clients.
 */
import { openDatastore, rawSqliteDurableWrites, storeWriteRate } from "../../datastore/mod.ts";
import { etcdInstalled, etcdPutRate, etcdPutRateH2load, startEtcd } from "./etcd.ts";
import type { LoadResult } from "./load.ts";

export interface Reference {
  clients: number;
  writes: number;
  apiCreatesPerSecond: number;
  rawSqliteWritesPerSecond: number;
  /** kno's datastore in-process (no HTTP): `storeWriteRate`, concurrent writers, group commit. */
  datastoreWritesPerSecond: number;
  etcd?: LoadResult;
  fractionOfRawSqlite: number;
  fractionOfEtcd?: number;
  /** Raw SQLite and its fraction come from paired rounds (rounds.ts), not from this phase. */
  paired: boolean;
}

export interface EtcdInfo {
  version?: string;
  skipped?: string;
}

export interface ReferenceOptions {
  /** Parent of the temporary data dirs. */
  dir: string;
  /** Path of the etcd binary; empty to skip etcd. */
  etcdBin: string;
  /** Writes per concurrency level. */
  writes: number;
  /** The API server's measured create rate at each concurrency level; `paired` when raw SQLite
   * was already measured next to it (rounds.ts), which is then what the fraction uses. */
  apiCreates: {
    clients: number;
    perSecond: number;
    paired?: { rawPerSecond: number; fractionOfRawSqlite: number };
  }[];
  /** The h2load binary, when the API creates were measured with it: etcd is then put with it too. */
  h2loadBin?: string;
  /** The value of write `i` (the API's request body). */
  body: (i: number) => string;
  /** The etcd key of write `i` from the level with `clients` clients. */
  key: (clients: number, i: number) => string;
  progress: (line: string) => void;
}

export async function measureReference(
  o: ReferenceOptions,
): Promise<{ reference: Reference[]; etcd: EtcdInfo }> {
  const reference: Reference[] = [];
  const etcd: EtcdInfo = {};
  const valueBytes = o.body(0).length;
  const say = o.progress;
  let etcdProc: Awaited<ReturnType<typeof startEtcd>> | undefined;
  if (!o.etcdBin) etcd.skipped = "etcd disabled";
  else if (!await etcdInstalled(o.etcdBin)) {
    etcd.skipped = `etcd not installed (${o.etcdBin}; apt-get install -y etcd-server)`;
  } else {
    try {
      etcdProc = await startEtcd(o.dir, o.etcdBin);
      etcd.version = etcdProc.version;
    } catch (e: unknown) {
      etcd.skipped = `etcd did not start: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  if (etcd.skipped) say(etcd.skipped);
  const storeDir = await Deno.makeTempDir({ dir: o.dir, prefix: "kno-bench-store-" });
  let store: Awaited<ReturnType<typeof openDatastore>> | undefined;
  try {
    store = await openDatastore(`${storeDir}/state.db`);
    for (const { clients: c, perSecond: api, paired } of o.apiCreates) {
      say(
        `${paired ? "" : "raw durable SQLite, "}datastore${
          etcdProc ? ", etcd" : ""
        }: ${o.writes} writes at ${c} client(s)`,
      );
      const raw = paired
        ? { writesPerSecond: paired.rawPerSecond }
        : await rawSqliteDurableWrites({ clients: c, count: o.writes, valueBytes, dir: o.dir });
      const direct = await storeWriteRate({ store, clients: c, count: o.writes, valueBytes });
      const ref: Reference = {
        clients: c,
        writes: o.writes,
        apiCreatesPerSecond: api,
        rawSqliteWritesPerSecond: raw.writesPerSecond,
        datastoreWritesPerSecond: direct.writesPerSecond,
        fractionOfRawSqlite: paired?.fractionOfRawSqlite ?? api / raw.writesPerSecond,
        paired: paired !== undefined,
      };
      if (etcdProc) {
        ref.etcd = o.h2loadBin
          ? await etcdPutRateH2load(etcdProc.url, c, o.writes, o.key(c, 0), o.body(0), o.dir, {
            bin: o.h2loadBin,
          })
          : await etcdPutRate(etcdProc.url, c, o.writes, (i) => o.key(c, i), o.body);
        ref.fractionOfEtcd = api / ref.etcd.opsPerSecond;
      }
      reference.push(ref);
    }
  } finally {
    await store?.close();
    await Deno.remove(storeDir, { recursive: true }).catch(() => {});
    await etcdProc?.stop();
  }
  return { reference, etcd };
}
