/**
 * `kno server` start-up as a straight list of steps: paths, secrets, datastore, TLS, API server,
 * listener, kubeconfig. Each step waits on the previous one's readiness, never on a sleep.
 */
import { join } from "node:path";
import type { Logger } from "../api/log.ts";
import { openDatastore } from "../datastore/mod.ts";
import { createApiServer } from "./api_server.ts";
import { ADMIN_USER, StaticTokenAuthenticator } from "./auth/token.ts";
import { DefaultPolicyAuthorizer } from "./auth/default_policy.ts";
import type { ConfigValues } from "./config.ts";
import { readFileIfExists, writeFileDurable } from "./files.ts";
import { kubeconfigYaml, writeKubeconfig } from "./kubeconfig.ts";
import { ensureTls } from "./pki.ts";
import { listenTls } from "./http/tls_listener.ts";
import { ipToString, parseCidr } from "./kinds/service_ip.ts";

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) =>
    b.toString(16).padStart(2, "0")
  ).join("");
}

async function loadOrCreateSecret(path: string, make: () => string): Promise<string> {
  const existing = (await readFileIfExists(path))?.trim();
  if (existing) return existing;
  const value = make();
  await writeFileDurable(path, value + "\n", 0o600);
  return value;
}

function listenAddresses(bind: string): string[] {
  if (bind !== "0.0.0.0" && bind !== "::") return [bind];
  const out = ["127.0.0.1"];
  try {
    for (const n of Deno.networkInterfaces()) if (n.family === "IPv4") out.push(n.address);
  } catch {
    // No permission to list interfaces: loopback only.
  }
  return out;
}

export interface RunningServer {
  port: number;
  kubeconfigPath: string;
  finished: Promise<void>;
}

export async function runServer(
  cfg: ConfigValues,
  logger: Logger,
  signal: AbortSignal,
): Promise<RunningServer> {
  const log = logger.with({ component: "server" });
  const dataDir = String(cfg["data-dir"]);
  const serverDir = join(dataDir, "server");
  await Deno.mkdir(serverDir, { recursive: true, mode: 0o700 });
  const port = Number(cfg["https-listen-port"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid --https-listen-port "${cfg["https-listen-port"]}"`);
  }
  const bind = String(cfg["bind-address"]);
  const serviceCidr = String(cfg["service-cidr"]);
  parseCidr(serviceCidr);
  const clusterDomain = String(cfg["cluster-domain"]);
  const firstServiceIp = ipToString(parseCidr(serviceCidr).base + 1);
  const advertise = String(cfg["advertise-address"] || (bind === "0.0.0.0" ? "127.0.0.1" : bind));

  const sans = [
    ...listenAddresses(bind),
    advertise,
    ...(cfg["tls-san"] as string[]),
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    `kubernetes.default.svc.${clusterDomain}`,
    firstServiceIp,
  ];
  try {
    sans.push(Deno.hostname());
  } catch { /* no hostname */ }
  const tls = await ensureTls(join(serverDir, "tls"), sans.filter(Boolean), logger);

  const adminToken = await loadOrCreateSecret(
    join(serverDir, "cred", "admin.token"),
    () => randomHex(32),
  );
  // The join token, k3s-style `K10<CA hash>::server:<secret>`: the one given with --token (a bare
  // secret is expanded), else the one kept from an earlier start, else a new one. Kept durably so
  // a restart without --token keeps accepting the agents that joined with it.
  const tokenPath = join(serverDir, "token");
  const given = String(cfg.token || "");
  const secret = given
    ? (given.startsWith("K10") ? given : `K10${tls.caHash}::server:${given}`)
    : await loadOrCreateSecret(tokenPath, () => `K10${tls.caHash}::server:${randomHex(16)}`);
  if (given && (await readFileIfExists(tokenPath))?.trim() !== secret) {
    await writeFileDurable(tokenPath, secret + "\n", 0o600);
  }
  void secret; // Agents join with it once the agent issue lands.

  const endpoint = String(cfg["datastore-endpoint"] || join(serverDir, "db", "state.db"));
  if (!cfg["datastore-endpoint"]) {
    await Deno.mkdir(join(serverDir, "db"), { recursive: true, mode: 0o700 });
  }
  const store = await openDatastore(endpoint, {
    logger,
    compactInterval: 5 * 60_000,
    compactKeep: 1000,
  });
  log.info("datastore open", {
    endpoint: endpoint.startsWith("/") ? `sqlite://${endpoint}` : endpoint,
    rev: store.currentRevision(),
  });

  const authenticator = new StaticTokenAuthenticator([{ token: adminToken, user: ADMIN_USER }]);
  const api = createApiServer({
    store,
    logger,
    authenticator,
    authorizer: new DefaultPolicyAuthorizer(),
    serverAddress: `${advertise}:${port}`,
    serviceCIDR: serviceCidr,
    clusterDomain,
    port,
    caPem: tls.caCertPem,
    serviceAccountKeyPem: tls.serviceKeyPem,
  });
  await api.start(signal);

  const httpServer = await listenTls({
    hostname: bind,
    port,
    cert: tls.certPem,
    key: tls.keyPem,
    socketDir: serverDir,
    signal,
    handler: api.fetch,
    logger,
  });
  const actualPort = httpServer.port;
  log.info("listening", { address: `https://${bind}:${actualPort}`, tls: httpServer.mode });

  const kubeconfigPath = String(cfg["write-kubeconfig"]);
  if (kubeconfigPath) {
    const mode = parseInt(String(cfg["write-kubeconfig-mode"]), 8);
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
      throw new Error(`invalid --write-kubeconfig-mode "${cfg["write-kubeconfig-mode"]}"`);
    }
    const host = advertise.includes(":") ? `[${advertise}]` : advertise;
    await writeKubeconfig(
      kubeconfigPath,
      kubeconfigYaml(
        `https://${host === "0.0.0.0" ? "127.0.0.1" : host}:${actualPort}`,
        tls.caCertPem,
        adminToken,
      ),
      mode,
    );
    log.info("wrote kubeconfig", { file: kubeconfigPath });
  }
  if (!cfg["disable-agent"]) {
    log.warn(
      "the node agent is not implemented yet: running the control plane only (as with --disable-agent)",
    );
  }

  const finished = (async () => {
    await httpServer.finished;
    await api.stopped();
    await store.close();
    log.info("stopped");
  })();
  return { port: actualPort, kubeconfigPath, finished };
}
