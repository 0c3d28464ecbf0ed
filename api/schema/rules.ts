/**
 * CRD validation rules (`x-kubernetes-validations`): CEL expressions on schema nodes, evaluated
 * with `self` bound to the node's value (and `oldSelf` to the stored one on updates: transition
 * rules), as upstream's apiextensions server does. A rule that is not true fails its node with
 * its message (or `messageExpression`, or "failed rule: <rule>"), at its `fieldPath`, as its
 * `reason`; values that did not change keep passing (upstream's ratcheting).
 *
 * The CEL engine is an npm library loaded on first use (`loadRuleEngine`): a server without
 * such rules never holds it. Values are typed by the schema: integers are CEL ints, numbers
 * doubles. Each evaluation is held to upstream's per-call cost limit, and an object's rules
 * together to its runtime budget (cel_cost.ts). Not yet: upstream's static cost estimate when a
 * CRD is written, its CEL libraries beyond the ones registered below, set and map list
 * equality ignoring order.
 */
import { jsonEqual } from "../patch/json.ts";
import type { StatusCause } from "../status.ts";
import { child, fieldError, index, OMIT_VALUE } from "./field_errors.ts";
import { derefSchema, isJsonObject } from "./schema_node.ts";
import { findAllPattern, findsPattern, loadPatternEngine } from "./patterns.ts";
import {
  CostLimitError,
  installMeter,
  lastCost,
  metered,
  type MeteredEnvironment,
  RUNTIME_BUDGET,
} from "./cel_cost.ts";
import type { Schema, SchemaResolver } from "./types.ts";

type Cel = typeof import("@marcbachmann/cel-js");
type Environment = InstanceType<Cel["Environment"]>;

interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

interface Engine {
  cel: Cel;
  env: Environment;
  /** Compiled rules by source (parse errors kept, to report them once per rule). */
  programs: Map<string, ((vars: Record<string, unknown>) => unknown) | Error>;
}

let engine: Engine | undefined;

/** Loads the CEL library and the functions Kubernetes adds to it. */
export async function loadRuleEngine(): Promise<void> {
  if (engine) return;
  const cel = await import("@marcbachmann/cel-js");
  await loadPatternEngine();
  const env = new cel.Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true,
  });
  registerKubernetesLibraries(env);
  registerHas(env);
  const matches = (s: string, p: string) => findsPattern(p, s);
  env.registerFunction(`string.${MATCHES}(string): bool`, matches);
  env.registerFunction(`${MATCHES}(string, string): bool`, matches);
  registerRegexLibrary(env);
  installMeter(env as unknown as MeteredEnvironment);
  engine = { cel, env, programs: new Map() };
}

/** Upstream's extensions that CRD rules commonly use and the library lacks. */
function registerKubernetesLibraries(env: Environment): void {
  const cmp = (a: unknown, b: unknown) => (a as number) < (b as number);
  env.registerFunction(
    "string.replace(string, string): string",
    (s: string, a: string, b: string) => s.replaceAll(a, b),
  );
  env.registerFunction(
    "list.isSorted(): bool",
    (l: unknown[]) => l.every((x, i) => i === 0 || !cmp(x, l[i - 1])),
  );
  env.registerFunction(
    "list.sum(): dyn",
    (l: unknown[]) =>
      l.reduce((a, b) => (a as number) + (b as number), typeof l[0] === "bigint" ? 0n : 0),
  );
  env.registerFunction("list.min(): dyn", (l: unknown[]) => {
    if (!l.length) throw new Error("min called on empty list");
    return l.reduce((a, b) => cmp(b, a) ? b : a);
  });
  env.registerFunction("list.max(): dyn", (l: unknown[]) => {
    if (!l.length) throw new Error("max called on empty list");
    return l.reduce((a, b) => cmp(a, b) ? b : a);
  });
  env.registerFunction(
    "list.indexOf(dyn): int",
    (l: unknown[], v: unknown) => BigInt(l.findIndex((x) => jsonEqual(x, v))),
  );
  env.registerFunction(
    "list.lastIndexOf(dyn): int",
    (l: unknown[], v: unknown) => BigInt(l.findLastIndex((x) => jsonEqual(x, v))),
  );
  env.registerFunction("isURL(string): bool", (s: string) => URL.canParse(s));
  env.registerFunction("isIP(string): bool", (s: string) => isIp(s));
  env.registerFunction("isCIDR(string): bool", (s: string) => {
    const [ip, bits, ...rest] = s.split("/");
    if (rest.length || bits === undefined || !/^\d+$/.test(bits) || !ip || !isIp(ip)) return false;
    return Number(bits) <= (ip.includes(":") ? 128 : 32);
  });
}

