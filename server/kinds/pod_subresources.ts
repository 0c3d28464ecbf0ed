/**
 * Serves `pods/binding` and the `bindings` collection (answered as the Binding row) and
 * `pods/eviction` (answered as a row of policy/v1 Eviction) on the Pod row. Their handlers
 * (pod_actions.ts) are loaded on first use: an idle server does not hold them.
 */
import type { ResourceType } from "../registry/types.ts";
import type { InternalClient } from "../rest/internal.ts";

let actions: Promise<typeof import("./pod_actions.ts")> | undefined;
const load = () => actions ??= import("./pod_actions.ts");

export function installPodActions(
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
