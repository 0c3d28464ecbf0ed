/**
 * CRDs: every stored definition is served (registry rows) and marked NamesAccepted and
 * Established; a deleted one has its custom resources removed, then its cleanup finalizer.
 */
import type { Logger } from "../../api/log.ts";
import type { SchemaResolver } from "../../api/schema/types.ts";
import type { Registry } from "../registry/registry.ts";
import type { KubeObject } from "../registry/types.ts";
import type { Entry, WatchCache } from "../storage/cache.ts";
import { typePrefix } from "../storage/objects.ts";
import type { InternalClient } from "../rest/internal.ts";
import { crdResourceTypes, type CrdSpec, validateCrd } from "../kinds/crd.ts";
import { rfc3339Seconds } from "../../api/time.ts";

export const CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

type Condition = {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
};

export class CrdController {
  #log: Logger;
  #queue: Promise<void> = Promise.resolve();
  #retries = new Map<string, ReturnType<typeof setTimeout>>();
  #signal: AbortSignal | undefined;

  constructor(
    private registry: Registry,
    private cache: WatchCache,
    private client: InternalClient,
    private resolver: SchemaResolver,
    logger: Logger,
    private now: () => Date,
  ) {
    this.#log = logger.with({ component: "crd-controller" });
  }

  get #type() {
    return this.registry.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;
  }

  /** Serves every stored CRD at once (before the API opens), then follows changes. */
  start(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    const prefix = typePrefix(this.#type);
    for (const e of this.cache.list(prefix)) this.#serve(e.obj);
    const unsubscribe = this.cache.subscribe(prefix, this.cache.rev, (events) => {
      for (const ev of events) {
        if (ev.type === "DELETED") this.#unserve(ev.entry.obj);
        else this.#enqueue(ev.entry.key);
      }
    });
    for (const e of this.cache.list(prefix)) this.#enqueue(e.key);
    return new Promise((resolve) => {
      signal.addEventListener("abort", () => {
        unsubscribe();
        for (const t of this.#retries.values()) clearTimeout(t);
        this.#retries.clear();
        this.#queue.then(resolve);
      }, { once: true });
    });
  }

  /**
   * Serves a CRD's resources. One that cannot be served (stored by an older kno with a schema it
   * let through) is logged and left unserved: it must not keep the server from starting.
   */
  #serve(crd: KubeObject): boolean {
    if (validateCrd(crd).length) return false;
    const spec = crd.spec as CrdSpec;
    let types;
    try {
      types = crdResourceTypes(crd, this.resolver);
    } catch (e) {
      this.#log.error("cannot serve custom resource", {
        object: String(crd.metadata?.name),
        error: e instanceof Error ? e.message : String(e),
      });
      return false;
    }
    this.registry.setCustom(spec.group, spec.names.plural, types);
    return true;
  }

  #unserve(crd: KubeObject) {
    const spec = crd.spec as CrdSpec | undefined;
    if (spec?.group && spec.names?.plural) {
      this.registry.removeCustom(spec.group, spec.names.plural);
    }
  }

  #enqueue(key: string) {
    if (this.#signal?.aborted) return;
    this.#queue = this.#queue.then(() => this.#reconcile(key)).catch((e) => {
      this.#log.warn("reconcile failed", { object: key, error: String(e) });
    });
  }

  async #reconcile(key: string) {
    const entry: Entry | undefined = this.cache.get(key);
    if (!entry) return;
    const crd = entry.obj;
    const name = String(crd.metadata?.name);
    const spec = crd.spec as CrdSpec;
    if (crd.metadata?.deletionTimestamp) {
      await this.#cleanup(entry);
      return;
    }
    if (!this.#serve(crd)) return;
    const conds = ((crd.status as { conditions?: Condition[] } | undefined)?.conditions) ?? [];
    const established = conds.some((c) => c.type === "Established" && c.status === "True");
    const hasFinalizer = ((crd.metadata?.finalizers as string[] | undefined) ?? []).includes(
      CLEANUP_FINALIZER,
    );
    if (established && hasFinalizer) return;
    const ts = rfc3339Seconds(this.now());
    if (!hasFinalizer) {
      await this.client.update(this.#type, "", name, (o) => {
        o.metadata!.finalizers = [
          ...((o.metadata!.finalizers as string[] | undefined) ?? []),
          CLEANUP_FINALIZER,
        ];
      });
    }
    await this.client.update(this.#type, "", name, (o) => {
      o.status = {
        conditions: [
          {
            type: "NamesAccepted",
            status: "True",
            reason: "NoConflicts",
            message: "no conflicts found",
            lastTransitionTime: ts,
          },
          {
            type: "Established",
            status: "True",
            reason: "InitialNamesAccepted",
            message: "the initial names have been accepted",
            lastTransitionTime: ts,
          },
        ],
        acceptedNames: {
          ...spec.names,
          listKind: spec.names.listKind ?? `${spec.names.kind}List`,
          singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        },
        storedVersions: spec.versions.filter((v) => v.storage).map((v) => v.name),
      };
    }, "status");
    this.#log.info("custom resource established", { object: name });
  }

  async #cleanup(entry: Entry) {
    const spec = entry.obj.spec as CrdSpec;
    const rows = this.registry.versionsOf(spec.group, spec.names.plural);
    const t = rows[0];
    if (t) {
      for (const item of this.cache.list(typePrefix(t))) {
        await this.client.delete(t, item).catch(() => {});
      }
      if (this.cache.list(typePrefix(t)).length) {
        // Custom resources with finalizers of their own: retry when they change.
        if (!this.#retries.has(entry.key) && !this.#signal?.aborted) {
          this.#retries.set(
            entry.key,
            setTimeout(() => {
              this.#retries.delete(entry.key);
              this.#enqueue(entry.key);
            }, 1000),
          );
        }
        return;
      }
    }
    this.#unserve(entry.obj);
    await this.client.update(this.#type, "", String(entry.obj.metadata?.name), (o) => {
      o.metadata!.finalizers = ((o.metadata!.finalizers as string[] | undefined) ?? []).filter((
        f,
      ) => f !== CLEANUP_FINALIZER);
    });
  }
}
