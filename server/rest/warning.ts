/**
 * The `Warning` response header as the Kubernetes API writes it: `299 - "<text>"`, the text a
 * quoted string whose `"` and `\` are backslash-escaped (what client-go's parser unescapes, so
 * kubectl prints `Warning: unknown field "spec.x"`). Warnings quote what clients sent (unknown
 * field names), so the text may hold anything: control characters, which no header may carry, are
 * spelled `\u000a`; everything else goes as UTF-8 bytes, each carried in one byte-string
 * character as header values are.
 */
const UTF8 = new TextEncoder();

export function warningHeader(text: string): string {
  let quoted = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") quoted += "\\" + ch;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      // An escaped backslash, then the code: the client shows `\u000a`.
      quoted += "\\\\u" + c.toString(16).padStart(4, "0");
    } else if (c < 0x80) quoted += ch;
    else for (const b of UTF8.encode(ch)) quoted += String.fromCharCode(b);
  }
  return `299 - "${quoted}"`;
}
