/**
 * ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1): CEL expressions that admit or
 * refuse writes, bound to resources by ValidatingAdmissionPolicyBindings, as upstream's
 * validating-admission-policy plugin runs them after a write's own validation. For each binding
 * whose policy matches the request (matchConstraints, then the binding's matchResources:
 * operations, groups, versions, resources and subresources, scope, names, namespace and object
 * selectors), with its params (paramKind and paramRef), the matchConditions decide whether the
 * policy applies and the validations judge `object`, `oldObject`, `request`, `params`,
 * `namespaceObject` and the policy's `variables`. A failing validation denies the request
 * (Deny: 422 or the validation's reason) or adds a Warning (Warn); errors follow the policy's
 * failurePolicy. Audit is accepted and does nothing (kno keeps no audit log yet), nor is there
 * an `authorizer` variable or a cost budget.
 *
 * Loaded on the first write after a binding exists (policy_gate.ts checks that cheaply).
 */
import { fromLabelSelectorObject, matchesLabels } from "../../api/labels.ts";
import { compileCel, errorText, loadRuleEngine, toCel } from "../../api/schema/rules.ts";
import { ApiError, type StatusCause, type StatusReason } from "../../api/status.ts";
import { invalid } from "../../api/schema/field_errors.ts";
import type { KubeObject, ResourceType, UserInfo } from "../registry/types.ts";
import type { WatchCache } from "../storage/cache.ts";
import type { Registry } from "../registry/registry.ts";
import { type Obj, obj } from "../kinds/shape.ts";

const POLICIES_PREFIX = "/registry/admissionregistration.k8s.io/validatingadmissionpolicies/";

export interface PolicyRequest {
  t: ResourceType;
  operation: "CREATE" | "UPDATE" | "DELETE";
  subresource: string;
  namespace: string;
  name: string;
  /** The object as it would be stored (absent on DELETE). */
  object?: KubeObject;
  /** The stored object (absent on CREATE). */
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
}

