/**
 * The HTTPS listener (HTTP/2 and HTTP/1.1 by ALPN).
 *
 * On Deno 2.9 the connections `Deno.serve({ cert, key })` accepts keep Nagle's algorithm on, and
 * it writes a response's head and body as separate TLS records, so every response over ~1.5 kB
 * waited ~44 ms for the client's delayed ACK (every list, watch event and OpenAPI document).
 * Two ways round it, in order:
 * - direct: `Deno.serve` terminates TLS itself and TCP_NODELAY is set on its listening socket,
 *   which Linux copies to every accepted connection (nodelay.ts; needs FFI and /proc);
 * - relay, when that is not possible: TLS is terminated by `Deno.listenTls` and the plain bytes
 *   are relayed to `Deno.serve` on a private unix socket (h1 and h2c); the relay writes what the
 *   HTTP server wrote as one TLS record, so nothing waits. It costs an extra copy through JS and
 *   two more hops per request, and the HTTP server does not see the client's address.
 */
import { join } from "node:path";
import type { Logger } from "../../api/log.ts";
import { byteLength } from "../../api/names.ts";
import { setListenerNoDelay } from "./nodelay.ts";

export interface TlsListenerOptions {
  hostname: string;
  port: number;
  cert: string;
  key: string;
  /** A private (0700) directory for the relay's unix socket, `https.sock`, when TLS is relayed. */
  socketDir: string;
  /** Relay even where TCP_NODELAY could be set on the listener (tests of the fallback). */
  forceRelay?: boolean;
  signal: AbortSignal;
  handler: (req: Request) => Response | Promise<Response>;
  logger: Logger;
}

export interface TlsListener {
  /** The TCP port actually bound (useful with port 0). */
  port: number;
  /** How TLS is served: see the module comment. */
  mode: "direct" | "relay";
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
  if (!opts.forceRelay) {
    const direct = await serveDirect(opts, log);
    if (direct) return direct;
  }
  return await serveRelay(opts, log);
}

function onError(log: Logger) {
  return (e: unknown) => {
    log.error("unhandled request error", { error: String(e) });
    return new Response("internal error", { status: 500 });
  };
}

/** `Deno.serve` over TLS with TCP_NODELAY on its listener; undefined when that cannot be set. */
async function serveDirect(
  opts: TlsListenerOptions,
  log: Logger,
): Promise<TlsListener | undefined> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  opts.signal.addEventListener("abort", abort, { once: true });
  let listening!: () => void;
  const ready = new Promise<void>((r) => listening = r);
  const http = Deno.serve({
    hostname: opts.hostname,
    port: opts.port,
    cert: opts.cert,
    key: opts.key,
    signal: stop.signal,
    onListen: () => listening(),
    onError: onError(log),
  }, opts.handler);
  await ready;
  const port = (http.addr as Deno.NetAddr).port;
  try {
    setListenerNoDelay(port);
  } catch (e) {
    log.info("TCP_NODELAY cannot be set on the listener: relaying TLS instead", {
      error: e instanceof Error ? e.message : String(e),
    });
    opts.signal.removeEventListener("abort", abort);
    stop.abort();
    await http.finished;
    return undefined;
  }
  return { port, mode: "direct", finished: http.finished };
}

/**
 * The relay's socket path: in `socketDir`, or in a private temp dir when that path would pass the
 * ~108-byte limit of a unix socket path (a deep data dir).
 */
async function relaySocket(socketDir: string): Promise<{ path: string; tempDir?: string }> {
  const path = join(socketDir, "https.sock");
  if (byteLength(path) <= 100) return { path };
  const tempDir = await Deno.makeTempDir({ prefix: "kno-" });
  return { path: join(tempDir, "https.sock"), tempDir };
}

async function serveRelay(opts: TlsListenerOptions, log: Logger): Promise<TlsListener> {
  const socket = await relaySocket(opts.socketDir);
  const socketPath = socket.path;
  await removeIfExists(socketPath);
  let listening!: () => void;
  const ready = new Promise<void>((r) => listening = r);
  const http = Deno.serve({
    path: socketPath,
    signal: opts.signal,
    onListen: () => listening(),
    onError: onError(log),
  }, opts.handler);
  await ready;
  await Deno.chmod(socketPath, 0o600);

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
      upstream = await Deno.connect({ transport: "unix", path: socketPath });
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
    await removeIfExists(socketPath).catch(() => {});
    if (socket.tempDir) await Deno.remove(socket.tempDir, { recursive: true }).catch(() => {});
  })();
  return { port: (listener.addr as Deno.NetAddr).port, mode: "relay", finished };
}
