/**
 * Watch fan-out: `watchers` concurrent watch streams on one namespace, then objects created one
 * at a time; for each, the delay until each watcher has its ADDED event.
 */
import { ApiConnection, type Endpoint, expectStatus } from "./load.ts";
import { type LatencySummary, summarize } from "./stats.ts";

export interface WatchOptions {
  endpoint: Endpoint;
  namespace: string;
  watchers: number;
  /** Watch streams per HTTPS connection (HTTP/2 streams multiplexed on one connection). */
  watchersPerConnection: number;
  /** Objects created, one after the other. */
  events: number;
  body: (name: string) => string;
  /** Longest wait for one event to reach every watcher. */
  deliveryTimeoutMs?: number;
}

export interface WatchResult {
  watchers: number;
  connections: number;
  /** Time until every watch stream had its initial-events-end bookmark. */
  establishMs: number;
  events: number;
  /** Per watcher and event: event arrival minus the moment the create request was sent. */
  fromSend: LatencySummary;
  /** Per watcher and event: event arrival minus the moment the create response arrived. */
  fromAck: LatencySummary;
  /** Per event: time from send until the last watcher had it. */
  allDelivered: LatencySummary;
  /** Deliveries missing when the per-event timeout passed. */
  missing: number;
  errors: number;
  firstError?: string;
}

interface Pending {
  name: string;
  arrivals: number[];
  seen: Set<number>;
  done: () => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function watchFanOut(o: WatchOptions): Promise<WatchResult> {
  const connections = Math.ceil(o.watchers / o.watchersPerConnection);
  const clients = Array.from(
    { length: connections },
    () => Deno.createHttpClient({ caCerts: [o.endpoint.caPem] }),
  );
  const abort = new AbortController();
  let ready = 0;
  let errors = 0;
  let firstError: string | undefined;
  let pending: Pending | undefined;
  const readers = new Set<ReadableStreamDefaultReader<Uint8Array>>();
  const fail = (e: unknown) => {
    if (abort.signal.aborted) return;
    errors++;
    firstError ??= e instanceof Error ? e.message : String(e);
  };
  const path = `/api/v1/namespaces/${o.namespace}/configmaps?watch=1&allowWatchBookmarks=true` +
    `&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`;

  const watch = async (idx: number) => {
    const res = await fetch(o.endpoint.url + path, {
      headers: { authorization: `Bearer ${o.endpoint.token}`, accept: "application/json" },
      client: clients[idx % connections]!,
      signal: abort.signal,
    } as RequestInit);
    if (res.status !== 200) {
      const text = await res.text();
      throw new Error(`watch: HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    const dec = new TextDecoder();
    let buf = "";
    let isReady = false;
    const reader = res.body!.getReader();
    readers.add(reader);
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      const t = performance.now();
      buf += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const ev = JSON.parse(line) as {
          type: string;
          object: { metadata?: { name?: string; annotations?: Record<string, string> } };
        };
        const meta = ev.object.metadata ?? {};
        if (ev.type === "BOOKMARK") {
          if (!isReady && meta.annotations?.["k8s.io/initial-events-end"] === "true") {
            isReady = true;
            ready++;
          }
        } else if (ev.type === "ADDED" && pending && meta.name === pending.name) {
          if (!pending.seen.has(idx)) {
            pending.seen.add(idx);
            pending.arrivals.push(t);
            if (pending.seen.size === o.watchers) pending.done();
          }
        } else if (ev.type === "ERROR") {
          throw new Error(`watch: ERROR event: ${line.slice(0, 200)}`);
        }
      }
    }
    if (!abort.signal.aborted) throw new Error("watch: stream ended early");
  };

  const loops: Promise<void>[] = [];
  const fromSend: number[] = [];
  const fromAck: number[] = [];
  const allDelivered: number[] = [];
  let missing = 0;
  const api = new ApiConnection(o.endpoint);
  let establishMs = NaN;
  try {
    const t0 = performance.now();
    for (let i = 0; i < o.watchers; i++) loops.push(watch(i).catch(fail));
    const deadline = t0 + 120_000;
    while (ready < o.watchers && errors === 0 && performance.now() < deadline) await sleep(5);
    if (ready < o.watchers) {
      throw new Error(
        `only ${ready} of ${o.watchers} watches started (${errors} errors: ${firstError})`,
      );
    }
    establishMs = performance.now() - t0;
    for (let e = 0; e < o.events; e++) {
      const name = `watch-${e}`;
      let done!: () => void;
      const allIn = new Promise<void>((r) => done = r);
      pending = { name, arrivals: [], seen: new Set(), done };
      const sent = performance.now();
      const reply = await api.request(
        "POST",
        `/api/v1/namespaces/${o.namespace}/configmaps`,
        o.body(name),
      );
      const acked = performance.now();
      expectStatus("create", reply, 201);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        allIn,
        new Promise<void>((r) => timer = setTimeout(r, o.deliveryTimeoutMs ?? 30_000)),
      ]);
      clearTimeout(timer);
      const p = pending;
      pending = undefined;
      missing += o.watchers - p.arrivals.length;
      for (const t of p.arrivals) {
        fromSend.push(t - sent);
        fromAck.push(t - acked);
      }
      if (p.arrivals.length === o.watchers) allDelivered.push(Math.max(...p.arrivals) - sent);
    }
  } finally {
    abort.abort();
    for (const r of readers) r.cancel().catch(() => {});
    await Promise.all(loops);
    api.close();
    for (const c of clients) c.close();
  }
  return {
    watchers: o.watchers,
    connections,
    establishMs,
    events: o.events,
    fromSend: summarize(fromSend),
    fromAck: summarize(fromAck),
    allDelivered: summarize(allDelivered),
    missing,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
  };
}
