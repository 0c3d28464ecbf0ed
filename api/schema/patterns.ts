/**
 * Regular expressions from CRD authors: schema `pattern`s and CEL's `matches()`. Upstream reads
 * both as RE2 (Go's regexp), which matches in time linear in the input. A JavaScript RegExp
 * backtracks: `^(a+)+$` against forty `a`s and a `!` runs for minutes, and the server with it.
 * So they go through the `re2js` library (RE2's syntax, its matching guarantee and Go's
 * wording of syntax errors), loaded on first use like the CEL engine: a server with no such
 * pattern never holds it.
 */
import { invalid } from "./field_errors.ts";
import type { StatusCause } from "../status.ts";

type Re2 = typeof import("re2js");
type Pattern = InstanceType<Re2["RE2JS"]>;

let re2: Re2 | undefined;

/** Compiled patterns by source, and the syntax error of those that do not compile. */
const compiled = new Map<string, Pattern | Error>();
const CACHE_LIMIT = 1000;

/** Loads the RE2 engine; patterns can be checked and matched once this has resolved. */
export async function loadPatternEngine(): Promise<void> {
  re2 ??= await import("re2js");
}

function compile(pattern: string): Pattern | Error {
  const found = compiled.get(pattern);
  if (found !== undefined) return found;
  if (!re2) throw new Error("the pattern engine is not loaded (loadPatternEngine)");
  let out: Pattern | Error;
  try {
    out = re2.RE2JS.compile(pattern);
  } catch (error: unknown) {
    out = error instanceof Error ? error : new Error(String(error));
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(pattern, out);
  return out;
}

/** Go's syntax error for `pattern` ("error parsing regexp: ..."), or undefined when it is valid. */
export function patternError(pattern: string): string | undefined {
  const p = compile(pattern);
  return p instanceof Error ? p.message : undefined;
}

/** Whether `value` holds a match of `pattern` anywhere (Go's MatchString); throws when the
 * pattern is not valid RE2. */
export function findsPattern(pattern: string, value: string): boolean {
  const p = compile(pattern);
  if (p instanceof Error) throw p;
  return p.test(value);
}

/** The first `n` matches of `pattern` in `value` (all of them when `n` is negative), left to
 * right and not overlapping, as Go's FindAllString. */
export function findAllPattern(pattern: string, value: string, n: number): string[] {
  const p = compile(pattern);
  if (p instanceof Error) throw p;
  const out: string[] = [];
  if (n === 0) return out;
  const m = p.matcher(value);
  while ((n < 0 || out.length < n) && m.find()) out.push(m.group() ?? "");
  return out;
}

/** Values of these keywords are data, not schemas: a `pattern` key inside is not a keyword. */
const DATA_KEYWORDS = new Set(["default", "enum", "example", "x-kubernetes-validations"]);
const MAX_DEPTH = 64;

/**
 * The `pattern`s of a CRD schema (at `path`) that are not valid RE2, as upstream's structural
 * checks word them. Every node counts: properties, items, additionalProperties and the value
 * validations under allOf/anyOf/oneOf/not. Needs the engine loaded.
 */
export function patternCauses(schema: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  const walk = (node: unknown, at: string, depth: number): void => {
    if (depth > MAX_DEPTH || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach((x, i) => walk(x, `${at}[${i}]`, depth + 1));
      return;
    }
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (DATA_KEYWORDS.has(k)) continue;
      if (k === "pattern" && typeof v === "string" && v !== "") {
        const error = patternError(v);
        if (error !== undefined) {
          out.push(
            invalid(`${at}.pattern`, v, `must be a valid regular expression, but isn't: ${error}`),
          );
        }
      } else if (k === "properties" && v && typeof v === "object" && !Array.isArray(v)) {
        for (const [name, p] of Object.entries(v)) walk(p, `${at}.properties[${name}]`, depth + 1);
      } else if (typeof v === "object") {
        walk(v, `${at}.${k}`, depth + 1);
      }
    }
  };
  walk(schema, path, 0);
  return out;
}
