/**
 * gzip for large responses, as upstream's API server does (APIResponseCompression): a body of
 * 128 KiB or more goes gzipped (level 1: fast, and JSON shrinks several times over) to a client
 * that accepts it. kubectl and client-go ask for it by default; on a slow link to an edge box a
 * 10,000-object list is then a tenth of its size. Watch streams and small bodies go as they are.
 * Responses are marked where they are made (compressible() in read.ts); this module and zlib
 * are loaded on the first large response: an idle server holds neither.
 */
import type { Buffer } from "node:buffer";
import { takeCompressibleBody } from "./read.ts";

/** Compressed forms of bodies that are kept and served again (OpenAPI documents). */
const compressedOnce = new WeakMap<Uint8Array, Uint8Array>();

/** Whether an Accept-Encoding header accepts gzip (with a non-zero quality). */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

let zlib: Promise<typeof import("node:zlib")> | undefined;

function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  zlib ??= import("node:zlib");
  return zlib.then((z) =>
    new Promise((resolve, reject) =>
      z.gzip(bytes, { level: 1 }, (err: Error | null, out: Buffer) => {
        if (err) reject(err);
        else resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      })
    )
  );
}

/** `res` gzipped if it was marked compressible and the request accepts gzip; else `res`. */
export async function negotiateEncoding(req: Request, res: Response): Promise<Response> {
  const body = takeCompressibleBody(res);
  if (body === undefined || !acceptsGzip(req.headers.get("accept-encoding"))) return res;
  let out = typeof body === "string" ? undefined : compressedOnce.get(body);
  if (!out) {
    out = await gzip(typeof body === "string" ? new TextEncoder().encode(body) : body);
    if (typeof body !== "string") compressedOnce.set(body, out);
  }
  await res.body?.cancel();
  const headers = new Headers(res.headers);
  headers.set("content-encoding", "gzip");
  headers.set("content-length", String(out.byteLength));
  headers.append("vary", "Accept-Encoding");
  return new Response(out as Uint8Array<ArrayBuffer>, { status: res.status, headers });
}
