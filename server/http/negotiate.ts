/**
 * YAML responses for clients that accept YAML and not JSON (upstream serves `application/yaml`
 * for every non-streaming response). app.ts settles the media type before the request runs
 * (406 for one kno does not speak) and calls this on the way out.
 */

/** `res` (a JSON response) re-encoded as YAML; watch streams stay JSON. */
export async function answerInYaml(res: Response): Promise<Response> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json") || type.includes("stream=watch")) return res;
  const { stringify } = await import("yaml");
  const body = JSON.parse(await res.text());
  const headers = new Headers(res.headers);
  headers.set("content-type", "application/yaml");
  headers.delete("content-length");
  // YAML 1.1 quoting, as Go's encoder writes: timestamps and yes/no stay strings to any reader.
  return new Response(stringify(body, { version: "1.1" }), { status: res.status, headers });
}
