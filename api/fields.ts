/**
 * Field selectors (`metadata.name=x,status.phase!=Running`): parsed once, then matched against
 * the field values a kind exposes (the registry says which fields each kind supports).
 */
import { badRequest } from "./status.ts";

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

export function parseFieldSelector(input: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  // Split on commas that are not escaped with a backslash.
  for (const raw of input.split(/(?<!\\),/)) {
    const s = raw.trim();
    if (!s) continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(s);
    if (!m) throw badRequest(`invalid selector: '${input}'; can't understand '${s}'`);
    reqs.push({
      field: m[1]!.trim(),
      op: m[2] === "!=" ? "!=" : "=",
      value: unescape(m[3]!.trim()),
    });
  }
  return reqs;
}

function unescape(v: string): string {
  return v.replace(/\\([\\,=])/g, "$1");
}

export function matchesFields(
  reqs: FieldRequirement[],
  read: (field: string) => string | undefined,
): boolean {
  for (const r of reqs) {
    const v = read(r.field) ?? "";
    if (r.op === "=" ? v !== r.value : v === r.value) return false;
  }
  return true;
}
