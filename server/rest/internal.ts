/**
 * In-process access to the generic REST machinery for controllers and bootstrap: the same
 * admission, metadata and storage semantics as an HTTP request, without HTTP or re-encoding.
 */
import { notFound } from "../../api/status.ts";
import type { KubeObject, ResourceType, UserInfo } from "../registry/types.ts";
import { objectKey } from "../storage/objects.ts";
import type { Entry } from "../storage/cache.ts";
import type { Call, RestServices } from "./context.ts";
import { deleteEntry } from "./delete.ts";
import { parseQuery } from "./request.ts";
import { createObject, updateObject } from "./write.ts";
import { clone } from "./meta.ts";

const SYSTEM_USER: UserInfo = { username: "system:kno", groups: ["system:masters"] };

export class InternalClient {
  constructor(private svc: RestServices, private manager: string) {}

  #call(t: ResourceType, ns: string, name: string, subresource = ""): Call {
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
      query: parseQuery(""),
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

  /** Applies `mutate` to the current object and writes it (retrying on conflicts). */
  async update(
    t: ResourceType,
    ns: string,
    name: string,
    mutate: (o: KubeObject) => void,
    subresource = "",
  ): Promise<KubeObject> {
    for (let attempt = 0;; attempt++) {
      const current = await this.get(t, ns, name);
      if (!current) throw notFound({ group: t.group, resource: t.resource, name });
      const next = clone(current.obj);
      mutate(next);
      try {
        return await updateObject(this.svc, this.#call(t, ns, name, subresource), {
          current,
          next,
          subresource,
          opts: { manager: this.manager, fieldValidation: "Ignore" },
        });
      } catch (e) {
        if ((e as { code?: number }).code !== 409 || attempt >= 5) throw e;
      }
    }
  }

  async delete(t: ResourceType, entry: Entry): Promise<void> {
    const meta = entry.obj.metadata ?? {};
    await deleteEntry(
      this.svc,
      this.#call(t, String(meta.namespace ?? ""), String(meta.name)),
      entry,
      {},
    );
  }
}
