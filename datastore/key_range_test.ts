import assert from "node:assert/strict";
import { checkKey, checkPrefix, compareKeys, InvalidKeyError, prefixEnd } from "./key_range.ts";

Deno.test("prefixEnd increments the last code point", () => {
  assert.equal(prefixEnd("/a/"), "/a0");
  assert.equal(prefixEnd("a\xff"), "a\u0100");
  assert.equal(prefixEnd("x\ud7ff"), "x\ue000");
  assert.equal(prefixEnd("x\u{10ffff}"), "y");
  assert.equal(prefixEnd("\u{10ffff}\u{10ffff}"), undefined);
  assert.equal(prefixEnd(""), undefined);
  assert.equal(prefixEnd("a\u{1f600}"), "a\u{1f601}");
});

Deno.test("every key under a prefix sorts below its end, others do not", () => {
  const prefix = "/p\xff";
  const end = prefixEnd(prefix)!;
  for (const k of ["/p\xff", "/p\xff\u{10ffff}", "/p\xff\uffff", "/p\xffā", "/p\xff\u{1f600}x"]) {
    assert.ok(compareKeys(k, prefix) >= 0 && compareKeys(k, end) < 0, k);
  }
  for (const k of ["/p\u0100", "/q", "/p\xfe\u{10ffff}"]) {
    assert.ok(!(compareKeys(k, prefix) >= 0 && compareKeys(k, end) < 0), k);
  }
});

Deno.test("compareKeys orders by code point, not UTF-16 unit", () => {
  assert.ok(compareKeys("\uffff", "\u{10000}") < 0);
  assert.ok("\uffff" > "\u{10000}"); // the JS order differs
  assert.equal(compareKeys("abc", "abc"), 0);
  assert.ok(compareKeys("ab", "abc") < 0);
});

Deno.test("checkKey refuses empty, NUL and lone surrogates", () => {
  assert.throws(() => checkKey(""), InvalidKeyError);
  assert.throws(() => checkKey("a\0b"), InvalidKeyError);
  assert.throws(() => checkKey("a\ud800"), InvalidKeyError);
  checkKey("/registry/core/pods/default/x");
  checkPrefix("");
});
