import assert from "node:assert/strict";
import { warningHeader } from "./warning.ts";

/** client-go's reading of a warning: the quoted text, backslash escapes undone, UTF-8 decoded. */
function clientReads(header: string): string {
  const m = /^299 - "((?:[^"\\]|\\.)*)"$/s.exec(header);
  assert.ok(m, header);
  const bytes = Uint8Array.from(m[1]!.replace(/\\(.)/gs, "$1"), (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

Deno.test("warning header: quoted as upstream, readable back by a client", () => {
  assert.equal(warningHeader('unknown field "spec.x"'), '299 - "unknown field \\"spec.x\\""');
  for (
    const text of [
      "plain",
      'unknown field "a\\b"',
      "ümlaut and € and 😀",
      'quote " backslash \\ end\\',
    ]
  ) assert.equal(clientReads(warningHeader(text)), text);
  // Control characters cannot be in a header: spelled out instead.
  assert.equal(
    clientReads(warningHeader('unknown field "a\nb\u0000"')),
    'unknown field "a\\u000ab\\u0000"',
  );
});

Deno.test("warning header: every value is one a Response accepts", () => {
  const texts = ["a\r\nb", "\u007f\u0085", "\ud800 lone surrogate", "tab\there", "€".repeat(100)];
  for (const text of texts) {
    const h = new Headers([["warning", warningHeader(text)]]);
    assert.ok(h.get("warning")?.startsWith("299 - "));
  }
});
