/**
 * Namespace lifecycle: a namespace marked for deletion has its content deleted; once nothing is
 * left its `kubernetes` finalizer is removed and it goes. Level-triggered: on start and on every
 * namespace event it reconciles every terminating namespace.
 */
import type { Logger } from "../../api/log.ts";
import type { Registry } from "../registry/registry.ts";
import type { WatchCache } from "../storage/cache.ts";
import { typePrefix } from "../storage/objects.ts";
import type { InternalClient } from "../rest/internal.ts";
import { ReconcileLoop } from "./loop.ts";

const RETRY_MS = 1000;
/**
 * How long a terminating namespace keeps its content before the controller deletes it. Clients
 * deleting a manifest (`kubectl delete -f` with the namespace first) delete the objects in it
 * right after; deleting them from under those requests would fail them with NotFound. Upstream's
 * controller takes about this long too (discovery, then one deletecollection per resource).
 */
const CONTENT_GRACE_MS = 900;

export class NamespaceController {
  #log: Logger;
  #loop: ReconcileLoop;
  /** When each terminating namespace was first seen terminating. */
  #since = new Map<string, number>();

  constructor(
    private registry: Registry,
    private cache: WatchCache,
    private client: InternalClient,
    logger: Logger,
  ) {
    this.#log = logger.with({ component: "namespace-controller" });
    this.#loop = new ReconcileLoop(() => this.#reconcileAll(), this.#log, RETRY_MS);
  }

  start(signal: AbortSignal): Promise<void> {
    const nsType = this.registry.lookup("", "v1", "namespaces")!;
    const unsubscribe = this.cache.subscribe(
      typePrefix(nsType),
      this.cache.rev,
      () => this.#loop.kick(),
    );
    signal.addEventListener("abort", unsubscribe, { once: true });
    return this.#loop.start(signal);
  }

  /** Returns true while some namespace still waits for its content to go. */
  async #reconcileAll(): Promise<boolean> {
    const nsType = this.registry.lookup("", "v1", "namespaces")!;
    let waiting = false;
    for (const e of this.cache.list(typePrefix(nsType))) {
      if (!e.obj.metadata?.deletionTimestamp) continue;
      const ns = String(e.obj.metadata.name);
      const since = this.#since.get(ns) ?? Date.now();
      this.#since.set(ns, since);
      if (Date.now() - since < CONTENT_GRACE_MS) {
        waiting = true;
        continue;
      }
      let left = 0;
      const seen = new Set<string>();
      for (const t of this.registry.all()) {
        if (!t.namespaced || seen.has(t.storagePrefix) || !t.verbs.includes("delete")) continue;
        seen.add(t.storagePrefix);
        for (const item of this.cache.list(typePrefix(t, ns))) {
          left++;
          if (!item.obj.metadata?.deletionTimestamp) {
            await this.client.delete(t, item).catch((err) =>
              this.#log.debug("delete failed", { error: String(err) })
            );
          }
        }
      }
      if (left > 0) {
        waiting = true;
        continue;
      }
      const finalizers = ((e.obj.spec as { finalizers?: string[] } | undefined)?.finalizers) ?? [];
      const metaFinalizers = (e.obj.metadata.finalizers as string[] | undefined) ?? [];
      if (finalizers.length === 0 && metaFinalizers.length === 0) continue;
      if (!finalizers.includes("kubernetes")) {
        // Others' finalizers: theirs to remove (through namespaces/finalize).
        waiting = true;
        continue;
      }
      this.#log.info("namespace emptied", { object: ns });
      this.#since.delete(ns);
      // Removing the last finalizer of a terminating namespace deletes it.
      await this.client.update(nsType, "", ns, (o) => {
        const spec = (o.spec ?? {}) as { finalizers?: string[] };
        o.spec = { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== "kubernetes") };
      }, "finalize");
    }
    return waiting;
  }
}
