import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { acceptsGzip } from "./compress.ts";
import { GZIP_THRESHOLD } from "./read.ts";
import { configMap, startTestApi } from "../testing_helper.ts";

Deno.test("acceptsGzip reads Accept-Encoding tokens and their quality", () => {
  assert.equal(acceptsGzip("gzip"), true);
  assert.equal(acceptsGzip("deflate, gzip;q=0.5"), true);
  assert.equal(acceptsGzip("GZIP"), true);
  assert.equal(acceptsGzip("*"), true);
  assert.equal(acceptsGzip("gzip;q=0"), false);
  assert.equal(acceptsGzip("br, deflate"), false);
  assert.equal(acceptsGzip(""), false);
  assert.equal(acceptsGzip(null), false);
});

Deno.test("large responses go gzipped to clients that accept it; small ones and others as they are", async () => {
  const t = await startTestApi();
  try {
    const CMS = "/api/v1/namespaces/default/configmaps";
    for (let i = 0; i < 40; i++) {
      const r = await t.post(CMS, configMap(`big-${i}`, { payload: "x".repeat(4000) }));
      assert.equal(r.status, 201, r.text);
    }
    const plain = await t.fetch(CMS, { headers: { "accept-encoding": "identity" } });
    const plainText = await plain.text();
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.ok(plainText.length >= GZIP_THRESHOLD, `list is ${plainText.length} bytes`);

    const zipped = await t.fetch(CMS, { headers: { "accept-encoding": "gzip, deflate" } });
    assert.equal(zipped.headers.get("content-encoding"), "gzip");
    const raw = new Uint8Array(await zipped.arrayBuffer());
    assert.equal(Number(zipped.headers.get("content-length")), raw.byteLength);
    assert.ok(raw.byteLength * 10 < plainText.length, `${raw.byteLength} of ${plainText.length}`);
    assert.equal(new TextDecoder().decode(gunzipSync(raw)), plainText);
    assert.match(String(zipped.headers.get("vary")), /Accept-Encoding/);

    const small = await t.fetch(`${CMS}/big-0`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(small.headers.get("content-encoding"), null);
    assert.equal(JSON.parse(await small.text()).metadata.name, "big-0");
  } finally {
    await t.stop();
  }
});
