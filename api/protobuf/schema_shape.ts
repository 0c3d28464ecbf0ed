/**
 * How a schema node is laid out on the protobuf wire: a scalar of some kind, a repeated field, a
 * map, a plain message, or a special codec. Shared by the decoder and the test encoder so both
 * read the schema the same way.
 */
import type { ProtoScalarType, Schema, SchemaResolver, SpecialCodec } from "../schema/types.ts";
import { internalError } from "../status.ts";

export type Shape =
  | { kind: "scalar"; scalar: ProtoScalarType }
  | { kind: "codec"; codec: SpecialCodec; definition: Schema; ref: string | undefined }
  | { kind: "array"; items: Schema }
  | { kind: "map"; values: Schema }
  | { kind: "message"; schema: Schema };

/** A property's target: the `$ref` chain followed to the definition it names. */
export interface Resolved {
  schema: Schema;
  ref: string | undefined;
}

/** Follows `$ref`s from `schema`; an unknown reference is a schema bug (500). */
export function deref(schema: Schema, resolver: SchemaResolver): Resolved {
  let current = schema;
  let ref: string | undefined;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    if (hops > 32) throw internalError(`schema reference loop at "${current.$ref}"`);
    ref = current.$ref;
    const next = resolver.resolve(ref);
    if (!next) throw internalError(`unknown schema reference "${ref}"`);
    current = next;
  }
  return { schema: current, ref };
}

/** The wire shape of a property (its own `x-kno-*` keys win over its target's). */
export function shapeOf(prop: Schema, resolver: SchemaResolver): Shape {
  const { schema, ref } = deref(prop, resolver);
  const codec = prop["x-kno-codec"] ?? schema["x-kno-codec"] ?? implicitCodec(schema);
  if (codec) return { kind: "codec", codec, definition: schema, ref };
  if (schema.type === "array") {
    if (!schema.items) throw internalError(`array schema without items${at(ref)}`);
    return { kind: "array", items: schema.items };
  }
  if (
    schema.properties === undefined && typeof schema.additionalProperties === "object"
  ) {
    return { kind: "map", values: schema.additionalProperties };
  }
  const scalar = scalarKindOf(prop, schema);
  if (scalar) return { kind: "scalar", scalar };
  return { kind: "message", schema };
}

/** CRD-style schemas carry no codec; map their markers onto one. */
function implicitCodec(schema: Schema): SpecialCodec | undefined {
  if (schema["x-kubernetes-int-or-string"] || schema.format === "int-or-string") {
    return "intOrString";
  }
  return undefined;
}

function scalarKindOf(prop: Schema, schema: Schema): ProtoScalarType | undefined {
  const explicit = prop["x-kno-proto-type"] ?? schema["x-kno-proto-type"];
  if (explicit) return explicit;
  switch (schema.type) {
    case "string":
      return schema.format === "byte" ? "bytes" : "string";
    case "boolean":
      return "bool";
    case "integer":
      return schema.format === "int32" ? "int32" : "int64";
    case "number":
      return schema.format === "float" ? "float" : "double";
    default:
      return undefined;
  }
}

function at(ref: string | undefined): string {
  return ref ? ` at "${ref}"` : "";
}

/** The proto layout of a message's properties: direct fields, and fields of messages embedded
 * inline in JSON (`x-kno-proto-via`), grouped by the enclosing field number. */
export interface MessagePlan {
  direct: Map<number, { name: string; schema: Schema }>;
  embedded: Map<number, MessagePlan>;
}

const plans = new WeakMap<Schema, MessagePlan>();

/** The (cached) plan of an object schema. */
export function planOf(schema: Schema): MessagePlan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = emptyPlan();
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const no = prop["x-kno-proto"];
      if (no === undefined) continue; // not on the wire (e.g. apiVersion, kind)
      let target = plan;
      for (const via of prop["x-kno-proto-via"] ?? []) {
        let next = target.embedded.get(via);
        if (!next) target.embedded.set(via, next = emptyPlan());
        target = next;
      }
      target.direct.set(no, { name, schema: prop });
    }
    plans.set(schema, plan);
  }
  return plan;
}

function emptyPlan(): MessagePlan {
  return { direct: new Map(), embedded: new Map() };
}

/** Zero values that `x-kno-omit-zero` drops: "", 0, false and the empty object. */
export function isOmittedZero(value: unknown): boolean {
  if (value === "" || value === 0 || value === false) return true;
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    Object.keys(value).length === 0;
}
