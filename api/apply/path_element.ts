/**
 * Path elements, spelled as in `FieldsV1`: `f:<field>`, `k:<json of the key fields>` for a
 * list-map element, `v:<json value>` for a set element, `i:<index>` for a list position.
 * Also their display form in conflict messages: `.spec.replicas`, `[name="nginx"]`, `[="x"]`.
 */
import { canonicalJson, isObject } from "../patch/json.ts";
import type { SchemaResolver } from "../schema/types.ts";
import { badRequest } from "../status.ts";
import { keyDefault, type TypeNode } from "./type_node.ts";

export const fieldPe = (name: string): string => `f:${name}`;

/**
 * The path element of a list element. A list-map element missing a key field that has no
 * default is an error when `strict` (an applied configuration), else it falls back to its index.
 */
export function elementPe(
  list: TypeNode & { kind: "list" },
  item: unknown,
  index: number,
  resolver: SchemaResolver,
  strict: boolean,
): string {
  if (list.relationship === "set") return `v:${canonicalJson(item)}`;
  if (!isObject(item)) {
    if (strict) {
      throw badRequest(`associative list element ${canonicalJson(item)} is not an object`);
    }
    return `i:${index}`;
  }
  const key: Record<string, unknown> = {};
  for (const name of [...list.keys].sort()) {
    const v = item[name] ?? keyDefault(list.items, name, resolver);
    if (v === undefined || v === null) {
      if (strict) {
        throw badRequest(
          `associative list with keys has an element that omits key field "${name}" (and doesn't have default value)`,
        );
      }
      return `i:${index}`;
    }
    key[name] = v;
  }
  // Key fields in name order, as upstream sorts them; values canonical.
  return `k:{${
    Object.entries(key).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")
  }}`;
}

/** Display form of one path element. */
export function displayPe(pe: string): string {
  const body = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case "f:":
      return `.${body}`;
    case "k:": {
      const parsed = safeParse(body);
      if (!isObject(parsed)) return `[${body}]`;
      return `[${Object.entries(parsed).map(([k, v]) => `${k}=${displayValue(v)}`).join(",")}]`;
    }
    case "v:":
      return `[=${displayValue(safeParse(body))}]`;
    case "i:":
      return `[${body}]`;
    default:
      return pe;
  }
}

/** Display form of a path: `.spec.template.spec.containers[name="nginx"].image`. */
export const displayPath = (path: readonly string[]): string => path.map(displayPe).join("");

function displayValue(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : canonicalJson(v);
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** Whether a FieldsV1 key is a well-formed path element. */
export function isPathElement(key: string): boolean {
  const kind = key.slice(0, 2);
  if (kind === "f:") return true;
  if (kind === "i:") return /^i:\d+$/.test(key);
  if (kind !== "k:" && kind !== "v:") return false;
  try {
    const parsed: unknown = JSON.parse(key.slice(2));
    return kind === "v:" || isObject(parsed);
  } catch {
    return false;
  }
}

/** Sort order of path elements: fields, then keys, then values, then indexes. */
export function comparePe(a: string, b: string): number {
  const rank = (pe: string) => "fkvi".indexOf(pe[0] ?? "f");
  const d = rank(a) - rank(b);
  if (d !== 0) return d;
  if (a.startsWith("i:") && b.startsWith("i:")) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}
