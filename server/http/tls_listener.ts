/**
 * The HTTPS listener: TLS is terminated by `Deno.listenTls` (ALPN h2 and http/1.1) with
 * TCP_NODELAY set on every connection, and the plain bytes are relayed to `Deno.serve` on a
 * private unix socket, which speaks HTTP/1.1 and HTTP/2 (prior knowledge) to the fetch handler.
 *
 * Why not `Deno.serve({ cert, key })`: on Deno 2.9 its TLS connections keep Nagle's algorithm on,
 * so every response over ~1.5 kB waited ~44 ms for the client's delayed ACK (a 3 kB answer:
 * 43 ms there, 0.7 ms here). Every list, watch event and OpenAPI document paid it.
 */
import type { Logger } from "../../api/log.ts";

export interface TlsListenerOptions {
  hostname: string;
  port: number;
  cert: string;
  key: string;
  /** The private unix socket between the TLS relay and the HTTP server (in a 0700 directory). */
  socketPath: string;
  signal: AbortSignal;
  handler: (req: Request) => Response | Promise<Response>;
  logger: Logger;
}

export interface TlsListener {
  /** The TCP port actually bound (useful with port 0). */
  port: number;
  /** Resolves once the listener and the HTTP server have stopped. */
  finished: Promise<void>;
}

async function removeIfExists(path: string) {
  try {
    await Deno.remove(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Copies one direction until EOF, then half-closes the other side. A plain read/write loop over
 * one reused buffer: cheaper per chunk than stream piping.
 */
async function pump(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buf = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await from.read(buf);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await to.write(buf.subarray(off, n));
    }
    await to.closeWrite();
  } catch {
    // Either side went away: the relay ends and both are closed by the caller.
  }
}

export async function listenTls(opts: TlsListenerOptions): Promise<TlsListener> {
  const log = opts.logger.with({ component: "https" });
  await removeIfExists(opts.socketPath);
  let listening!: () => void;
  const ready = new Promise<void>((r) => listening = r);
  const http = Deno.serve({
    path: opts.socketPath,
    signal: opts.signal,
    onListen: () => listening(),
    onError: (e) => {
      log.error("unhandled request error", { error: String(e) });
      return new Response("internal error", { status: 500 });
    },
  }, opts.handler);
  await ready;
  await Deno.chmod(opts.socketPath, 0o600);

  const listener = Deno.listenTls({
    hostname: opts.hostname,
    port: opts.port,
    cert: opts.cert,
    key: opts.key,
    alpnProtocols: ["h2", "http/1.1"],
  });
  const conns = new Set<Deno.Conn>();
  const relay = async (conn: Deno.TlsConn) => {
    conns.add(conn);
    let upstream: Deno.UnixConn | undefined;
    try {
      // Nagle off: responses leave at once instead of waiting for the client's delayed ACK.
      (conn as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      upstream = await Deno.connect({ transport: "unix", path: opts.socketPath });
      await Promise.all([pump(conn, upstream), pump(upstream, conn)]);
    } catch (e) {
      log.debug("connection ended", { error: String(e) });
    } finally {
      conns.delete(conn);
      for (const c of [conn, upstream]) {
        try {
          c?.close();
        } catch { /* already closed by its stream */ }
      }
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) relay(conn);
    } catch (e) {
      if (!opts.signal.aborted) log.error("TLS listener failed", { error: String(e) });
    }
  })();
  opts.signal.addEventListener("abort", () => {
    try {
      listener.close();
    } catch { /* closed */ }
  }, { once: true });
  const finished = (async () => {
    await http.finished;
    await accepting;
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    await removeIfExists(opts.socketPath).catch(() => {});
  })();
  return { port: (listener.addr as Deno.NetAddr).port, finished };
}
