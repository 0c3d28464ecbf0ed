/**
 * Parses a resource URL (`/api/v1/namespaces/ns/pods/name/status`, `/apis/apps/v1/deployments`)
 * and its query into one plain description of what is asked.
 */
import { badRequest } from "../../api/status.ts";

export interface ResourcePath {
  group: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
  subresource: string;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`invalid percent-encoding in the path: "${s}"`);
  }
}

/** Splits a path under /api or /apis. Returns undefined when it is not a resource path. */
export function parseResourcePath(
  path: string,
  isNamespacedResource: (group: string, version: string, resource: string) => boolean | undefined,
): ResourcePath | undefined {
  const seg: string[] = [];
  const encoded = path.includes("%");
  for (const s of path.split("/")) {
    if (s !== "") seg.push(encoded ? decodeSegment(s) : s);
  }
  let group = "";
  let rest: string[];
  if (seg[0] === "api") {
    if (seg.length < 3) return undefined;
    rest = seg.slice(2);
  } else if (seg[0] === "apis") {
    if (seg.length < 4) return undefined;
    group = seg[1]!;
    rest = seg.slice(3);
  } else return undefined;
  const version = seg[0] === "api" ? seg[1]! : seg[2]!;
  const out: ResourcePath = {
    group,
    version,
    resource: "",
    namespace: "",
    name: "",
    subresource: "",
  };
  // namespaces/<ns>/<resource>/... unless <resource> is a namespace subresource.
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const namespaced = isNamespacedResource(group, version, rest[2]!);
    if (
      namespaced !== false &&
      !(namespaced === undefined && ["status", "finalize"].includes(rest[2]!) && rest.length === 3)
    ) {
      out.namespace = rest[1]!;
      rest = rest.slice(2);
    }
  }
  if (rest.length > 3) return undefined;
  out.resource = rest[0] ?? "";
  out.name = rest[1] ?? "";
  out.subresource = rest[2] ?? "";
  return out;
}

/** Every query parameter the API accepts on resource requests; anything else is a 400. */
const KNOWN_PARAMS = new Set([
  "pretty",
  "dryRun",
  "fieldManager",
  "fieldValidation",
  "force",
  "gracePeriodSeconds",
  "orphanDependents",
  "propagationPolicy",
  "ignoreStoreReadErrorWithClusterBreakingPotential",
  "labelSelector",
  "fieldSelector",
  "limit",
  "continue",
  "resourceVersion",
  "resourceVersionMatch",
  "timeoutSeconds",
  "allowWatchBookmarks",
  "sendInitialEvents",
  "watch",
  "includeObject",
  "timeout",
  // log, exec, attach, portforward (served by the node tunnel issue)
  "container",
  "follow",
  "previous",
  "sinceSeconds",
  "sinceTime",
  "timestamps",
  "tailLines",
  "limitBytes",
  "insecureSkipTLSVerifyBackend",
  "command",
  "stdin",
  "stdout",
  "stderr",
  "tty",
  "ports",
]);

export interface Query {
  get(name: string): string | undefined;
  bool(name: string): boolean;
  int(name: string): number | undefined;
  all(name: string): string[];
}

/**
 * The raw (still percent-encoded) path and the query string of an absolute request URL, without
 * the cost of a full URL parse on every request.
 */
export function splitRequestUrl(url: string): { path: string; search: string } {
  const scheme = url.indexOf("://");
  const pathStart = scheme < 0 ? 0 : url.indexOf("/", scheme + 3);
  const q = url.indexOf("?");
  if (pathStart < 0 || (q >= 0 && q < pathStart)) {
    return { path: "/", search: q < 0 ? "" : url.slice(q + 1) };
  }
  return q < 0
    ? { path: url.slice(pathStart), search: "" }
    : { path: url.slice(pathStart, q), search: url.slice(q + 1) };
}

/** The query of a resource request (`search` without its `?`); unknown parameters are a 400. */
export function parseQuery(search: string): Query {
  const p = new URLSearchParams(search);
  if (search !== "") {
    const unknown = [...new Set([...p.keys()].filter((k) => !KNOWN_PARAMS.has(k)))];
    if (unknown.length) {
      throw badRequest(`unknown query parameter(s): ${unknown.map((u) => `"${u}"`).join(", ")}`);
    }
  }
  return {
    get: (name) => p.get(name) ?? undefined,
    // As upstream converts query booleans: only absent, "0" and "false" (any case) are false.
    bool: (name) => {
      const v = p.get(name);
      return v !== null && v !== "0" && v.toLowerCase() !== "false";
    },
    int: (name) => {
      const v = p.get(name);
      if (v === null || v === "") return undefined;
      if (!/^-?\d+$/.test(v)) {
        throw badRequest(`invalid value for "${name}": "${v}" is not an integer`);
      }
      return Number(v);
    },
    all: (name) => p.getAll(name),
  };
}

const MAX_UINT64 = 2n ** 64n - 1n;

/** A `resourceVersion` a client sent: decimal digits of an unsigned 64-bit number (as upstream
 * parses it), or 400. Values past 2^53 lose their last digits: they are beyond any revision
 * kno will reach, which is all that is asked of them. */
export function parseResourceVersion(text: string): number {
  if (!/^\d+$/.test(text) || (text.length > 19 && BigInt(text) > MAX_UINT64)) {
    throw badRequest(`invalid resource version: "${text}"`);
  }
  return Number(text);
}
