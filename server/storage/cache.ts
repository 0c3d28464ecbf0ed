/**
 * The watch cache: every object of the store held in memory, kept current by one datastore watch,
 * with a window of recent events. Lists, gets and watches are served from here; only continue
 * pages and exact-revision reads go to the datastore.
 *
 * The window is what a watch can resume from; older resourceVersions get 410 Expired and the
 * client re-lists, as upstream. It keeps the events of the last few minutes (at least 100, at
 * most 10,000): every MODIFIED or DELETED event in it holds the previous version of its object,
 * so a count alone would let a churning cluster (node status, leases, pods) hold thousands of
 * stale objects. Watchers that ask for bookmarks get one every 30 s, so their resourceVersions
 * stay well inside it.
 */
import {
  ClosedError,
  CompactedError,
  type Datastore,
  type KeyValue,
  type WatchEvent,
} from "../../datastore/mod.ts";
import type { Logger } from "../../api/log.ts";
import { expired, internalError } from "../../api/status.ts";
import type { KubeObject } from "../registry/types.ts";
import { decodeValue, valueHead, withResourceVersion } from "./value.ts";

/**
 * One immutable object version, made from the JSON the datastore holds. Nothing is decoded until
 * asked for: most versions are written and replaced without anything looking into them, and their
 * JSON for clients (GETs, lists, watch events) is the stored text with the resourceVersion added
 * (value.ts). The object is decoded on first use of `obj` (selectors, tables, writes). An unread
 * version costs only its string. Never mutate `obj`: clone before changing it.
 */
export class Entry {
  readonly key: string;
  readonly rev: number;
  readonly createRev: number;
  /** The stored JSON, until the object or its JSON for clients is made from it. */
  #value: string | undefined;
  #obj: KubeObject | undefined;
  #json: string | undefined;
  /** The apiVersion read from the stored text, while the object is not decoded. */
  #apiVersion: string | undefined;

  /** The version `kv` holds, at `kv.modRevision`. */
  constructor(kv: KeyValue) {
    this.key = kv.key;
    this.rev = kv.modRevision;
    this.createRev = kv.createRevision;
    this.#value = kv.value;
  }

