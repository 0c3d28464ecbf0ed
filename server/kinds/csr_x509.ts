/**
 * The X.509 checks of CertificateSigningRequests, as upstream makes them: the request must be a
 * PEM `CERTIFICATE REQUEST` whose signature its own key verifies, and an issued certificate
 * PEM `CERTIFICATE` blocks, without headers, that parse. Loaded on the first CSR write: a
 * server that never sees one never holds the X.509 library.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(crypto);

interface PemBlock {
  type: string;
  hasHeaders: boolean;
  der: ArrayBuffer;
}

/** The PEM blocks of `text` in order, as Go's pem.Decode finds them (undecodable ones skipped). */
function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([^\n-]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    const body = m[2]!;
    const blank = body.search(/\r?\n\r?\n/);
    const hasHeaders = blank >= 0 && body.slice(0, blank).includes(":");
    const b64 = (hasHeaders ? body.slice(blank) : body).replace(/\s+/g, "");
    try {
      out.push({
        type: m[1]!,
        hasHeaders,
        der: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer,
      });
    } catch {
      // Not base64: Go's decoder does not take it for a block either.
    }
  }
  return out;
}

/** Why `pem` is not a request upstream would accept, or undefined when it is. */
export async function certificateRequestError(pem: string): Promise<string | undefined> {
  const block = pemBlocks(pem)[0];
  if (!block || block.type !== "CERTIFICATE REQUEST") {
    return "PEM block type must be CERTIFICATE REQUEST";
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(block.der);
  } catch {
    return "asn1: structure error: malformed certificate request";
  }
  try {
    if (await csr.verify()) return undefined;
  } catch {
    // An algorithm the runtime cannot verify: not a signature anyone checked.
  }
  return "x509: signature verification failure";
}

/** Why `pem` is not an issued certificate upstream would accept, or undefined when it is. */
export function certificateError(pem: string): string | undefined {
  if (pem === "") return undefined;
  const blocks = pemBlocks(pem);
  if (!blocks.length) return "must contain at least one CERTIFICATE PEM block";
  for (const block of blocks) {
    if (block.type !== "CERTIFICATE") {
      return `only CERTIFICATE PEM blocks are allowed, found "${block.type}"`;
    }
    if (block.hasHeaders) return "no PEM block headers are permitted";
    try {
      new x509.X509Certificate(block.der);
    } catch {
      return "x509: malformed certificate";
    }
  }
  return undefined;
}
