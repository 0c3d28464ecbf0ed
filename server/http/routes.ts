/**
 * The fixed paths on Hono: version, metrics, discovery and OpenAPI (the caller authenticates and
 * answers the health probes itself). Loaded on the first request for one of them, so a server
 * nobody has pointed kubectl at yet (an edge box answering only probes and its own agents)
 * does not carry the router (measured: 1-3 MB of RSS for Hono and the npm loader).
 */
import { Hono } from "hono";
import { notAcceptable } from "../../api/status.ts";
import { notFoundPlain } from "../rest/dispatch.ts";
import { compressible, respondJson } from "../rest/read.ts";
import type { AppOptions } from "./app.ts";
import {
  AGGREGATED_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from "./discovery.ts";
import { renderMetrics } from "./metrics.ts";

/**
 * The v2 document's protobuf media type, as upstream answers it: kubectl asks for
 * `…spec.v2@v1.0+protobuf`, but `@` is no token character and Go's media-type parser rejects it
 * in a response, so the answer carries the dotted form (which kubectl also asks for).
 */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
const OPENAPI_V2_PROTOBUF_ASKED = [
  OPENAPI_V2_PROTOBUF,
  "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
];

/** Which form of the v2 document an Accept header asks for; undefined when neither. */
export function openApiV2Format(accept: string): "protobuf" | "json" | undefined {
  const types = accept.split(",").map((t) => t.split(";")[0]!.trim().toLowerCase());
  if (types.some((t) => OPENAPI_V2_PROTOBUF_ASKED.includes(t))) return "protobuf";
  if (accept.trim() === "" || types.some((t) => t === "application/json" || t === "*/*")) {
    return "json";
  }
  return undefined;
}

/** The Hono app of the fixed paths; it throws (unknown paths: a plain 404), the caller answers. */
export function createFixedRoutes(opts: AppOptions): Hono {
  const app = new Hono();
  const svc = opts.services;

  // Errors (a Status to send included) go back to the one handler that turns them into responses.
  app.onError((err) => {
    throw err;
  });
  app.notFound(() => {
    throw notFoundPlain();
  });

  app.get("/version", () => respondJson(opts.version));
  const issuer = opts.serviceAccountIssuer;
  if (issuer) {
    // Service-account token issuer discovery (OIDC), so other parties can verify kno's tokens.
    const cached = { "cache-control": "public, max-age=3600" };
    app.get("/.well-known/openid-configuration", () =>
      new Response(
        JSON.stringify({
          issuer: issuer.issuer,
          jwks_uri: `https://${opts.serverAddress}/openid/v1/jwks`,
          response_types_supported: ["id_token"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["ES256"],
        }),
        { headers: { "content-type": "application/json", ...cached } },
      ));
    app.get("/openid/v1/jwks", async () =>
      new Response(JSON.stringify(await issuer.jwks()), {
        headers: { "content-type": "application/jwk-set+json", ...cached },
      }));
  }
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

  app.get("/openapi/v2", async (c) => {
    const format = openApiV2Format(c.req.header("accept") ?? "");
    if (!format) {
      throw notAcceptable(
        `/openapi/v2 is served as ${OPENAPI_V2_PROTOBUF} or application/json`,
      );
    }
    const body = (await opts.openapi.v2())[format];
    return compressible(
      new Response(body, {
        headers: {
          "content-length": String(body.byteLength),
          "content-type": format === "protobuf" ? OPENAPI_V2_PROTOBUF : "application/json",
        },
      }),
      body,
    );
  });
  app.get("/openapi/v3", async () => respondJson(await opts.openapi.index()));
  app.get("/openapi/v3/*", async (c) => {
    const path = new URL(c.req.url).pathname.slice("/openapi/v3/".length);
    const doc = await opts.openapi.document(path);
    if (!doc) throw notFoundPlain();
    return compressible(
      new Response(doc.bytes, {
        headers: {
          "content-length": String(doc.bytes.byteLength),
          "content-type": "application/json",
          etag: `"${doc.hash}"`,
          "cache-control": "public, immutable",
        },
      }),
      doc.bytes,
    );
  });

  return app;
}