  get obj(): KubeObject {
    if (this.#obj === undefined) {
      this.#obj = this.#json !== undefined
        ? JSON.parse(this.#json) as KubeObject
        : decodeValue(this.#value!, this.rev);
      this.#value = undefined;
    }
    return this.#obj;
  }

  /** The object's JSON with its resourceVersion, made once, shared by every response and watcher. */
  get json(): string {
    if (this.#json === undefined) {
      const head = this.#obj === undefined ? valueHead(this.#value!) : undefined;
      this.#json = head
        ? withResourceVersion(this.#value!, head, this.rev)
        : JSON.stringify(this.obj);
      this.#value = undefined;
    }
    return this.#json;
  }

  /** The object's apiVersion, read from the stored text while the object is not decoded. */
  get apiVersion(): unknown {
    if (this.#obj !== undefined) return this.#obj.apiVersion;
    // Asked once per watcher and event: the text is read once.
    if (this.#apiVersion === undefined) {
      const head = valueHead(this.#json ?? this.#value!);
      if (!head) return this.obj.apiVersion;
      this.#apiVersion = head.apiVersion;
    }
    return this.#apiVersion;
  }
}

export type CacheEventType = "ADDED" | "MODIFIED" | "DELETED";

const EVENT_TYPES: Record<WatchEvent["type"], CacheEventType> = {
  create: "ADDED",
  update: "MODIFIED",
  delete: "DELETED",
};

export interface CacheEvent {
  type: CacheEventType;
  entry: Entry;
  prev?: Entry;
  rev: number;
}

/**
 * The type prefix of a key: `/registry/<group>/<resource>/`, up to its fourth slash (every key
 * objectKey makes has one; anything shorter is its own prefix).
 */
export function typePrefixOf(key: string): string {
  let slash = 0;
  for (let n = 0; n < 3 && slash >= 0; n++) slash = key.indexOf("/", slash + 1);
  return slash < 0 ? key : key.slice(0, slash + 1);
}

/**
 * The listener group of a subscription prefix: the type prefix it lies under, or "" when it is
 * shorter than one (it may then see events of any type).
 */
function listenerGroup(prefix: string): string {
  const t = typePrefixOf(prefix + "x");
  return t.endsWith("/") && prefix.startsWith(t) ? t : "";
}

/** How much history the window keeps. */
export interface WindowOptions {
  /** Events kept at most, however recent (default 10,000). */
  maxEvents?: number;
  /** Events kept at least, however old (default 100). */
  minEvents?: number;
  /** Events older than this are dropped beyond `minEvents` (default 5 minutes). */
  maxAgeMs?: number;
}

type Listener = (events: CacheEvent[]) => void;

interface Subscription {
  prefix: string;
  fn: Listener;
  /** The cache stopped or lost history: the subscriber must end (its client re-lists). */
  onClose?: () => void;
}

interface Bucket {
  items: Map<string, Entry>;
  sorted: string[] | undefined;
}

export class WatchCache {
  #store: Datastore;
  #log: Logger;
  #buckets = new Map<string, Bucket>();
  #rev = 0;
  /** Recent events, oldest first, each with when it arrived (ms on `#clock`). */
  #window: { ev: CacheEvent; at: number }[] = [];
  #limits: Required<WindowOptions>;
  #clock: () => number;
  #waiters: { rev: number; resolve: () => void }[] = [];
  /** Subscriptions by the type prefix their prefix lies under ("" for shorter prefixes). */
  #listeners = new Map<string, Set<Subscription>>();
  #listenerCount = 0;
  #stopped = false;

  constructor(
    store: Datastore,
    logger: Logger,
    options: WindowOptions & { clock?: () => number } = {},
  ) {
    this.#store = store;
    this.#log = logger.with({ component: "watch-cache" });
    this.#limits = {
      maxEvents: options.maxEvents ?? 10_000,
      minEvents: options.minEvents ?? 100,
      maxAgeMs: options.maxAgeMs ?? 5 * 60_000,
    };
    this.#clock = options.clock ?? (() => performance.now());
  }

  get rev(): number {
    return this.#rev;
  }

  /** Loads everything, then follows the datastore until the signal aborts. */
  async start(signal: AbortSignal): Promise<void> {
    const all = await this.#store.list("/registry/");
    for (const kv of all.items) {
      this.#set(new Entry(kv));
    }
    this.#rev = all.revision;
    this.#log.info("watch cache loaded", { objects: all.items.length, rev: all.revision });
    this.#follow(signal);
  }

  #followDone: Promise<void> = Promise.resolve();

  #follow(signal: AbortSignal) {
    this.#followDone = (async () => {
      while (!signal.aborted) {
        try {
          for await (
            const batch of this.#store.watch("/registry/", { afterRevision: this.#rev, signal })
          ) {
            this.#apply(batch);
          }
          break; // the datastore closed its watch: it is closing
        } catch (e) {
          if (signal.aborted || e instanceof ClosedError) break;
          this.#log.warn("datastore watch ended; resuming", { error: String(e), rev: this.#rev });
          if (e instanceof CompactedError) await this.#resync();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      this.#stopped = true;
      // Nobody may wait on a cache that no longer moves: release waiters (they re-check and fail).
      for (const w of this.#waiters.splice(0)) w.resolve();
      this.#closeListeners();
    })();
  }

  /** Lost history (compacted past our revision): reload everything; watchers must re-list. */
  async #resync() {
    const all = await this.#store.list("/registry/");
    this.#buckets.clear();
    for (const kv of all.items) {
      this.#set(new Entry(kv));
    }
    this.#rev = all.revision;
    this.#window = [];
    this.#closeListeners();
  }

  #closeListeners() {
    const all = [...this.#listeners.values()];
    this.#listeners.clear();
    this.#listenerCount = 0;
    for (const set of all) for (const l of set) l.onClose?.();
  }

  /** Resolves when the follower has stopped (after the start signal aborted). */
  stopped(): Promise<void> {
    return this.#followDone;
  }

  #bucket(prefix: string): Bucket {
    let b = this.#buckets.get(prefix);
    if (!b) this.#buckets.set(prefix, b = { items: new Map(), sorted: undefined });
    return b;
  }

  #set(e: Entry) {
    const b = this.#bucket(typePrefixOf(e.key));
    if (!b.items.has(e.key)) b.sorted = undefined;
    b.items.set(e.key, e);
  }

  #apply(batch: WatchEvent[]) {
    const events: CacheEvent[] = [];
    for (const ev of batch) {
      const key = ev.kv.key;
      const b = this.#bucket(typePrefixOf(key));
      const prev = b.items.get(key);
      const entry = new Entry(ev.kv);
      if (ev.type === "delete") {
        b.items.delete(key);
        b.sorted = undefined;
      } else {
        if (!prev) b.sorted = undefined;
        b.items.set(key, entry);
      }
      const ce: CacheEvent = { type: EVENT_TYPES[ev.type], entry, rev: ev.kv.modRevision };
      if (prev) ce.prev = prev;
      events.push(ce);
      this.#rev = Math.max(this.#rev, ev.kv.modRevision);
    }
    const now = this.#clock();
    for (const ev of events) this.#window.push({ ev, at: now });
    this.#trimWindow(now);
    if (this.#listenerCount > 0) this.#notify(events);
    if (this.#waiters.some((w) => w.rev <= this.#rev)) {
      const due = this.#waiters.filter((w) => w.rev <= this.#rev);
      this.#waiters = this.#waiters.filter((w) => w.rev > this.#rev);
      for (const w of due) w.resolve();
    }
  }

  /**
   * Hands each listener the events under its prefix: only the listeners of the types the batch
   * touched (usually one) are looked at, and those whose prefix is shorter than a type.
   */
  #notify(events: CacheEvent[]) {
    const deliver = (set: Set<Subscription> | undefined, evs: CacheEvent[]) => {
      if (!set) return;
      for (const l of set) {
        const own = (e: CacheEvent) => e.entry.key.startsWith(l.prefix);
        // Usually the whole batch (often one event) is the listener's: no copy then.
        const mine = evs.every(own) ? evs : evs.filter(own);
        if (mine.length) l.fn(mine);
      }
    };
    const first = typePrefixOf(events[0]!.entry.key);
    if (events.every((e) => e.entry.key.startsWith(first))) {
      deliver(this.#listeners.get(first), events);
    } else {
      const byType = new Map<string, CacheEvent[]>();
      for (const e of events) {
        const t = typePrefixOf(e.entry.key);
        const list = byType.get(t);
        if (list) list.push(e);
        else byType.set(t, [e]);
      }
      for (const [t, evs] of byType) deliver(this.#listeners.get(t), evs);
    }
    deliver(this.#listeners.get(""), events);
  }

  /**
   * Drops the events beyond `maxEvents` and those older than `maxAgeMs` (keeping `minEvents`),
   * in batches of at least 64 events or an eighth of the window, so that appending stays cheap.
   * Arrival times only grow along the window, so the first young event is found by bisection.
   */
  #trimWindow(now: number): void {
    const n = this.#window.length;
    const { maxEvents, minEvents, maxAgeMs } = this.#limits;
    let cut = Math.max(0, n - maxEvents);
    let hi = Math.max(cut, n - minEvents);
    while (cut < hi) {
      const mid = (cut + hi) >> 1;
      if (this.#window[mid]!.at < now - maxAgeMs) cut = mid + 1;
      else hi = mid;
    }
    if (cut === 0 || cut < Math.max(64, n >> 3)) return;
    this.#window.splice(0, cut);
  }

  /** Events the window holds (for tests). */
  get windowLength(): number {
    return this.#window.length;
  }

  /** Waits until the cache has applied `rev` (read-your-writes for a freshly committed write). */
  waitFor(rev: number): Promise<void> {
    if (rev <= this.#rev) return Promise.resolve();
    if (this.#stopped) return Promise.reject(internalError("the server is shutting down"));
    return new Promise((resolve, reject) =>
      this.#waiters.push({
        rev,
        resolve: () => (rev <= this.#rev
          ? resolve()
          : reject(internalError("the server is shutting down"))),
      })
    );
  }

  /** Waits until the cache is as current as the datastore. */
  fresh(): Promise<void> {
    return this.waitFor(this.#store.currentRevision());
  }

  get(key: string): Entry | undefined {
    return this.#buckets.get(typePrefixOf(key))?.items.get(key);
  }

  /** Entries under `prefix` (a type prefix, optionally narrowed to a namespace), sorted by key. */
  list(prefix: string): Entry[] {
    const b = this.#buckets.get(typePrefixOf(prefix + "x"));
    if (!b) return [];
    b.sorted ??= [...b.items.keys()].sort();
    const out: Entry[] = [];
    const typePrefix = typePrefixOf(prefix + "x");
    if (prefix === typePrefix) {
      for (const k of b.sorted) out.push(b.items.get(k)!);
      return out;
    }
    let lo = 0;
    let hi = b.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b.sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < b.sorted.length && b.sorted[i]!.startsWith(prefix); i++) {
      out.push(b.items.get(b.sorted[i]!)!);
    }
    return out;
  }

  /**
   * Subscribes to events under `prefix` after `fromRev`: events still in the window are replayed
   * first (synchronously, through `fn`). Older than the window: 410 Expired, as upstream.
   */
  subscribe(prefix: string, fromRev: number, fn: Listener, onClose?: () => void): () => void {
    if (fromRev < this.#rev) {
      const oldest = this.#window[0]?.ev.rev ?? this.#rev + 1;
      if (fromRev < oldest - 1) {
        throw expired(`too old resource version: ${fromRev} (${oldest - 1})`);
      }
      const replay: CacheEvent[] = [];
      for (const { ev } of this.#window) {
        if (ev.rev > fromRev && ev.entry.key.startsWith(prefix)) replay.push(ev);
      }
      if (replay.length) fn(replay);
    }
    const l: Subscription = onClose ? { prefix, fn, onClose } : { prefix, fn };
    if (this.#stopped) {
      onClose?.();
      return () => {};
    }
    const group = listenerGroup(prefix);
    let set = this.#listeners.get(group);
    if (!set) this.#listeners.set(group, set = new Set());
    set.add(l);
    this.#listenerCount++;
    return () => {
      const mine = this.#listeners.get(group);
      if (!mine?.delete(l)) return;
      this.#listenerCount--;
      if (mine.size === 0) this.#listeners.delete(group);
    };
  }

  /** Objects and bytes held, for /metrics. */
  stats(): { objects: number; watchers: number } {
    let objects = 0;
    for (const b of this.#buckets.values()) objects += b.items.size;
    return { objects, watchers: this.#listenerCount };
  }
}
