/**
 * Issuing the server's CA and serving certificate (ECDSA P-256) with @peculiar/x509. The CA is
 * created once and never replaced (nodes and kubeconfigs trust it); the serving certificate is
 * re-issued when its SANs change or it nears expiry. Run in a short-lived child process by
 * `pki.ts`, so the long-running server never keeps the X.509 library in memory.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { join } from "node:path";
import type { Logger } from "../api/log.ts";
import { readFileIfExists, writeFileDurable } from "./files.ts";
import { FILES, RENEW_BEFORE, type TlsMaterial, type TlsMeta } from "./pki.ts";

x509.cryptoProvider.set(crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

export function unpem(text: string): ArrayBuffer {
  const b64 = text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]) as CryptoKeyPair;
}

async function keyPem(k: CryptoKey): Promise<string> {
  return pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", k));
}

function serial(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0]! &= 0x7f;
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

function isIp(s: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(s) || s.includes(":");
}

async function createCa(now: Date): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=kno-server-ca@${Math.floor(now.getTime() / 1000)}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign |
          x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function issueServing(ca: x509.X509Certificate, caKey: CryptoKey, sans: string[], now: Date) {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=kno-apiserver",
    issuer: ca.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        sans.map((s) => ({ type: isIp(s) ? "ip" as const : "dns" as const, value: s })),
      ),
    ],
  });
  return { cert, key: keys.privateKey };
}

function sansOf(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return ext ? ext.names.items.map((n) => n.value).sort() : [];
}

/** Loads or creates the CA and serving certificate under `<dir>`, and writes `meta.json`. */
export async function issueTls(
  dir: string,
  sans: string[],
  logger: Logger,
  now = new Date(),
): Promise<TlsMaterial> {
  const log = logger.with({ component: "pki" });
  const caCrtPath = join(dir, FILES.caCert);
  const caKeyPath = join(dir, FILES.caKey);
  const crtPath = join(dir, FILES.cert);
  const keyPath = join(dir, FILES.key);
  let caPem = await readFileIfExists(caCrtPath);
  let caKeyPem = await readFileIfExists(caKeyPath);
  if (!caPem || !caKeyPem) {
    if (caPem || caKeyPem) {
      throw new Error(
        `incomplete CA in ${dir}: one of server-ca.crt and server-ca.key is missing; refusing to replace it`,
      );
    }
    const { cert, keys } = await createCa(now);
    caPem = cert.toString("pem") + "\n";
    caKeyPem = await keyPem(keys.privateKey);
    await writeFileDurable(caKeyPath, caKeyPem, 0o600);
    await writeFileDurable(caCrtPath, caPem, 0o644);
    log.info("created cluster CA", { file: caCrtPath });
  }
  const ca = new x509.X509Certificate(caPem);
  const caKey = await crypto.subtle.importKey("pkcs8", unpem(caKeyPem), ALG, true, ["sign"]);
  const wanted = [...new Set(sans)].sort();
  let certPem = await readFileIfExists(crtPath);
  let servingKeyPem = await readFileIfExists(keyPath);
  let reissue = !certPem || !servingKeyPem;
  if (!reissue) {
    const cur = new x509.X509Certificate(certPem!);
    const missing = wanted.filter((s) => !sansOf(cur).includes(s));
    reissue = missing.length > 0 || cur.notAfter.getTime() - now.getTime() < RENEW_BEFORE ||
      cur.issuer !== ca.subject;
  }
  if (reissue) {
    const { cert, key } = await issueServing(ca, caKey, wanted, now);
    certPem = cert.toString("pem") + "\n";
    servingKeyPem = await keyPem(key);
    await writeFileDurable(keyPath, servingKeyPem, 0o600);
    await writeFileDurable(crtPath, certPem, 0o644);
    log.info("issued serving certificate", { sans: wanted.join(",") });
  }
  const serviceKeyPath = join(dir, FILES.serviceKey);
  let serviceKeyPem = await readFileIfExists(serviceKeyPath);
  if (!serviceKeyPem) {
    // Never replaced once written: every token signed with it would stop working.
    serviceKeyPem = await keyPem((await newKeys()).privateKey);
    await writeFileDurable(serviceKeyPath, serviceKeyPem, 0o600);
    log.info("created service-account signing key", { file: serviceKeyPath });
  }
  const hash = await crypto.subtle.digest("SHA-256", ca.rawData);
  const caHash = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const serving = new x509.X509Certificate(certPem!);
  const meta: TlsMeta = { sans: sansOf(serving), notAfter: serving.notAfter.toISOString(), caHash };
  await writeFileDurable(join(dir, FILES.meta), JSON.stringify(meta) + "\n", 0o644);
  return { caCertPem: caPem, certPem: certPem!, keyPem: servingKeyPem!, caHash, serviceKeyPem };
}
