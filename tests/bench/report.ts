/** The `api` suite's readable report and its targets (PASS/FAIL). */
import type { ApiBenchResult } from "./api.ts";
import type { LoadResult } from "./load.ts";
import { bytes, ms, pct, rate, table } from "./stats.ts";

export interface Target {
  name: string;
  target: string;
  actual: string;
  /** undefined when the measurement was not made (e.g. no 16-client level). */
  pass?: boolean;
  /** The same measure on the bare Deno.serve floor (floor.ts), when it was measured. */
  floor?: string;
}

const MB = 1024 * 1024;

/**
 * The issue's targets, evaluated at 16 clients (or the closest level measured). Latencies come
 * from the h2load run when there was one: with the client's own cost small, they are the server's.
 */
export function targets(r: ApiBenchResult): Target[] {
  const wanted = 16;
  const levels: { clients: number; create: LoadResult; get: LoadResult }[] = Array.isArray(r.h2load)
    ? r.h2load
    : r.ops;
  const client = Array.isArray(r.h2load) ? "h2load" : "Deno fetch";
  const at =
    [...levels].sort((a, b) => Math.abs(a.clients - wanted) - Math.abs(b.clients - wanted))[0];
  const c = at ? `${at.clients} clients (${client})` : "n/a";
  const rounds = Array.isArray(r.h2load) ? r.h2load : [];
  const floorAt = (clients: number | undefined) => rounds.find((f) => f.clients === clients);
  const fl = floorAt(at?.clients);
  const out: Target[] = [
    {
      name: "start to /readyz (fresh data dir, median)",
      target: "< 1 s",
      actual: ms(r.ready.freshMedianMs),
      pass: r.ready.freshMedianMs < 1000,
    },
    {
      name: "idle RSS",
      target: "< 60 MB",
      actual: bytes(r.rss.idleBytes),
      pass: r.rss.idleBytes < 60 * MB,
    },
    {
      name: `GET p99 at ${c}`,
      target: "< 5 ms",
      actual: at ? ms(at.get.latency.p99Ms) : "n/a",
      ...(at ? { pass: at.get.latency.p99Ms < 5 && at.get.errors === 0 } : {}),
      ...(fl ? { floor: ms(fl.floorGet.latency.p99Ms) } : {}),
    },
    {
      name: `durable create p99 at ${c}`,
      target: "< 20 ms",
      actual: at ? ms(at.create.latency.p99Ms) : "n/a",
      ...(at ? { pass: at.create.latency.p99Ms < 20 && at.create.errors === 0 } : {}),
      ...(fl ? { floor: ms(fl.floorCreate.latency.p99Ms) } : {}),
    },
  ];
  for (const ref of r.reference) {
    out.push({
      name: `API create rate (${client}) / raw durable SQLite at ${ref.clients} client(s)`,
      target: ">= 40 %",
      actual: pct(ref.fractionOfRawSqlite),
      pass: ref.fractionOfRawSqlite >= 0.4,
      ...(floorAt(ref.clients) ? { floor: pct(floorAt(ref.clients)!.floorVsRaw) } : {}),
    });
  }
  return out;
}

function loadRow(op: string, l: LoadResult): string[] {
  return [
    op,
    String(l.clients),
    String(l.ops),
    ms(l.latency.p50Ms),
    ms(l.latency.p99Ms),
    ms(l.latency.maxMs),
    rate(l.opsPerSecond),
    String(l.errors),
    String(l.retries),
  ];
}

