/**
 * Turns Go structs into schema definitions: one definition per struct, fields in Go order,
 * JSON names from the `json` tag, protobuf numbers from the `protobuf` tag, and the
 * `x-kubernetes-*` extensions from struct tags and comment markers. Structs referenced from
 * a definition are queued and built too, across packages.
 */
import type { Logger } from "../log.ts";
import { compareStrings } from "../order.ts";
import { REF_PREFIX, type Schema } from "../schema/types.ts";
import type { GoField, GoStruct } from "./go_parse.ts";
import { derefType, formatGoType, type GoType, isByteSlice } from "./go_types.ts";
import { GenerateError, resolveNamed, type Scope } from "./resolve.ts";
import { scalarSchema } from "./scalars.ts";
import { findSpecial, specialDefinition } from "./specials.ts";
import {
  marker,
  type Markers,
  parseJsonTag,
  parseMarkers,
  parseProtoTag,
  parseStructTag,
} from "./tags.ts";
import type { GoPackage, PackageLoader } from "./upstream.ts";

/** Properties never listed as required, whatever their tags say. */
const NEVER_REQUIRED = new Set(["apiVersion", "kind", "metadata", "status"]);
const META = "k8s.io/apimachinery/pkg/apis/meta/v1";

export interface StructBody {
  properties: Record<string, Schema>;
  required: string[];
}

interface TypeInfo {
  schema: Schema;
  /** A predeclared scalar or a named type over one (string, int32, PodPhase, []byte …). */
  scalar: boolean;
  /** A `+protobuf.nullable=true` named slice: on the wire a message holding the items at 1. */
  wrapper: boolean;
}

export class SchemaBuilder {
  readonly definitions = new Map<string, Schema>();
  private readonly queue: { pkg: GoPackage; name: string }[] = [];

  constructor(private readonly loader: PackageLoader, private readonly log: Logger) {}

  static definitionName(pkg: GoPackage, goName: string): string {
    return `${pkg.defPrefix}.${goName}`;
  }

  /** Queues the struct `goName` of `pkg`; returns its definition name. */
  add(pkg: GoPackage, goName: string): string {
    const name = SchemaBuilder.definitionName(pkg, goName);
    if (!this.definitions.has(name)) {
      this.definitions.set(name, {}); // placeholder: built by drain()
      this.queue.push({ pkg, name: goName });
    }
    return name;
  }

