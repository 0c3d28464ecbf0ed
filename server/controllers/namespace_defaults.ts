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

export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";

export class NamespaceDefaultsController {
  #log: Logger;
  #running: Promise<void> = Promise.resolve();
  #pending = false;

  constructor(
    private registry: Registry,
    private cache: WatchCache,
    private client: InternalClient,
    private caPem: string | undefined,
    logger: Logger,
  ) {
    this.#log = logger.with({ component: "namespace-defaults" });
  }

  start(signal: AbortSignal): Promise<void> {
    const watched = [
      "/registry/core/namespaces/",
      "/registry/core/serviceaccounts/",
      "/registry/core/configmaps/",
    ];
    const unsubs = watched.map((p) =>
      this.cache.subscribe(p, this.cache.rev, (events) => {
        if (events.some((e) => e.type !== "MODIFIED" || p.includes("namespaces"))) {
          this.#kick(signal);
        }
      })
    );
    this.#kick(signal);
    return new Promise((resolve) => {
      signal.addEventListener("abort", () => {
        for (const u of unsubs) u();
        this.#running.then(resolve);
      }, { once: true });
    });
  }

  #kick(signal: AbortSignal) {
    if (this.#pending || signal.aborted) return;
    this.#pending = true;
    this.#running = this.#running.then(async () => {
      this.#pending = false;
      if (signal.aborted) return;
      try {
        await this.#reconcile();
      } catch (e) {
        this.#log.debug("reconcile failed", { error: String(e) });
      }
    });
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
