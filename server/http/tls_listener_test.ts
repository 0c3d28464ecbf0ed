import assert from "node:assert/strict";
import { join } from "node:path";
import { silentLogger } from "../../api/log.ts";
import { issueTls } from "../pki_issue.ts";
import { listenTls } from "./tls_listener.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

for (const forceRelay of [false, true]) {
  Deno.test(`the TLS listener (${forceRelay ? "relay" : "direct"}) serves HTTP/1.1 and HTTP/2, streams, and shuts down cleanly`, async () => {
    await serveAndCheck(forceRelay);
  });
}

async function serveAndCheck(forceRelay: boolean) {
  const dir = await Deno.makeTempDir({ prefix: "kno-tls-listener-" });
  try {
    const tls = await issueTls(join(dir, "tls"), ["127.0.0.1", "localhost"], silentLogger);
    const big = "x".repeat(64 * 1024);
    const ac = new AbortController();
    const socketPath = join(dir, "https.sock");
    const server = await listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: tls.certPem,
      key: tls.keyPem,
      socketDir: dir,
      forceRelay,
      signal: ac.signal,
      logger: silentLogger,
      handler: async (req) => {
        const url = new URL(req.url);
        if (url.pathname === "/echo") return new Response(await req.text());
        if (url.pathname === "/stream") {
          let n = 0;
          return new Response(
            new ReadableStream({
              pull(c) {
                c.enqueue(new TextEncoder().encode(`line ${n}\n`));
                if (++n === 3) c.close();
              },
            }),
          );
        }
        return new Response(big);
      },
    });
    assert.ok(server.port > 0);
    assert.equal(server.mode, forceRelay ? "relay" : "direct");
    if (forceRelay) {
      assert.ok(await exists(socketPath), "the private HTTP socket exists while serving");
      assert.equal((await Deno.stat(socketPath)).mode! & 0o777, 0o600);
    } else {
      assert.equal(await exists(socketPath), false, "no relay socket when TLS is served directly");
    }
    const base = `https://127.0.0.1:${server.port}`;
    for (const http2 of [false, true]) {
      const client = Deno.createHttpClient({ caCerts: [tls.caCertPem], http1: !http2, http2 });
      try {
        const r = await fetch(`${base}/big`, { client });
        assert.equal(r.status, 200);
        assert.equal((await r.text()).length, big.length);
        const body = "y".repeat(200_000);
        const e = await fetch(`${base}/echo`, { method: "POST", body, client });
        assert.equal(await e.text(), body);
        const s = await fetch(`${base}/stream`, { client });
        assert.equal(await s.text(), "line 0\nline 1\nline 2\n");
      } finally {
        client.close();
      }
    }
    ac.abort();
    await server.finished;
    assert.equal(await exists(socketPath), false, "the socket is removed on shutdown");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the relay puts its socket in a temp dir when the data dir path is too long for one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kno-tls-listener-" });
  try {
    const tls = await issueTls(join(dir, "tls"), ["127.0.0.1"], silentLogger);
    const deep = join(dir, "d".repeat(60), "e".repeat(60));
    await Deno.mkdir(deep, { recursive: true });
    const ac = new AbortController();
    const server = await listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: tls.certPem,
      key: tls.keyPem,
      socketDir: deep,
      forceRelay: true,
      signal: ac.signal,
      logger: silentLogger,
      handler: () => new Response("ok"),
    });
    const client = Deno.createHttpClient({ caCerts: [tls.caCertPem] });
    try {
      const r = await fetch(`https://127.0.0.1:${server.port}/`, { client });
      assert.equal(await r.text(), "ok");
      assert.equal(await exists(join(deep, "https.sock")), false);
    } finally {
      client.close();
      ac.abort();
      await server.finished;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
