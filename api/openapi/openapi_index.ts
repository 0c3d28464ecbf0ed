/**
 * The `/openapi/v3` index: one entry per group-version document, each pointing at the document
 * with its content hash, so clients can cache documents until the hash changes.
 */
// deno-lint-ignore no-external-import -- sync SHA-512 is only in node:crypto (crypto.subtle is async)
import { createHash } from "node:crypto";
import { compareStrings } from "../order.ts";

export interface OpenApiV3IndexEntry {
  /** "api/v1" or "apis/<group>/<version>". */
  path: string;
  /** {@link hashDocument} of the served document. */
  hash: string;
}

export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

export function buildOpenApiV3Index(entries: OpenApiV3IndexEntry[]): OpenApiV3Index {
  const paths: OpenApiV3Index["paths"] = {};
  for (const e of [...entries].sort((a, b) => compareStrings(a.path, b.path))) {
    paths[e.path] = { serverRelativeURL: `/openapi/v3/${e.path}?hash=${e.hash}` };
  }
  return { paths };
}

/** The content hash of a served document: SHA-512 of its bytes, upper-case hex (as upstream). */
export function hashDocument(json: string): string {
  return createHash("sha512").update(json).digest("hex").toUpperCase();
}
