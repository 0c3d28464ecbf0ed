import assert from "node:assert/strict";
import { openLibc } from "../libc.ts";
import { listeningInodes, setListenerNoDelay } from "./nodelay.ts";

const TABLE =
  `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0
`;

Deno.test("listeningInodes picks the LISTEN rows of one port", () => {
  assert.deepEqual(listeningInodes(TABLE, 8080), ["1111"]);
  assert.deepEqual(listeningInodes(TABLE, 8081), ["3333"]);
  assert.deepEqual(listeningInodes(TABLE, 9000), []);
  assert.deepEqual(listeningInodes("", 8080), []);
});

/** TCP_NODELAY of this process's sockets connected on `port` (the accepted side). */
function acceptedNoDelay(port: number): number[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const line of Deno.readTextFileSync("/proc/net/tcp").split("\n").slice(1)) {
    const c = line.trim().split(/\s+/);
    if (c.length >= 10 && c[3] === "01" && c[1]!.endsWith(`:${hexPort}`)) inodes.add(c[9]!);
  }
  const libc = openLibc({
    getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  });
  try {
    const out: number[] = [];
    for (const e of Deno.readDirSync("/proc/self/fd")) {
      let target = "";
      try {
        target = Deno.readLinkSync(`/proc/self/fd/${e.name}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m || !inodes.has(m[1]!)) continue;
      const value = new Int32Array(1);
      const len = new Uint32Array([4]);
      const rc = libc.symbols.getsockopt(
        Number(e.name),
        6,
        1,
        new Uint8Array(value.buffer),
        new Uint8Array(len.buffer),
      );
      assert.equal(rc, 0);
      out.push(value[0]!);
    }
    return out;
  } finally {
    libc.close();
  }
}

Deno.test("a listener with TCP_NODELAY passes it on to the connections it accepts", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  try {
    assert.equal(setListenerNoDelay(port), 1);
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    const accepted = await listener.accept();
    try {
      assert.deepEqual(acceptedNoDelay(port), [1]);
    } finally {
      client.close();
      accepted.close();
    }
  } finally {
    listener.close();
  }
});

Deno.test("setListenerNoDelay throws when this process does not listen on the port", () => {
  assert.throws(() => setListenerNoDelay(1), /no listening socket/);
});
