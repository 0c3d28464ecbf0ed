/**
 * Times as Kubernetes serializes `metav1.Time`: RFC 3339 in UTC with whole seconds
 * (`2024-05-01T10:00:00Z`). Every write stamps one or two of them, and they change once a second:
 * the last one made is kept and reused.
 */
let lastSecond = NaN;
let lastText = "";

/** `d` as RFC 3339 with whole seconds (fractions are truncated, as upstream). */
export function rfc3339Seconds(d: Date): string {
  const ms = d.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const iso = new Date(second * 1000).toISOString();
    // toISOString gives `…T10:00:00.000Z`; years outside 0000-9999 have a sign and six digits.
    lastText = `${iso.slice(0, -5)}Z`;
    lastSecond = second;
  }
  return lastText;
}