/**
 * Two calls the library gets wrong for Kubernetes rules, so rules are parsed with them renamed
 * (renameCalls) to functions of kno's. has(): the library's accepts only a chain of field
 * selections from a variable, so the valid `has(self.matches[0].path)` (Gateway API's HTTPRoute)
 * failed; this macro evaluates the operand as any expression, then tests the field, as the CEL
 * spec defines has(). matches(): CEL's patterns are RE2, whose `(?i)` and other syntax a
 * JavaScript RegExp refuses (Gateway API's GRPCRoute), and which must match in linear time
 * (patterns.ts).
 */
const HAS_MACRO = "kno_has";

function registerHas(env: Environment): void {
  interface SelectNode {
    op: string;
    args: [unknown, string];
  }
  interface Evaluator {
    run(node: unknown, ctx: unknown): unknown;
  }
  interface Checker {
    check(node: unknown, ctx: unknown): unknown;
    getType(t: string): unknown;
  }
  env.registerFunction(`${HAS_MACRO}(ast): bool`, ({ args }: { args: SelectNode[] }) => ({
    arg: args[0],
    // Checking the operand resolves its names, which evaluating it needs.
    typeCheck(checker: Checker, macro: { arg: SelectNode }, ctx: unknown) {
      if (macro.arg?.op !== ".") throw new Error("invalid argument to has() macro");
      checker.check(macro.arg.args[0], ctx);
      return checker.getType("bool");
    },
    evaluate(ev: Evaluator, macro: { arg: SelectNode }, ctx: unknown) {
      const node = macro.arg;
      if (node?.op !== ".") throw new Error("invalid argument to has() macro");
      const target = ev.run(node.args[0], ctx);
      if (target instanceof Map) return target.has(node.args[1]);
      if (target && typeof target === "object" && !Array.isArray(target)) {
        return Object.hasOwn(target, node.args[1]);
      }
      throw new Error(`invalid type for field selection with has(): ${typeof target}`);
    },
  }));
}

/**
 * `source` with the calls the library gets wrong renamed, outside string literals: has( (not a
 * method) to the has macro, and matches( (method or function) to the RE2-reading one.
 */
export function renameCalls(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === "'" || c === '"') {
      const raw = /[rR]/.test(source[i - 1] ?? "") && !/\w/.test(source[i - 2] ?? "");
      const quote = source.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < source.length && !source.startsWith(quote, j)) {
        j += !raw && source[j] === "\\" ? 2 : 1;
      }
      j = Math.min(source.length, j + quote.length);
      out += source.slice(i, j);
      i = j;
      continue;
    }
    const before = source[i - 1] ?? "";
    const call = /^(has|matches)\s*\(/.exec(source.slice(i, i + 16));
    if (call && !/\w/.test(before) && (call[1] === "matches" || before !== ".")) {
      out += (call[1] === "has" ? HAS_MACRO : MATCHES) + call[0].slice(call[1]!.length);
      i += call[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const MATCHES = "kno_matches";
/** Upstream's regex library: the first match (or ""), and all or the first n matches. */
function registerRegexLibrary(env: Environment): void {
  env.registerFunction("string.find(string): string", (s: string, p: string) => {
    return findAllPattern(p, s, 1)[0] ?? "";
  });
  env.registerFunction(
    "string.findAll(string): list<string>",
    (s: string, p: string) => findAllPattern(p, s, -1),
  );
  env.registerFunction(
    "string.findAll(string, int): list<string>",
    (s: string, p: string, n: bigint) => findAllPattern(p, s, Number(n)),
  );
}

function isIp(s: string): boolean {
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(s)) {
    return s.split(".").every((p) => Number(p) <= 255 && (p === "0" || !p.startsWith("0")));
  }
  if (!s.includes(":")) return false;
  return URL.canParse(`http://[${s}]/`);
}

/**
 * A CEL expression compiled (cached by source), or the parse error. Needs the engine loaded.
 * Each call of the program is held to upstream's per-call cost limit (cel_cost.ts): past it, it
 * throws a CostLimitError, and lastCost() tells what it cost.
 */
export function compileCel(rule: string) {
  const e = engine!;
  let p = e.programs.get(rule);
  if (!p) {
    try {
      const program = e.env.parse(renameCalls(rule)) as (vars: Record<string, unknown>) => unknown;
      p = (vars: Record<string, unknown>) => metered(() => program(vars));
    } catch (err) {
      p = err instanceof Error ? err : new Error(String(err));
    }
    e.programs.set(rule, p);
  }
  return p;
}

/** The first line of an engine error (the library appends a source excerpt). */
export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0]!.trim();
}

