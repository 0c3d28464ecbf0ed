/**
 * The stored form of an object: its JSON without `metadata.resourceVersion` (the revision of the
 * write is the resourceVersion, so it is never stored), with `apiVersion`, `kind` and `metadata`
 * as its first three keys. That order lets a reader add the resourceVersion to the JSON text
 * instead of parsing the object and serializing it again: lists, GETs and watch events of objects
 * nobody has looked into are served from the stored text. Values that do not start that way
 * (written by an older kno, or an object without apiVersion or kind) are parsed as before.
 */
import type { KubeObject } from "../registry/types.ts";

/** The object's stored JSON. */
export function encodeValue(obj: KubeObject): string {
  const metadata = obj.metadata;
  // Most objects already start with apiVersion, kind and metadata (as clients send them) and a
  // create's metadata has no resourceVersion: serialized as they are, with no copy.
  if (
    typeof metadata === "object" && metadata !== null && !Array.isArray(metadata) &&
    !("resourceVersion" in metadata) && startsInStoredOrder(obj)
  ) {
    return JSON.stringify(obj);
  }
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  const { resourceVersion: _rv, ...meta } = metadata ?? {};
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
}

/** Whether the object's first three keys are apiVersion, kind and metadata, in that order. */
function startsInStoredOrder(obj: KubeObject): boolean {
  let i = 0;
  for (const key in obj) {
    if (key !== (i === 0 ? "apiVersion" : i === 1 ? "kind" : "metadata")) return false;
    if (++i === 3) return true;
  }
  return false;
}

/** A stored value as the object at `rev`. */
export function decodeValue(value: string, rev: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  const meta = (obj.metadata ??= {});
  meta.resourceVersion = String(rev);
  return obj;
}

/** `{"apiVersion":"…","kind":"…","metadata":{`, the start of every value encodeValue writes. */
const HEAD = /^\{"apiVersion":("(?:[^"\\]|\\.)*"),"kind":"(?:[^"\\]|\\.)*","metadata":\{/;

/** Where the stored JSON's metadata object opens, and its apiVersion. */
export interface ValueHead {
  apiVersion: string;
  /** Offset just past the `{` of the metadata object. */
  metadataAt: number;
}

/** The head of a value in the encodeValue layout; undefined for any other JSON. */
export function valueHead(value: string): ValueHead | undefined {
  const m = HEAD.exec(value);
  if (!m) return undefined;
  return { apiVersion: JSON.parse(m[1]!) as string, metadataAt: m[0].length };
}

/** The JSON of the object at `rev`: the stored text with its resourceVersion added. */
export function withResourceVersion(value: string, head: ValueHead, rev: number): string {
  const at = head.metadataAt;
  const field = `"resourceVersion":"${rev}"`;
  return value.slice(0, at) + field + (value[at] === "}" ? "" : ",") + value.slice(at);
}
