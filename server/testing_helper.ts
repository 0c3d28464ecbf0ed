/**
 * In-process API server for unit tests: `createApiServer` over a real SQLite store in a temp
 * dir, static token auth, requests through `fetch` (no sockets). Every helper consumes or
 * cancels the response body so tests pass `--trace-leaks`.
 */
import { silentLogger } from "../api/log.ts";
import { type Datastore, openDatastore } from "../datastore/mod.ts";
import { type ApiServer, createApiServer } from "./api_server.ts";
import { ADMIN_USER, StaticTokenAuthenticator } from "./auth/token.ts";
import { DefaultPolicyAuthorizer } from "./auth/default_policy.ts";

export const TEST_TOKEN = "t";
export const BASE = "https://kno.test";

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  headers: Headers;
  /** The parsed JSON body (or the text when it is not JSON). */
  body: Json;
  text: string;
}

export interface WatchEvent {
  type: string;
  object: Json;
}

export interface WatchStream {
  status: number;
  /** The Status body when the watch was refused (status is not 200). */
  error?: Json;
  /** The next event; throws when none arrives within `timeoutMs`. */
  next(timeoutMs?: number): Promise<WatchEvent>;
  /** The next event, or undefined when the stream ended (throws on timeout). */
  nextOrEnd(timeoutMs?: number): Promise<WatchEvent | undefined>;
  close(): Promise<void>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A JSON value (encoded), or a string sent as is. */
  body?: unknown;
  contentType?: string;
  token?: string | null;
}

export interface TestApi {
  api: ApiServer;
  store: Datastore;
  dir: string;
  /** Raw fetch with the admin token (the caller owns the body). */
  fetch(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  request(method: string, path: string, opts?: RequestOptions): Promise<Reply>;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  post(path: string, body: unknown, opts?: RequestOptions): Promise<Reply>;
  put(path: string, body: unknown, opts?: RequestOptions): Promise<Reply>;
  /** PATCH with `contentType` (default merge patch). */
  patch(path: string, body: unknown, contentType?: string): Promise<Reply>;
  delete(path: string, body?: unknown): Promise<Reply>;
  watch(path: string, headers?: Record<string, string>): Promise<WatchStream>;
  /** Stops the API server and starts a new one over the same datastore (fresh watch cache). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartTestApiOptions {
  now?: () => Date;
  serviceCIDR?: string;
  /** The cluster CA to publish in every namespace. */
  caPem?: string;
}

/** Polls `fn` until it returns a value other than undefined/false, or fails after the deadline. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, gaveUp]).finally(() => clearTimeout(timer));
}

function watchStream(res: Response): WatchStream {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  let ended = false;
  let pending: Promise<ReadableStreamReadResult<string>> | undefined;
  const readOnce = () => pending ??= reader.read().finally(() => pending = undefined);
  const nextOrEnd = async (timeoutMs = 5000): Promise<WatchEvent | undefined> => {
    for (;;) {
      const nl = buf.indexOf("\n");
      if (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) return JSON.parse(line) as WatchEvent;
        continue;
      }
      if (ended) {
        const rest = buf.trim();
        buf = "";
        return rest ? JSON.parse(rest) as WatchEvent : undefined;
      }
      const { done, value } = await withTimeout(readOnce(), timeoutMs, "a watch event");
      if (done) ended = true;
      else buf += value;
    }
  };
  return {
    status: res.status,
    nextOrEnd,
    async next(timeoutMs) {
      const ev = await nextOrEnd(timeoutMs);
      if (!ev) throw new Error("Watch ended before the expected event");
      return ev;
    },
    async close() {
      await reader.cancel().catch(() => {});
      await pending?.catch(() => {});
    },
  };
}

/** A fresh service-account signing key (PKCS#8 PEM, ECDSA P-256), as `kno __pki` makes one. */
export async function newServiceAccountKeyPem(): Promise<string> {
  const pair = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const b64 = btoa(String.fromCharCode(...der)).match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

export async function startTestApi(options: StartTestApiOptions = {}): Promise<TestApi> {
  const dir = await Deno.makeTempDir({ prefix: "kno-unit-" });
  const store = await openDatastore(`${dir}/state.db`);
  const serviceAccountKeyPem = await newServiceAccountKeyPem();
  const make = () =>
    createApiServer({
      store,
      logger: silentLogger,
      authenticator: new StaticTokenAuthenticator([{ token: TEST_TOKEN, user: ADMIN_USER }]),
      authorizer: new DefaultPolicyAuthorizer(),
      serverAddress: "127.0.0.1:6443",
      serviceCIDR: options.serviceCIDR ?? "10.43.0.0/16",
      clusterDomain: "cluster.local",
      port: 6443,
      serviceAccountKeyPem,
      ...(options.now ? { now: options.now } : {}),
      ...(options.caPem ? { caPem: options.caPem } : {}),
    });
  let api = make();
  let abort = new AbortController();
  try {
    await api.start(abort.signal);
  } catch (e) {
    abort.abort();
    await store.close();
    await Deno.remove(dir, { recursive: true });
    throw e;
  }

  const fetchApi = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token = TEST_TOKEN, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== null) headers.set("authorization", `Bearer ${token}`);
    return api.fetch(new Request(BASE + path, { ...rest, headers }));
  };

  const request = async (method: string, path: string, opts: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] = opts.contentType ?? "application/json";
    }
    const res = await fetchApi(path, {
      method,
      headers,
      token: opts.token === undefined ? TEST_TOKEN : opts.token,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      parsed = { text };
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return {
    get api() {
      return api;
    },
    store,
    dir,
    fetch: fetchApi,
    request,
    get: (path, headers) => request("GET", path, headers ? { headers } : {}),
    post: (path, body, opts) => request("POST", path, { ...opts, body }),
    put: (path, body, opts) => request("PUT", path, { ...opts, body }),
    patch: (path, body, contentType = "application/merge-patch+json") =>
      request("PATCH", path, { body, contentType }),
    delete: (path, body) => request("DELETE", path, body === undefined ? {} : { body }),
    async watch(path, headers) {
      const res = await fetchApi(path, headers ? { headers } : {});
      if (res.status !== 200) {
        const error = JSON.parse(await res.text()) as Json;
        return {
          status: res.status,
          error,
          next: () => Promise.reject(new Error(`Watch refused: ${JSON.stringify(error)}`)),
          nextOrEnd: () => Promise.resolve(undefined),
          close: () => Promise.resolve(),
        };
      }
      return watchStream(res);
    },
    async restart() {
      abort.abort();
      await api.stopped();
      api = make();
      abort = new AbortController();
      await api.start(abort.signal);
    },
    async stop() {
      abort.abort();
      await api.stopped();
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Metadata of a reply's object. */
export function metaOf(o: Json): Json {
  return (o.metadata ?? {}) as Json;
}

/** A minimal pod in `ns`. */
export function pod(name: string, extra: Json = {}): Json {
  const { metadata, spec, ...rest } = extra as { metadata?: Json; spec?: Json };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, ...metadata },
    spec: { containers: [{ name: "c", image: "nginx:1.27" }], ...spec },
    ...rest,
  };
}

export function configMap(name: string, data: Record<string, string> = {}, labels?: Json): Json {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, ...(labels ? { labels } : {}) },
    data,
  };
}

export function deployment(name: string, replicas = 1): Json {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "nginx:1.27" }] },
      },
    },
  };
}