const RULES = "x-kubernetes-validations";

/**
 * The rules of a CRD version's schema that do not compile, as causes at `path` (the
 * schema's own field path in the CRD). Needs the engine loaded.
 */
export function ruleCompileCauses(schema: Schema, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const walk = (node: unknown, at: string) => {
    // The CRD's own validation reports schemas of the wrong shape; here they hold no rules.
    if (!isJsonObject(node)) return;
    const s = node as Schema;
    const rules = s[RULES as keyof Schema] as ValidationRule[] | undefined;
    (Array.isArray(rules) ? rules : []).forEach((r, i) => {
      const where = `${at}.${RULES}[${i}]`;
      for (
        const [field, source] of [["rule", r?.rule], ["messageExpression", r?.messageExpression]]
      ) {
        if (typeof source !== "string" || (field === "messageExpression" && source === "")) {
          continue;
        }
        const p = compileCel(source);
        if (p instanceof Error) {
          out.push(
            fieldError(
              "FieldValueInvalid",
              `${where}.${field}`,
              source,
              `compilation failed: ${errorText(p)}`,
            ),
          );
        }
      }
    });
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${at}.properties[${k}]`);
    if (!Array.isArray(s.items)) walk(s.items, `${at}.items`);
    walk(s.additionalProperties, `${at}.additionalProperties`);
  };
  walk(schema, path);
  return out;
}

/** No stored value to compare with (a create, or an item that cannot be correlated). */
const NONE = Symbol("no old value");
type Old = unknown | typeof NONE;

/** Evaluates every rule of `schema` over `obj` (and `old`, the stored object, on updates). */
export function validateRules(
  obj: unknown,
  old: unknown,
  schema: Schema,
  resolver: SchemaResolver,
): StatusCause[] {
  const out: StatusCause[] = [];
  const budget: Budget = { remaining: RUNTIME_BUDGET, stopped: false };
  node(obj, old === undefined ? NONE : old, schema, resolver, "", out, 0, budget);
  return out;
}

/** What is left of the object's runtime cost budget; stopped once a limit ended validation. */
interface Budget {
  remaining: number;
  stopped: boolean;
}

function node(
  value: unknown,
  old: Old,
  schema: Schema,
  resolver: SchemaResolver,
  path: string,
  out: StatusCause[],
  depth: number,
  budget: Budget,
): void {
  if (value === undefined || value === null || depth > 100 || budget.stopped) return;
  const s = derefSchema(schema, resolver);
  const rules = s[RULES as keyof Schema] as ValidationRule[] | undefined;
  if (Array.isArray(rules) && rules.length) {
    if (budget.remaining <= 0) return outOfBudget(s, value, path, out, budget);
    for (const rule of rules) {
      evaluate(rule, value, old, s, resolver, path, out, budget);
      if (budget.stopped) return;
    }
  }
  if (Array.isArray(value)) {
    const items = s.items && !Array.isArray(s.items) ? s.items as Schema : undefined;
    if (!items) return;
    const keys = s["x-kubernetes-list-type"] === "map"
      ? s["x-kubernetes-list-map-keys"]
      : undefined;
    value.forEach((item, i) => {
      const before = keys && Array.isArray(old)
        ? old.find((o) => keys.every((k) => jsonEqual(o?.[k], item?.[k])))
        : undefined;
      node(item, before ?? NONE, items, resolver, index(path, i), out, depth + 1, budget);
    });
    return;
  }
  if (!isJsonObject(value)) return;
  const map = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const [k, v] of Object.entries(value)) {
    const prop = s.properties?.[k] ?? map;
    if (!prop) continue;
    const before = isJsonObject(old) && k in old ? old[k] : NONE;
    node(v, before, prop, resolver, child(path, k), out, depth + 1, budget);
  }
}

function outOfBudget(
  s: Schema,
  value: unknown,
  path: string,
  out: StatusCause[],
  budget: Budget,
): void {
  const detail = "validation failed due to running out of cost budget, " +
    "no further validation rules will be run";
  out.push(fieldError("FieldValueInvalid", path, typeName(s, value), detail));
  budget.stopped = true;
}

function evaluate(
  rule: ValidationRule,
  value: unknown,
  old: Old,
  s: Schema,
  resolver: SchemaResolver,
  path: string,
  out: StatusCause[],
  budget: Budget,
): void {
  const e = engine!;
  const source = String(rule.rule ?? "");
  const transition = /\boldSelf\b/.test(source);
  if (transition && old === NONE && !rule.optionalOldSelf) return;
  const p = compileCel(source);
  const type = typeName(s, value);
  const failAt = rule.fieldPath ? (path + rule.fieldPath).replace(/^\./, "") : path;
  if (p instanceof Error) {
    out.push(fieldError("FieldValueInvalid", failAt, type, `rule compile error: ${errorText(p)}`));
    return;
  }
  const vars: Record<string, unknown> = { self: toCel(value, s, resolver) };
  if (transition) {
    const before = old === NONE ? undefined : toCel(old, s, resolver);
    vars.oldSelf = rule.optionalOldSelf
      ? (before === undefined ? e.cel.Optional.none() : e.cel.Optional.of(before))
      : before;
  }
  // Unchanged values are not held to rules they already broke (upstream's ratcheting).
  const ratchet = !transition && old !== NONE && jsonEqual(old, value);
  const report = (cause: StatusCause) => {
    if (!ratchet) out.push(cause);
  };
  let result: unknown;
  try {
    result = p(vars);
  } catch (err) {
    if (err instanceof CostLimitError) {
      // As upstream: the field, its type, and no further rules.
      const detail = `'${err.message}': no further validation rules will be run due to call ` +
        `cost exceeds limit for rule: ${ruleText(rule)}`;
      out.push(fieldError("FieldValueInvalid", path, type, detail));
      budget.stopped = true;
      return;
    }
    if (!charge(budget, s, value, path, out)) return;
    report(
      fieldError(
        "FieldValueInvalid",
        failAt,
        type,
        `${errorText(err)} evaluating rule: ${ruleText(rule)}`,
      ),
    );
    return;
  }
  if (!charge(budget, s, value, path, out)) return;
  if (result === true) return;
  let detail = rule.message?.trim() ? rule.message.trim() : `failed rule: ${ruleText(rule)}`;
  if (rule.messageExpression) {
    const m = compileCel(rule.messageExpression);
    if (!(m instanceof Error)) {
      try {
        const text = m(vars);
        if (typeof text === "string" && text.trim() !== "" && !text.includes("\n")) detail = text;
      } catch { /* the message or default stands */ }
      if (!charge(budget, s, value, path, out)) return;
    }
  }
  const shown = s.type === "object" || s.type === "array" ? OMIT_VALUE : value;
  switch (rule.reason) {
    case "FieldValueForbidden":
      report(fieldError("FieldValueForbidden", failAt, "", detail));
      break;
    case "FieldValueRequired":
      report(fieldError("FieldValueRequired", failAt, "", detail));
      break;
    case "FieldValueDuplicate":
      report(fieldError("FieldValueDuplicate", failAt, shown));
      break;
    default:
      report(fieldError("FieldValueInvalid", failAt, shown, detail));
  }
}

/** Takes the latest evaluation's cost from the budget; false (and the error) once it is spent. */
function charge(
  budget: Budget,
  s: Schema,
  value: unknown,
  path: string,
  out: StatusCause[],
): boolean {
  budget.remaining -= lastCost();
  if (budget.remaining >= 0) return true;
  outOfBudget(s, value, path, out, budget);
  return false;
}

function ruleText(rule: ValidationRule): string {
  return rule.message?.trim() ? rule.message.trim() : String(rule.rule ?? "").trim();
}

/** The schema type upstream names in errors about a value that could not be evaluated. */
function typeName(s: Schema, value: unknown): string {
  if (typeof s.type === "string") return s.type;
  return Array.isArray(value) ? "array" : typeof value === "object" ? "object" : typeof value;
}

/** A JSON value as CEL sees it under `schema`: integers are ints (bigint), numbers doubles. */
export function toCel(value: unknown, schema: Schema, resolver: SchemaResolver): unknown {
  const s = derefSchema(schema, resolver);
  if (typeof value === "number") {
    if (s.type === "number") return value;
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    const items = s.items && !Array.isArray(s.items) ? s.items as Schema : {};
    return value.map((v) => toCel(v, items, resolver));
  }
  if (isJsonObject(value)) {
    const map = typeof s.additionalProperties === "object" ? s.additionalProperties : {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = toCel(v, s.properties?.[k] ?? map, resolver);
    }
    return out;
  }
  return value;
}
