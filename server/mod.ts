/** The server's public face for main.ts: the CLI flag table, start-up, and the API server. */
export { ConfigError, resolveConfig, SERVER_FLAGS, usage } from "./config.ts";
export { createApiServer, KUBE_VERSION } from "./api_server.ts";
export { runServer } from "./run.ts";

/** `kno __pki <dir> <sans>`: issues TLS material in a short-lived process (see pki.ts). */
export async function issueTlsCommand(
  args: string[],
  log: import("../api/log.ts").Logger,
): Promise<void> {
  const { issueTls } = await import("./pki_issue.ts");
  const [dir, sans] = args;
  if (!dir) throw new Error("__pki needs a directory");
  await issueTls(dir, JSON.parse(sans ?? "[]") as string[], log);
}
