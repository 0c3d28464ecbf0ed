/**
 * The HTTP surface: one handler authenticates, sends resource paths straight to the generic
 * resource dispatcher and the fixed paths (health, version, metrics, discovery, OpenAPI) to
 * Hono, turns every error into a `Status` and records metrics. Resource requests skip Hono's
 * routing and context: they are nearly all the traffic.
 */
import { Hono } from "hono";
import { ApiError, internalError, notAcceptable, unauthorized } from "../../api/status.ts";
import type { Logger } from "../../api/log.ts";
import type { Authenticator } from "../auth/types.ts";
import type { RestServices } from "../rest/context.ts";
import { handleResourceRequest, notFoundPlain } from "../rest/dispatch.ts";
import { respondJson } from "../rest/read.ts";
import { splitRequestUrl } from "../rest/request.ts";
import {
  AGGREGATED_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from "./discovery.ts";
import type { OpenApiCache } from "./openapi.ts";
import { type Metrics, renderMetrics } from "./metrics.ts";

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface AppOptions {
  services: RestServices;
  authenticator: Authenticator;
  openapi: OpenApiCache;
  version: VersionInfo;
  serverAddress: string;
  logger: Logger;
  metrics: Metrics;
  /** Whether the server is ready (store loaded, defaults created). */
  ready(): boolean;
}

/** Paths anyone may read, as upstream's system:public-info-viewer allows. */
const PUBLIC = new Set(["/healthz", "/livez", "/readyz", "/version"]);

export function statusResponse(e: ApiError): Response {
  return respondJson(e.toStatus(), e.code);
}

function isPublic(path: string): boolean {
  return PUBLIC.has(path) || path.startsWith("/healthz/") || path.startsWith("/livez/") ||
    path.startsWith("/readyz/");
}

/**
 * Whether a path names resources (`/api/<v>/<resource>...`, `/apis/<g>/<v>/<resource>...`):
 * those go straight to the generic dispatcher; shorter ones are discovery documents.
 */
function isResourcePath(path: string): boolean {
  let slashes = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) slashes++;
  if (path.endsWith("/")) slashes--;
  if (path.startsWith("/api/")) return slashes >= 3;
  if (path.startsWith("/apis/")) return slashes >= 4;
  return false;
}

/**
 * The server's fetch handler: authentication, the resource dispatcher for resource paths and
 * Hono for the fixed ones, every error as a `Status`, metrics and the request log.
 */
export function createHandler(opts: AppOptions): (req: Request) => Promise<Response> {
  const app = createApp(opts);
  const log = opts.logger.with({ component: "http" });
  const svc = opts.services;
  const failed = (err: unknown): Response => {
    if (err instanceof ApiError) return statusResponse(err);
    log.error("request failed", {
      error: err instanceof Error ? err.stack ?? err.message : String(err),
    });
    return statusResponse(internalError(err instanceof Error ? err.message : String(err), err));
  };
  return async (req) => {
    const started = performance.now();
    const url = splitRequestUrl(req.url);
    let res: Response;
    try {
      if (isPublic(url.path)) res = await app.fetch(req);
      else {
        const user = await opts.authenticator.authenticate(req);
        if (!user) throw unauthorized();
        res = isResourcePath(url.path)
          ? await handleResourceRequest(svc, req, url, user)
          : await app.fetch(req);
      }
    } catch (err) {
      res = failed(err);
    }
    const ms = performance.now() - started;
    opts.metrics.observe(req.method, res.status, ms);
    log.debug("request", {
      method: req.method,
      path: url.path,
      status: res.status,
      ms: Math.round(ms * 10) / 10,
    });
    return res;
  };
}

/** The fixed paths: health, version, metrics, discovery and OpenAPI (callers authenticate). */
function createApp(opts: AppOptions): Hono {
  const app = new Hono();
  const svc = opts.services;

  app.onError((err) => {
    if (err instanceof ApiError) return statusResponse(err);
    throw err;
  });
  app.notFound(() => statusResponse(notFoundPlain()));

  const health =
    (name: string, ok: () => boolean) => (c: { text: (s: string, code: 200 | 500) => Response }) =>
      ok() ? c.text("ok", 200) : c.text(`[-]${name} failed: not ready\n${name} check failed`, 500);
  app.get("/healthz", health("healthz", opts.ready));
  app.get("/livez", health("livez", () => true));
  app.get("/readyz", health("readyz", opts.ready));
  app.get("/version", () => respondJson(opts.version));
  app.get(
    "/metrics",
    () =>
      new Response(renderMetrics(opts.metrics, svc), {
        headers: { "content-type": "text/plain; version=0.0.4" },
      }),
  );

  const aggregated = (core: boolean) =>
    new Response(JSON.stringify(aggregatedDiscovery(svc.registry, core)), {
      headers: { "content-type": AGGREGATED_CONTENT_TYPE, vary: "Accept" },
    });
  app.get(
    "/api",
    (c) =>
      wantsAggregated(c.req.raw) ? aggregated(true) : respondJson(apiVersions(opts.serverAddress)),
  );
  app.get(
    "/apis",
    (c) => wantsAggregated(c.req.raw) ? aggregated(false) : respondJson(apiGroupList(svc.registry)),
  );
  app.get("/api/:version{[^/]+}", (c) => {
    const doc = apiResourceList(svc.registry, "", c.req.param("version"));
    if (!doc) throw notFoundPlain();
    return respondJson(doc);
  });
  app.get("/apis/:group{[^/]+}", (c) => {
    const doc = apiGroup(svc.registry, c.req.param("group"));
    if (!doc) throw notFoundPlain();
    return respondJson(doc);
  });
  app.get("/apis/:group{[^/]+}/:version{[^/]+}", (c) => {
    const doc = apiResourceList(svc.registry, c.req.param("group"), c.req.param("version"));
    if (!doc) throw notFoundPlain();
    return respondJson(doc);
  });

  app.get("/openapi/v2", () => {
    throw notAcceptable("only OpenAPI v3 is served: use /openapi/v3");
  });
  app.get("/openapi/v3", async () => respondJson(await opts.openapi.index()));
  app.get("/openapi/v3/*", async (c) => {
    const path = new URL(c.req.url).pathname.slice("/openapi/v3/".length);
    const doc = await opts.openapi.document(path);
    if (!doc) throw notFoundPlain();
    return new Response(doc.bytes, {
      headers: {
        "content-length": String(doc.bytes.byteLength),
        "content-type": "application/json",
        etag: `"${doc.hash}"`,
        "cache-control": "public, immutable",
      },
    });
  });

  return app;
}
