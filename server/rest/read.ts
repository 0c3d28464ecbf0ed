/**
 * get and list: served from the watch cache; continue pages and exact-revision lists are read
 * from the datastore at the revision of the first page.
 */
import { parseResourceVersion } from "./request.ts";
import { matchesLabels, parseLabelSelector, type Requirement } from "../../api/labels.ts";
import { type FieldRequirement, matchesFields, parseFieldSelector } from "../../api/fields.ts";
import { badRequest, expired, notFound, timeout } from "../../api/status.ts";
import { apiVersionOf, type KubeObject, type ResourceType } from "../registry/types.ts";
import { Entry } from "../storage/cache.ts";
import { jsonOfWritten, objectKey, storeError, typePrefix } from "../storage/objects.ts";
import { type Call, refOf, type RestServices } from "./context.ts";
import {
  includeObjectOf,
  partialMetadata,
  toTable,
  wantsPartialMetadata,
  wantsTable,
} from "./table.ts";
import { warningHeader } from "./warning.ts";
import { applyDefaults } from "../../api/schema/defaults.ts";
import { mentionsKeyword } from "../../api/schema/schema_node.ts";

/** The object as the requested version sees it (`none` conversion: only apiVersion changes). */
export function viewJson(t: ResourceType, e: Entry): string {
  if (e.apiVersion === apiVersionOf(t) && !defaultsOnRead(t)) return e.json;
  return JSON.stringify(viewObject(t, e.obj));
}

export function viewObject(t: ResourceType, obj: KubeObject): KubeObject {
  if (defaultsOnRead(t)) {
    // Defaults a CRD gained after the object was stored apply to it when read, as upstream's
    // decoding of custom resources from storage applies them.
    const view = structuredClone(obj);
    view.apiVersion = apiVersionOf(t);
    applyDefaults(view, t.schema()!, t.resolver);
    return view;
  }
  if (obj.apiVersion === apiVersionOf(t)) return obj;
  if (t.convert) return t.convert.fromStored(obj);
  return { ...obj, apiVersion: apiVersionOf(t) };
}

const withDefaults = new WeakMap<ResourceType, boolean>();

/** Whether a custom resource's schema has defaults to apply to what is read. */
function defaultsOnRead(t: ResourceType): boolean {
  if (!t.custom) return false;
  let has = withDefaults.get(t);
  if (has === undefined) {
    has = mentionsKeyword(t.schema(), "default");
    withDefaults.set(t, has);
  }
  return has;
}

export interface Filter {
  labels: Requirement[];
  fields: FieldRequirement[];
}

export function parseFilter(call: Call): Filter {
  const labels = parseLabelSelector(call.query.get("labelSelector") ?? "");
  const fields = parseFieldSelector(call.query.get("fieldSelector") ?? "");
  for (const f of fields) {
    if (
      f.field !== "metadata.name" && f.field !== "metadata.namespace" &&
      !call.t.fieldSelectors[f.field]
    ) {
      throw badRequest(`field label not supported: ${f.field}`);
    }
  }
  return { labels, fields };
}

export function matches(t: ResourceType, filter: Filter, obj: KubeObject): boolean {
  if (
    filter.labels.length &&
    !matchesLabels(filter.labels, obj.metadata?.labels as Record<string, string> | undefined)
  ) {
    return false;
  }
  if (!filter.fields.length) return true;
  return matchesFields(filter.fields, (f) => {
    if (f === "metadata.name") return String(obj.metadata?.name ?? "");
    if (f === "metadata.namespace") return String(obj.metadata?.namespace ?? "");
    return t.fieldSelectors[f]?.(obj);
  });
}

/** Whether the filter selects the entry; an empty filter selects it without decoding it. */
export function selects(t: ResourceType, filter: Filter, e: Entry): boolean {
  return (!filter.labels.length && !filter.fields.length) || matches(t, filter, e.obj);
}

export async function getObject(svc: RestServices, call: Call): Promise<Entry> {
  const { t, path } = call;
  const entry = await svc.store.get(objectKey(t, path.namespace, path.name));
  if (!entry) throw notFound(refOf(call));
  return entry;
}

/** The `resourceVersion` parameter: undefined when absent or empty; 400 when not a number. */
function resourceVersionParam(call: Call): number | undefined {
  const rv = call.query.get("resourceVersion");
  if (rv === undefined || rv === "") return undefined;
  return parseResourceVersion(rv);
}

/** Bodies from which on a response is gzipped for a client that accepts it (compress.ts). */
export const GZIP_THRESHOLD = 128 * 1024;

/** Bodies of responses worth compressing, until the response is answered. */
const bodies = new WeakMap<Response, string | Uint8Array>();

