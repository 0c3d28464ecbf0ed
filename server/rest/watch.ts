/**
 * watch: newline-delimited JSON events pushed from the watch cache, with the upstream
 * resourceVersion semantics, bookmarks, WatchList (`sendInitialEvents`), selectors that turn
 * leaving/entering the selection into DELETED/ADDED, and server-side Tables per event.
 */
import { parseResourceVersion } from "./request.ts";
import { ApiError, badRequest } from "../../api/status.ts";
import { apiVersionOf, type KubeObject, type ResourceType } from "../registry/types.ts";
import { type CacheEvent, Entry } from "../storage/cache.ts";
import { typePrefix } from "../storage/objects.ts";
import type { Call, RestServices } from "./context.ts";
import { type Filter, parseFilter, selects, viewJson, viewObject } from "./read.ts";
import {
  includeObjectOf,
  partialMetadata,
  toTable,
  wantsPartialMetadata,
  wantsTable,
} from "./table.ts";

const BOOKMARK_EVERY_MS = 30_000;
const DEFAULT_TIMEOUT_S = 1800;
/** A client this far behind (events queued) is cut off; it will re-list. */
const MAX_QUEUED_EVENTS = 100_000;

type EventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

type Frames = Partial<Record<EventType, Uint8Array>>;

/**
 * Encoded event frames by the resource type they show an entry as (its view: the stored JSON,
 * another version's conversion, a custom resource defaulted on read) and by immutable cache
 * entry, collected with either: every plain watcher of one view encodes an event once.
 */
const FRAMES = new WeakMap<ResourceType, WeakMap<Entry, Frames>>();

export function handleWatch(svc: RestServices, call: Call): Response {
  const { t, query } = call;
  const filter: Filter = parseFilter(call);
  const rvParam = query.get("resourceVersion") ?? "";
  if (rvParam !== "") parseResourceVersion(rvParam);
  const sendInitial = query.get("sendInitialEvents");
  const match = query.get("resourceVersionMatch");
  const bookmarks = query.bool("allowWatchBookmarks");
  if (sendInitial !== undefined) {
    if (match !== "NotOlderThan") {
      throw badRequest(
        "sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan",
      );
    }
  } else if (match) throw badRequest("resourceVersionMatch is forbidden for watch");
  const initial = sendInitial === "true" ||
    (sendInitial === undefined && (rvParam === "" || rvParam === "0"));
  const markEnd = sendInitial === "true";
  const timeoutS = Math.min(query.int("timeoutSeconds") ?? DEFAULT_TIMEOUT_S, 24 * 3600);
  const table = wantsTable(call.req);
  const metadataOnly = wantsPartialMetadata(call.req);
  const include = includeObjectOf(query.get("includeObject"));
  const now = () => svc.now();
  const enc = new TextEncoder();
  const prefix = typePrefix(t, call.path.namespace);

  const frame = (type: EventType, objJson: string) =>
    enc.encode(`{"type":"${type}","object":${objJson}}\n`);
  let viewFrames = FRAMES.get(t);
  if (!viewFrames) FRAMES.set(t, viewFrames = new WeakMap());
  /** An event's bytes, encoded once and shared by every plain watcher of the same view. */
  const entryFrame = (type: EventType, e: Entry): Uint8Array => {
    if (table || metadataOnly) return frame(type, eventJson(e));
    let frames = viewFrames.get(e);
    if (!frames) viewFrames.set(e, frames = {});
    return frames[type] ??= frame(type, viewJson(t, e));
  };
  const eventJson = (e: Entry | KubeObject): string => {
    const obj = e instanceof Entry ? e.obj : e;
    if (table) return JSON.stringify(toTable(t, [viewObject(t, obj)], { include, now: now() }));
    if (metadataOnly) return JSON.stringify(partialMetadata(obj));
    return e instanceof Entry ? viewJson(t, e) : JSON.stringify(viewObject(t, obj));
  };

  let unsubscribe: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let bookmarkTimer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const onShutdown = () => close();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    svc.shutdown.removeEventListener("abort", onShutdown);
    try {
      controller.close();
    } catch { /* already closed by the client */ }
  };
  const send = (chunk: Uint8Array) => {
    if (closed) return;
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) {
      close();
      return;
    }
    controller.enqueue(chunk);
  };
  const bookmark = (rev: number, end = false) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(rev) };
    if (end) metadata.annotations = { "k8s.io/initial-events-end": "true" };
    send(
      frame(
        "BOOKMARK",
        JSON.stringify(
          metadataOnly
            ? partialMetadata({ metadata })
            : { kind: t.kind, apiVersion: apiVersionOf(t), metadata },
        ),
      ),
    );
  };
  let lastRev = 0;
  const onEvents = (events: CacheEvent[]) => {
    for (const ev of events) {
      lastRev = ev.rev;
      const cur = selects(t, filter, ev.entry);
      const before = ev.type === "MODIFIED" && ev.prev
        ? selects(t, filter, ev.prev)
        : ev.type !== "ADDED" && cur;
      let type: EventType | undefined;
      if (ev.type === "ADDED") type = cur ? "ADDED" : undefined;
      else if (ev.type === "DELETED") type = cur || before ? "DELETED" : undefined;
      else if (cur && before) type = "MODIFIED";
      else if (cur) type = "ADDED";
      else if (before) type = "DELETED";
      if (type) send(entryFrame(type, ev.entry));
    }
  };

  const start = async () => {
    let fromRev: number;
    if (initial) {
      if (rvParam !== "" && rvParam !== "0") await svc.cache.waitFor(Number(rvParam));
      else if (rvParam === "") await svc.cache.fresh();
      fromRev = svc.cache.rev;
      for (const e of svc.cache.list(prefix)) {
        if (selects(t, filter, e)) send(entryFrame("ADDED", e));
      }
      if (markEnd) bookmark(fromRev, true);
    } else fromRev = Number(rvParam);
    lastRev = fromRev;
    unsubscribe = svc.cache.subscribe(prefix, fromRev, onEvents, close);
    if (bookmarks) {
      bookmarkTimer = setInterval(
        () => bookmark(Math.max(lastRev, svc.cache.rev)),
        BOOKMARK_EVERY_MS,
      );
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      timer = setTimeout(close, timeoutS * 1000);
      svc.shutdown.addEventListener("abort", onShutdown);
      start().catch((e) => {
        const status = e instanceof ApiError ? e.toStatus() : {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: String(e),
          reason: "InternalError",
          code: 500,
        };
        send(frame("ERROR", JSON.stringify(status)));
        close();
      });
    },
    cancel() {
      close();
    },
  }, { highWaterMark: 0 });
  const headers = new Headers({
    "content-type": "application/json",
    "cache-control": "no-cache, private",
  });
  return new Response(body, { status: 200, headers });
}
