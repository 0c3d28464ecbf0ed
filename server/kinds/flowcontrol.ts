/**
 * API Priority and Fairness configuration (flowcontrol.apiserver.k8s.io/v1): FlowSchemas sort
 * requests into PriorityLevelConfigurations. kno stores them with upstream's defaults and rules
 * and keeps the two mandatory pairs (`exempt`, `catch-all`) as upstream's apiserver does; it
 * does not yet queue requests by them.
 */
import { isDns1123Label, isDns1123Subdomain } from "../../api/names.ts";
import { jsonEqual } from "../../api/patch/json.ts";
import {
  duplicate,
  forbidden,
  invalid,
  notSupported,
  OMIT_VALUE,
  required,
} from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import { ALL_VERBS, type KubeObject, type ResourceHooks } from "../registry/types.ts";
import { items, type Obj, obj } from "./shape.ts";

const ALL = ["*"];
const EVERYTHING = {
  resourceRules: [{
    verbs: ALL,
    apiGroups: ALL,
    resources: ALL,
    clusterScope: true,
    namespaces: ALL,
  }],
  nonResourceRules: [{ verbs: ALL, nonResourceURLs: ALL }],
};
const group = (name: string) => ({ kind: "Group", group: { name } });

/** The configuration every cluster has, whose specs no write may change (upstream's). */
export const MANDATORY_PRIORITY_LEVELS: Record<string, Obj> = {
  exempt: { type: "Exempt", exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } },
  "catch-all": {
    type: "Limited",
    limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: "Reject" } },
  },
};

export const MANDATORY_FLOW_SCHEMAS: Record<string, Obj> = {
  exempt: {
    priorityLevelConfiguration: { name: "exempt" },
    matchingPrecedence: 1,
    rules: [{ subjects: [group("system:masters")], ...EVERYTHING }],
  },
  "catch-all": {
    priorityLevelConfiguration: { name: "catch-all" },
    matchingPrecedence: 10000,
    distinguisherMethod: { type: "ByUser" },
    rules: [{
      subjects: [group("system:unauthenticated"), group("system:authenticated")],
      ...EVERYTHING,
    }],
  },
};

/** The annotation upstream's bootstrap objects carry: the server keeps their spec current. */
export const AUTO_UPDATE = { "apf.kubernetes.io/autoupdate-spec": "true" };

/** The verbs a rule may name: every verb of a resource, and proxy. */
const VERBS: string[] = [...ALL_VERBS, "proxy"].sort();
const MAX_QUEUES = 10_000_000;
const MAX_HASH_BITS = 60;

export function flowSchemaHooks(): ResourceHooks {
  const defaults = (o: KubeObject) => {
    const spec = obj(o.spec);
    if (spec && (spec.matchingPrecedence === undefined || spec.matchingPrecedence === 0)) {
      spec.matchingPrecedence = 1000;
    }
  };
  return {
    prepareCreate: defaults,
    prepareUpdate: defaults,
    validate: (o) => [...validateFlowSchema(o), ...conditionCauses(o)],
    validateStatus: conditionCauses,
  };
}

export function priorityLevelHooks(): ResourceHooks {
  const defaults = (o: KubeObject) => {
    const spec = obj(o.spec);
    const exempt = obj(spec?.exempt);
    if (exempt) {
      exempt.nominalConcurrencyShares ??= 0;
      exempt.lendablePercent ??= 0;
    }
    const limited = obj(spec?.limited);
    if (limited) {
      limited.nominalConcurrencyShares ??= 30;
      limited.lendablePercent ??= 0;
      const queuing = obj(obj(limited.limitResponse)?.queuing);
      if (queuing) {
        if (!queuing.handSize) queuing.handSize = 8;
        if (!queuing.queues) queuing.queues = 64;
        if (!queuing.queueLengthLimit) queuing.queueLengthLimit = 50;
      }
    }
  };
  return {
    prepareCreate: defaults,
    prepareUpdate: defaults,
    validate: (o) => [...validatePriorityLevel(o), ...conditionCauses(o)],
    validateStatus: conditionCauses,
  };
}

