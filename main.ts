// deno-lint-ignore-file no-console
/**
 * kno: a single-binary Kubernetes distribution. `kno server`, `kno agent` (coming), `kno --version`.
 */
import { lineLogger } from "./api/log.ts";
import {
  ConfigError,
  issueTlsCommand,
  KUBE_VERSION,
  resolveConfig,
  runServer,
  SERVER_FLAGS,
  usage,
} from "./server/mod.ts";

export const KNO_VERSION =
  `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.${KUBE_VERSION.patch}+kno.1`;

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  if (cmd === "--version" || cmd === "-v" || cmd === "version") {
    console.log(`kno version ${KNO_VERSION} (deno ${Deno.version.deno})`);
    return 0;
  }
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    console.log(
      "Usage: kno <command> [flags]\n\nCommands:\n  server   Run the control plane (API server, controllers)\n  agent    Run a node agent (not implemented yet)\n\nkno --version prints the version.",
    );
    return cmd === undefined ? 1 : 0;
  }
  if (cmd === "__pki") {
    // Internal: issue TLS material in a short-lived process (see server/pki.ts).
    const log = lineLogger((line) => console.error(line.replace(/^\S+ \S+\s+pki: /, "")), "info", {
      component: "pki",
    });
    await issueTlsCommand(rest, log);
    return 0;
  }
  if (cmd === "agent") {
    console.error("kno agent: not implemented yet (the node agent is a later milestone)");
    return 2;
  }
  if (cmd !== "server") {
    console.error(`kno: unknown command "${cmd}"; try kno --help`);
    return 1;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(usage("server", SERVER_FLAGS));
    return 0;
  }
  const root = Deno.uid?.() === 0;
  let cfg;
  try {
    cfg = await resolveConfig(rest, SERVER_FLAGS, Deno.env.toObject(), {
      root,
      home: Deno.env.get("HOME") ?? "/root",
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`kno server: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const logger = lineLogger((line) => console.error(line), cfg.debug ? "debug" : "info", {
    component: "kno",
  });
  const stop = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(sig, () => {
      logger.info("shutting down", { signal: sig });
      stop.abort();
    });
  }
  try {
    const running = await runServer(cfg, logger, stop.signal);
    await running.finished;
    return 0;
  } catch (e) {
    logger.error("server failed", { error: e instanceof Error ? e.message : String(e) });
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
