/**
 * `/healthz`, `/livez` and `/readyz` (GET or HEAD, no token) as the API server answers them:
 * `ok`; with `?verbose` one line per check (`[+]etcd ok`) and the verdict; `/readyz/<check>` asks
 * one check; `?exclude=<check>` leaves checks out. A failing endpoint answers 500 with the whole
 * list, failing checks marked `[-]<check> failed: reason withheld`, as upstream withholds them.
 * kno's checks keep upstream's names, which scripts and load balancers ask for: the store is
 * `etcd`, the watch cache being loaded is `informer-sync`.
 */
const ENDPOINTS: Record<string, string[]> = {
  healthz: ["ping", "log", "etcd"],
  livez: ["ping", "log", "etcd"],
  readyz: ["ping", "log", "etcd", "etcd-readiness", "informer-sync", "shutdown"],
};

const PLAIN_TEXT = { "content-type": "text/plain; charset=utf-8" };

/** The probe's answer, or undefined when `path` is not a health endpoint or check. */
export function healthResponse(
  method: string,
  path: string,
  search: string,
  ready: () => boolean,
): Response | undefined {
  // Asked for every request: anything else leaves before any work.
  if (!path.startsWith("/healthz") && !path.startsWith("/livez") && !path.startsWith("/readyz")) {
    return undefined;
  }
  if (method !== "GET" && method !== "HEAD") return undefined;
  const [, endpoint, check, ...rest] = path.split("/");
  const checks = ENDPOINTS[endpoint ?? ""];
  if (!checks || rest.length > 0 || (check !== undefined && !checks.includes(check))) {
    return undefined;
  }
  const passes = (name: string) => name !== "informer-sync" || ready();
  const reply = (status: number, body: string) =>
    new Response(method === "HEAD" ? null : body, { status, headers: PLAIN_TEXT });
  if (check) {
    return passes(check)
      ? reply(200, "ok")
      : reply(500, "internal server error: reason withheld\n");
  }
  const query = new URLSearchParams(search);
  const excluded = new Set(query.getAll("exclude").flatMap((e) => e.split(",")));
  const failed = checks.filter((c) => !excluded.has(c) && !passes(c));
  const verbose = query.has("verbose");
  if (failed.length === 0 && !verbose) return reply(200, "ok");
  const lines = checks.map((c) =>
    excluded.has(c)
      ? `[+]${c} excluded: ok`
      : passes(c)
      ? `[+]${c} ok`
      : `[-]${c} failed: reason withheld`
  );
  const unknown = [...excluded].filter((e) => e && !checks.includes(e));
  if (unknown.length) {
    lines.push(
      `warn: some health checks cannot be excluded: no matches for ${
        unknown.map((u) => `"${u}"`).join(",")
      }`,
    );
  }
  lines.push(`${endpoint} check ${failed.length ? "failed" : "passed"}`);
  return reply(failed.length ? 500 : 200, lines.join("\n") + "\n");
}