function mandatoryCause(o: KubeObject, fixed: Record<string, Obj>): StatusCause[] {
  const name = String(o.metadata?.name ?? "");
  const want = Object.hasOwn(fixed, name) ? fixed[name] : undefined;
  if (!want || jsonEqual(o.spec, want)) return [];
  return [invalid("spec", OMIT_VALUE, `spec of '${name}' must equal the fixed value`)];
}

function validateFlowSchema(o: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = obj(o.spec) ?? {};
  const name = String(o.metadata?.name ?? "");
  const precedence = typeof spec.matchingPrecedence === "number" ? spec.matchingPrecedence : 0;
  const at = "spec.matchingPrecedence";
  if (precedence <= 0) out.push(invalid(at, precedence, "must be a positive value"));
  if (precedence > 10000) out.push(invalid(at, precedence, "must not be greater than 10000"));
  if (precedence === 1 && name !== "exempt") {
    out.push(
      invalid(at, precedence, "only the schema named 'exempt' may have matchingPrecedence 1"),
    );
  }
  const method = obj(spec.distinguisherMethod);
  if (method && method.type !== "ByNamespace" && method.type !== "ByUser") {
    out.push(notSupported("spec.distinguisherMethod.type", method.type, ["ByNamespace", "ByUser"]));
  }
  const level = obj(spec.priorityLevelConfiguration)?.name;
  const levelAt = "spec.priorityLevelConfiguration.name";
  if (typeof level !== "string" || level === "") {
    out.push(required(levelAt, "must reference a priority level"));
  } else {
    for (const msg of isDns1123Subdomain(level)) out.push(invalid(levelAt, level, msg));
  }
  items(spec.rules).forEach((rule, i) => out.push(...validateRule(rule, `spec.rules[${i}]`)));
  return [...out, ...mandatoryCause(o, MANDATORY_FLOW_SCHEMAS)];
}

function validateRule(rule: Obj, at: string): StatusCause[] {
  const out: StatusCause[] = [];
  const subjects = items(rule.subjects);
  if (!subjects.length) {
    out.push(required(`${at}.subjects`, "subjects must contain at least one value"));
  }
  subjects.forEach((s, i) => out.push(...validateSubject(s, `${at}.subjects[${i}]`)));
  const resourceRules = items(rule.resourceRules);
  const nonResourceRules = items(rule.nonResourceRules);
  if (!resourceRules.length && !nonResourceRules.length) {
    out.push(
      required(at, "at least one of resourceRules and nonResourceRules has to be non-empty"),
    );
  }
  resourceRules.forEach((r, i) =>
    out.push(...validateResourceRule(r, `${at}.resourceRules[${i}]`))
  );
  nonResourceRules.forEach((r, i) =>
    out.push(...validateNonResourceRule(r, `${at}.nonResourceRules[${i}]`))
  );
  return out;
}

const SUBJECT_FIELDS: Record<string, string> = {
  ServiceAccount: "serviceAccount",
  User: "user",
  Group: "group",
};

