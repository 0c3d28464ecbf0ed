/**
 * Kill-test child: writes keys as fast as it can with several concurrent writers and prints
 * "<key> <revision>" for each write once it is acknowledged (durable). Runs until killed.
 * Usage: deno run -A writer.ts <db path> <writers>
 */
import { openSqliteStore } from "../store.ts";

const [path, writersArg] = Deno.args;
if (path === undefined) throw new Error("usage: writer.ts <db path> [writers]");
const writers = Number(writersArg ?? "8");
const store = await openSqliteStore({ path });
const encoder = new TextEncoder();

await Promise.all(Array.from({ length: writers }, async (_, w) => {
  for (let i = 0;; i++) {
    const kv = await store.create(`/kill/${w}/${i}`, `value-${w}-${i}`);
    Deno.stdout.writeSync(encoder.encode(`${kv.key} ${kv.modRevision}\n`));
  }
}));
