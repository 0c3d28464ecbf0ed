import assert from "node:assert/strict";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { join } from "node:path";
import { silentLogger } from "../api/log.ts";
import { ensureTls, FILES, type TlsMeta } from "./pki.ts";
import { issueTls } from "./pki_issue.ts";

x509.cryptoProvider.set(crypto);

const SANS = ["127.0.0.1", "10.43.0.1", "kubernetes", "kubernetes.default.svc.cluster.local"];

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "kno-pki-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function sansOf(pem: string): string[] {
  const ext = new x509.X509Certificate(pem).getExtension(x509.SubjectAlternativeNameExtension);
  return (ext?.names.items ?? []).map((n) => `${n.type}:${n.value}`).sort();
}

const read = (dir: string, f: string) => Deno.readTextFile(join(dir, f));

Deno.test("the CA is created once and reused; the serving certificate is signed by it", async () => {
  await withDir(async (dir) => {
    const first = await issueTls(dir, SANS, silentLogger);
    const caPem = await read(dir, FILES.caCert);
    const caKey = await read(dir, FILES.caKey);
    assert.equal(first.caCertPem, caPem);
    const ca = new x509.X509Certificate(caPem);
    const serving = new x509.X509Certificate(first.certPem);
    assert.equal(serving.issuer, ca.subject);
    assert.ok(await serving.verify({ publicKey: ca.publicKey, signatureOnly: true }));
    assert.ok(ca.getExtension(x509.BasicConstraintsExtension)?.ca, "the CA is a CA");
    assert.equal(serving.getExtension(x509.BasicConstraintsExtension)?.ca, false);

    const second = await issueTls(dir, [...SANS].reverse(), silentLogger);
    assert.equal(await read(dir, FILES.caCert), caPem);
    assert.equal(await read(dir, FILES.caKey), caKey);
    assert.equal(second.certPem, first.certPem, "same SANs: the serving certificate is kept");
    assert.equal(second.caHash, first.caHash);

    // The service-account signing key: made once, private, and kept when certificates change.
    const serviceKey = await read(dir, FILES.serviceKey);
    assert.equal(first.serviceKeyPem, serviceKey);
    assert.match(serviceKey, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal((await Deno.stat(join(dir, FILES.serviceKey))).mode! & 0o777, 0o600);
    const third = await issueTls(dir, [...SANS, "new.example.com"], silentLogger);
    assert.notEqual(third.certPem, first.certPem, "a new SAN: a new serving certificate");
    assert.equal(third.serviceKeyPem, serviceKey, "the signing key is kept");
    // A data dir from before the key existed gets one, and keeps its CA.
    await Deno.remove(join(dir, FILES.serviceKey));
    const fourth = await issueTls(dir, SANS, silentLogger);
    assert.notEqual(fourth.serviceKeyPem, serviceKey);
    assert.equal(await read(dir, FILES.caCert), caPem);

    const digest = await crypto.subtle.digest("SHA-256", ca.rawData);
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    assert.equal(first.caHash, hex);
  });
});

Deno.test("the serving certificate carries every SAN asked for, IPs as IP SANs", async () => {
  await withDir(async (dir) => {
    const tls = await issueTls(dir, [...SANS, "kno.example.com", "192.168.7.7"], silentLogger);
    assert.deepEqual(sansOf(tls.certPem), [
      "dns:kno.example.com",
      "dns:kubernetes",
      "dns:kubernetes.default.svc.cluster.local",
      "ip:10.43.0.1",
      "ip:127.0.0.1",
      "ip:192.168.7.7",
    ]);
    const meta = JSON.parse(await read(dir, FILES.meta)) as TlsMeta;
    assert.deepEqual(meta.sans, [...SANS, "kno.example.com", "192.168.7.7"].sort());
    assert.equal(meta.caHash, tls.caHash);
    assert.equal(meta.notAfter, new x509.X509Certificate(tls.certPem).notAfter.toISOString());
  });
});

Deno.test("adding a SAN re-issues the serving certificate under the same CA", async () => {
  await withDir(async (dir) => {
    const first = await issueTls(dir, SANS, silentLogger);
    const caPem = await read(dir, FILES.caCert);
    const next = await issueTls(dir, [...SANS, "new.example.com"], silentLogger);
    assert.notEqual(next.certPem, first.certPem);
    assert.notEqual(next.keyPem, first.keyPem);
    assert.ok(sansOf(next.certPem).includes("dns:new.example.com"));
    assert.equal(await read(dir, FILES.caCert), caPem);
    const ca = new x509.X509Certificate(caPem);
    assert.ok(
      await new x509.X509Certificate(next.certPem).verify({
        publicKey: ca.publicKey,
        signatureOnly: true,
      }),
    );
    // Dropping a SAN again does not force a re-issue: the certificate still covers the rest.
    const same = await issueTls(dir, SANS, silentLogger);
    assert.equal(same.certPem, next.certPem);
  });
});

Deno.test("a lost serving certificate is re-issued but an incomplete CA is never replaced", async () => {
  await withDir(async (dir) => {
    const first = await issueTls(dir, SANS, silentLogger);
    const caPem = await read(dir, FILES.caCert);
    await Deno.remove(join(dir, FILES.cert));
    const again = await issueTls(dir, SANS, silentLogger);
    assert.notEqual(again.certPem, first.certPem);
    assert.equal(again.caCertPem, caPem);

    await Deno.remove(join(dir, FILES.caKey));
    await assert.rejects(issueTls(dir, SANS, silentLogger), /incomplete CA/);
    assert.equal(await read(dir, FILES.caCert), caPem, "the CA certificate is left alone");
    await assert.rejects(Deno.stat(join(dir, FILES.caKey)), Deno.errors.NotFound);
  });
});

Deno.test("private keys are written with mode 0600, certificates 0644", async () => {
  await withDir(async (dir) => {
    await issueTls(dir, SANS, silentLogger);
    const mode = async (f: string) => (await Deno.stat(join(dir, f))).mode! & 0o777;
    assert.equal(await mode(FILES.caKey), 0o600);
    assert.equal(await mode(FILES.key), 0o600);
    assert.equal(await mode(FILES.caCert), 0o644);
    assert.equal(await mode(FILES.cert), 0o644);
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), Object.values(FILES).sort(), "no temp files left behind");
  });
});

Deno.test("ensureTls issues on first start, then reads the files; a new SAN re-issues", async () => {
  await withDir(async (dir) => {
    const first = await ensureTls(dir, SANS, silentLogger);
    assert.equal(first.caCertPem, await read(dir, FILES.caCert));
    assert.equal(first.keyPem, await read(dir, FILES.key));
    const again = await ensureTls(dir, SANS, silentLogger);
    assert.deepEqual(again, first);
    const wider = await ensureTls(dir, [...SANS, "10.0.0.9"], silentLogger);
    assert.equal(wider.caCertPem, first.caCertPem);
    assert.ok(sansOf(wider.certPem).includes("ip:10.0.0.9"));
  });
});
