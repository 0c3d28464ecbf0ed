/**
 * The API server as one object: registry, watch cache, REST handlers, controllers and the HTTP
 * app over a datastore. `server/run.ts` adds TLS, files and the CLI around it; tests use it
 * in-process through `fetch`.
 */
import type { Logger } from "../api/log.ts";
import { builtinResolver } from "../api/schema/table.ts";
import type { Datastore } from "../datastore/mod.ts";
import type { Authenticator, Authorizer } from "./auth/types.ts";
import { CrdController } from "./controllers/crd.ts";
import { NamespaceController } from "./controllers/namespace.ts";
import { NamespaceDefaultsController } from "./controllers/namespace_defaults.ts";
import { createHandler, type VersionInfo } from "./http/app.ts";
import { Metrics } from "./http/metrics.ts";
import { OpenApiCache } from "./http/openapi.ts";
import {
  crdExpressionCauses,
  crdWarnings,
  prepareCrdExpressions,
  validateCrd,
} from "./kinds/crd.ts";
import { installReviews } from "./kinds/reviews.ts";
import { ServiceIpAllocator } from "./kinds/service_ip.ts";
import { clusterIPsOf, nodePortRange, nodePortsOf } from "./kinds/services.ts";
import { builtinHooks, SYSTEM_PRIORITY_CLASSES } from "./kinds/hooks.ts";
import type { ObjectLookup, ResourceType } from "./registry/types.ts";
import { builtinResourceTypes, subresourceKindType } from "./registry/builtin.ts";
import { SUBRESOURCES } from "./registry/subresources.ts";
import { installTokenRequest } from "./kinds/token_request.ts";
import { installEventsV1 } from "./kinds/events.ts";
import { installHpaV1 } from "./kinds/hpa_v1_serve.ts";
import {
  type ServiceAccountLookup,
  ServiceAccountTokens,
  TOKEN_OBJECT_RESOURCES,
} from "./auth/service_account.ts";
import { AuthenticatorChain } from "./auth/token.ts";
import { objectKey } from "./storage/objects.ts";
import { Registry } from "./registry/registry.ts";
import type { RestServices } from "./rest/context.ts";
import { InternalClient } from "./rest/internal.ts";
import { startMemoryTrim } from "./memory_trim.ts";
import { WatchCache } from "./storage/cache.ts";
import { ObjectStore } from "./storage/objects.ts";

export const KUBE_VERSION = { major: "1", minor: "35", patch: "0" };

export interface ApiServerOptions {
  store: Datastore;
  logger: Logger;
  authenticator: Authenticator;
  authorizer: Authorizer;
  /** host:port clients reach the server at (discovery's serverAddressByClientCIDRs). */
  serverAddress: string;
  serviceCIDR: string;
  clusterDomain: string;
  /** The HTTPS port, for the `kubernetes` service's targetPort. */
  port: number;
  /** The cluster CA, published in every namespace as the `kube-root-ca.crt` ConfigMap. */
  caPem?: string;
  /**
   * The service-account signing key (PKCS#8 PEM, ECDSA P-256). With it the server answers
   * TokenRequests and accepts the tokens it signed; without it `serviceaccounts/token` is 404.
   */
  serviceAccountKeyPem?: string;
  now?: () => Date;
}

export interface ApiServer {
  fetch(req: Request): Promise<Response>;
  /** Loads the cache, serves CRDs, creates the default namespaces, starts controllers. */
  start(signal: AbortSignal): Promise<void>;
  ready(): boolean;
  /** Resolves once every loop started by start() has ended (after its signal aborted). */
  stopped(): Promise<void>;
}

export function versionInfo(): VersionInfo {
  return {
    major: KUBE_VERSION.major,
    minor: KUBE_VERSION.minor,
    gitVersion: `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.${KUBE_VERSION.patch}+kno.1`,
    gitCommit: "",
    gitTreeState: "clean",
    buildDate: "2026-11-23T00:00:00Z",
    goVersion: `deno${Deno.version.deno}`,
    compiler: "deno",
    platform: `linux/${Deno.build.arch === "aarch64" ? "arm64" : "amd64"}`,
  };
}

