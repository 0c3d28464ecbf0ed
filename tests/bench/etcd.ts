/**
 * The reference store: Debian's etcd 3.4 on loopback ports in a temporary data dir (its default
 * fsyncs every commit), written through its v3 JSON gateway (`POST /v3/kv/put`).
 */
import { join } from "node:path";
import { type LoadResult, runLoad } from "./load.ts";
import { runH2load } from "./h2load.ts";

export const ETCD_BIN = "/usr/bin/etcd";

export interface EtcdProcess {
  /** http://127.0.0.1:<client port> */
  url: string;
  version: string;
  stop(): Promise<void>;
}

export async function etcdInstalled(bin = ETCD_BIN): Promise<boolean> {
  try {
    return (await Deno.stat(bin)).isFile;
  } catch {
    return false;
  }
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts etcd with its data in a fresh directory under `dir`, and waits for `/health`. */
export async function startEtcd(dir: string, bin = ETCD_BIN): Promise<EtcdProcess> {
  const dataDir = await Deno.makeTempDir({ dir, prefix: "kno-bench-etcd-" });
  const client = `http://127.0.0.1:${freePort()}`;
  const peer = `http://127.0.0.1:${freePort()}`;
  const child = new Deno.Command(bin, {
    args: [
      "--name=bench",
      `--data-dir=${join(dataDir, "data")}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=bench=${peer}`,
      "--logger=zap",
      "--log-level=error",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  const logDone = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) log += dec.decode(chunk);
  })();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const stop = async () => {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    await status;
    await logDone;
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  const http = Deno.createHttpClient({});
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (exited) throw new Error(`etcd exited during start-up: ${log.slice(-2000)}`);
      try {
        const res = await fetch(`${client}/health`, { client: http } as RequestInit);
        const body = await res.text();
        if (res.ok && body.includes("true")) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`etcd not healthy in 20 s: ${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await fetch(`${client}/version`, { client: http } as RequestInit);
    const version = (await res.json() as { etcdserver?: string }).etcdserver ?? "unknown";
    return { url: client, version, stop };
  } catch (e: unknown) {
    await stop();
    throw e;
  } finally {
    http.close();
  }
}

function base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * `count` puts of `key(i)` → `value(i)` from `clients` concurrent workers, each on its own
 * keep-alive HTTP/1.1 connection.
 */
export async function etcdPutRate(
  url: string,
  clients: number,
  count: number,
  key: (i: number) => string,
  value: (i: number) => string,
): Promise<LoadResult> {
  const conns = Array.from({ length: clients }, () => Deno.createHttpClient({}));
  try {
    return await runLoad(clients, count, async (w, i) => {
      const res = await fetch(`${url}/v3/kv/put`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key: base64(key(i)), value: base64(value(i)) }),
        client: conns[w]!,
      } as RequestInit);
      const text = await res.text();
      if (!res.ok || !text.includes("revision")) {
        throw new Error(`etcd put: HTTP ${res.status}: ${text.slice(0, 200)}`);
      }
    });
  } finally {
    for (const c of conns) c.close();
  }
}

/**
 * `count` puts from `clients` h2load connections (HTTP/1.1 keep-alive: etcd's port serves gRPC
 * on HTTP/2). h2load sends one body, so every put writes the same key: each is still its own
 * durable revision.
 */
export function etcdPutRateH2load(
  url: string,
  clients: number,
  count: number,
  key: string,
  value: string,
  dir: string,
  opts: { bin?: string } = {},
): Promise<LoadResult> {
  return runH2load({
    ...opts,
    urls: [`${url}/v3/kv/put`],
    clients,
    requests: count,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key: base64(key), value: base64(value) }),
    ok: [200],
    h1: true,
    dir,
  });
}
