/**
 * The cluster configuration objects upstream's apiserver keeps: the mandatory priority levels
 * and flow schemas, and the Local APIServices of the built-in group versions. Made the first
 * time their kind is asked for (ResourceType.firstUse): few clients read them, and an idle
 * server need not hold them or this module.
 */
import type { Registry } from "../registry/registry.ts";
import type { InternalClient } from "../rest/internal.ts";
import { localApiService } from "./apiservices.ts";
import { AUTO_UPDATE, MANDATORY_FLOW_SCHEMAS, MANDATORY_PRIORITY_LEVELS } from "./flowcontrol.ts";

const FLOWCONTROL = "flowcontrol.apiserver.k8s.io";

export async function ensureFlowControl(client: InternalClient, registry: Registry): Promise<void> {
  const kinds = [
    ["prioritylevelconfigurations", "PriorityLevelConfiguration", MANDATORY_PRIORITY_LEVELS],
    ["flowschemas", "FlowSchema", MANDATORY_FLOW_SCHEMAS],
  ] as const;
  for (const [resource, kind, fixed] of kinds) {
    const t = registry.lookup(FLOWCONTROL, "v1", resource)!;
    for (const [name, spec] of Object.entries(fixed)) {
      if (await client.get(t, "", name)) continue;
      await client.create(t, {
        apiVersion: `${FLOWCONTROL}/v1`,
        kind,
        metadata: { name, annotations: AUTO_UPDATE },
        spec: structuredClone(spec),
      });
    }
  }
}

export async function ensureLocalApiServices(
  client: InternalClient,
  registry: Registry,
): Promise<void> {
  const t = registry.lookup("apiregistration.k8s.io", "v1", "apiservices")!;
  const builtins = new Set(
    registry.all().filter((r) => !r.custom).map((r) => `${r.group}/${r.version}`),
  );
  for (const gv of builtins) {
    const [group, version] = gv.split("/") as [string, string];
    if (!(await client.get(t, "", `${version}.${group}`))) {
      await client.create(t, localApiService(group, version));
    }
  }
}
