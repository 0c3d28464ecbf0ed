/**
 * The same h2load creates and GETs as against kno, against floor_server.ts: a bare `Deno.serve`
 * over TLS that commits each POST to SQLite and answers each GET with a constant object.
 */
import { join } from "node:path";
import { runH2load } from "./h2load.ts";
import type { LoadResult } from "./load.ts";

export interface FloorLevel {
  clients: number;
  create: LoadResult;
  get: LoadResult;
}

export interface FloorOptions {
  dir: string;
  clients: number[];
  creates: number;
  gets: number;
  /** PEM of a serving certificate and key for 127.0.0.1. */
  cert: string;
  key: string;
  body: string;
  h2loadBin: string;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export async function measureFloor(o: FloorOptions): Promise<FloorLevel[]> {
  const dir = await Deno.makeTempDir({ dir: o.dir, prefix: "kno-bench-floor-" });
  const port = freePort();
  await Deno.writeTextFile(join(dir, "tls.crt"), o.cert);
  await Deno.writeTextFile(join(dir, "tls.key"), o.key);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./floor_server.ts", import.meta.url).pathname,
      String(port),
      join(dir, "tls.crt"),
      join(dir, "tls.key"),
      join(dir, "floor.db"),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    if (!new TextDecoder().decode(value ?? new Uint8Array()).includes("listening")) {
      throw new Error("the floor server did not start");
    }
    reader.releaseLock();
    child.stdout.cancel().catch(() => {});
    const url = `https://127.0.0.1:${port}/`;
    const out: FloorLevel[] = [];
    for (const clients of o.clients) {
      const create = await runH2load({
        urls: [url],
        clients,
        requests: o.creates,
        headers: { "content-type": "application/json" },
        body: o.body,
        ok: [201],
        dir,
        bin: o.h2loadBin,
      });
      const get = await runH2load({
        urls: [url],
        clients,
        requests: o.gets,
        headers: {},
        ok: [200],
        dir,
        bin: o.h2loadBin,
      });
      out.push({ clients, create, get });
    }
    return out;
  } finally {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
