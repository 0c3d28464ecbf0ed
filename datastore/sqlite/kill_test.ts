import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openSqliteStore } from "./store.ts";

const writerScript = new URL("./testdata/writer.ts", import.meta.url).pathname;
const repoRoot = new URL("../..", import.meta.url).pathname;

/** Reads "<key> <rev>" lines from the child until `enough` arrived, then SIGKILLs it. */
async function writeUntilKilled(path: string, enough: number): Promise<Map<string, number>> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-lock", writerScript, path, "8"],
    cwd: repoRoot,
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const acked = new Map<string, number>();
  let buffer = "";
  let killed = false;
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const [key, rev] = line.split(" ");
      acked.set(key!, Number(rev));
    }
    if (!killed && acked.size >= enough) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", `writer ended on its own: code ${status.code}`);
  return acked;
}

Deno.test("sqlite: every acknowledged write survives SIGKILL of the writer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kno-kill-" });
  const path = `${dir}/state.db`;
  try {
    const acked = await writeUntilKilled(path, 1500);
    assert.ok(acked.size >= 1500);

    const store = await openSqliteStore({ path });
    try {
      const items = (await store.list("/kill/")).items;
      const stored = new Map(items.map((kv) => [kv.key, kv]));
      for (const [key, rev] of acked) {
        const kv = stored.get(key);
        assert.ok(kv !== undefined, `acknowledged ${key} is missing`);
        assert.equal(kv.modRevision, rev);
        assert.equal(kv.value, key.replace(/^\/kill\/(\d+)\/(\d+)$/, "value-$1-$2"));
      }
      const revs = items.map((kv) => kv.modRevision).sort((a, b) => a - b);
      assert.equal(new Set(revs).size, revs.length);
      assert.deepEqual(revs, Array.from({ length: revs.length }, (_, i) => i + 1));
      assert.equal(store.currentRevision(), revs.length);
      const next = await store.create("/after-kill", "v");
      assert.equal(next.modRevision, revs.length + 1);
    } finally {
      await store.close();
    }

    const db = new DatabaseSync(path, { readOnly: true });
    try {
      assert.equal(db.prepare("PRAGMA integrity_check").get()?.integrity_check, "ok");
      const orphans = db.prepare(
        "SELECT count(*) AS n FROM current c LEFT JOIN log l ON l.rev = c.rev WHERE l.rev IS NULL",
      ).get();
      assert.equal(orphans?.n, 0);
    } finally {
      db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
