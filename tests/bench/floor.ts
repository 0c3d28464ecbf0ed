/**
 * The floor server (floor_server.ts) as a child process: a bare `Deno.serve` over TLS that
 * commits each POST to SQLite and answers each GET with a constant object. It runs beside kno,
 * idle but for the rounds that load it (rounds.ts).
 */
import { join } from "node:path";

export interface FloorServer {
  /** https://127.0.0.1:<port>/ */
  url: string;
  stop(): Promise<void>;
}

/** Starts the floor server with a serving certificate and key (PEM) for 127.0.0.1. */
export async function startFloor(
  o: { dir: string; cert: string; key: string },
): Promise<FloorServer> {
  const dir = await Deno.makeTempDir({ dir: o.dir, prefix: "kno-bench-floor-" });
  await Deno.writeTextFile(join(dir, "tls.crt"), o.cert);
  await Deno.writeTextFile(join(dir, "tls.key"), o.key);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./floor_server.ts", import.meta.url).pathname,
      join(dir, "tls.crt"),
      join(dir, "tls.key"),
      join(dir, "floor.db"),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  let port: string | undefined;
  try {
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    port = /^listening (\d+)/.exec(new TextDecoder().decode(value ?? new Uint8Array()))?.[1];
    if (!port) throw new Error("the floor server did not start");
    reader.releaseLock();
    child.stdout.cancel().catch(() => {});
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `https://127.0.0.1:${port}/`, stop };
}