export interface PolicyServices {
  cache: WatchCache;
  registry: Registry;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/**
 * Runs every policy `bindings` (all that are stored) bind that matches `req`: adds Warn actions' messages to `warnings`, then
 * throws the first denial (as upstream, every policy runs before the answer).
 */
export async function checkPolicies(
  svc: PolicyServices,
  bindings: KubeObject[],
  req: PolicyRequest,
  warnings: string[],
): Promise<void> {
  await loadRuleEngine();
  const namespaceObject = req.namespace
    ? svc.cache.get(`/registry/core/namespaces/${req.namespace}`)?.obj
    : undefined;
  let denied: ApiError | undefined;
  for (const binding of bindings) {
    const spec = obj(binding.spec) ?? {};
    const policyName = typeof spec.policyName === "string" ? spec.policyName : "";
    const policy = svc.cache.get(POLICIES_PREFIX + policyName)?.obj;
    if (!policy) continue;
    const policySpec = obj(policy.spec) ?? {};
    if (!matches(obj(policySpec.matchConstraints), req, namespaceObject)) continue;
    const bindingMatch = obj(spec.matchResources);
    if (bindingMatch && !matches(bindingMatch, req, namespaceObject)) continue;
    const names = { policy: policyName, binding: String(binding.metadata?.name ?? "") };
    const actions = strings(spec.validationActions);
    const found = paramsFor(svc, policySpec, obj(spec.paramRef), req);
    const verdicts = Array.isArray(found)
      ? found.map((params) => evaluatePolicy(policySpec, req, params, namespaceObject))
      : [found];
    for (const verdict of verdicts) {
      if (!verdict) continue;
      if (actions.includes("Warn")) {
        warnings.push(
          `Validation failed for ValidatingAdmissionPolicy '${names.policy}' with binding '${names.binding}': ${verdict.message}`,
        );
      }
      if (actions.includes("Deny")) denied ??= denial(req, names, verdict);
    }
  }
  if (denied) throw denied;
}

interface Verdict {
  message: string;
  reason: string;
}

function denial(
  req: PolicyRequest,
  names: { policy: string; binding: string },
  verdict: Verdict,
): ApiError {
  const message =
    `ValidatingAdmissionPolicy '${names.policy}' with binding '${names.binding}' denied request: ${verdict.message}`;
  const resource = req.subresource ? `${req.t.resource}/${req.subresource}` : req.t.resource;
  const qualified = req.t.group ? `${resource}.${req.t.group}` : resource;
  const reason = verdict.reason as StatusReason;
  return new ApiError(
    REASON_CODES[verdict.reason] ?? 422,
    reason,
    `${qualified} "${req.name}" is forbidden: ${message}`,
    { name: req.name, group: req.t.group, kind: req.t.resource, causes: [{ message }] },
  );
}

const REASON_CODES: Record<string, number> = {
  Invalid: 422,
  Forbidden: 403,
  Unauthorized: 401,
  RequestEntityTooLarge: 413,
};

/** Whether a policy's matchConstraints (or a binding's matchResources) cover `req`. */
function matches(rules: Obj | undefined, req: PolicyRequest, namespaceObject?: KubeObject) {
  if (!rules) return false;
  const inc = Array.isArray(rules.resourceRules) ? rules.resourceRules : [];
  const exc = Array.isArray(rules.excludeResourceRules) ? rules.excludeResourceRules : [];
  // No resource rules: every resource (what a binding's matchResources usually says).
  if (inc.length && !inc.some((r) => ruleMatches(obj(r), req))) return false;
  if (exc.some((r) => ruleMatches(obj(r), req))) return false;
  // A namespace selector judges a namespaced object by its namespace's labels and a Namespace
  // by its own; other cluster-scoped objects are not held to it.
  const nsSelector = obj(rules.namespaceSelector);
  const isNamespace = req.t.group === "" && req.t.resource === "namespaces";
  if (nsSelector && (req.t.namespaced || isNamespace)) {
    const labels = isNamespace
      ? (req.object ?? req.oldObject)?.metadata?.labels
      : namespaceObject?.metadata?.labels;
    if (!matchesLabels(fromLabelSelectorObject(nsSelector), labels as Record<string, string>)) {
      return false;
    }
  }
  const objSelector = obj(rules.objectSelector);
  if (objSelector) {
    const reqs = fromLabelSelectorObject(objSelector);
    const either = [req.object, req.oldObject].filter((o): o is KubeObject => o !== undefined);
    if (
      !either.some((o) => matchesLabels(reqs, o.metadata?.labels as Record<string, string>))
    ) return false;
  }
  return true;
}

function ruleMatches(rule: Obj | undefined, req: PolicyRequest): boolean {
  if (!rule) return false;
  const any = (list: string[], v: string) => list.includes("*") || list.includes(v);
  if (!any(strings(rule.operations), req.operation)) return false;
  if (!any(strings(rule.apiGroups), req.t.group)) return false;
  if (!any(strings(rule.apiVersions), req.t.version)) return false;
  const resource = req.t.resource;
  const sub = req.subresource;
  const resources = strings(rule.resources);
  const hit = resources.some((r) => {
    if (r === "*/*") return true;
    const [res, s] = r.split("/");
    if (s === undefined) return !sub && (res === "*" || res === resource);
    return (res === "*" || res === resource) && (s === "*" || s === sub);
  });
  if (!hit) return false;
  const scope = typeof rule.scope === "string" ? rule.scope : "*";
  if (scope === "Cluster" && req.t.namespaced) return false;
  if (scope === "Namespaced" && !req.t.namespaced) return false;
  const names = strings(rule.resourceNames);
  return !names.length || names.includes(req.name);
}

/**
 * The params each evaluation runs with ([null] without a paramKind), or, when there are none,
 * the verdict of the binding's parameterNotFoundAction (undefined: Allow).
 */
function paramsFor(
  svc: PolicyServices,
  policySpec: Obj,
  ref: Obj | undefined,
  req: PolicyRequest,
): (KubeObject | null)[] | Verdict | undefined {
  const kind = obj(policySpec.paramKind);
  if (!kind) return [null];
  const apiVersion = String(kind.apiVersion ?? "");
  const slash = apiVersion.indexOf("/");
  const t = svc.registry.byKind({
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: String(kind.kind ?? ""),
  });
  const notFound = (): Verdict | undefined =>
    ref?.parameterNotFoundAction === "Allow" ? undefined : {
      message: "no params found for policy binding with `Deny` parameterNotFoundAction",
      reason: "Invalid",
    };
  if (!t || !ref) return notFound();
  const ns = t.namespaced
    ? (typeof ref.namespace === "string" && ref.namespace ? ref.namespace : req.namespace)
    : "";
  const prefix = `/registry/${t.storagePrefix}/${t.namespaced ? `${ns}/` : ""}`;
  let found: KubeObject[];
  if (typeof ref.name === "string" && ref.name) {
    const one = svc.cache.get(prefix + ref.name)?.obj;
    found = one ? [one] : [];
  } else {
    const reqs = fromLabelSelectorObject(obj(ref.selector) ?? {});
    found = svc.cache.list(prefix).map((e) => e.obj).filter((o) =>
      matchesLabels(reqs, o.metadata?.labels as Record<string, string>)
    );
  }
  return found.length ? found : notFound();
}

/** Why the policy refuses the request, or undefined when it admits it. */
function evaluatePolicy(
  spec: Obj,
  req: PolicyRequest,
  params: KubeObject | null,
  namespaceObject: KubeObject | undefined,
): Verdict | undefined {
  const failClosed = spec.failurePolicy !== "Ignore";
  const schema = req.t.schema();
  const typed = (o: KubeObject | undefined) =>
    o === undefined
      ? null
      : schema
      ? toCel(o, schema, req.t.resolver)
      : toCel(o, {}, req.t.resolver);
  const vars: Obj = {
    object: typed(req.object),
    oldObject: typed(req.oldObject),
    params: params ? toCel(params, {}, req.t.resolver) : null,
    namespaceObject: namespaceObject ? toCel(namespaceObject, {}, req.t.resolver) : null,
    request: toCel(requestOf(req), {}, req.t.resolver),
  };
  const variables: Obj = {};
  vars.variables = variables;
  for (const v of Array.isArray(spec.variables) ? spec.variables : []) {
    const name = String(obj(v)?.name ?? "");
    const r = run(String(obj(v)?.expression ?? ""), vars);
    if (r.ok) variables[name] = r.value;
  }
  for (const c of Array.isArray(spec.matchConditions) ? spec.matchConditions : []) {
    const r = run(String(obj(c)?.expression ?? ""), vars);
    if (!r.ok) return failClosed ? { message: r.error, reason: "Invalid" } : undefined;
    if (r.value !== true) return undefined;
  }
  for (const v of Array.isArray(spec.validations) ? spec.validations : []) {
    const validation = obj(v) ?? {};
    const expression = String(validation.expression ?? "");
    const r = run(expression, vars);
    if (!r.ok) {
      if (failClosed) return { message: r.error, reason: "Invalid" };
      continue;
    }
    if (r.value === true) continue;
    let message = "";
    if (typeof validation.messageExpression === "string" && validation.messageExpression) {
      const m = run(validation.messageExpression, vars);
      if (m.ok && typeof m.value === "string" && !m.value.includes("\n")) message = m.value.trim();
    }
    if (!message && typeof validation.message === "string") message = validation.message.trim();
    if (!message) message = `failed expression: ${expression.trim()}`;
    return {
      message,
      reason: typeof validation.reason === "string" ? validation.reason : "Invalid",
    };
  }
  return undefined;
}

function run(expression: string, vars: Obj): { ok: true; value: unknown } | {
  ok: false;
  error: string;
} {
  const p = compileCel(expression);
  if (p instanceof Error) {
    return { ok: false, error: `compilation failed: ${errorText(p)}` };
  }
  try {
    return { ok: true, value: p(vars) };
  } catch (e) {
    return { ok: false, error: `expression '${expression}' resulted in error: ${errorText(e)}` };
  }
}

/** The `request` variable: what upstream's AdmissionRequest says about the write. */
function requestOf(req: PolicyRequest): Obj {
  const gvk = { group: req.t.group, version: req.t.version, kind: req.t.kind };
  const gvr = { group: req.t.group, version: req.t.version, resource: req.t.resource };
  const userInfo: Obj = { username: req.user.username, groups: req.user.groups };
  if (req.user.uid) userInfo.uid = req.user.uid;
  if (req.user.extra) userInfo.extra = req.user.extra;
  return {
    kind: gvk,
    resource: gvr,
    subResource: req.subresource,
    requestKind: gvk,
    requestResource: gvr,
    requestSubResource: req.subresource,
    name: req.name,
    namespace: req.namespace,
    operation: req.operation,
    userInfo,
    dryRun: req.dryRun,
  };
}

/** The expressions of a ValidatingAdmissionPolicy that do not compile (engine loaded). */
export function policyCompileCauses(policy: KubeObject): StatusCause[] {
  const spec = obj(policy.spec) ?? {};
  const out: StatusCause[] = [];
  const check = (list: unknown, field: string, ...keys: string[]) => {
    (Array.isArray(list) ? list : []).forEach((item, i) => {
      for (const key of keys) {
        const source = obj(item)?.[key];
        if (typeof source !== "string" || source === "") continue;
        const p = compileCel(source);
        if (p instanceof Error) {
          out.push(
            invalid(`spec.${field}[${i}].${key}`, source, `compilation failed: ${errorText(p)}`),
          );
        }
      }
    });
  };
  check(spec.validations, "validations", "expression", "messageExpression");
  check(spec.matchConditions, "matchConditions", "expression");
  check(spec.variables, "variables", "expression");
  check(spec.auditAnnotations, "auditAnnotations", "valueExpression");
  return out;
}