/** Marks `res` as compressible when its body (given as sent) is large; returns `res`. */
export function compressible(res: Response, body: string | Uint8Array): Response {
  // A string's length in UTF-16 units is at most its UTF-8 byte length: a fair threshold test.
  const size = typeof body === "string" ? body.length : body.byteLength;
  if (size >= GZIP_THRESHOLD) bodies.set(res, body);
  return res;
}

/** Whether `res` was marked compressible (a large body). */
export function isCompressible(res: Response): boolean {
  return bodies.has(res);
}

/** The marked body of `res`, taking the mark off (undefined: not marked). */
export function takeCompressibleBody(res: Response): string | Uint8Array | undefined {
  const body = bodies.get(res);
  bodies.delete(res);
  return body;
}

/**
 * GET of one object: the newest version, or with `resourceVersion=N` one not older than N (the
 * server first catches up to N; 504 when N is beyond anything written).
 */
export async function readObject(svc: RestServices, call: Call): Promise<Entry> {
  const rv = resourceVersionParam(call);
  if (rv !== undefined && rv > 0) await waitForRevision(svc, rv);
  return await getObject(svc, call);
}

const JSON_HEADERS = { "content-type": "application/json" };

export function respondJson(
  body: string | unknown,
  status = 200,
  warnings: string[] = [],
): Response {
  // A whole string body: the HTTP server encodes it natively, knows its length and sends it as
  // one piece (no TextEncoder pass and byte array in JS first). An object a write just stored is
  // answered with the stored text.
  const json = typeof body === "string"
    ? body
    : jsonOfWritten(body as KubeObject) ?? JSON.stringify(body);
  if (!warnings.length) {
    return compressible(new Response(json, { status, headers: JSON_HEADERS }), json);
  }
  const headers: [string, string][] = [["content-type", "application/json"]];
  for (const w of warnings) headers.push(["warning", warningHeader(w)]);
  return compressible(new Response(json, { status, headers }), json);
}

export async function handleGet(svc: RestServices, call: Call): Promise<Response> {
  const entry = await readObject(svc, call);
  if (wantsTable(call.req)) {
    const include = includeObjectOf(call.query.get("includeObject"));
    const obj = viewObject(call.t, entry.obj);
    return respondJson(
      toTable(call.t, [obj], {
        include,
        now: svc.now(),
        listMeta: { resourceVersion: String(entry.rev) },
      }),
    );
  }
  if (wantsPartialMetadata(call.req)) return respondJson(partialMetadata(entry.obj));
  return respondJson(viewJson(call.t, entry));
}

interface ContinueToken {
  /** The revision the list is read at; LATEST: the current one (an inconsistent list). */
  rv: number;
  start: string;
}

/** The revision of a continue token handed out when the original one was compacted away. */
const LATEST = -1;

function encodeContinue(tok: ContinueToken): string {
  return btoa(JSON.stringify({ v: "meta.k8s.io/v1", rv: tok.rv, start: tok.start }));
}

function decodeContinue(s: string): ContinueToken {
  try {
    const v = JSON.parse(atob(s));
    if (
      typeof v.rv !== "number" || typeof v.start !== "string" || (v.rv <= 0 && v.rv !== LATEST)
    ) {
      throw new Error("bad");
    }
    return { rv: v.rv, start: v.start };
  } catch {
    throw badRequest("continue key is not valid: illegal base64 data or format");
  }
}

async function waitForRevision(svc: RestServices, rev: number) {
  if (rev <= svc.cache.rev) return;
  if (rev > svc.store.datastore.currentRevision()) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), 3000));
    const res = await Promise.race([svc.cache.waitFor(rev), gaveUp]);
    clearTimeout(timer);
    if (res === "timeout") {
      const asked = rev > Number.MAX_SAFE_INTEGER ? BigInt(rev) : rev;
      throw timeout(`Too large resource version: ${asked}, current: ${svc.cache.rev}`);
    }
  } else await svc.cache.waitFor(rev);
}

export interface ListPage {
  objs: Entry[];
  rev: number;
  continueToken?: string;
  remaining?: number;
}

