/**
 * The HTTP surface: one handler answers the health probes, authenticates, sends resource paths
 * straight to the generic resource dispatcher and the other fixed paths (version, metrics,
 * discovery, OpenAPI) to Hono (routes.ts, loaded on first use), turns every error into a
 * `Status` and records metrics. Resource requests skip Hono's routing and context: they are
 * nearly all the traffic.
 */
import {
  ApiError,
  forbidden,
  internalError,
  noAcceptableMediaType,
  unauthorized,
} from "../../api/status.ts";
import type { Logger } from "../../api/log.ts";
import type { Authenticator, Authorizer, RequestAttributes, UserInfo } from "../auth/types.ts";
import type { RestServices } from "../rest/context.ts";
import { handleResourceRequest } from "../rest/dispatch.ts";
import { isCompressible, respondJson } from "../rest/read.ts";
import { splitRequestUrl } from "../rest/request.ts";
import { warningHeader } from "../rest/warning.ts";
import type { OpenApiCache } from "./openapi.ts";
import type { Metrics } from "./metrics.ts";
import { lazily } from "./lazy.ts";
import { healthResponse } from "./health.ts";

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
  /** The service-account token issuer, for its OpenID discovery documents (absent: 404). */
  serviceAccountIssuer?: {
    issuer: string;
    jwks(): Promise<{ keys: Record<string, unknown>[] }>;
  };
  /** Whether the server is ready (store loaded, defaults created). */
  ready(): boolean;
}

/** Paths anyone may read, as upstream's system:public-info-viewer allows. */
const PUBLIC = new Set(["/healthz", "/livez", "/readyz", "/version"]);

function statusResponse(e: ApiError): Response {
  const res = respondJson(e.toStatus(), e.code);
  // As upstream: clients (client-go) wait this long and retry a 429 or 5xx by themselves.
  const after = e.details?.retryAfterSeconds;
  if (after && after > 0) res.headers.set("retry-after", String(after));
  for (const w of e.warnings ?? []) res.headers.append("warning", warningHeader(w));
  return res;
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

/** Whether an Accept header takes the JSON kno answers in (protobuf-accepting clients decode
 * by the response's Content-Type). Others go through negotiate.ts. */
function acceptsJson(accept: string): boolean {
  return accept.includes("json") || accept.includes("*/*") || accept.includes("application/*") ||
    accept.includes("protobuf");
}

function acceptsYaml(accept: string): boolean {
  return accept.split(",").some((part) => part.split(";")[0]!.trim() === "application/yaml");
}

function isApiPath(path: string): boolean {
  return path === "/api" || path === "/apis" || path.startsWith("/api/") ||
    path.startsWith("/apis/");
}

/** Whether a request asks to act as another user (`kubectl --as`): the handler loads
 * auth/impersonation.ts only then. Extras alone do not count (upstream refuses them; kno
 * ignores them, which grants nothing). */
function asksImpersonation(headers: Headers): boolean {
  return headers.has("impersonate-user") || headers.has("impersonate-group") ||
    headers.has("impersonate-uid");
}

/** Non-resource requests (discovery, OpenAPI, /metrics…) need the authorizer's yes too. */
async function authorizePath(
  authorizer: Authorizer,
  user: UserInfo,
  method: string,
  path: string,
): Promise<void> {
  const verb = method === "HEAD" ? "get" : method.toLowerCase();
  const attrs: RequestAttributes = {
    user,
    verb,
    resourceRequest: false,
    apiGroup: "",
    apiVersion: "",
    resource: "",
    subresource: "",
    namespace: "",
    name: "",
    path,
  };
  if (!(await authorizer.authorize(attrs)).allowed) {
    throw forbidden(`forbidden: User "${user.username}" cannot ${verb} path "${path}"`);
  }
}

/**
 * The server's fetch handler: health probes, authentication, the resource dispatcher for
 * resource paths and Hono for the other fixed ones, every error as a `Status`, metrics and the
 * request log.
 */
export function createHandler(opts: AppOptions): (req: Request) => Promise<Response> {
  const routes = lazily(async () => (await import("./routes.ts")).createFixedRoutes(opts));
  const fixed = async (req: Request) => (await routes()).fetch(req);
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
    let inYaml = false;
    try {
      const probe = healthResponse(req.method, url.path, url.search, opts.ready);
      if (probe) res = probe;
      else if (isPublic(url.path)) res = await fixed(req);
      else {
        let user = await opts.authenticator.authenticate(req);
        if (!user) throw unauthorized();
        // As upstream, the answer's media type is settled before anything is done.
        const accept = req.headers.get("accept");
        if (accept && !acceptsJson(accept) && isApiPath(url.path)) {
          if (!acceptsYaml(accept)) throw noAcceptableMediaType();
          inYaml = true;
        }
        if (asksImpersonation(req.headers)) {
          const { impersonatedUser } = await import("../auth/impersonation.ts");
          user = await impersonatedUser(req.headers, user, svc.authorizer);
        }
        if (isResourcePath(url.path)) res = await handleResourceRequest(svc, req, url, user);
        else {
          await authorizePath(svc.authorizer, user, req.method, url.path);
          res = await fixed(req);
        }
      }
    } catch (err) {
      res = failed(err);
    }
    if (inYaml) res = await (await import("./negotiate.ts")).answerInYaml(res);
    // Only large bodies are looked at again (no extra await on the common path).
    if (isCompressible(res)) {
      res = await (await import("../rest/compress.ts")).negotiateEncoding(req, res);
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
