/**
 * Label selectors: the string form of list/watch query parameters (`app=x,tier!=db,env in (a,b),
 * !legacy`) and the `metav1.LabelSelector` object form, both compiled to one predicate.
 */
import { type ApiError, badRequest } from "./status.ts";

export type Requirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "gt" | "lt"; value: number }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!" };

export type Labels = Record<string, string> | undefined;

/** Parses a label selector string; empty means "everything". Throws 400 on bad syntax. */
export function parseLabelSelector(input: string): Requirement[] {
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(input)) {
    const s = part.trim();
    if (!s) continue;
    reqs.push(parseRequirement(s, input));
  }
  return reqs;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function bad(selector: string, why: string): ApiError {
  return badRequest(`unable to parse requirement: ${why} in selector "${selector}"`);
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key)) throw bad(selector, `invalid label key "${key}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (value.length > 63 || !VALUE.test(value)) {
    throw bad(selector, `invalid label value: "${value}"`);
  }
  return value;
}

function parseRequirement(s: string, selector: string): Requirement {
  if (s.startsWith("!")) {
    return { key: checkKey(s.slice(1).trim(), selector), op: "!" };
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (set) {
    const values = set[3]!.split(",").map((v) => checkValue(v.trim(), selector));
    return { key: checkKey(set[1]!, selector), op: set[2] as "in" | "notin", values };
  }
  const cmp = /^([^<>=!]+?)\s*([<>])\s*(.*)$/.exec(s);
  if (cmp) {
    const v = cmp[3]!.trim();
    if (!/^-?\d+$/.test(v)) {
      throw bad(selector, `for 'Gt', 'Lt' operators, the value must be an integer`);
    }
    return {
      key: checkKey(cmp[1]!.trim(), selector),
      op: cmp[2] === ">" ? "gt" : "lt",
      value: Number(v),
    };
  }
  const eq = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(s);
  if (eq) {
    const op = eq[2] === "!=" ? "!=" : "=";
    return {
      key: checkKey(eq[1]!.trim(), selector),
      op,
      value: checkValue(eq[3]!.trim(), selector),
    };
  }
  if (/[=!<>()\s]/.test(s)) throw bad(selector, `found '${s}', expected: key, '!', 'in', 'notin'`);
  return { key: checkKey(s, selector), op: "exists" };
}

/** Compiles the object form (`matchLabels` + `matchExpressions`). */
export function fromLabelSelectorObject(sel: unknown): Requirement[] {
  if (!sel || typeof sel !== "object") return [];
  const reqs: Requirement[] = [];
  const { matchLabels, matchExpressions } = sel as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  for (const key of Object.keys(matchLabels ?? {}).sort()) {
    reqs.push({ key, op: "=", value: matchLabels![key]! });
  }
  for (const e of matchExpressions ?? []) {
    switch (e.operator) {
      case "In":
        reqs.push({ key: e.key, op: "in", values: e.values ?? [] });
        break;
      case "NotIn":
        reqs.push({ key: e.key, op: "notin", values: e.values ?? [] });
        break;
      case "Exists":
        reqs.push({ key: e.key, op: "exists" });
        break;
      case "DoesNotExist":
        reqs.push({ key: e.key, op: "!" });
        break;
      default:
        throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return reqs;
}

/** The string form of a selector object (what `status.selector` of a Scale carries). */
export function labelSelectorString(sel: unknown): string {
  const reqs = fromLabelSelectorObject(sel).sort((
    a,
    b,
  ) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => {
    switch (r.op) {
      case "gt":
        return `${r.key}>${r.value}`;
      case "lt":
        return `${r.key}<${r.value}`;
      case "=":
      case "!=":
        return `${r.key}${r.op}${r.value}`;
      case "in":
      case "notin":
        return `${r.key} ${r.op} (${[...r.values].sort().join(",")})`;
      case "exists":
        return r.key;
      case "!":
        return `!${r.key}`;
    }
  }).join(",");
}

export function matchesLabels(reqs: Requirement[], labels: Labels): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        if (v !== r.value) return false;
        break;
      case "!=":
        if (v === r.value) return false;
        break;
      case "in":
        if (!has || !r.values.includes(v!)) return false;
        break;
      case "notin":
        if (has && r.values.includes(v!)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "gt":
      case "lt": {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        if (r.op === "gt" ? !(n > r.value) : !(n < r.value)) return false;
        break;
      }
      case "!":
        if (has) return false;
        break;
    }
  }
  return true;
}
