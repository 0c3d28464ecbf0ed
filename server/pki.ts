/**
 * The server's TLS material. Normal starts only read files: the certificate's SANs and expiry
 * are recorded in `meta.json` beside it. When something must be issued (first start, a new SAN,
 * near expiry), a short-lived child process (`kno __pki`) does it with the X.509 library, so the
 * long-running server stays small.
 */
import { join } from "node:path";
import type { Logger } from "../api/log.ts";
import { readFileIfExists } from "./files.ts";

/** Re-issue the serving certificate this long before it expires. */
export const RENEW_BEFORE = 90 * 86_400_000;

/** What `meta.json` records about the serving certificate. */
export interface TlsMeta {
  sans: string[];
  notAfter: string;
  caHash: string;
}

export interface TlsMaterial {
  caCertPem: string;
  certPem: string;
  keyPem: string;
  /** SHA-256 of the CA certificate (DER), hex: the `K10<hash>` of join tokens. */
  caHash: string;
  /** The key service-account tokens are signed with (PKCS#8 PEM, ECDSA P-256). */
  serviceKeyPem: string;
}

export const FILES = {
  caCert: "server-ca.crt",
  caKey: "server-ca.key",
  cert: "serving-kube-apiserver.crt",
  key: "serving-kube-apiserver.key",
  meta: "meta.json",
  /** Signs service-account tokens; created once and kept, as the CA is (k3s's name). */
  serviceKey: "service.key",
};

async function readAll(dir: string) {
  const [caCertPem, caKeyPem, certPem, keyPem, metaText, serviceKeyPem] = await Promise.all(
    [FILES.caCert, FILES.caKey, FILES.cert, FILES.key, FILES.meta, FILES.serviceKey].map((f) =>
      readFileIfExists(join(dir, f))
    ),
  );
  let meta: TlsMeta | undefined;
  try {
    meta = metaText ? JSON.parse(metaText) as TlsMeta : undefined;
  } catch {
    meta = undefined;
  }
  return { caCertPem, caKeyPem, certPem, keyPem, meta, serviceKeyPem };
}

function current(
  f: Awaited<ReturnType<typeof readAll>>,
  sans: string[],
  now: Date,
): TlsMaterial | undefined {
  const { caCertPem, caKeyPem, certPem, keyPem, meta, serviceKeyPem } = f;
  if (!caCertPem || !caKeyPem || !certPem || !keyPem || !meta || !serviceKeyPem) return undefined;
  if (sans.some((s) => !meta.sans.includes(s))) return undefined;
  if (Date.parse(meta.notAfter) - now.getTime() < RENEW_BEFORE) return undefined;
  return { caCertPem, certPem, keyPem, caHash: meta.caHash, serviceKeyPem };
}

/** The command line that re-runs kno itself (compiled binary, or main.ts under deno). */
export function selfCommand(): { cmd: string; args: string[] } {
  const exe = Deno.execPath();
  if (/(^|\/)deno$/.test(exe)) {
    return { cmd: exe, args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname] };
  }
  return { cmd: exe, args: [] };
}

export async function ensureTls(
  dir: string,
  sans: string[],
  logger: Logger,
  now = new Date(),
): Promise<TlsMaterial> {
  const wanted = [...new Set(sans)].sort();
  const ok = current(await readAll(dir), wanted, now);
  if (ok) return ok;
  const { cmd, args } = selfCommand();
  const out = await new Deno.Command(cmd, {
    args: [...args, "__pki", dir, JSON.stringify(wanted)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr).trim();
  for (const line of text.split("\n").filter(Boolean)) logger.with({ component: "pki" }).info(line);
  if (out.code !== 0) throw new Error(`issuing TLS certificates failed (exit ${out.code})`);
  const done = current(await readAll(dir), wanted, now);
  if (!done) throw new Error(`TLS material in ${dir} is incomplete after issuing`);
  return done;
}
