/**
 * The benchmark still runs: `tests/bench/main.ts api` end to end with tiny sizes (its own server,
 * raw SQLite, and etcd when installed), checked through its JSON output.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO } from "../harness.ts";
import { etcdInstalled } from "./etcd.ts";
import { h2loadInstalled } from "./h2load.ts";

const MAIN = join(REPO, "tests", "bench", "main.ts");

async function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

interface Load {
  clients: number;
  ops: number;
  errors: number;
  opsPerSecond: number;
  latency: { p50Ms: number; p99Ms: number };
}

Deno.test("bench with an unknown or missing suite prints usage and exits 2", async () => {
  const unknown = await bench(["nope"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown suite "nope"/);
  assert.match(unknown.stderr, /usage: deno task bench <suite>/);
  const none = await bench([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no suite given/);
  const badFlag = await bench(["api", "--objects", "many"]);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /--objects wants a positive integer/);
});

Deno.test("bench api runs every measurement at tiny sizes and writes its numbers as JSON", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kno-bench-smoke-" });
  try {
    const json = join(dir, "result.json");
    const r = await bench([
      "api",
      "--json",
      json,
      "--dir",
      dir,
      "--objects",
      "50",
      "--watchers",
      "5",
      "--watchers-per-connection",
      "2",
      "--watch-events",
      "3",
      "--idle-seconds",
      "1",
      "--clients",
      "1,4",
      "--ops",
      "20",
      "--list-ops",
      "5",
      "--list-namespace-size",
      "10",
      "--big-list-runs",
      "2",
      "--page-size",
      "20",
      "--ready-runs",
      "1",
      "--h2load-gets",
      "40",
      "--rounds",
      "2",
    ]);
    assert.equal(r.code, 0, r.stderr);
    for (
      const heading of [
        "Start-up",
        "Memory",
        "Idle writes",
        "Storage writes per object write",
        "Requests",
        "List of 50",
        "Watch",
        "Targets",
      ]
    ) {
      assert.ok(r.stdout.includes(heading), `report lacks "${heading}":\n${r.stdout}`);
    }
    assert.match(r.stdout, /(PASS|FAIL)/);

    const res = JSON.parse(await Deno.readTextFile(json));
    assert.equal(res.suite, "api");
    assert.equal(res.ready.freshMs.length, 1);
    assert.equal(res.ready.restartMs.length, 1);
    assert.ok(res.ready.freshMedianMs > 0);
    assert.ok(res.rss.idleBytes > 1024 * 1024, `idle RSS ${res.rss.idleBytes}`);
    const parts = res.rss.idle;
    const sum = parts.anonBytes + parts.runtimeBinaryBytes + parts.denoCacheBytes +
      parts.otherFileBytes;
    assert.ok(parts.anonBytes > 0 && parts.runtimeBinaryBytes > 0, JSON.stringify(parts));
    assert.ok(Math.abs(sum - res.rss.idleBytes) < 0.1 * res.rss.idleBytes, "the parts add up");
    assert.ok(res.rss.afterObjectsBytes > 1024 * 1024);
    assert.ok(res.idleWrites.idle.seconds >= 1);
    assert.ok(res.idleWrites.idle.writeBytesPerSecond >= 0);
    // Every durable write puts at least one 4 KiB WAL page on the disk.
    assert.ok(res.writeBytes.fillPerCreate > 0, JSON.stringify(res.writeBytes));
    assert.deepEqual(res.writeBytes.perWriteAt.map((w: { clients: number }) => w.clients), [1, 4]);
    assert.ok(res.writeBytes.perWriteAt[0].bytes >= 4096, JSON.stringify(res.writeBytes));

    assert.equal(res.fill.ops, 50);
    assert.equal(res.fill.errors, 0, res.fill.firstError);
    assert.deepEqual(res.ops.map((o: { clients: number }) => o.clients), [1, 4]);
    for (const level of res.ops) {
      for (const op of ["create", "get", "list", "update"]) {
        const l: Load = level[op];
        assert.equal(l.errors, 0, `${op} at ${level.clients}: ${JSON.stringify(l)}`);
        assert.equal(l.ops, op === "list" ? 5 : 20);
        assert.ok(l.opsPerSecond > 0 && l.latency.p99Ms >= l.latency.p50Ms);
      }
    }

    const withH2load = await h2loadInstalled();
    if (withH2load) {
      assert.deepEqual(res.h2load.map((o: { clients: number }) => o.clients), [1, 4]);
      for (const level of res.h2load) {
        assert.equal(level.rounds.length, 2);
        for (const round of level.rounds) {
          for (
            const [op, n] of [
              ["knoCreate", 20],
              ["floorCreate", 20],
              ["knoGet", 40],
              ["floorGet", 40],
            ] as const
          ) {
            const l: Load = round[op];
            assert.equal(l.errors, 0, `h2load ${op} at ${level.clients}: ${JSON.stringify(l)}`);
            assert.equal(l.ops, n);
            assert.ok(l.opsPerSecond > 0 && l.latency.p99Ms >= l.latency.p50Ms);
          }
          assert.ok(round.rawPerSecond > 0);
        }
        assert.ok(level.createVsRaw > 0 && level.floorVsRaw > 0 && level.createVsFloor > 0);
      }
      assert.ok(r.stdout.includes("from h2load"));
      assert.ok(res.reference.every((x: { paired: boolean }) => x.paired));
    } else assert.match(res.h2load.skipped, /h2load not installed/);

    assert.equal(res.bigList.errors, 0, res.bigList.firstError);
    assert.equal(res.bigList.full.count, 2);
    assert.equal(res.bigList.page.count, 2 * 3, "50 objects in pages of 20 is 3 pages a pass");

    assert.equal(res.watch.error, undefined);
    assert.equal(res.watch.connections, 3);
    assert.equal(res.watch.missing, 0);
    assert.equal(res.watch.fromSend.count, 5 * 3);
    assert.equal(res.watch.allDelivered.count, 3);

    const withEtcd = await etcdInstalled();
    assert.equal(res.reference.length, 2);
    for (const ref of res.reference) {
      assert.ok(ref.rawSqliteWritesPerSecond > 0 && ref.datastoreWritesPerSecond > 0);
      assert.ok(ref.fractionOfRawSqlite > 0);
      if (withEtcd) {
        assert.equal(ref.etcd.errors, 0, ref.etcd.firstError);
        assert.equal(ref.etcd.ops, 20);
        assert.ok(ref.fractionOfEtcd > 0);
      }
    }
    if (!withEtcd) assert.match(res.etcd.skipped, /etcd not installed/);
    assert.ok(Array.isArray(res.targets) && res.targets.length >= 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