function validateSubject(s: Obj, at: string): StatusCause[] {
  const out: StatusCause[] = [];
  const own = Object.hasOwn(SUBJECT_FIELDS, String(s.kind))
    ? SUBJECT_FIELDS[String(s.kind)]
    : undefined;
  if (!own) {
    return [notSupported(`${at}.kind`, s.kind ?? "", ["Group", "ServiceAccount", "User"])];
  }
  const subject = obj(s[own]);
  if (!subject) {
    out.push(required(`${at}.${own}`, `${own} is required when subject kind is '${s.kind}'`));
  } else if (typeof subject.name !== "string" || subject.name === "") {
    out.push(required(`${at}.${own}.name`));
  } else if (own === "serviceAccount" && subject.name !== "*") {
    for (const msg of isDns1123Subdomain(subject.name)) {
      out.push(invalid(`${at}.${own}.name`, subject.name, msg));
    }
  }
  if (own === "serviceAccount" && subject) {
    const ns = subject.namespace;
    if (typeof ns !== "string" || ns === "") {
      out.push(required(`${at}.${own}.namespace`, "must specify namespace for service account"));
    } else {
      for (const msg of isDns1123Label(ns)) out.push(invalid(`${at}.${own}.namespace`, ns, msg));
    }
  }
  for (const [kind, field] of Object.entries(SUBJECT_FIELDS)) {
    if (field !== own && s[field] != null) {
      out.push(
        forbidden(`${at}.${field}`, `${field} is forbidden when subject kind is not '${kind}'`),
      );
    }
  }
  return out;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/** `*` must stand alone in a rule's list (`what`: the list's members, as the message names them). */
function wildcardAlone(values: string[], at: string, what: string): StatusCause[] {
  return values.length > 1 && values.includes("*")
    ? [invalid(at, values, `if '*' is present, must not specify other ${what}`)]
    : [];
}

function validateVerbs(verbs: string[], at: string): StatusCause[] {
  if (!verbs.length) return [required(at, "verbs must contain at least one value")];
  if (verbs.includes("*")) return wildcardAlone(verbs, at, "verbs");
  return verbs.every((v) => VERBS.includes(v)) ? [] : [notSupported(at, verbs, VERBS)];
}

function validateResourceRule(r: Obj, at: string): StatusCause[] {
  const out = validateVerbs(strings(r.verbs), `${at}.verbs`);
  const groups = strings(r.apiGroups);
  if (!groups.length) {
    out.push(required(`${at}.apiGroups`, "resource rules must supply at least one api group"));
  }
  out.push(...wildcardAlone(groups, `${at}.apiGroups`, "api groups"));
  const resources = strings(r.resources);
  if (!resources.length) {
    out.push(required(`${at}.resources`, "resource rules must supply at least one resource"));
  }
  out.push(...wildcardAlone(resources, `${at}.resources`, "resources"));
  const namespaces = strings(r.namespaces);
  if (!namespaces.length && r.clusterScope !== true) {
    out.push(
      required(
        `${at}.namespaces`,
        "resource rules that are not cluster scoped must supply at least one namespace",
      ),
    );
  } else if (namespaces.includes("*")) {
    out.push(...wildcardAlone(namespaces, `${at}.namespaces`, "namespaces"));
  } else {
    namespaces.forEach((ns, i) => {
      for (const msg of isDns1123Label(ns)) {
        out.push(
          invalid(
            `${at}.namespaces[${i}]`,
            ns,
            `each member of this list must be '*' or a DNS-1123 label; ${msg}`,
          ),
        );
      }
    });
  }
  return out;
}

function validateNonResourceRule(r: Obj, at: string): StatusCause[] {
  const out = validateVerbs(strings(r.verbs), `${at}.verbs`);
  const urls = strings(r.nonResourceURLs);
  if (!urls.length) {
    out.push(required(`${at}.nonResourceURLs`, "nonResourceURLs must contain at least one value"));
  } else if (urls.includes("*")) {
    out.push(...wildcardAlone(urls, `${at}.nonResourceURLs`, "non-resource URLs"));
  } else {
    urls.forEach((u, i) => {
      const problem = urlProblem(u);
      if (problem) out.push(invalid(`${at}.nonResourceURLs[${i}]`, u, problem));
    });
  }
  return out;
}

/** Upstream's rules for a non-resource URL: a path, no spaces or `//`, `*` only as `/*`. */
function urlProblem(path: string): string | undefined {
  if (path === "") return "must not be empty";
  if (path === "/") return undefined;
  if (!path.startsWith("/")) return "must start with slash";
  if (path.includes(" ")) return "must not contain white-space";
  if (path.includes("//")) return "must not contain double slash";
  const stars = path.split("*").length - 1;
  if (stars > 1 || (stars === 1 && !path.endsWith("/*"))) {
    return "wildcard can only do suffix matching";
  }
  return undefined;
}

function validatePriorityLevel(o: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = obj(o.spec) ?? {};
  const name = String(o.metadata?.name ?? "");
  if ((name === "exempt") !== (spec.type === "Exempt")) {
    out.push(
      invalid(
        "spec.type",
        spec.type ?? "",
        "type must be 'Exempt' if and only if name is 'exempt'",
      ),
    );
  }
  switch (spec.type) {
    case "Exempt":
      if (spec.limited != null) {
        out.push(forbidden("spec.limited", "must be nil if the type is not Limited"));
      }
      if (spec.exempt != null) out.push(...shares(obj(spec.exempt) ?? {}, "spec.exempt"));
      break;
    case "Limited": {
      if (spec.exempt != null) {
        out.push(forbidden("spec.exempt", "must be nil if the type is Limited"));
      }
      const limited = obj(spec.limited);
      if (!limited) {
        out.push(required("spec.limited", "must not be empty when type is Limited"));
        break;
      }
      out.push(...shares(limited, "spec.limited"));
      const borrowing = limited.borrowingLimitPercent;
      if (typeof borrowing === "number" && borrowing < 0) {
        out.push(
          invalid(
            "spec.limited.borrowingLimitPercent",
            borrowing,
            "if specified, must be a non-negative integer",
          ),
        );
      }
      out.push(
        ...validateLimitResponse(obj(limited.limitResponse) ?? {}, "spec.limited.limitResponse"),
      );
      break;
    }
    default:
      out.push(notSupported("spec.type", spec.type ?? "", ["Exempt", "Limited"]));
  }
  return [...out, ...mandatoryCause(o, MANDATORY_PRIORITY_LEVELS)];
}

function shares(config: Obj, at: string): StatusCause[] {
  const out: StatusCause[] = [];
  const n = config.nominalConcurrencyShares;
  if (typeof n === "number" && n < 0) {
    out.push(invalid(`${at}.nominalConcurrencyShares`, n, "must be a non-negative integer"));
  }
  const lendable = config.lendablePercent;
  if (typeof lendable === "number" && (lendable < 0 || lendable > 100)) {
    out.push(invalid(`${at}.lendablePercent`, lendable, "must be between 0 and 100, inclusive"));
  }
  return out;
}

function validateLimitResponse(lr: Obj, at: string): StatusCause[] {
  switch (lr.type) {
    case "Reject":
      return lr.queuing != null
        ? [forbidden(`${at}.queuing`, "must be nil if limited.limitResponse.type is not Limited")]
        : [];
    case "Queue": {
      const q = obj(lr.queuing);
      if (!q) {
        return [
          required(`${at}.queuing`, "must not be empty if limited.limitResponse.type is Limited"),
        ];
      }
      return validateQueuing(q, `${at}.queuing`);
    }
    default:
      return [notSupported(`${at}.type`, lr.type ?? "", ["Queue", "Reject"])];
  }
}

function validateQueuing(q: Obj, at: string): StatusCause[] {
  const out: StatusCause[] = [];
  const num = (v: unknown) => (typeof v === "number" ? v : 0);
  const [queues, hand, limit] = [num(q.queues), num(q.handSize), num(q.queueLengthLimit)];
  if (limit <= 0) out.push(invalid(`${at}.queueLengthLimit`, limit, "must be positive"));
  if (queues <= 0) out.push(invalid(`${at}.queues`, queues, "must be positive"));
  else if (queues > MAX_QUEUES) {
    out.push(invalid(`${at}.queues`, queues, `must not be greater than ${MAX_QUEUES}`));
  }
  if (hand <= 0) out.push(invalid(`${at}.handSize`, hand, "must be positive"));
  else if (hand > queues) {
    out.push(invalid(`${at}.handSize`, hand, `should not be greater than queues (${queues})`));
  } else if (Math.ceil(Math.log2(queues) * hand) > MAX_HASH_BITS) {
    out.push(
      invalid(
        `${at}.handSize`,
        hand,
        `required entropy bits of deckSize ${queues} and handSize ${hand} should not be greater than ${MAX_HASH_BITS}`,
      ),
    );
  }
  return out;
}

/** Conditions: each has a type, and each type once. */
function conditionCauses(o: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  const seen = new Set<unknown>();
  items(obj(o.status)?.conditions).forEach((c, i) => {
    const at = `status.conditions[${i}].type`;
    if (seen.has(c.type)) out.push(duplicate(at, c.type));
    seen.add(c.type);
    if (c.type === undefined || c.type === "") out.push(required(at, "must not be empty"));
  });
  return out;
}
