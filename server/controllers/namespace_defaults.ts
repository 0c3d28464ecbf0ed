/**
 * What every active namespace holds upstream: the `default` ServiceAccount and the
 * `kube-root-ca.crt` ConfigMap with the cluster CA. Level-triggered: on start and on every
 * namespace or relevant object event, missing ones are created again.
 */
import type { Logger } from "../../api/log.ts";
import type { Registry } from "../registry/registry.ts";
import type { WatchCache } from "../storage/cache.ts";
import { objectKey, typePrefix } from "../storage/objects.ts";
import type { InternalClient } from "../rest/internal.ts";
import { ReconcileLoop } from "./loop.ts";

export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";

export class NamespaceDefaultsController {
  #log: Logger;
  #loop: ReconcileLoop;

  constructor(
    private registry: Registry,
    private cache: WatchCache,
    private client: InternalClient,
    private caPem: string | undefined,
    logger: Logger,
  ) {
    this.#log = logger.with({ component: "namespace-defaults" });
    this.#loop = new ReconcileLoop(async () => {
      await this.#reconcile();
      return false;
    }, this.#log);
  }

  start(signal: AbortSignal): Promise<void> {
    // Only what can make a namespace miss its defaults: namespaces appearing, and the deletion
    // of one of the objects this controller keeps (not every ConfigMap written anywhere).
    const unsubs = [
      this.cache.subscribe("/registry/core/namespaces/", this.cache.rev, () => this.#loop.kick()),
      ...[["serviceaccounts", "default"], ["configmaps", ROOT_CA_CONFIGMAP]].map(([res, name]) =>
        this.cache.subscribe(`/registry/core/${res}/`, this.cache.rev, (events) => {
          if (events.some((e) => e.type === "DELETED" && e.entry.obj.metadata?.name === name)) {
            this.#loop.kick();
          }
        })
      ),
    ];
    signal.addEventListener("abort", () => unsubs.forEach((u) => u()), { once: true });
    return this.#loop.start(signal);
  }

  async #reconcile() {
    const nsType = this.registry.lookup("", "v1", "namespaces")!;
    const saType = this.registry.lookup("", "v1", "serviceaccounts")!;
    const cmType = this.registry.lookup("", "v1", "configmaps")!;
    for (const ns of this.cache.list(typePrefix(nsType))) {
      if (ns.obj.metadata?.deletionTimestamp) continue;
      const name = String(ns.obj.metadata?.name);
      if (!this.cache.get(objectKey(saType, name, "default"))) {
        await this.client.create(saType, {
          apiVersion: "v1",
          kind: "ServiceAccount",
          metadata: { name: "default", namespace: name },
        })
          .catch((e) =>
            this.#log.debug("creating default service account failed", {
              object: name,
              error: String(e),
            })
          );
      }
      if (this.caPem && !this.cache.get(objectKey(cmType, name, ROOT_CA_CONFIGMAP))) {
        await this.client.create(cmType, {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: ROOT_CA_CONFIGMAP, namespace: name },
          data: { "ca.crt": this.caPem },
        }).catch((e) =>
          this.#log.debug("publishing the root CA failed", { object: name, error: String(e) })
        );
      }
    }
  }
}
