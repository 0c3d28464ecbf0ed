/**
 * Concurrent load: `clients` workers, each with its own HTTPS connection (a `Deno.HttpClient`;
 * fetch negotiates HTTP/2 by ALPN and keeps the connection alive), share a counter of `count`
 * operations and record each operation's latency.
 */
import { type LatencySummary, summarize } from "./stats.ts";

export interface Endpoint {
  /** https://127.0.0.1:<port> */
  url: string;
  token: string;
  caPem: string;
}

export interface Reply {
  status: number;
  text: string;
}

/** One worker's connection to the API server. */
export class ApiConnection {
  readonly #client: Deno.HttpClient;
  constructor(readonly endpoint: Endpoint) {
    this.#client = Deno.createHttpClient({ caCerts: [endpoint.caPem] });
  }

  /** Sends one request and reads the whole body. */
  async request(method: string, path: string, body?: string): Promise<Reply> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.endpoint.token}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(this.endpoint.url + path, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      client: this.#client,
    } as RequestInit);
    return { status: res.status, text: await res.text() };
  }

  close(): void {
    this.#client.close();
  }
}

export interface OpOutcome {
  /** Latency to record; when absent the runner's own timing of the whole operation is used. */
  ms?: number;
  retries?: number;
}

export interface LoadResult {
  clients: number;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  latency: LatencySummary;
  errors: number;
  firstError?: string;
  retries: number;
}

/**
 * Runs `count` operations from `clients` concurrent workers; `op(worker, i)` throws to count an
 * error. Throughput counts successful operations over the wall time of the whole run.
 */
export async function runLoad(
  clients: number,
  count: number,
  op: (worker: number, i: number) => Promise<OpOutcome | void>,
): Promise<LoadResult> {
  const samples: number[] = [];
  let next = 0;
  let errors = 0;
  let retries = 0;
  let firstError: string | undefined;
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, w) => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      try {
        const out = await op(w, i);
        samples.push(out?.ms ?? performance.now() - t0);
        retries += out?.retries ?? 0;
      } catch (e: unknown) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return {
    clients,
    ops: samples.length,
    seconds,
    opsPerSecond: samples.length / seconds,
    latency: summarize(samples),
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    retries,
  };
}

/** Throws unless `reply.status` is `want`, quoting the start of the body. */
export function expectStatus(what: string, reply: Reply, ...want: number[]): void {
  if (!want.includes(reply.status)) {
    throw new Error(`${what}: HTTP ${reply.status}: ${reply.text.slice(0, 200)}`);
  }
}
