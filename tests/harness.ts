/**
 * End-to-end harness: starts a real `kno server` process on loopback (own data dir, free port),
 * and runs the real kubectl and helm binaries against it.
 */
import { parse as parseYaml } from "yaml";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("..", import.meta.url));

export function toolPath(name: "kubectl" | "helm"): string {
  const env = Deno.env.get(name === "kubectl" ? "KNO_KUBECTL" : "KNO_HELM");
  return env ?? join(REPO, ".tools", "bin", name);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ServerProcess {
  /** Pid of the server process (the `deno run` child itself). */
  pid: number;
  dataDir: string;
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  url: string;
  token: string;
  caPem: string;
  /** kubectl with this cluster's kubeconfig and a private discovery cache. */
  kubectl(args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<RunResult>;
  /** kubectl that must succeed; returns stdout. */
  k(...args: string[]): Promise<string>;
  helm(args: string[], opts?: { cwd?: string; timeoutMs?: number }): Promise<RunResult>;
  /** fetch against the API with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM (graceful) and wait. */
  stop(): Promise<number>;
  /** SIGKILL and wait. */
  kill(): Promise<number>;
  /** Server log so far. */
  log(): string;
}

export interface StartOptions {
  dataDir?: string;
  port?: number;
  extraArgs?: string[];
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
}

async function run(
  cmd: string,
  args: string[],
  opts: { stdin?: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: opts.stdin !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, opts.timeoutMs ?? 60_000);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * The `deno` arguments of a `kno server` on loopback for tests and benchmarks (run with
 * `KNO_CONFIG=""` so no config file of the machine applies).
 */
export function serverArgs(
  dataDir: string,
  kubeconfig: string,
  port = 0,
  extraArgs: string[] = [],
): string[] {
  return [
    "run",
    "-A",
    // As `deno task start` runs it: V8's code cache costs a long-running server ~1.5 MB of
    // resident memory and saves it no start-up time.
    "--no-code-cache",
    join(REPO, "main.ts"),
    "server",
    "--data-dir",
    dataDir,
    "--bind-address",
    "127.0.0.1",
    "--https-listen-port",
    String(port),
    "--write-kubeconfig",
    kubeconfig,
    "--disable-agent",
    ...extraArgs,
  ];
}

export async function startServer(opts: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? await Deno.makeTempDir({ prefix: "kno-e2e-" });
  const kubeconfig = join(dataDir, "kubeconfig.yaml");
  try {
    await Deno.remove(kubeconfig);
  } catch { /* first start */ }
  const cacheDir = await Deno.makeTempDir({ prefix: "kno-kubectl-cache-" });
  const helmHome = await Deno.makeTempDir({ prefix: "kno-helm-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: serverArgs(dataDir, kubeconfig, opts.port ?? 0, opts.extraArgs),
    stdout: "null",
    stderr: "piped",
    env: { KNO_CONFIG: "", ...opts.env },
  }).spawn();
  let logText = "";
  const logDone = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) logText += dec.decode(chunk);
  })();
  let status: Deno.CommandStatus | undefined;
  const exited = child.status.then((s) => status = s);
  const deadline = Date.now() + 30_000;
  let cfgText: string | undefined;
  while (!cfgText) {
    if (status) throw new Error(`kno server exited with ${status.code}:\n${logText}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await exited;
      throw new Error(`kno server did not write its kubeconfig in 30 s:\n${logText}`);
    }
    try {
      cfgText = await Deno.readTextFile(kubeconfig);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const cfg = parseYaml(cfgText) as {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    users: { user: { token: string } }[];
  };
  const url = cfg.clusters[0]!.cluster.server;
  const token = cfg.users[0]!.user.token;
  const caPem = atob(cfg.clusters[0]!.cluster["certificate-authority-data"]);
  const client = Deno.createHttpClient({ caCerts: [caPem] });
  const env = {
    HOME: helmHome,
    KUBECONFIG: kubeconfig,
    HELM_CACHE_HOME: join(helmHome, "cache"),
    HELM_CONFIG_HOME: join(helmHome, "config"),
    HELM_DATA_HOME: join(helmHome, "data"),
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  };
  let clientClosed = false;
  const stopWith = async (sig: Deno.Signal) => {
    if (!status) {
      try {
        child.kill(sig);
      } catch { /* already gone */ }
    }
    await exited;
    await logDone;
    // stop() and kill() may both be called (e.g. kill() in a test's finally): close once.
    if (!clientClosed) {
      clientClosed = true;
      client.close();
    }
    return status!.code;
  };
  const server: ServerProcess = {
    pid: child.pid,
    dataDir,
    kubeconfig,
    url,
    token,
    caPem,
    kubectl: (args, o = {}) =>
      run(toolPath("kubectl"), ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, ...args], {
        env,
        ...o,
      }),
    async k(...args) {
      const r = await server.kubectl(args);
      if (r.code !== 0) {
        throw new Error(`kubectl ${args.join(" ")} failed (${r.code}):\n${r.stderr}${r.stdout}`);
      }
      return r.stdout;
    },
    helm: (args, o = {}) =>
      run(toolPath("helm"), ["--kubeconfig", kubeconfig, ...args], { env, ...o }),
    api: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
      return fetch(url + path, { ...init, headers, client } as RequestInit);
    },
    stop: () => stopWith("SIGTERM"),
    kill: () => stopWith("SIGKILL"),
    log: () => logText,
  };
  return server;
}

/**
 * Polls `cond` until it returns a truthy value (which is returned) or `timeoutMs` passes (then
 * throws, naming `what` and the last error `cond` threw, if any).
 */
export async function waitFor<T>(
  cond: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (e: unknown) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
