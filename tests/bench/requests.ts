/**
 * Request measurements against the API server: create/get/list/update from concurrent clients,
 * and lists of one big namespace, full and paged.
 */
import { ApiConnection, type Endpoint, expectStatus, type LoadResult, runLoad } from "./load.ts";
import { type LatencySummary, summarize } from "./stats.ts";

export interface OpsOptions {
  /** Creates, gets and updates. */
  ops: number;
  /** Lists of the small namespace. */
  listOps: number;
  /** Objects in the namespace listed by the `list` operation. */
  listNamespaceSize: number;
  /** Bytes of data in each ConfigMap. */
  valueBytes: number;
}

export interface OpsAtConcurrency {
  clients: number;
  create: LoadResult;
  get: LoadResult;
  list: LoadResult;
  update: LoadResult;
}

export interface BigListOptions {
  objects: number;
  bigListRuns: number;
  pageSize: number;
}

export interface BigListResult {
  objects: number;
  bytes: number;
  full: LatencySummary;
  paged: LatencySummary;
  page: LatencySummary;
  pageSize: number;
  errors: number;
  firstError?: string;
}

/** A ConfigMap body with `valueBytes` bytes of data. */
export function configMapBody(name: string, valueBytes: number, generation = 0): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, labels: { app: "kno-bench" } },
    data: { payload: "v".repeat(valueBytes), generation: String(generation) },
  });
}

interface ConfigMap {
  metadata: { name: string; resourceVersion: string };
  data?: Record<string, string>;
}

const nsPath = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

/**
 * Items of a ConfigMapList made by the bench (`cm-<i>`): a namespace also holds what the server
 * puts there itself (`kube-root-ca.crt`).
 */
function benchItems(list: ConfigMapList): number {
  return list.items.filter((i) => i.metadata.name.startsWith("cm-")).length;
}

interface ConfigMapList {
  items: { metadata: { name: string } }[];
  metadata: { continue?: string };
}

const parseList = (text: string) => JSON.parse(text) as ConfigMapList;

export async function createNamespace(endpoint: Endpoint, name: string): Promise<void> {
  const api = new ApiConnection(endpoint);
  try {
    const r = await api.request(
      "POST",
      "/api/v1/namespaces",
      JSON.stringify({ metadata: { name } }),
    );
    expectStatus(`create namespace "${name}"`, r, 201);
  } finally {
    api.close();
  }
}

/** Runs `fn` with one connection per worker, closing them afterwards. */
async function withConnections<T>(
  endpoint: Endpoint,
  n: number,
  fn: (conns: ApiConnection[]) => Promise<T>,
): Promise<T> {
  const conns = Array.from({ length: n }, () => new ApiConnection(endpoint));
  try {
    return await fn(conns);
  } finally {
    for (const c of conns) c.close();
  }
}

/** Creates `count` ConfigMaps `cm-<i>` in `ns` from `clients` workers. */
export function fillNamespace(
  endpoint: Endpoint,
  ns: string,
  clients: number,
  count: number,
  valueBytes: number,
): Promise<LoadResult> {
  return withConnections(endpoint, clients, (conns) =>
    runLoad(clients, count, async (w, i) => {
      const r = await conns[w]!.request("POST", nsPath(ns), configMapBody(`cm-${i}`, valueBytes));
      expectStatus("create", r, 201);
    }));
}

