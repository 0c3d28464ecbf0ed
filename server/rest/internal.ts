/**
 * In-process access to the generic REST machinery for controllers and bootstrap: the same
 * admission, metadata and storage semantics as an HTTP request, without HTTP or re-encoding.
 */
import { notFound } from "../../api/status.ts";
import type { KubeObject, ResourceType, UserInfo } from "../registry/types.ts";
import { objectKey, typePrefix } from "../storage/objects.ts";
import type { Entry } from "../storage/cache.ts";
import type { Call, RestServices } from "./context.ts";
import { deleteEntry, type DeleteOptions } from "./delete.ts";
import { parseQuery } from "./request.ts";
import { createObject, updateObject } from "./write.ts";
import { clone } from "./meta.ts";

const SYSTEM_USER: UserInfo = { username: "system:kno", groups: ["system:masters"] };

export class InternalClient {
  constructor(private svc: RestServices, private manager: string) {}

  #call(t: ResourceType, ns: string, name: string, subresource = "", dryRun = false): Call {
    return {
      t,
      path: {
        group: t.group,
        version: t.version,
        resource: t.resource,
        namespace: ns,
        name,
        subresource,
      },
      query: parseQuery(dryRun ? "?dryRun=All" : ""),
      req: new Request("https://internal/"),
      user: SYSTEM_USER,
      warnings: [],
    };
  }

  get(t: ResourceType, ns: string, name: string): Promise<Entry | undefined> {
    return this.svc.store.get(objectKey(t, ns, name));
  }

  create(t: ResourceType, obj: KubeObject): Promise<KubeObject> {
    const ns = String(obj.metadata?.namespace ?? "");
    return createObject(this.svc, this.#call(t, ns, ""), clone(obj), {
      manager: this.manager,
      fieldValidation: "Ignore",
    });
  }

  /** The stored objects of a kind in a namespace (all namespaces: ""), from the watch cache. */
  list(t: ResourceType, ns = ""): Entry[] {
    return this.svc.cache.list(typePrefix(t, ns));
  }

  /**
   * Applies `mutate` to the current object and writes it, retrying when another write got there
   * first (what `mutate` throws ends the update). `keepManagedFields`: the write is not a field
   * manager's (a binding), as upstream's direct storage updates are not.
   */
  async update(
    t: ResourceType,
    ns: string,
    name: string,
    mutate: (o: KubeObject) => void,
    subresource = "",
    opts: { dryRun?: boolean; keepManagedFields?: boolean } = {},
  ): Promise<KubeObject> {
    for (let attempt = 0;; attempt++) {
      const current = await this.get(t, ns, name);
      if (!current) throw notFound({ group: t.group, resource: t.resource, name });
      const next = clone(current.obj);
      mutate(next);
      const managedFields = opts.keepManagedFields
        ? { managedFields: (current.obj.metadata?.managedFields as unknown[] | undefined) ?? [] }
        : {};
      try {
        return await updateObject(
          this.svc,
          this.#call(t, ns, name, subresource, opts.dryRun),
          {
            current,
            next,
            subresource,
            opts: { manager: this.manager, fieldValidation: "Ignore", ...managedFields },
          },
        );
      } catch (e) {
        if ((e as { code?: number }).code !== 409 || attempt >= 5) throw e;
      }
    }
  }

  /** Deletes (or marks for deletion) a stored object, as a DELETE with `opts` would. */
  async delete(
    t: ResourceType,
    entry: Entry,
    opts: DeleteOptions = {},
  ): Promise<{ obj: KubeObject; gone: boolean }> {
    const meta = entry.obj.metadata ?? {};
    return await deleteEntry(
      this.svc,
      this.#call(t, String(meta.namespace ?? ""), String(meta.name), "", opts.dryRun),
      entry,
      opts,
    );
  }
}
