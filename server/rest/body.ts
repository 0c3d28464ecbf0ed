/**
 * Reads request bodies: JSON, YAML and Kubernetes protobuf, capped at 3 MiB, into plain JSON.
 */
import { MAX_BODY_NESTING_DEPTH, nestsDeeperThan } from "../../api/nesting.ts";
import { badRequest, tooLarge, unsupportedMediaType } from "../../api/status.ts";
import type { SchemaResolver } from "../../api/schema/types.ts";

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const UTF8 = new TextDecoder("utf-8", { fatal: false });

export type BodyFormat =
  | "json"
  | "yaml"
  | "protobuf"
  | "json-patch"
  | "merge-patch"
  | "strategic-merge-patch"
  | "apply-patch";

export function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

const FORMATS: Record<string, BodyFormat> = {
  "application/json": "json",
  "application/yaml": "yaml",
  "application/vnd.kubernetes.protobuf": "protobuf",
  "application/json-patch+json": "json-patch",
  "application/merge-patch+json": "merge-patch",
  "application/strategic-merge-patch+json": "strategic-merge-patch",
  "application/apply-patch+yaml": "apply-patch",
  "application/apply-patch+json": "apply-patch",
};

/** Reads the raw bytes, enforcing the size limit even without a Content-Length. */
export async function readBytes(req: Request): Promise<Uint8Array> {
  const header = req.headers.get("content-length");
  if (header !== null) {
    const len = Number(header);
    if (len > MAX_BODY_BYTES) {
      throw tooLarge(`request body too large: ${len} bytes, the limit is ${MAX_BODY_BYTES}`);
    }
    // With a Content-Length under the limit the HTTP server holds the body to that length (hyper
    // rejects a body longer than its header): take it whole, in one step, without a stream.
    return await req.bytes();
  }
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = req.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge(`request body too large: over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

export interface DecodedBody {
  format: BodyFormat;
  value: unknown;
}

/** Decodes a body; `allowed` lists the formats this verb accepts (415 otherwise). */
export async function decodeBody(
  req: Request,
  allowed: BodyFormat[],
  resolver: SchemaResolver,
): Promise<DecodedBody> {
  const type = mediaType(req) || "application/json";
  const format = FORMATS[type];
  if (!format || !allowed.includes(format)) {
    // Drain (bounded) before answering: an HTTP/2 client whose body is still unsent otherwise
    // sees the stream reset instead of our Status.
    await readBytes(req).catch(() => {});
    throw unsupportedMediaType(type);
  }
  const bytes = await readBytes(req);
  if (bytes.byteLength === 0) throw badRequest("the request body is empty");
  return { format, value: await decodeBytes(bytes, format, resolver) };
}

/** Decodes a body of `format`; 400 when it is malformed or nests deeper than the schema walks go. */
export async function decodeBytes(
  bytes: Uint8Array,
  format: BodyFormat,
  resolver: SchemaResolver,
): Promise<unknown> {
  const value = await parseBytes(bytes, format, resolver);
  if (nestsDeeperThan(value, MAX_BODY_NESTING_DEPTH)) {
    throw badRequest(
      `the request body nests objects and arrays more than ${MAX_BODY_NESTING_DEPTH} levels deep`,
    );
  }
  return value;
}

async function parseBytes(
  bytes: Uint8Array,
  format: BodyFormat,
  resolver: SchemaResolver,
): Promise<unknown> {
  if (format === "protobuf") {
    // Loaded on the first protobuf body (kubectl create, helm): an idle server need not hold it.
    const { decodeKubeProtobuf } = await import("../../api/protobuf/mod.ts");
    return decodeKubeProtobuf(bytes, resolver);
  }
  const text = UTF8.decode(bytes);
  if (format === "yaml" || format === "apply-patch") return await parseYamlOrJson(text);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${(e as Error).message}`);
  }
}

async function parseYamlOrJson(text: string): Promise<unknown> {
  // kubectl sends apply patches as JSON; the YAML parser is loaded only for real YAML.
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch { /* not JSON after all: try YAML */ }
  }
  const { parse } = await import("yaml");
  try {
    return parse(text, { maxAliasCount: 100, uniqueKeys: true, schema: "core" });
  } catch (e) {
    throw badRequest(`the request body is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** A decoded body that must be a JSON object (create, update, apply). */
export function asObject(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw badRequest("the request body must be a JSON object");
  }
  return v as Record<string, unknown>;
}