/** One page of a list, honouring limit/continue/resourceVersion semantics. */
export async function listPage(svc: RestServices, call: Call, filter: Filter): Promise<ListPage> {
  const { t, query } = call;
  const prefix = typePrefix(t, call.path.namespace);
  const limit = query.int("limit") ?? 0;
  if (limit < 0) throw badRequest("limit must not be negative");
  const cont = query.get("continue");
  const rvParam = query.get("resourceVersion");
  const match = query.get("resourceVersionMatch");
  if (match && !["Exact", "NotOlderThan"].includes(match)) {
    throw badRequest(`resourceVersionMatch must be "Exact" or "NotOlderThan", not "${match}"`);
  }
  if (cont) {
    if (rvParam) throw badRequest("specifying resource version is not allowed when using continue");
    const tok = decodeContinue(cont);
    if (tok.rv === LATEST) {
      // The caller took the inconsistent remainder: the rest as of now, consistent from here.
      await svc.cache.fresh();
      return await listFromStore(
        svc,
        call,
        filter,
        prefix,
        svc.cache.rev,
        prefix + tok.start,
        limit,
      );
    }
    if (tok.rv < svc.store.datastore.compactedRevision()) {
      // As upstream: a token to the remainder as of now comes with the 410, should the caller
      // accept a list that may not be one snapshot.
      const e = expired(INCONSISTENT_CONTINUE);
      e.continueToken = encodeContinue({ rv: LATEST, start: tok.start });
      throw e;
    }
    return await listFromStore(svc, call, filter, prefix, tok.rv, prefix + tok.start, limit);
  }
  const rv = resourceVersionParam(call);
  if (match && rv === undefined) {
    throw badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
  }
  if (match === "Exact" && rv !== undefined && rv > 0) {
    return await listFromStore(svc, call, filter, prefix, rv, undefined, limit);
  }
  if (rv === undefined) await svc.cache.fresh();
  else if (rv > 0) await waitForRevision(svc, rv);
  const rev = svc.cache.rev;
  const all = svc.cache.list(prefix);
  const out: Entry[] = [];
  let i = 0;
  for (; i < all.length; i++) {
    const e = all[i]!;
    if (!selects(t, filter, e)) continue;
    if (limit && out.length === limit) break;
    out.push(e);
  }
  const page: ListPage = { objs: out, rev };
  if (limit && i < all.length && rev > 0) {
    const last = out[out.length - 1];
    if (last) {
      page.continueToken = encodeContinue({ rv: rev, start: last.key.slice(prefix.length) });
      if (!filter.labels.length && !filter.fields.length) page.remaining = all.length - i;
    }
  }
  return page;
}

async function listFromStore(
  svc: RestServices,
  call: Call,
  filter: Filter,
  prefix: string,
  rev: number,
  startAfter: string | undefined,
  limit: number,
): Promise<ListPage> {
  const out: Entry[] = [];
  let after = startAfter;
  let more = true;
  let remaining = 0;
  try {
    if (rev < svc.store.datastore.compactedRevision()) throw expiredList();
    while (more && (!limit || out.length < limit)) {
      const want = limit ? Math.max(limit - out.length, 1) : 0;
      const res = await svc.store.datastore.list(prefix, {
        revision: rev,
        limit: want,
        ...(after ? { startAfter: after } : {}),
      });
      for (const kv of res.items) {
        const e = new Entry(kv);
        if (selects(call.t, filter, e)) out.push(e);
        after = kv.key;
      }
      more = res.more;
      remaining = res.remaining;
      if (!limit) break;
    }
  } catch (e) {
    throw storeError(e, refOf(call, ""));
  }
  const page: ListPage = { objs: out, rev };
  if (more && after) {
    page.continueToken = encodeContinue({ rv: rev, start: after.slice(prefix.length) });
    if (!filter.labels.length && !filter.fields.length) page.remaining = remaining;
  }
  return page;
}

const CONTINUE_TOO_OLD = "The provided continue parameter is too old to display a consistent " +
  "list result. You can start a new list without the continue parameter";

const INCONSISTENT_CONTINUE = `${CONTINUE_TOO_OLD}, or use the continue token in this response ` +
  "to retrieve the remainder of the results. Continuing with the provided token results in an " +
  "inconsistent list - objects that were created, modified, or deleted between the time the " +
  "first chunk was returned and now may show up in the list.";

function expiredList() {
  return expired(`${CONTINUE_TOO_OLD}.`);
}

export async function handleList(svc: RestServices, call: Call): Promise<Response> {
  const filter = parseFilter(call);
  const page = await listPage(svc, call, filter);
  const listMeta: Record<string, unknown> = { resourceVersion: String(page.rev) };
  if (page.continueToken) listMeta.continue = page.continueToken;
  if (page.remaining !== undefined) listMeta.remainingItemCount = page.remaining;
  const { t } = call;
  if (wantsTable(call.req)) {
    const include = includeObjectOf(call.query.get("includeObject"));
    const objs = page.objs.map((e) => viewObject(t, e.obj));
    return respondJson(toTable(t, objs, { include, now: svc.now(), listMeta }), 200, call.warnings);
  }
  if (wantsPartialMetadata(call.req)) {
    return respondJson(
      {
        kind: "PartialObjectMetadataList",
        apiVersion: "meta.k8s.io/v1",
        metadata: listMeta,
        items: page.objs.map((e) => partialMetadata(e.obj)),
      },
      200,
      call.warnings,
    );
  }
  const head = JSON.stringify({
    kind: t.listKind,
    apiVersion: apiVersionOf(t),
    metadata: listMeta,
  });
  const body = `${head.slice(0, -1)},"items":[${page.objs.map((e) => viewJson(t, e)).join(",")}]}`;
  return respondJson(body, 200, call.warnings);
}