/** The `iss` of service-account tokens, and the audience the API server accepts (as k3s's). */
export function serviceAccountIssuer(clusterDomain: string): string {
  return `https://kubernetes.default.svc.${clusterDomain}`;
}

/** Reads the objects service-account tokens name from the watch cache. */
function cacheLookup(registry: Registry, cache: WatchCache): ServiceAccountLookup {
  return {
    get(kind, namespace, name) {
      const t = registry.lookup("", "v1", TOKEN_OBJECT_RESOURCES[kind]);
      return t ? cache.get(objectKey(t, namespace, name))?.obj : undefined;
    },
  };
}

export function createApiServer(opts: ApiServerOptions): ApiServer {
  const log = opts.logger;
  const now = opts.now ?? (() => new Date());
  const cache = new WatchCache(opts.store, log);
  const store = new ObjectStore(opts.store, cache);
  // What stored Services hold, read from the watch cache when an allocator first needs it.
  const storedServices = () => cache.list("/registry/core/services/").map((e) => e.obj);
  const ips = new ServiceIpAllocator(
    opts.serviceCIDR,
    () => storedServices().flatMap(clusterIPsOf),
  );
  const nodePorts = nodePortRange(() => storedServices().flatMap(nodePortsOf));
  const objects: ObjectLookup = {
    get: (prefix, ns, name) =>
      cache.get(ns ? `/registry/${prefix}/${ns}/${name}` : `/registry/${prefix}/${name}`)?.obj,
    list: (prefix) => cache.list(`/registry/${prefix}/`).map((e) => e.obj),
  };
  const hooks = builtinHooks({ ips, nodePorts }, objects);
  hooks["apiextensions.k8s.io/CustomResourceDefinition"] = {
    prepareCreate: prepareCrdExpressions,
    prepareUpdate: prepareCrdExpressions,
    validate: (o) => [...validateCrd(o), ...crdExpressionCauses(o)],
    warnings: crdWarnings,
  };
  const types = builtinResourceTypes(builtinResolver, hooks);
  installEventsV1(types);
  installHpaV1(types);
  const registry = new Registry(types);
  const lookup = cacheLookup(registry, cache);
  const issuer = serviceAccountIssuer(opts.clusterDomain);
  const tokens = opts.serviceAccountKeyPem
    ? new ServiceAccountTokens({
      keyPem: opts.serviceAccountKeyPem,
      issuer,
      audiences: [issuer],
      lookup,
      now,
    })
    : undefined;
  const authenticator = tokens
    ? new AuthenticatorChain([opts.authenticator, tokens])
    : opts.authenticator;
  installReviews(types, authenticator, opts.authorizer);
  if (tokens) {
    const tokenRequest = subresourceKindType(builtinResolver, SUBRESOURCES.token!.kind!);
    installTokenRequest(types, tokenRequest, tokens, lookup);
  }
  const shutdown = new AbortController();
  const metrics = new Metrics();
  const services: RestServices = {
    registry,
    store,
    cache,
    logger: log,
    authorizer: opts.authorizer,
    now,
    shutdown: shutdown.signal,
  };
  // Subresources that write their pod through the generic update and delete paths.
  installPodActions(
    types,
    subresourceKindType(builtinResolver, SUBRESOURCES.eviction!.kind!),
    new InternalClient(services, "kube-apiserver"),
  );
  let isReady = false;
  const openapi = new OpenApiCache(
    registry,
    builtinResolver,
    `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.${KUBE_VERSION.patch}`,
  );
  const handler = createHandler({
    services,
    authenticator,
    ...(tokens ? { serviceAccountIssuer: tokens } : {}),
    openapi,
    version: versionInfo(),
    serverAddress: opts.serverAddress,
    logger: log,
    metrics,
    ready: () => isReady,
  });
  const loops: Promise<void>[] = [];

  async function bootstrap(client: InternalClient) {
    const nsType = registry.lookup("", "v1", "namespaces")!;
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      if (!(await client.get(nsType, "", name))) {
        await client.create(nsType, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
        log.info("created namespace", { object: name });
      }
    }
    const pcType = registry.lookup("scheduling.k8s.io", "v1", "priorityclasses")!;
    for (const pc of SYSTEM_PRIORITY_CLASSES) {
      if (!(await client.get(pcType, "", pc.name))) {
        await client.create(pcType, {
          apiVersion: "scheduling.k8s.io/v1",
          kind: "PriorityClass",
          metadata: { name: pc.name },
          value: pc.value,
          description: pc.description,
        });
      }
    }
    // What upstream's apiserver keeps of priority and fairness and of APIServices, made the
    // first time either is asked for (an idle server need not hold them).
    const clusterObjects = () => import("./kinds/cluster_objects.ts");
    for (const resource of ["prioritylevelconfigurations", "flowschemas"]) {
      registry.lookup("flowcontrol.apiserver.k8s.io", "v1", resource)!.firstUse = async () =>
        await (await clusterObjects()).ensureFlowControl(client, registry);
    }
    registry.lookup("apiregistration.k8s.io", "v1", "apiservices")!.firstUse = async () =>
      await (await clusterObjects()).ensureLocalApiServices(client, registry);
    const svcType = registry.lookup("", "v1", "services")!;
    if (!(await client.get(svcType, "default", "kubernetes"))) {
      await client.create(svcType, {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
          name: "kubernetes",
          namespace: "default",
          labels: { component: "apiserver", provider: "kubernetes" },
        },
        spec: {
          clusterIP: ips.first(),
          ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: opts.port }],
          sessionAffinity: "None",
          type: "ClusterIP",
        },
      });
    }
  }

  return {
    fetch: handler,
    ready: () => isReady,
    async start(signal) {
      signal.addEventListener("abort", () => shutdown.abort(), { once: true });
      await cache.start(signal);
      loops.push(cache.stopped());
      const client = new InternalClient(services, "kno");
      const crds = new CrdController(registry, cache, client, builtinResolver, log, now);
      loops.push(crds.start(signal));
      await bootstrap(client);
      loops.push(new NamespaceController(registry, cache, client, log).start(signal));
      loops.push(
        new NamespaceDefaultsController(registry, cache, client, opts.caPem, log).start(signal),
      );
      isReady = true;
      startMemoryTrim({ activity: () => metrics.count, quietMs: 5_000, signal, logger: log });
      log.info("API server ready", { rev: cache.rev });
    },
    async stopped() {
      await Promise.all(loops);
    },
  };
}

/**
 * Serves `pods/binding` and the `bindings` collection (answered as the Binding row) and
 * `pods/eviction` (answered as a row of policy/v1 Eviction) on the Pod row. Their handlers
 * (kinds/pod_actions.ts) are loaded on first use: an idle server does not hold them.
 */
let actions: Promise<typeof import("./kinds/pod_actions.ts")> | undefined;
const load = () => actions ??= import("./kinds/pod_actions.ts");

function installPodActions(
  types: ResourceType[],
  eviction: ResourceType,
  client: InternalClient,
): void {
  const find = (group: string, kind: string) =>
    types.find((t) => t.group === group && t.kind === kind);
  const pods = find("", "Pod");
  const pdbs = find("policy", "PodDisruptionBudget");
  const bindings = find("", "Binding");
  if (!pods || !pdbs || !bindings) return;
  bindings.virtual = async (b, ctx) => (await load()).bindPod(client, pods, b, ctx);
  eviction.virtual = async (e, ctx) => (await load()).evictPod(client, pods, pdbs, e, ctx);
  pods.createSubresources = { ...pods.createSubresources, binding: bindings, eviction };
}
