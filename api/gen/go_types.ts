/**
 * Go type expressions as they appear in API struct fields: `*T`, `[]T`, `map[K]V`, `pkg.T`, `T`.
 * Only the subset the Kubernetes API types use; anything else is refused loudly.
 */

export type GoType =
  | { kind: "named"; pkg?: string; name: string }
  | { kind: "pointer"; elem: GoType }
  | { kind: "slice"; elem: GoType }
  | { kind: "map"; key: GoType; value: GoType }
  /** Anything else (channels, funcs, generics, interface{}): kept as text, refused if used. */
  | { kind: "other"; text: string };

export class GoTypeSyntaxError extends Error {
  constructor(readonly source: string, detail: string) {
    super(`Unsupported Go type "${source}": ${detail}`);
    this.name = "GoTypeSyntaxError";
  }
}

/** Like {@link parseGoType}, but an unsupported expression becomes `{kind: "other"}`. */
export function parseGoTypeLoose(source: string): GoType {
  try {
    return parseGoType(source);
  } catch (e: unknown) {
    if (e instanceof GoTypeSyntaxError) return { kind: "other", text: source.trim() };
    throw e;
  }
}

/** Parses one Go type expression (no surrounding whitespace needed). */
export function parseGoType(source: string): GoType {
  const [type, rest] = parseAt(source.trim(), source);
  if (rest.trim() !== "") throw new GoTypeSyntaxError(source, `trailing "${rest}"`);
  return type;
}

function parseAt(s: string, whole: string): [GoType, string] {
  if (s.startsWith("*")) {
    const [elem, rest] = parseAt(s.slice(1), whole);
    return [{ kind: "pointer", elem }, rest];
  }
  if (s.startsWith("[]")) {
    const [elem, rest] = parseAt(s.slice(2), whole);
    return [{ kind: "slice", elem }, rest];
  }
  if (s.startsWith("map[")) {
    const [key, afterKey] = parseAt(s.slice(4), whole);
    if (!afterKey.startsWith("]")) throw new GoTypeSyntaxError(whole, "map key not closed");
    const [value, rest] = parseAt(afterKey.slice(1), whole);
    return [{ kind: "map", key, value }, rest];
  }
  if (s.startsWith("interface{}")) return [{ kind: "other", text: "interface{}" }, s.slice(11)];
  const m = /^([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?/.exec(s);
  if (!m || !m[1]) throw new GoTypeSyntaxError(whole, `cannot read "${s}"`);
  const rest = s.slice(m[0].length);
  if (m[2] !== undefined) return [{ kind: "named", pkg: m[1], name: m[2] }, rest];
  return [{ kind: "named", name: m[1] }, rest];
}

/** Go's predeclared scalar types that API structs use. */
export const GO_SCALARS = new Set([
  "string",
  "bool",
  "int",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "float32",
  "float64",
  "byte",
]);

/** Strips pointers: `**T` → `T`. */
export function derefType(t: GoType): GoType {
  return t.kind === "pointer" ? derefType(t.elem) : t;
}

/** `[]byte` (or `[]uint8`). */
export function isByteSlice(t: GoType): boolean {
  return t.kind === "slice" && t.elem.kind === "named" && t.elem.pkg === undefined &&
    (t.elem.name === "byte" || t.elem.name === "uint8");
}

/** Renders a type back to Go syntax (for messages). */
export function formatGoType(t: GoType): string {
  switch (t.kind) {
    case "named":
      return t.pkg ? `${t.pkg}.${t.name}` : t.name;
    case "pointer":
      return `*${formatGoType(t.elem)}`;
    case "slice":
      return `[]${formatGoType(t.elem)}`;
    case "map":
      return `map[${formatGoType(t.key)}]${formatGoType(t.value)}`;
    case "other":
      return t.text;
  }
}
