/**
 * Time from process start to `/readyz` 200: spawns `kno server` (`deno run`, as the harness
 * does), waits for its kubeconfig to learn the port and the CA, then polls `/readyz` over TLS.
 */
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { serverArgs } from "../harness.ts";

const POLL_MS = 5;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts a server on `dataDir` (fresh or existing), returns ms until `/readyz` said 200. */
export async function timeToReady(dataDir: string, timeoutMs = 30_000): Promise<number> {
  const kubeconfig = join(dataDir, "bench-kubeconfig.yaml");
  await Deno.remove(kubeconfig).catch(() => {});
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs(dataDir, kubeconfig),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { KNO_CONFIG: "" },
  }).spawn();
  let log = "";
  const logDone = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) log += dec.decode(chunk);
  })();
  let exited = false;
  const status = child.status.then(() => exited = true);
  let http: Deno.HttpClient | undefined;
  try {
    const deadline = t0 + timeoutMs;
    let text: string | undefined;
    while (!text) {
      if (exited) throw new Error(`kno server exited during start-up:\n${log.slice(-2000)}`);
      if (performance.now() > deadline) throw new Error(`no kubeconfig in ${timeoutMs} ms`);
      text = await Deno.readTextFile(kubeconfig).catch(() => undefined);
      if (!text) await sleep(POLL_MS);
    }
    const cfg = parseYaml(text) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    };
    const cluster = cfg.clusters[0]!.cluster;
    http = Deno.createHttpClient({ caCerts: [atob(cluster["certificate-authority-data"])] });
    for (;;) {
      if (exited) throw new Error(`kno server exited during start-up:\n${log.slice(-2000)}`);
      if (performance.now() > deadline) throw new Error(`/readyz not 200 in ${timeoutMs} ms`);
      try {
        const res = await fetch(`${cluster.server}/readyz`, { client: http } as RequestInit);
        await res.body?.cancel();
        if (res.status === 200) return performance.now() - t0;
      } catch { /* not accepting yet */ }
      await sleep(POLL_MS);
    }
  } finally {
    http?.close();
    if (!exited) child.kill("SIGTERM");
    await status;
    await logDone;
  }
}

export interface ReadyTimes {
  /** Each start on a fresh data dir (creates the CA, certificates and database). */
  freshMs: number[];
  /** Each restart on an existing data dir. */
  restartMs: number[];
}

/** `runs` starts on fresh data dirs under `dir`, then `runs` restarts of the last one. */
export async function measureReady(dir: string, runs: number): Promise<ReadyTimes> {
  const freshMs: number[] = [];
  const restartMs: number[] = [];
  const dirs: string[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const d = await Deno.makeTempDir({ dir, prefix: "kno-bench-ready-" });
      dirs.push(d);
      freshMs.push(await timeToReady(d));
    }
    for (let i = 0; i < runs; i++) restartMs.push(await timeToReady(dirs[dirs.length - 1]!));
  } finally {
    for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
  return { freshMs, restartMs };
}
