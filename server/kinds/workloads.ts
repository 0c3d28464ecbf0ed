/**
 * Upstream's workload rules that the schema cannot state: replica counts are not negative, and a
 * controller's selector is present, not empty, valid, and selects its own pod template (else the
 * controller would own pods it never matches). Messages as upstream's apps validation words them.
 */
import { fromLabelSelectorObject, matchesLabels, type Requirement } from "../../api/labels.ts";
import { invalid, required } from "../../api/schema/field_errors.ts";
import { ApiError, type StatusCause } from "../../api/status.ts";
import type { KubeObject } from "../registry/types.ts";
import { obj } from "./shape.ts";

export interface WorkloadRule {
  /** Whether `spec.replicas` exists (not for DaemonSets). */
  replicas: boolean;
  /** What the empty-selector message calls the kind; undefined: the selector is a plain map that
   * may be left out (a ReplicationController takes its template's labels). */
  selectorOf?: string;
}

export const WORKLOAD_RULES: Record<string, WorkloadRule> = {
  "apps/Deployment": { replicas: true, selectorOf: "deployment" },
  "apps/ReplicaSet": { replicas: true, selectorOf: "deployment" },
  "apps/StatefulSet": { replicas: true, selectorOf: "statefulset" },
  "apps/DaemonSet": { replicas: false, selectorOf: "daemonset" },
  "/ReplicationController": { replicas: true },
};

/** The causes `o` fails `rule` with (empty when valid). */
export function validateWorkload(o: KubeObject, rule: WorkloadRule): StatusCause[] {
  const spec = obj(o.spec);
  if (!spec) return rule.selectorOf ? [required("spec.selector")] : [];
  const causes: StatusCause[] = [];
  const replicas = spec.replicas;
  if (rule.replicas && typeof replicas === "number" && replicas < 0) {
    causes.push(invalid("spec.replicas", replicas, "must be greater than or equal to 0"));
  }
  const labels = obj(obj(obj(spec.template)?.metadata)?.labels) as
    | Record<string, string>
    | undefined;
  const selector = obj(spec.selector);
  let reqs: Requirement[];
  if (rule.selectorOf) {
    if (!selector) {
      causes.push(required("spec.selector"));
      return causes;
    }
    const matchLabels = obj(selector.matchLabels) ?? {};
    const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
    if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
      causes.push(
        invalid("spec.selector", selector, `empty selector is invalid for ${rule.selectorOf}`),
      );
      return causes;
    }
    try {
      reqs = fromLabelSelectorObject(selector);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      causes.push(invalid("spec.selector", selector, e.message));
      return causes;
    }
  } else {
    // A plain map, which may be left out: the controller then takes its template's labels.
    if (!selector || Object.keys(selector).length === 0) return causes;
    reqs = fromLabelSelectorObject({ matchLabels: selector });
  }
  if (!matchesLabels(reqs, labels ?? {})) {
    causes.push(
      invalid(
        "spec.template.metadata.labels",
        labels ?? {},
        "`selector` does not match template `labels`",
      ),
    );
  }
  return causes;
}
