/**
 * The JSONPath subset CRD printer columns and selectable fields use: `.a.b`, `[n]`, `['key']`
 * and one filter `[?(@.field=="value")]`.
 */

type Step = { key: string } | { index: number } | { filter: { path: string[]; value: string } };

/** The steps of a path, or undefined when it is outside the supported subset. */
function parse(path: string): Step[] | undefined {
  const steps: Step[] = [];
  let s = path.trim().replace(/^\{|\}$/g, "").replace(/^\$/, "");
  if (!s.startsWith(".") && !s.startsWith("[")) return undefined;
  while (s.length) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([^.[\]]+)/.exec(s))) steps.push({ key: m[1]! });
    else if ((m = /^\[(\d+)\]/.exec(s))) steps.push({ index: Number(m[1]) });
    else if ((m = /^\[['"]([^'"]+)['"]\]/.exec(s))) steps.push({ key: m[1]! });
    else if ((m = /^\[\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)\]/.exec(s))) {
      steps.push({ filter: { path: m[1]!.split("."), value: m[2]! } });
    } else return undefined;
    s = s.slice(m[0].length);
  }
  return steps;
}

function get(o: unknown, path: string[]): unknown {
  let cur = o;
  for (const p of path) {
    cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[p] : undefined;
  }
  return cur;
}

export function evalJsonPath(obj: unknown, path: string): unknown {
  const steps = parse(path);
  if (!steps) return undefined;
  let cur: unknown = obj;
  for (const step of steps) {
    if (cur === undefined || cur === null) return undefined;
    if ("key" in step) {
      cur = typeof cur === "object" ? (cur as Record<string, unknown>)[step.key] : undefined;
    } else if ("index" in step) cur = Array.isArray(cur) ? cur[step.index] : undefined;
    else {cur = Array.isArray(cur)
        ? cur.find((e) => String(get(e, step.filter.path)) === step.filter.value)
        : undefined;}
  }
  return cur;
}