export function renderReport(r: ApiBenchResult): string {
  const out: string[] = [];
  const t = targets(r);
  const client = Array.isArray(r.h2load) ? "h2load" : "Deno fetch";
  const o = r.options;
  out.push(
    `kno API benchmark: ${r.machine.cpus} CPUs, Linux ${r.machine.kernel}, Deno ${r.machine.deno}`,
    `data dirs under ${r.machine.dir}; ConfigMaps with ${o.valueBytes} bytes of data; ` +
      `one HTTPS connection per client (Deno fetch, HTTP/2 by ALPN, keep-alive)`,
    "",
    "Start-up (process spawn to /readyz 200)",
    `  fresh data dir: median ${ms(r.ready.freshMedianMs)}  (runs: ${
      r.ready.freshMs.map(ms).join(", ")
    })`,
    `  restart:        median ${ms(r.ready.restartMedianMs)}  (runs: ${
      r.ready.restartMs.map(ms).join(", ")
    })`,
    "",
    "Memory (VmRSS of the server process)",
    `  idle after start:                 ${bytes(r.rss.idleBytes)}`,
    `    of which anonymous (V8 heap, malloc, stacks) ${bytes(r.rss.idle.anonBytes)}, ` +
      `other files (libc...) ${bytes(r.rss.idle.otherFileBytes)},`,
    `    the runtime executable (code and data) ${bytes(r.rss.idle.runtimeBinaryBytes)}, ` +
      `of Deno's cache files ${bytes(r.rss.idle.denoCacheBytes)} (mapped by the deno CLI only)`,
    `  idle after ${r.rss.objectsStored} objects stored: ${bytes(r.rss.afterObjectsBytes)}`,
    `  peak during the run (VmHWM):      ${bytes(r.rss.peakBytes)}`,
    "",
    "Idle writes (/proc/<pid>/io over the idle window)",
    `  after start:       write_bytes ${bytes(r.idleWrites.idle.writeBytesPerSecond)}/s, ` +
      `wchar ${bytes(r.idleWrites.idle.wcharPerSecond)}/s over ${
        r.idleWrites.idle.seconds.toFixed(1)
      } s`,
    `  after ${r.rss.objectsStored} objects: write_bytes ${
      bytes(r.idleWrites.afterObjects.writeBytesPerSecond)
    }/s, wchar ${bytes(r.idleWrites.afterObjects.wcharPerSecond)}/s over ${
      r.idleWrites.afterObjects.seconds.toFixed(1)
    } s`,
    "",
    "Storage writes per object write (/proc/<pid>/io write_bytes over creates and updates: WAL",
    "frames of 4 KiB pages, checkpoints; concurrent writes share pages in one commit)",
    `  fill of ${r.fill.ops} creates from ${r.fill.clients} clients: ${
      bytes(r.writeBytes.fillPerCreate)
    } per create`,
    ...r.writeBytes.perWriteAt.map((w) =>
      `  creates and updates from ${w.clients} client(s):${
        " ".repeat(Math.max(1, 4 - String(w.clients).length))
      }${bytes(w.bytes)} per write`
    ),
    "",
    `Requests (get: one object; list: a namespace of ${o.listNamespaceSize}; update: PUT of the ` +
      "last-read copy, re-read and retried on 409)",
    "  Deno fetch keeps Nagle's algorithm on its connections (hyper's connector does not set",
    "  TCP_NODELAY), so some of its requests wait ~40 ms for a delayed ACK: the ~44 ms p99 and max",
    "  here are the client's, not the server's (the h2load tables below have none).",
  );
  const rows = [loadRow(`create (fill of ${r.fill.ops})`, r.fill)];
  for (const a of r.ops) {
    rows.push(
      loadRow("create", a.create),
      loadRow("get", a.get),
      loadRow("list", a.list),
      loadRow("update", a.update),
    );
  }
  out.push(
    table(["op", "clients", "ops", "p50", "p99", "max", "throughput", "errors", "409s"], rows),
  );
  const errs = [r.fill, ...r.ops.flatMap((a) => [a.create, a.get, a.list, a.update])]
    .filter((l) => l.firstError);
  for (const l of errs) out.push(`  first error at ${l.clients} client(s): ${l.firstError}`);

  out.push(
    "",
    "The same creates and GETs from h2load (C, HTTP/2, one connection per client), in paired",
    "rounds: kno creates, floor creates, raw durable SQLite, kno GETs, floor GETs, back to back.",
    "The floor is a bare Deno.serve over TLS with no API machinery (a POST commits its body as",
    "the same two rows as kno and the raw loop, in one durable SQLite transaction; a GET answers a",
    "constant ConfigMap): what the runtime and the disk cost before kno adds anything; floor/raw",
    "is the most any HTTP server on this runtime and disk could reach at that concurrency.",
    "Rows: the round with the median p99; ratios: medians of per-round ratios",
    "(kno/floor: the share of the floor's create rate kno keeps, i.e. what its API work costs).",
  );
  if (!Array.isArray(r.h2load)) out.push(`  skipped: ${r.h2load.skipped}`);
  else {
    out.push(
      "  create: POST of a ConfigMap with generateName; get: the objects created, random order",
      table(
        ["op", "server", "clients", "ops", "p50", "p99", "max", "throughput", "errors"],
        r.h2load.flatMap((a) => [
          ["create", "kno", ...loadRow("", a.create).slice(1, 8)],
          ["create", "floor", ...loadRow("", a.floorCreate).slice(1, 8)],
          ["get", "kno", ...loadRow("", a.get).slice(1, 8)],
          ["get", "floor", ...loadRow("", a.floorGet).slice(1, 8)],
        ]),
      ),
      table(
        [
          "clients",
          "rounds",
          "kno creates/s",
          "floor creates/s",
          "raw SQLite/s",
          "kno/raw",
          "floor/raw",
          "kno/floor",
        ],
        r.h2load.map((a) => [
          String(a.clients),
          String(a.rounds.length),
          `${rate(a.createPerSecond)} (${
            a.rounds.map((x) => rate(x.knoCreate.opsPerSecond)).join(", ")
          })`,
          rate(a.floorCreatePerSecond),
          `${rate(a.rawPerSecond)} (${a.rounds.map((x) => rate(x.rawPerSecond)).join(", ")})`,
          pct(a.createVsRaw),
          pct(a.floorVsRaw),
          pct(a.createVsFloor),
        ]),
      ),
    );
    const all = r.h2load.flatMap((a) =>
      a.rounds.flatMap((x) => [x.knoCreate, x.floorCreate, x.knoGet, x.floorGet])
    );
    for (const l of all.filter((l) => l.firstError)) {
      out.push(`  first error at ${l.clients} client(s): ${l.firstError}`);
    }
  }

  const b = r.bigList;
  out.push(
    "",
    `List of ${b.objects} objects in one namespace (${bytes(b.bytes)} of JSON), one client`,
    table(["list", "runs", "p50", "p99", "max"], [
      ["full", String(b.full.count), ms(b.full.p50Ms), ms(b.full.p99Ms), ms(b.full.maxMs)],
      [
        `all pages of limit=${b.pageSize}`,
        String(b.paged.count),
        ms(b.paged.p50Ms),
        ms(b.paged.p99Ms),
        ms(b.paged.maxMs),
      ],
      ["one page", String(b.page.count), ms(b.page.p50Ms), ms(b.page.p99Ms), ms(b.page.maxMs)],
    ]),
  );
  if (b.firstError) out.push(`  ${b.errors} errors, first: ${b.firstError}`);

  out.push("", `Watch delivery (${o.watchers} watchers on one namespace)`);
  const w = r.watch;
  if ("error" in w) out.push(`  FAILED: ${w.error}`);
  else {
    out.push(
      `  ${w.watchers} watch streams on ${w.connections} HTTP/2 connections, all started ` +
        `(initial-events-end bookmark) in ${ms(w.establishMs)}; ${w.events} creates, one at a time`,
      table(["delay per watcher and event", "p50", "p99", "max"], [
        ["from create sent", ms(w.fromSend.p50Ms), ms(w.fromSend.p99Ms), ms(w.fromSend.maxMs)],
        ["from create acknowledged", ms(w.fromAck.p50Ms), ms(w.fromAck.p99Ms), ms(w.fromAck.maxMs)],
        [
          "until all watchers had it",
          ms(w.allDelivered.p50Ms),
          ms(w.allDelivered.p99Ms),
          ms(w.allDelivered.maxMs),
        ],
      ]),
    );
    if (w.missing || w.errors) {
      out.push(`  missing deliveries: ${w.missing}, errors: ${w.errors} ${w.firstError ?? ""}`);
    }
  }

  out.push(
    "",
    "Durable writes: API creates vs raw node:sqlite (WAL, synchronous=FULL, one transaction " +
      `per write) and ${r.etcd.version ? `etcd ${r.etcd.version}` : "etcd"} (v3 JSON gateway), ` +
      `both clients ${client}; datastore: kno's store in-process, no HTTP` +
      (r.reference.some((x) => x.paired)
        ? "; API and raw SQLite: medians of the paired rounds above"
        : ""),
  );
  if (r.etcd.skipped) out.push(`  etcd skipped: ${r.etcd.skipped}`);
  out.push(table(
    [
      "clients",
      "writes",
      "API creates",
      "datastore",
      "raw SQLite",
      "etcd",
      "API/raw",
      "API/etcd",
      "etcd p99",
    ],
    r.reference.map((x) => [
      String(x.clients),
      String(x.writes),
      rate(x.apiCreatesPerSecond),
      rate(x.datastoreWritesPerSecond),
      rate(x.rawSqliteWritesPerSecond),
      x.etcd ? rate(x.etcd.opsPerSecond) : "n/a",
      pct(x.fractionOfRawSqlite),
      x.fractionOfEtcd !== undefined ? pct(x.fractionOfEtcd) : "n/a",
      x.etcd ? ms(x.etcd.latency.p99Ms) : "n/a",
    ]),
  ));
  for (const x of r.reference) {
    if (x.etcd?.firstError) out.push(`  etcd errors at ${x.clients}: ${x.etcd.firstError}`);
  }

  out.push("", "Targets");
  out.push(table(
    ["target", "wanted", "measured", "result", "floor"],
    t.map((x) => [
      x.name,
      x.target,
      x.actual,
      x.pass === undefined ? "n/a" : x.pass ? "PASS" : "FAIL",
      x.floor ?? "",
    ]),
  ));
  if (Array.isArray(r.h2load)) {
    out.push(
      "  floor: the same measure against the bare Deno.serve server above (no API machinery)",
    );
  }
  return out.join("\n");
}
