/**
 * CertificateSigningRequests through real kubectl: the requester comes from the request, `kubectl
 * certificate approve|deny` writes through /approval, a signer's certificate through /status, and
 * what upstream refuses is refused (a request that is not a signed PKCS#10 PEM, bad signer
 * names, short durations, approval through /status, a second certificate).
 */
import "reflect-metadata";
import assert from "node:assert/strict";
import * as x509 from "@peculiar/x509";
import { startServer } from "./harness.ts";

x509.cryptoProvider.set(crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

async function certificateRequest(cn: string): Promise<string> {
  const keys = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${cn}, O=devs`,
    keys,
    signingAlgorithm: ALG,
  });
  return csr.toString("pem");
}

async function selfSigned(cn: string): Promise<string> {
  const keys = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: `CN=${cn}`,
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: ALG,
  });
  return cert.toString("pem");
}

const b64 = (s: string) => btoa(s);

/** The request with the last byte of its signature changed. */
function forged(pem: string): string {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  der[der.length - 1]! ^= 0x01;
  const text = btoa(String.fromCharCode(...der)).match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${text}\n-----END CERTIFICATE REQUEST-----\n`;
}

function csrYaml(
  name: string,
  request: string,
  extra = "",
  signer = "kubernetes.io/kube-apiserver-client",
) {
  return `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: ${name}}
spec:
  request: ${b64(request)}
  signerName: ${signer}
  usages: [client auth]
  username: mallory
  groups: [system:masters]
${extra}`;
}

Deno.test("CertificateSigningRequests through kubectl: requester, approval, issuance, refusals", async () => {
  const s = await startServer();
  try {
    const me = JSON.parse(await s.k("auth", "whoami", "-o", "json")).status.userInfo;
    const alice = await certificateRequest("alice");
    const created = await s.kubectl(["create", "-f", "-"], {
      stdin: csrYaml("alice", alice, "  expirationSeconds: 86400"),
    });
    assert.equal(created.code, 0, created.stderr);
    const stored = JSON.parse(await s.k("get", "csr", "alice", "-o", "json"));
    assert.equal(stored.spec.username, me.username, "the requester is who sent it, not the body");
    assert.deepEqual(stored.spec.groups, me.groups);
    const row = (await s.k("get", "csr", "alice", "--no-headers")).trim().split(/\s+/);
    assert.deepEqual(row.slice(2), [
      "kubernetes.io/kube-apiserver-client",
      me.username,
      "24h",
      "Pending",
    ]);
    assert.match(
      await s.k(
        "get",
        "csr",
        "--field-selector",
        "spec.signerName=kubernetes.io/kube-apiserver-client",
      ),
      /alice/,
    );

    // Approval only through /approval: a status write may not add it.
    const sneaky = await s.kubectl([
      "patch",
      "csr",
      "alice",
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status: { conditions: [{ type: "Approved", status: "True" }] } }),
    ]);
    assert.match(sneaky.stderr, /updates may not add a condition of type "Approved"/);
    assert.match(
      await s.k("certificate", "approve", "alice"),
      /certificatesigningrequest.certificates.k8s.io\/alice approved/,
    );
    const approved = JSON.parse(await s.k("get", "csr", "alice", "-o", "json"));
    const condition = approved.status.conditions[0];
    assert.equal(condition.type, "Approved");
    assert.equal(condition.reason, "KubectlApprove");
    assert.ok(condition.lastUpdateTime && condition.lastTransitionTime, "the server stamps it");

    // The signer's write: a certificate through /status, once.
    const issue = (pem: string) =>
      s.kubectl([
        "patch",
        "csr",
        "alice",
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status: { certificate: b64(pem) } }),
      ]);
    const bad = await issue("not a certificate");
    assert.match(
      bad.stderr,
      /status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block/,
    );
    assert.equal((await issue(await selfSigned("alice"))).code, 0);
    assert.match(await s.k("get", "csr", "alice", "--no-headers"), /Approved,Issued/);
    const again = await issue(await selfSigned("alice"));
    assert.match(again.stderr, /updates may not modify existing certificate content/);
    // The spec never changes after creation; a write to it is silently the stored one.
    await s.k(
      "patch",
      "csr",
      "alice",
      "--type=merge",
      "-p",
      '{"spec":{"signerName":"example.com/other"}}',
    );
    assert.equal(
      await s.k("get", "csr", "alice", "-o", "jsonpath={.spec.signerName}"),
      "kubernetes.io/kube-apiserver-client",
    );
    assert.match(await s.k("get", "csr", "alice", "-o", "jsonpath={.status.certificate}"), /^LS0t/);

    // Denied is final too.
    assert.equal(
      (await s.kubectl(["create", "-f", "-"], {
        stdin: csrYaml("bob", await certificateRequest("bob")),
      })).code,
      0,
    );
    assert.match(await s.k("certificate", "deny", "bob"), /denied/);
    assert.match(await s.k("get", "csr", "bob", "--no-headers"), /Denied/);

    // What upstream refuses.
    const refuse = async (name: string, yaml: string, want: RegExp) => {
      const r = await s.kubectl(["create", "-f", "-"], { stdin: yaml });
      assert.equal(r.code, 1, `${name} was accepted`);
      assert.match(r.stderr, want, name);
    };
    await refuse(
      "junk",
      csrYaml("junk", "hello"),
      /spec.request: Invalid value: PEM block type must be CERTIFICATE REQUEST/,
    );
    await refuse(
      "forged",
      csrYaml("forged", forged(alice)),
      /spec.request: Invalid value: x509: signature verification failure/,
    );
    await refuse(
      "signer",
      csrYaml("signer", alice, "", "mysigner"),
      /spec.signerName: Invalid value: "mysigner": must be a fully qualified domain and path of the form 'example.com\/signer-name'/,
    );
    await refuse(
      "short",
      csrYaml("short", alice, "  expirationSeconds: 60"),
      /spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds \(10 minutes\)/,
    );
    await refuse(
      "usage",
      csrYaml("usage", alice).replace("[client auth]", "[client auth, flying]"),
      /spec.usages\[1\]: Unsupported value: "flying"/,
    );
    await refuse(
      "legacy",
      csrYaml("legacy", alice, "", "kubernetes.io/legacy-unknown"),
      /the legacy signerName is not allowed via this API version/,
    );
    assert.deepEqual(
      (await s.k("get", "csr", "-o", "name")).trim().split("\n").sort(),
      [
        "certificatesigningrequest.certificates.k8s.io/alice",
        "certificatesigningrequest.certificates.k8s.io/bob",
      ],
    );
  } finally {
    await s.stop();
  }
});