export async function opsAt(
  endpoint: Endpoint,
  clients: number,
  o: OpsOptions,
  listNs: string,
): Promise<OpsAtConcurrency> {
  const ns = `bench-c${clients}`;
  await createNamespace(endpoint, ns);
  return await withConnections(endpoint, clients, async (conns) => {
    const create = await runLoad(clients, o.ops, async (w, i) => {
      const r = await conns[w]!.request("POST", nsPath(ns), configMapBody(`cm-${i}`, o.valueBytes));
      expectStatus("create", r, 201);
    });
    const pool = o.ops;
    // Each worker's last-read copy of the objects it has read (its informer cache, in effect).
    const lastRead = Array.from({ length: clients }, () => new Map<number, ConfigMap>());
    const pick = () => Math.floor(Math.random() * pool);
    const get = await runLoad(clients, o.ops, async (w) => {
      const n = pick();
      const t0 = performance.now();
      const r = await conns[w]!.request("GET", `${nsPath(ns)}/cm-${n}`);
      const ms = performance.now() - t0;
      expectStatus("get", r, 200);
      lastRead[w]!.set(n, JSON.parse(r.text) as ConfigMap);
      return { ms };
    });
    const list = await runLoad(clients, o.listOps, async (w) => {
      const t0 = performance.now();
      const r = await conns[w]!.request("GET", nsPath(listNs));
      const ms = performance.now() - t0;
      expectStatus("list", r, 200);
      const items = benchItems(parseList(r.text));
      if (items !== o.listNamespaceSize) {
        throw new Error(`list: ${items} bench objects, expected ${o.listNamespaceSize}`);
      }
      return { ms };
    });
    // PUT of the worker's last-read copy; on 409 Conflict read it again and retry. The recorded
    // latency runs from the first PUT to the successful one (re-reads included).
    const update = await runLoad(clients, o.ops, async (w) => {
      const n = pick();
      const conn = conns[w]!;
      const path = `${nsPath(ns)}/cm-${n}`;
      const read = async () => {
        const r = await conn.request("GET", path);
        expectStatus("get", r, 200);
        return JSON.parse(r.text) as ConfigMap;
      };
      let obj = lastRead[w]!.get(n) ?? await read();
      let retries = 0;
      const t0 = performance.now();
      for (;;) {
        const gen = Number(obj.data?.generation ?? 0) + 1;
        obj = { ...obj, data: { ...obj.data, generation: String(gen) } };
        const r = await conn.request("PUT", path, JSON.stringify(obj));
        if (r.status === 409 && retries < 20) {
          retries++;
          obj = await read();
          continue;
        }
        expectStatus("update", r, 200);
        lastRead[w]!.set(n, JSON.parse(r.text) as ConfigMap);
        return { ms: performance.now() - t0, retries };
      }
    });
    return { clients, create, get, list, update };
  });
}

export async function bigList(
  endpoint: Endpoint,
  ns: string,
  o: BigListOptions,
): Promise<BigListResult> {
  const api = new ApiConnection(endpoint);
  const full: number[] = [];
  const paged: number[] = [];
  const page: number[] = [];
  let bytes = 0;
  let errors = 0;
  let firstError: string | undefined;
  const fail = (e: unknown) => {
    errors++;
    firstError ??= e instanceof Error ? e.message : String(e);
  };
  try {
    for (let run = 0; run < o.bigListRuns; run++) {
      try {
        const t0 = performance.now();
        const r = await api.request("GET", nsPath(ns));
        full.push(performance.now() - t0);
        expectStatus("list", r, 200);
        bytes = r.text.length;
        const n = benchItems(parseList(r.text));
        if (n !== o.objects) {
          throw new Error(`full list: ${n} bench objects, expected ${o.objects}`);
        }
      } catch (e: unknown) {
        fail(e);
      }
      try {
        let total = 0;
        let cont = "";
        const t0 = performance.now();
        do {
          const q = `?limit=${o.pageSize}${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
          const p0 = performance.now();
          const r = await api.request("GET", nsPath(ns) + q);
          page.push(performance.now() - p0);
          expectStatus("list page", r, 200);
          const list = parseList(r.text);
          total += benchItems(list);
          cont = list.metadata.continue ?? "";
        } while (cont);
        paged.push(performance.now() - t0);
        if (total !== o.objects) {
          throw new Error(`paged list: ${total} bench objects, expected ${o.objects}`);
        }
      } catch (e: unknown) {
        fail(e);
      }
    }
  } finally {
    api.close();
  }
  return {
    objects: o.objects,
    bytes,
    full: summarize(full),
    paged: summarize(paged),
    page: summarize(page),
    pageSize: o.pageSize,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

/** A ConfigMap with `generateName`: POSTed again and again, each creates a new object. */
export function generateNameBody(valueBytes: number): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { generateName: "cm-", labels: { app: "kno-bench" } },
    data: { payload: "v".repeat(valueBytes), generation: "0" },
  });
}