  /** Builds every queued struct and everything they reference. */
  async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      const name = SchemaBuilder.definitionName(next.pkg, next.name);
      this.definitions.set(name, await this.buildDefinition(next.pkg, next.name));
    }
  }

  private async buildDefinition(pkg: GoPackage, goName: string): Promise<Schema> {
    const declared = pkg.structs.get(goName);
    if (!declared) throw new GenerateError(`Struct "${goName}" not found in "${pkg.importPath}"`);
    const scope = { pkg, imports: declared.imports };
    const special = findSpecial(pkg.importPath, goName);
    if (special) {
      const fields = special.withFields ? await this.structBody(scope, declared.decl) : undefined;
      return specialDefinition(special, fields?.properties);
    }
    const body = await this.structBody(scope, declared.decl);
    const def: Schema = { type: "object" };
    if (Object.keys(body.properties).length > 0) def.properties = body.properties;
    const required = body.required.filter((r) => !NEVER_REQUIRED.has(r));
    if (required.length > 0) def.required = required;
    const markers = parseMarkers(declared.decl.comments);
    const structType = marker(markers, "structType");
    if (structType === "atomic" || structType === "granular") {
      def["x-kubernetes-struct-type"] = structType;
    }
    const mapType = marker(markers, "mapType");
    if (mapType === "atomic" || mapType === "granular") def["x-kubernetes-map-type"] = mapType;
    return def;
  }

  /** The properties and required names of a struct, inline-embedded structs flattened. */
  async structBody(scope: Scope, struct: GoStruct): Promise<StructBody> {
    const body: StructBody = { properties: {}, required: [] };
    for (const field of struct.fields) {
      try {
        await this.addField(scope, field, body);
      } catch (cause) {
        if (cause instanceof GenerateError && cause.message.startsWith("Cannot map field")) {
          throw cause;
        }
        throw new GenerateError(
          `Cannot map field "${struct.name}.${field.name}" of "${scope.pkg.importPath}"`,
          { cause },
        );
      }
    }
    return body;
  }

  private async addField(scope: Scope, field: GoField, body: StructBody): Promise<void> {
    if (!/^[A-Z]/.test(field.name)) return; // unexported: encoding/json ignores it
    const tags = parseStructTag(field.tag);
    const json = parseJsonTag(tags.get("json"));
    if (json?.skip) return;
    const proto = parseProtoTag(tags.get("protobuf"));
    if (field.embedded && (json === undefined || json.name === "")) {
      await this.addInline(scope, field, proto?.number, body);
      return;
    }
    const name = json?.name || field.name;
    const info = await this.typeSchema(field.type, scope, 0);
    const schema = info.schema;
    if (proto && info.wrapper) {
      schema["x-kno-proto-via"] = [proto.number];
      schema["x-kno-proto"] = 1;
    } else if (proto) {
      schema["x-kno-proto"] = proto.number;
    }
    if (json?.omitempty && info.scalar && field.type.kind !== "pointer") {
      schema["x-kno-omit-zero"] = true;
    }
    const markers = parseMarkers(field.comments);
    applyMarkers(schema, markers, scope, name);
    const strategy = tags.get("patchStrategy") ?? marker(markers, "patchStrategy");
    if (strategy) schema["x-kubernetes-patch-strategy"] = strategy;
    const mergeKey = tags.get("patchMergeKey") ?? marker(markers, "patchMergeKey");
    if (mergeKey) schema["x-kubernetes-patch-merge-key"] = mergeKey;
    body.properties[name] = schema;
    if (isRequired(json?.omitempty ?? false, markers)) body.required.push(name);
  }

  private async addInline(
    scope: Scope,
    field: GoField,
    protoNumber: number | undefined,
    body: StructBody,
  ): Promise<void> {
    const t = derefType(field.type);
    if (t.kind !== "named") throw new GenerateError(`Embedded field "${field.name}" is not named`);
    const r = await resolveNamed(this.loader, t, scope);
    if (r.kind !== "struct") {
      throw new GenerateError(`Inline field "${field.name}" is not a struct`);
    }
    if (r.pkg.importPath === META && r.name === "TypeMeta" && protoNumber === undefined) {
      body.properties.apiVersion = { type: "string" };
      body.properties.kind = { type: "string" };
      return;
    }
    const inner = await this.structBody({ pkg: r.pkg, imports: r.decl.imports }, r.decl.decl);
    for (const [key, schema] of Object.entries(inner.properties)) {
      if (protoNumber !== undefined) {
        schema["x-kno-proto-via"] = [protoNumber, ...(schema["x-kno-proto-via"] ?? [])];
      } else {
        delete schema["x-kno-proto"];
        delete schema["x-kno-proto-via"];
        delete schema["x-kno-omit-zero"];
      }
      body.properties[key] = schema;
    }
    body.required.push(...inner.required);
  }

  /** The schema of a Go type expression (a fresh object each time). */
  private async typeSchema(t: GoType, scope: Scope, depth: number): Promise<TypeInfo> {
    if (depth > 20) throw new GenerateError(`Type "${formatGoType(t)}" nests too deeply`);
    switch (t.kind) {
      case "pointer":
        return await this.typeSchema(t.elem, scope, depth + 1);
      case "other":
        if (t.text === "interface{}" || t.text === "any") {
          // Any JSON value (meta/v1 TableRow cells).
          return {
            schema: { "x-kubernetes-preserve-unknown-fields": true },
            scalar: false,
            wrapper: false,
          };
        }
        throw new GenerateError(`Unsupported Go type "${t.text}"`);
      case "slice": {
        if (isByteSlice(t)) {
          return { schema: scalarSchema("[]byte"), scalar: true, wrapper: false };
        }
        const elem = await this.typeSchema(t.elem, scope, depth + 1);
        if (elem.wrapper) elem.schema["x-kno-proto"] = 1;
        return { schema: { type: "array", items: elem.schema }, scalar: false, wrapper: false };
      }
      case "map": {
        const value = await this.typeSchema(t.value, scope, depth + 1);
        if (value.wrapper) value.schema["x-kno-proto"] = 1;
        return {
          schema: { type: "object", additionalProperties: value.schema },
          scalar: false,
          wrapper: false,
        };
      }
      case "named": {
        const r = await resolveNamed(this.loader, t, scope);
        switch (r.kind) {
          case "scalar":
            return { schema: scalarSchema(r.name), scalar: true, wrapper: false };
          case "special":
            this.add(r.pkg, r.special.goName);
            return {
              schema: { $ref: REF_PREFIX + SchemaBuilder.definitionName(r.pkg, r.special.goName) },
              scalar: false,
              wrapper: false,
            };
          case "struct":
            return {
              schema: { $ref: REF_PREFIX + this.add(r.pkg, r.name) },
              scalar: false,
              wrapper: false,
            };
          case "named": {
            const inner = { pkg: r.pkg, imports: r.decl.imports };
            const u = await this.typeSchema(r.decl.decl.underlying, inner, depth + 1);
            const markers = parseMarkers(r.decl.decl.comments);
            const nullable = marker(markers, "protobuf.nullable") === "true";
            if (markers.has("enum") && u.schema.type === "string") {
              u.schema.enum = enumValues(r.pkg, r.name);
            }
            return { ...u, wrapper: nullable && r.decl.decl.underlying.kind === "slice" };
          }
        }
      }
    }
  }

  /** Logs a summary line; kept here so the builder owns its counts. */
  report(): void {
    this.log.info("built schema definitions", { count: this.definitions.size });
  }
}

