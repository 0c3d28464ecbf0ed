/**
 * Test-only: a schema-driven protobuf encoder, the mirror of `decode.ts`, so round-trip tests
 * (JSON → protobuf → JSON) can run over many objects of the schema table. It writes what Go's
 * generated marshallers write: every present field, repeated scalars unpacked (proto2), map
 * entries in key order.
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { ProtoScalarType, Schema, SchemaResolver, SpecialCodec } from "../schema/types.ts";
import { parseDuration } from "./duration.ts";
import { encodeEnvelope } from "./envelope.ts";
import { type MessagePlan, planOf, type Shape, shapeOf } from "./schema_shape.ts";
import { jsonSchemaPropsFor } from "./special.ts";
import { base64ToBytes, scalarWireType } from "./wire.ts";

export interface EncodeOptions {
  /** Write repeated numbers and bools packed (proto3 style) instead of one field each. */
  packed?: boolean;
}

/** Encodes `obj` as the protobuf message of `schema`. */
export function encodeMessage(
  obj: Record<string, unknown>,
  schema: Schema,
  resolver: SchemaResolver,
  options: EncodeOptions = {},
): Uint8Array {
  const w = new BinaryWriter();
  new Encoder(resolver, options).object(w, obj, schema);
  return w.finish();
}

/** Encodes a whole object as a `k8s\0` body; its schema is found with `resolver.forKind`. */
export function encodeKubeProtobuf(
  obj: Record<string, unknown>,
  resolver: SchemaResolver,
  options: EncodeOptions = {},
): Uint8Array {
  const apiVersion = String(obj.apiVersion ?? "");
  const kind = String(obj.kind ?? "");
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const schema = resolver.forKind({ group, version, kind });
  if (!schema) throw new Error(`no schema for ${apiVersion} ${kind}`);
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return encodeEnvelope({ apiVersion, kind, raw: encodeMessage(rest, schema, resolver, options) });
}

class Encoder {
  constructor(readonly resolver: SchemaResolver, readonly options: EncodeOptions) {}

  object(w: BinaryWriter, obj: Record<string, unknown>, schema: Schema): void {
    const shape = shapeOf(schema, this.resolver);
    if (shape.kind !== "message") throw new Error(`not a message schema: ${shape.kind}`);
    this.#plan(w, obj, planOf(shape.schema));
  }

