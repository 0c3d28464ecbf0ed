/**
 * Where writes meet ValidatingAdmissionPolicies: nothing to do (one cache lookup) until a
 * binding exists; then validating_policies.ts is loaded and judges the write.
 */
import type { KubeObject } from "../registry/types.ts";
import { type Call, isDryRun, type RestServices } from "../rest/context.ts";

const BINDINGS_PREFIX = "/registry/admissionregistration.k8s.io/validatingadmissionpolicybindings/";

export async function admitByPolicies(
  svc: RestServices,
  call: Call,
  operation: "CREATE" | "UPDATE" | "DELETE",
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
  subresource = "",
): Promise<void> {
  const bindings = svc.cache.list(BINDINGS_PREFIX);
  if (!bindings.length) return;
  const { checkPolicies } = await import("./validating_policies.ts");
  const meta = (object ?? oldObject)?.metadata;
  await checkPolicies(svc, bindings.map((e) => e.obj), {
    t: call.t,
    operation,
    subresource,
    namespace: String(meta?.namespace ?? ""),
    name: String(meta?.name ?? ""),
    object,
    oldObject,
    user: call.user,
    dryRun: isDryRun(call),
  }, call.warnings);
}
