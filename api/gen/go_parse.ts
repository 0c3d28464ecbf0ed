/**
 * A small reader of Go source files: just the declarations API type files use (imports, struct
 * types with tagged fields, named types, string and number constants) with their doc comments.
 * Function bodies and everything else are skipped. Doc comment prose is kept only so that
 * markers (`+optional`, `+listType=map`) can be read from it; it is never written out.
 */
import { type GoType, parseGoType, parseGoTypeLoose } from "./go_types.ts";

export interface GoField {
  /** Go field name; for an embedded field, the type name (`TypeMeta`). */
  name: string;
  type: GoType;
  embedded: boolean;
  /** Raw struct tag without the backquotes ("" when none). */
  tag: string;
  /** Doc comment lines directly above the field, without `//`. */
  comments: string[];
}

export interface GoStruct {
  name: string;
  fields: GoField[];
  /** Doc comment lines above the type (the closest two comment groups), without `//`. */
  comments: string[];
}

export interface GoNamedType {
  name: string;
  underlying: GoType;
  comments: string[];
}

export interface GoFile {
  packageName: string;
  /** Import alias (explicit or the path's last segment) → import path. */
  imports: Map<string, string>;
  structs: GoStruct[];
  namedTypes: GoNamedType[];
  /** Constant name → its literal value (strings unquoted, numbers as numbers). */
  consts: Map<string, string | number>;
  /** Constant name → the type it is declared with (`Foo Bar = "x"`, `Foo = Bar("x")`). */
  constTypes: Map<string, string>;
  /** Constant name → the constant its value converts (`Foo = Bar(v1.Baz)`: "v1.Baz"). */
  constRefs: Map<string, string>;
}

export class GoParseError extends Error {
  constructor(readonly file: string, readonly line: number, detail: string) {
    super(`Cannot parse Go file "${file}" at line ${line}: ${detail}`);
    this.name = "GoParseError";
  }
}

/** Parses the declarations of one Go file. `file` is only used in error messages. */
export function parseGoFile(source: string, file = "<input>"): GoFile {
  const lines = stripBlockComments(source).split("\n");
  const out: GoFile = {
    packageName: "",
    imports: new Map(),
    structs: [],
    namedTypes: [],
    consts: new Map(),
    constTypes: new Map(),
    constRefs: new Map(),
  };
  let groups: string[][] = []; // comment groups above the current line (closest last)
  let current: string[] | undefined;
  let mode: "top" | "import" | "const" | "type" = "top";
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const line = raw.trim();
    if (line.startsWith("//")) {
      if (!current) {
        current = [];
        groups.push(current);
      }
      current.push(line.replace(/^\/\/ ?/, ""));
      continue;
    }
    const docs = groups.slice(-2).flat();
    if (line === "") {
      current = undefined;
      continue;
    }
    current = undefined;
    groups = [];
    if (mode === "import") {
      if (line === ")") mode = "top";
      else addImport(out, line);
      continue;
    }
    if (mode === "const") {
      if (line === ")") mode = "top";
      else addConst(out, line);
      continue;
    }
    if (mode === "type") {
      if (line === ")") {
        mode = "top";
        continue;
      }
      i = readTypeSpec(out, lines, i, line, docs, file);
      continue;
    }
    if (line.startsWith("package ")) out.packageName = line.slice(8).trim();
    else if (line === "import (") mode = "import";
    else if (line.startsWith("import ")) addImport(out, line.slice(7));
    else if (line === "const (") mode = "const";
    else if (line.startsWith("const ")) addConst(out, line.slice(6));
    else if (line === "type (") mode = "type";
    else if (line.startsWith("type ")) i = readTypeSpec(out, lines, i, line.slice(5), docs, file);
    else if (/^(func|var)\b/.test(line)) i = skipBlock(lines, i);
  }
  return out;
}

/**
 * Blanks out `/* … *\/` comments (keeping newlines, so line numbers stay right), skipping
 * `/*` that appears inside line comments, strings and runes.
 */
function stripBlockComments(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? source.length : end;
      out += source.slice(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, "");
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && (c === "`" || source[j] !== "\n")) {
        j += c !== "`" && source[j] === "\\" ? 2 : 1;
      }
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function addImport(out: GoFile, spec: string): void {
  const m = /^(?:([\w.]+)\s+)?"([^"]+)"/.exec(spec.trim());
  if (!m || m[2] === undefined) return;
  const alias = m[1] ?? m[2].split("/").pop() ?? m[2];
  if (alias === "_" || alias === ".") return;
  out.imports.set(alias, m[2]);
}