  #plan(w: BinaryWriter, obj: Record<string, unknown>, plan: MessagePlan): void {
    for (const [no, { name, schema }] of plan.direct) {
      const value = obj[name];
      if (value !== undefined && value !== null) this.#field(w, no, value, schema);
    }
    for (const [no, inner] of plan.embedded) {
      if (!mentions(obj, inner)) continue;
      w.tag(no, WireType.LengthDelimited).fork();
      this.#plan(w, obj, inner);
      w.join();
    }
  }

  #field(w: BinaryWriter, no: number, value: unknown, prop: Schema): void {
    const shape = shapeOf(prop, this.resolver);
    switch (shape.kind) {
      case "scalar":
        return this.#scalar(w, no, value, shape.scalar);
      case "array":
        return this.#array(w, no, value as unknown[], shape.items);
      case "map": {
        const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
          a < b ? -1 : a > b ? 1 : 0
        );
        for (const [key, v] of entries) {
          w.tag(no, WireType.LengthDelimited).fork();
          w.tag(1, WireType.LengthDelimited).string(key);
          this.#mapValue(w, v, shape.values);
          w.join();
        }
        return;
      }
      default:
        w.tag(no, WireType.LengthDelimited).fork();
        this.#single(w, value, shape);
        w.join();
    }
  }

  #mapValue(w: BinaryWriter, value: unknown, schema: Schema): void {
    const shape = shapeOf(schema, this.resolver);
    if (value === null) return;
    if (shape.kind === "array") {
      w.tag(2, WireType.LengthDelimited).fork();
      this.#array(w, schema["x-kno-proto"] ?? 1, value as unknown[], shape.items);
      w.join();
    } else {
      this.#field(w, 2, value, schema);
    }
  }

  #array(w: BinaryWriter, no: number, values: unknown[], items: Schema): void {
    const shape = shapeOf(items, this.resolver);
    if (shape.kind === "scalar") {
      const packable = shape.scalar !== "string" && shape.scalar !== "bytes";
      if (this.options.packed && packable) {
        w.tag(no, WireType.LengthDelimited).fork();
        for (const v of values) writeScalar(w, v, shape.scalar);
        w.join();
        return;
      }
      for (const v of values) this.#scalar(w, no, v, shape.scalar);
      return;
    }
    for (const v of values) {
      w.tag(no, WireType.LengthDelimited).fork();
      if (shape.kind === "array") {
        this.#array(w, items["x-kno-proto"] ?? 1, v as unknown[], shape.items);
      } else if (v !== null) this.#single(w, v, shape);
      w.join();
    }
  }

  #scalar(w: BinaryWriter, no: number, value: unknown, kind: ProtoScalarType): void {
    w.tag(no, scalarWireType(kind));
    writeScalar(w, value, kind);
  }

  #single(w: BinaryWriter, value: unknown, shape: Shape): void {
    if (shape.kind === "message") {
      this.#plan(w, value as Record<string, unknown>, planOf(shape.schema));
    } else if (shape.kind === "codec") {
      this.#codec(w, shape.codec, value, shape);
    } else {
      throw new Error(`cannot nest a ${shape.kind}`);
    }
  }

  #codec(w: BinaryWriter, codec: SpecialCodec, value: unknown, shape: Shape & { kind: "codec" }) {
    const props = () =>
      jsonSchemaPropsFor(this.resolver, {
        definition: shape.definition,
        ref: shape.ref,
        where: "",
      });
    const schemaField = (no: number, v: unknown) => {
      w.tag(no, WireType.LengthDelimited).fork();
      this.object(w, v as Record<string, unknown>, props());
      w.join();
    };
    switch (codec) {
      case "quantity":
        w.tag(1, WireType.LengthDelimited).string(String(value));
        return;
      case "intOrString":
        w.tag(1, WireType.Varint).int64(typeof value === "number" ? 0 : 1);
        w.tag(2, WireType.Varint).int32(typeof value === "number" ? value : 0);
        w.tag(3, WireType.LengthDelimited).string(typeof value === "string" ? value : "");
        return;
      case "time":
      case "microTime": {
        const [seconds, nanos] = parseTime(String(value));
        w.tag(1, WireType.Varint).int64(seconds);
        w.tag(2, WireType.Varint).int32(nanos);
        return;
      }
      case "duration":
        w.tag(1, WireType.Varint).int64(parseDuration(String(value)));
        return;
      case "rawExtension":
      case "fieldsV1":
      case "json":
        w.tag(1, WireType.LengthDelimited).bytes(new TextEncoder().encode(JSON.stringify(value)));
        return;
      case "schemaOrBool":
        w.tag(1, WireType.Varint).bool(typeof value === "boolean" ? value : true);
        if (typeof value !== "boolean") schemaField(2, value);
        return;
      case "schemaOrArray":
        if (Array.isArray(value)) { for (const v of value) schemaField(2, v); }
        else schemaField(1, value);
        return;
      case "schemaOrStringArray":
        if (Array.isArray(value)) {
          for (const v of value) w.tag(2, WireType.LengthDelimited).string(String(v));
        } else schemaField(1, value);
        return;
    }
  }
}

/** Whether `obj` has a value for any property of an embedded message. */
function mentions(obj: Record<string, unknown>, plan: MessagePlan): boolean {
  for (const { name } of plan.direct.values()) if (obj[name] !== undefined) return true;
  for (const inner of plan.embedded.values()) if (mentions(obj, inner)) return true;
  return false;
}

function writeScalar(w: BinaryWriter, value: unknown, kind: ProtoScalarType): void {
  switch (kind) {
    case "string":
      w.string(String(value));
      return;
    case "bytes":
      w.bytes(base64ToBytes(String(value)));
      return;
    case "bool":
      w.bool(Boolean(value));
      return;
    case "double":
      w.double(Number(value));
      return;
    case "float":
      w.float(Number(value));
      return;
    case "int32":
      w.int32(Number(value));
      return;
    case "uint32":
      w.uint32(Number(value));
      return;
    case "uint64":
      w.uint64(Number(value));
      return;
    default:
      w.int64(Number(value));
  }
}

/** RFC 3339 → Unix seconds and nanoseconds. */
export function parseTime(text: string): [number, number] {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) throw new Error(`bad time "${text}"`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw new Error(`bad time "${text}"`);
  const nanos = Number((m[2] ?? "").padEnd(9, "0").slice(0, 9) || "0");
  return [Math.floor(ms / 1000), nanos];
}
