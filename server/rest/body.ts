/**
 * Reads request bodies: JSON, YAML and Kubernetes protobuf, capped at 3 MiB, into plain JSON.
 */
import { duplicateJsonFields } from "../../api/duplicate_fields.ts";
import { goQuote } from "../../api/schema/field_errors.ts";
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
  /** Keys the body holds twice (the last one counts), as strict decoding names them. */
  duplicates: Duplicates;
}

/** Duplicate keys: JSON field paths (`spec.replicas`), or YAML's `line 9: key "foo" ...`. */
export interface Duplicates {
  in: "json" | "yaml";
  found: string[];
}

const NO_DUPLICATES: Duplicates = { in: "json", found: [] };

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
  const parsed = await parseBytes(bytes, format, resolver);
  checkNesting(parsed.value);
  return { format, ...parsed };
}

/** Decodes a body of `format`; 400 when it is malformed or nests deeper than the schema walks go. */
export async function decodeBytes(
  bytes: Uint8Array,
  format: BodyFormat,
  resolver: SchemaResolver,
): Promise<unknown> {
  const { value } = await parseBytes(bytes, format, resolver);
  checkNesting(value);
  return value;
}

function checkNesting(value: unknown): void {
  if (nestsDeeperThan(value, MAX_BODY_NESTING_DEPTH)) {
    throw badRequest(
      `the request body nests objects and arrays more than ${MAX_BODY_NESTING_DEPTH} levels deep`,
    );
  }
}

type Parsed = Omit<DecodedBody, "format">;

async function parseBytes(
  bytes: Uint8Array,
  format: BodyFormat,
  resolver: SchemaResolver,
): Promise<Parsed> {
  if (format === "protobuf") {
    // Loaded on the first protobuf body (kubectl create, helm): an idle server need not hold it.
    const { decodeKubeProtobuf } = await import("../../api/protobuf/mod.ts");
    return { value: decodeKubeProtobuf(bytes, resolver), duplicates: NO_DUPLICATES };
  }
  const text = UTF8.decode(bytes);
  if (format === "yaml" || format === "apply-patch") return await parseYamlOrJson(text);
  return parseJson(text, format !== "json-patch");
}

function parseJson(text: string, objects: boolean): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${(e as Error).message}`);
  }
  // A JSON patch is a list of operations: a key twice in one is not a field of the object.
  const found = objects ? duplicateJsonFields(text) : [];
  return { value, duplicates: found.length ? { in: "json", found } : NO_DUPLICATES };
}

async function parseYamlOrJson(text: string): Promise<Parsed> {
  // kubectl sends apply patches as JSON; the YAML parser is loaded only for real YAML.
  if (/^\s*[{[]/.test(text)) {
    try {
      return parseJson(text, true);
    } catch { /* not JSON after all: try YAML */ }
  }
  const yaml = await import("yaml");
  const lines = new yaml.LineCounter();
  let value: unknown;
  let doc;
  try {
    // Duplicate keys are kept (the last one counts, as Go's YAML decoding) and reported below.
    doc = yaml.parseDocument(text, {
      uniqueKeys: false,
      schema: "core",
      lineCounter: lines,
    });
    if (doc.errors.length) throw doc.errors[0];
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw badRequest(`the request body is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const found: string[] = [];
  yaml.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const item of map.items) {
        const key = yaml.isScalar(item.key) ? item.key.value : item.key;
        if (seen.has(key)) {
          const line = lines.linePos(yaml.isNode(item.key) ? item.key.range?.[0] ?? 0 : 0).line;
          found.push(`line ${line}: key ${goQuote(String(key))} already set in map`);
        }
        seen.add(key);
      }
    },
  });
  return { value, duplicates: found.length ? { in: "yaml", found } : NO_DUPLICATES };
}

/** A decoded body that must be a JSON object (create, update, apply). */
export function asObject(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw badRequest("the request body must be a JSON object");
  }
  return v as Record<string, unknown>;
}
