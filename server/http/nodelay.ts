/**
 * TCP_NODELAY for the connections `Deno.serve` accepts over TLS.
 *
 * Deno 2.9 neither sets TCP_NODELAY on them nor exposes their sockets, and its HTTP server writes
 * a response's head and body as separate TLS records: with Nagle on, the body of every response
 * that does not fit the first segment waits for the client's delayed ACK (~40 ms on Linux).
 * Linux copies TCP_NODELAY from a listening socket to every socket it accepts, so it is enough to
 * set it once on the listener: found here as the process's own file descriptor whose socket inode
 * `/proc/net/tcp{,6}` lists in LISTEN state on the port, and set with libc's `setsockopt` through
 * FFI. Callers fall back to another way when this throws (no FFI permission, no /proc, not glibc).
 */

import { openLibc } from "../libc.ts";

const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const TCP_LISTEN = "0A";

/** Socket inodes listening on `port`, from the `/proc/net/tcp` table format. */
export function listeningInodes(table: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const out: string[] = [];
  for (const line of table.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (cols.length < 10) continue;
    if (cols[3] === TCP_LISTEN && cols[1]!.endsWith(`:${hexPort}`)) out.push(cols[9]!);
  }
  return out;
}

function readTable(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return ""; // no IPv6 in this kernel
    throw e;
  }
}

/** This process's file descriptors of the given socket inodes. */
function ownSocketFds(inodes: Set<string>): number[] {
  const fds: number[] = [];
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    let target: string;
    try {
      target = Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
    } catch {
      continue; // closed while we looked
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m && inodes.has(m[1]!)) fds.push(Number(entry.name));
  }
  return fds;
}

/**
 * Sets TCP_NODELAY on this process's sockets listening on `port`, so that every connection they
 * accept from now on has it. Returns how many listening sockets were changed; throws when none
 * could be.
 */
export function setListenerNoDelay(port: number): number {
  const inodes = new Set([
    ...listeningInodes(readTable("/proc/net/tcp"), port),
    ...listeningInodes(readTable("/proc/net/tcp6"), port),
  ]);
  const fds = ownSocketFds(inodes);
  if (!fds.length) throw new Error(`no listening socket of this process on port ${port}`);
  const libc = openLibc({
    setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  });
  try {
    const one = new Uint8Array(new Int32Array([1]).buffer);
    for (const fd of fds) {
      if (libc.symbols.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, one, one.byteLength) !== 0) {
        throw new Error(`setsockopt(TCP_NODELAY) failed on fd ${fd}`);
      }
    }
    return fds.length;
  } finally {
    libc.close();
  }
}