Deno.test("CertificateSigningRequest subresources as upstream's conformance test drives them", async () => {
  const s = await startServer();
  try {
    const base = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await s.api(path, init);
      const body = await res.json();
      assert.ok(res.ok, `${init.method ?? "GET"} ${path}: ${JSON.stringify(body)}`);
      return body;
    };
    const mergePatch = (body: unknown): RequestInit => ({
      method: "PATCH",
      headers: { "content-type": "application/merge-patch+json" },
      body: JSON.stringify(body),
    });
    const put = (body: unknown): RequestInit => ({
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const created = await call(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        apiVersion: "certificates.k8s.io/v1",
        kind: "CertificateSigningRequest",
        metadata: { generateName: "e2e-example-csr-" },
        spec: {
          request: b64(await certificateRequest("e2e.example.com")),
          signerName: "example.com/e2e-test",
          expirationSeconds: 3600,
          usages: ["digital signature", "key encipherment", "server auth"],
        },
      }),
    });
    const at = `${base}/${created.metadata.name}`;
    const approval = await call(`${at}/approval`);
    assert.equal(approval.kind, "CertificateSigningRequest");
    const patched = await call(
      `${at}/approval`,
      mergePatch({
        metadata: { annotations: { patchedapproval: "true" } },
        status: { conditions: [{ type: "ApprovalPatch", status: "True", reason: "e2e" }] },
      }),
    );
    assert.deepEqual(patched.status.conditions.map((c: { type: string }) => c.type), [
      "ApprovalPatch",
    ]);
    assert.equal(patched.metadata.annotations.patchedapproval, "true", "metadata goes through");
    patched.status.conditions.push({
      type: "Approved",
      status: "True",
      reason: "E2E",
      message: "Set from an e2e test",
    });
    const approved = await call(`${at}/approval`, put(patched));
    assert.equal(approved.status.conditions[1].type, "Approved");
    const status = await call(`${at}/status`);
    assert.equal(status.metadata.uid, created.metadata.uid);
    const issued = await call(
      `${at}/status`,
      mergePatch({
        metadata: { annotations: { patchedstatus: "true" } },
        status: { certificate: b64(await selfSigned("e2e.example.com")) },
      }),
    );
    assert.ok(issued.status.certificate);
    assert.equal(issued.metadata.annotations.patchedstatus, "true");
    issued.status.conditions.push({
      type: "StatusUpdate",
      status: "True",
      reason: "E2E",
      message: "Set from an e2e test",
    });
    const updated = await call(`${at}/status`, put(issued));
    assert.equal(updated.status.conditions.at(-1).type, "StatusUpdate");
    assert.equal(updated.status.conditions.length, 3);
  } finally {
    await s.stop();
  }
});
