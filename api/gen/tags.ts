/**
 * Struct tags (`json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`) and comment markers
 * (`// +listType=map`) of Go API types.
 */

/** Parses a Go struct tag (the text between backquotes) into key → value. */
export function parseStructTag(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([A-Za-z_][\w-]*):"((?:[^"\\]|\\.)*)"/g;
  for (const m of tag.matchAll(re)) {
    if (m[1] !== undefined && m[2] !== undefined) out.set(m[1], m[2].replace(/\\(.)/g, "$1"));
  }
  return out;
}

export interface JsonTag {
  /** The JSON name; "" when the tag gives none (embedded structs are then inlined). */
  name: string;
  omitempty: boolean;
  inline: boolean;
  /** `json:"-"`: never serialized. */
  skip: boolean;
}

export function parseJsonTag(value: string | undefined): JsonTag | undefined {
  if (value === undefined) return undefined;
  if (value === "-") return { name: "", omitempty: false, inline: false, skip: true };
  const [name = "", ...opts] = value.split(",");
  return {
    name,
    omitempty: opts.includes("omitempty"),
    inline: opts.includes("inline"),
    skip: false,
  };
}

export interface ProtoTag {
  /** Wire type word: bytes, varint, fixed32, fixed64, … */
  wire: string;
  number: number;
  /** opt, rep or req. */
  label: string;
  name?: string;
  castType?: string;
}

export class TagSyntaxError extends Error {
  constructor(readonly tag: string, detail: string) {
    super(`Malformed protobuf tag "${tag}": ${detail}`);
    this.name = "TagSyntaxError";
  }
}

export function parseProtoTag(value: string | undefined): ProtoTag | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(",");
  const wire = parts[0] ?? "";
  const number = Number(parts[1]);
  if (!Number.isInteger(number) || number <= 0) throw new TagSyntaxError(value, "no field number");
  const tag: ProtoTag = { wire, number, label: "opt" };
  for (const p of parts.slice(2)) {
    if (p === "opt" || p === "rep" || p === "req") tag.label = p;
    else if (p.startsWith("name=")) tag.name = p.slice(5);
    else if (p.startsWith("casttype=")) tag.castType = p.slice(9);
  }
  return tag;
}

/**
 * Comment markers of one field or type: `+key=value` lines. A key may repeat (`+listMapKey`).
 * A marker with no `=` gets the value "".
 */
export type Markers = Map<string, string[]>;

export function parseMarkers(commentLines: readonly string[]): Markers {
  const out: Markers = new Map();
  for (const line of commentLines) {
    const m = /^\s*\+([A-Za-z][\w:.\-()/]*)(?:=(.*))?$/.exec(line);
    if (!m || m[1] === undefined) continue;
    const key = m[1];
    const value = (m[2] ?? "").trim();
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

/** The last value of a marker, or undefined. */
export function marker(markers: Markers, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = markers.get(key);
    if (v && v.length > 0) return v[v.length - 1];
  }
  return undefined;
}