function addConst(out: GoFile, spec: string): void {
  const m = /^([A-Za-z_]\w*)(?:\s+([\w.]+))?\s*=\s*(.+?)\s*(?:\/\/.*)?$/.exec(spec);
  if (!m || m[1] === undefined || m[3] === undefined) return;
  let value = m[3];
  if (m[2] !== undefined) out.constTypes.set(m[1], m[2]);
  const conversion = /^([A-Za-z_]\w*)\((.+)\)$/.exec(value);
  if (m[2] === undefined && conversion?.[1] !== undefined && conversion[2] !== undefined) {
    out.constTypes.set(m[1], conversion[1]);
    value = conversion[2].trim();
    if (/^[A-Za-z_][\w.]*$/.test(value)) out.constRefs.set(m[1], value);
  }
  if (/^"(?:[^"\\]|\\.)*"$/.test(value)) out.consts.set(m[1], JSON.parse(value) as string);
  else if (/^`[^`]*`$/.test(value)) out.consts.set(m[1], value.slice(1, -1));
  else if (/^-?\d+(\.\d+)?$/.test(value)) out.consts.set(m[1], Number(value));
}

/** Reads `Name struct {…}` or `Name Type` starting at line `i`; returns the last line used. */
function readTypeSpec(
  out: GoFile,
  lines: string[],
  i: number,
  spec: string,
  comments: string[],
  file: string,
): number {
  const m = /^([A-Za-z_]\w*)(?:\[[^\]]*\])?\s+(=\s*)?(.*?)\s*(?:\/\/.*)?$/.exec(spec);
  if (!m || m[1] === undefined || m[3] === undefined) {
    throw new GoParseError(file, i + 1, `type declaration "${spec}"`);
  }
  const name = m[1];
  const rhs = m[3];
  if (rhs === "struct {") {
    const [fields, end] = readFields(lines, i + 1, file);
    out.structs.push({ name, fields, comments });
    return end;
  }
  if (rhs === "struct{}") {
    out.structs.push({ name, fields: [], comments });
    return i;
  }
  if (rhs.startsWith("interface") || rhs.startsWith("func")) {
    return rhs.endsWith("{") ? skipBlock(lines, i) : i;
  }
  try {
    out.namedTypes.push({ name, underlying: parseGoType(rhs), comments });
  } catch {
    // Not a type API fields use (channels, generics, …): ignored on purpose.
  }
  return i;
}

function readFields(lines: string[], start: number, file: string): [GoField[], number] {
  const fields: GoField[] = [];
  let comments: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "}") return [fields, i];
    if (line === "") {
      comments = [];
      continue;
    }
    if (line.startsWith("//")) {
      comments.push(line.replace(/^\/\/ ?/, ""));
      continue;
    }
    const field = parseFieldLine(line, comments, file, i + 1);
    fields.push(...field);
    comments = [];
  }
  throw new GoParseError(file, start, "struct not closed");
}

function parseFieldLine(line: string, comments: string[], file: string, lineNo: number): GoField[] {
  let body = line;
  let tag = "";
  const tagMatch = /`([^`]*)`/.exec(body);
  if (tagMatch) {
    tag = tagMatch[1] ?? "";
    body = body.slice(0, tagMatch.index);
  }
  body = body.replace(/\/\/.*$/, "").trim();
  if (body.endsWith("{")) throw new GoParseError(file, lineNo, "anonymous struct fields");
  const named = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+(\S.*)$/.exec(body);
  if (named && named[1] !== undefined && named[2] !== undefined) {
    const type = parseGoTypeLoose(named[2]);
    return named[1].split(",").map((n) => ({
      name: n.trim(),
      type,
      embedded: false,
      tag,
      comments,
    }));
  }
  const type = parseGoType(body);
  const base = type.kind === "pointer" ? type.elem : type;
  if (base.kind !== "named") throw new GoParseError(file, lineNo, `embedded field "${body}"`);
  return [{ name: base.name, type, embedded: true, tag, comments }];
}

/** Skips a `{…}` block that opens on line `i` by counting braces; returns its last line. */
function skipBlock(lines: string[], i: number): number {
  let depth = 0;
  for (let j = i; j < lines.length; j++) {
    const text = (lines[j] ?? "")
      .replace(/\/\/.*$/, "")
      .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, "");
    for (const ch of text) {
      if (ch === "{" || ch === "(") depth++;
      else if (ch === "}" || ch === ")") depth--;
    }
    if (depth <= 0 && j >= i) return j;
  }
  return lines.length - 1;
}
