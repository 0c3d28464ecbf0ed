/**
 * `/metrics` in the Prometheus text format: request counts and latency histogram, store
 * revision, cached objects, watchers, process memory.
 */
import { sqliteStoreStats } from "../../datastore/mod.ts";
import type { RestServices } from "../rest/context.ts";

/** Commit counters of the datastore, where its driver keeps them (SQLite). */
function storeWrites(svc: RestServices): { commits: number; ops: number } | undefined {
  try {
    return sqliteStoreStats(svc.store.datastore);
  } catch {
    return undefined;
  }
}

const BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

export class Metrics {
  requests = new Map<string, number>();
  buckets = new Array<number>(BUCKETS_MS.length + 1).fill(0);
  sumMs = 0;
  count = 0;

  observe(method: string, code: number, ms: number) {
    const key = `${method}|${code}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let i = 0;
    while (i < BUCKETS_MS.length && ms > BUCKETS_MS[i]!) i++;
    this.buckets[i]!++;
    this.sumMs += ms;
    this.count++;
  }
}

export function renderMetrics(m: Metrics, svc: RestServices): string {
  const lines: string[] = [];
  lines.push("# HELP apiserver_request_total Requests served, by verb and HTTP code.");
  lines.push("# TYPE apiserver_request_total counter");
  for (const [key, n] of m.requests) {
    const [verb, code] = key.split("|");
    lines.push(`apiserver_request_total{verb="${verb}",code="${code}"} ${n}`);
  }
  lines.push("# HELP apiserver_request_duration_seconds Request latency.");
  lines.push("# TYPE apiserver_request_duration_seconds histogram");
  let cum = 0;
  BUCKETS_MS.forEach((b, i) => {
    cum += m.buckets[i]!;
    lines.push(`apiserver_request_duration_seconds_bucket{le="${b / 1000}"} ${cum}`);
  });
  cum += m.buckets[BUCKETS_MS.length]!;
  lines.push(`apiserver_request_duration_seconds_bucket{le="+Inf"} ${cum}`);
  lines.push(`apiserver_request_duration_seconds_sum ${m.sumMs / 1000}`);
  lines.push(`apiserver_request_duration_seconds_count ${m.count}`);
  const writes = storeWrites(svc);
  if (writes) {
    lines.push("# HELP kno_storage_commits_total Write transactions committed (group commit).");
    lines.push("# TYPE kno_storage_commits_total counter");
    lines.push(`kno_storage_commits_total ${writes.commits}`);
    lines.push("# HELP kno_storage_writes_total Writes those transactions carried.");
    lines.push("# TYPE kno_storage_writes_total counter");
    lines.push(`kno_storage_writes_total ${writes.ops}`);
  }
  const stats = svc.cache.stats();
  lines.push("# TYPE kno_storage_revision gauge");
  lines.push(`kno_storage_revision ${svc.store.datastore.currentRevision()}`);
  lines.push("# TYPE kno_watch_cache_objects gauge");
  lines.push(`kno_watch_cache_objects ${stats.objects}`);
  lines.push("# TYPE kno_watchers gauge");
  lines.push(`kno_watchers ${stats.watchers}`);
  const mem = Deno.memoryUsage();
  lines.push("# TYPE process_resident_memory_bytes gauge");
  lines.push(`process_resident_memory_bytes ${mem.rss}`);
  lines.push("# TYPE kno_heap_used_bytes gauge");
  lines.push(`kno_heap_used_bytes ${mem.heapUsed}`);
  return lines.join("\n") + "\n";
}
