/**
 * Load from h2load (nghttp2's HTTP/2 load generator, written in C: Debian's nghttp2-client).
 * On a 2-core machine the client shares the CPUs with the server, so a client that costs little
 * per request measures the server rather than the client: Deno fetch spends several times what
 * h2load does per request. Each client is one connection (HTTP/2, or HTTP/1.1 with `h1`) with one
 * request in flight, as with the Deno fetch workers of load.ts; latencies come from h2load's
 * per-request log.
 */
import { join } from "node:path";
import type { LoadResult } from "./load.ts";
import { summarize } from "./stats.ts";

export const H2LOAD_BIN = "h2load";

export async function h2loadInstalled(bin = H2LOAD_BIN): Promise<boolean> {
  try {
    const out = await new Deno.Command(bin, { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

export interface H2loadRun {
  /** Full URLs; each request takes the next one, round-robin. */
  urls: string[];
  clients: number;
  requests: number;
  headers: Record<string, string>;
  /** Request body: the request is then a POST of these bytes. */
  body?: string;
  /** Statuses that count as success. */
  ok: number[];
  /** HTTP/1.1 (keep-alive) instead of HTTP/2. */
  h1?: boolean;
  /** Scratch directory for the URL list, the body and h2load's log. */
  dir: string;
  bin?: string;
}

/** One line of h2load's `--log-file`: start (µs since the epoch), status, latency (µs). */
export function parseH2loadLog(text: string): { status: number; latencyMs: number }[] {
  const out: { status: number; latencyMs: number }[] = [];
  for (const line of text.split("\n")) {
    const cols = line.split("\t");
    if (cols.length < 3) continue;
    const status = Number(cols[1]);
    const latencyUs = Number(cols[2]);
    if (!Number.isFinite(status) || !Number.isFinite(latencyUs)) continue;
    out.push({ status, latencyMs: latencyUs / 1000 });
  }
  return out;
}

/** Wall time of the run from h2load's summary ("finished in 1.23s, ..."), in seconds. */
export function parseFinished(stdout: string): number | undefined {
  const m = /finished in ([\d.]+)(ms|s),/.exec(stdout);
  if (!m) return undefined;
  return Number(m[1]) / (m[2] === "ms" ? 1000 : 1);
}

export async function runH2load(o: H2loadRun): Promise<LoadResult> {
  const run = await Deno.makeTempDir({ dir: o.dir, prefix: "h2load-" });
  try {
    const urlFile = join(run, "urls");
    const logFile = join(run, "log");
    await Deno.writeTextFile(urlFile, o.urls.join("\n") + "\n");
    const args = [
      "-n",
      String(o.requests),
      "-c",
      String(o.clients),
      "-m",
      "1",
      "-t",
      "1",
      "-i",
      urlFile,
      `--log-file=${logFile}`,
    ];
    if (o.h1) args.push("--h1");
    for (const [k, v] of Object.entries(o.headers)) args.push("-H", `${k}: ${v}`);
    if (o.body !== undefined) {
      const bodyFile = join(run, "body");
      await Deno.writeTextFile(bodyFile, o.body);
      args.push("-d", bodyFile);
    }
    const res = await new Deno.Command(o.bin ?? H2LOAD_BIN, {
      args,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const stdout = new TextDecoder().decode(res.stdout);
    if (!res.success) {
      throw new Error(
        `h2load exited ${res.code}: ${new TextDecoder().decode(res.stderr).slice(-500)}`,
      );
    }
    const entries = parseH2loadLog(await Deno.readTextFile(logFile));
    const good = entries.filter((e) => o.ok.includes(e.status));
    const bad = entries.length - good.length;
    // Requests h2load never got an answer to are not in its log.
    const unanswered = o.requests - entries.length;
    const seconds = parseFinished(stdout) ?? NaN;
    const firstBad = entries.find((e) => !o.ok.includes(e.status));
    return {
      clients: o.clients,
      ops: good.length,
      seconds,
      opsPerSecond: good.length / seconds,
      latency: summarize(good.map((e) => e.latencyMs)),
      errors: bad + unanswered,
      ...(firstBad
        ? { firstError: `HTTP ${firstBad.status}` }
        : unanswered
        ? { firstError: `${unanswered} requests unanswered: ${stdout.slice(-300)}` }
        : {}),
      retries: 0,
    };
  } finally {
    await Deno.remove(run, { recursive: true }).catch(() => {});
  }
}
