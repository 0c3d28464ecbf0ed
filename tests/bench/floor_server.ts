/**
 * The floor under the API server: `Deno.serve` over TLS with no API machinery. A GET answers a
 * constant ConfigMap; a POST commits its body to node:sqlite in one transaction (WAL,
 * synchronous=FULL) as the same two rows kno's store writes for a create and the raw SQLite loop
 * writes (a current-state row and a log row, kno's own schema and statements), and answers 201
 * with it. Run by floor.ts under the same h2load load
 * as kno, it shows what the runtime and the disk cost before kno adds anything. Like kno, it
 * sets TCP_NODELAY on its listener, so neither waits on Nagle.
 *
 * Usage: deno run -A tests/bench/floor_server.ts <cert file> <key file> <db file>
 * It listens on a free loopback port and prints `listening <port>` on stdout.
 */
import { DatabaseSync } from "node:sqlite";
import { migrations, pragmas, statements } from "../../datastore/sqlite/dialect.ts";
import { setListenerNoDelay } from "../../server/http/nodelay.ts";

const [certFile, keyFile, dbFile] = Deno.args;
if (!certFile || !keyFile || !dbFile) {
  throw new Error("usage: floor_server.ts <cert file> <key file> <db file>");
}
const db = new DatabaseSync(dbFile);
for (const pragma of pragmas) db.exec(pragma);
for (const migration of migrations) db.exec(migration);
const insertCurrent = db.prepare(statements.insertCurrent);
const insertLog = db.prepare(statements.insertLog);
// The file is new for each run; resuming after its rows keeps a reused one working.
let rev = Number(db.prepare(statements.maxRevision).get()?.rev ?? 0);

const encoder = new TextEncoder();
const configMap = encoder.encode(JSON.stringify({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "cm-floor",
    namespace: "default",
    uid: crypto.randomUUID(),
    resourceVersion: "1",
    creationTimestamp: new Date().toISOString(),
    labels: { app: "kno-bench" },
  },
  data: { payload: "v".repeat(300), generation: "0" },
}));
const headers = { "content-type": "application/json" };

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  cert: Deno.readTextFileSync(certFile),
  key: Deno.readTextFileSync(keyFile),
  onListen: ({ port }) => {
    setListenerNoDelay(port);
    // The parent waits for this line on stdout.
    Deno.stdout.writeSync(encoder.encode(`listening ${port}\n`));
  },
}, async (req) => {
  if (req.method === "POST") {
    const body = await req.text();
    const key = `/floor/configmaps/${++rev}`;
    db.exec("BEGIN IMMEDIATE");
    insertCurrent.run(key, rev, rev);
    insertLog.run(rev, key, rev, 0, 0, body);
    db.exec("COMMIT");
    return new Response(encoder.encode(body), { status: 201, headers });
  }
  return new Response(configMap, { headers });
});