/** A `+enum` type's values: the package's string constants of that type, sorted as upstream's
 * OpenAPI lists them, each once. */
function enumValues(pkg: GoPackage, name: string): string[] {
  const values = pkg.typedStrings.get(name);
  if (!values || values.length === 0) {
    throw new GenerateError(`Enum type "${name}" of "${pkg.importPath}" has no string constants`);
  }
  return [...new Set(values)].sort(compareStrings);
}

function isRequired(omitempty: boolean, markers: Markers): boolean {
  if (markers.has("required") || markers.has("k8s:required")) return true;
  if (markers.has("optional") || markers.has("k8s:optional")) return false;
  return !omitempty;
}

function applyMarkers(schema: Schema, markers: Markers, scope: Scope, field: string): void {
  const listType = marker(markers, "listType", "k8s:listType");
  if (listType === "atomic" || listType === "set" || listType === "map") {
    schema["x-kubernetes-list-type"] = listType;
  }
  const keys = markers.get("listMapKey") ?? markers.get("k8s:listMapKey");
  if (keys && keys.length > 0) schema["x-kubernetes-list-map-keys"] = [...keys];
  const mapType = marker(markers, "mapType");
  if (mapType === "atomic" || mapType === "granular") schema["x-kubernetes-map-type"] = mapType;
  const text = marker(markers, "default");
  if (text === undefined) return;
  const value = parseDefault(text, scope, field);
  // A zero default on an omitempty scalar is invisible upstream (Go drops it when encoding).
  if (schema["x-kno-omit-zero"] && (value === "" || value === 0 || value === false)) return;
  schema.default = value;
}

function parseDefault(text: string, scope: Scope, field: string): unknown {
  const ref = /^ref\((?:[\w/.-]+\.)?(\w+)\)$/.exec(text);
  if (ref && ref[1] !== undefined) {
    const value = scope.pkg.consts.get(ref[1]);
    if (value === undefined) {
      throw new GenerateError(`Default of "${field}" refers to unknown constant "${ref[1]}"`);
    }
    return value;
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new GenerateError(`Default of "${field}" is not JSON: "${text}"`, { cause });
  }
}
