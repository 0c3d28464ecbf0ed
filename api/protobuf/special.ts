/**
 * Special codecs: definitions whose protobuf message is not a plain message of their JSON fields
 * (see `SpecialCodec` in the schema contract). Each codec is one small function from the
 * message's fields to its JSON value; `undefined` means the value is absent (JSON null).
 */
import type { ProtoScalarType, Schema, SchemaResolver, SpecialCodec } from "../schema/types.ts";
import { REF_PREFIX } from "../schema/types.ts";
import { hasProtobufMagic } from "./envelope.ts";
import { formatDuration } from "./duration.ts";
import {
  concatPayloads,
  decodeScalar,
  decodeUtf8,
  type FieldMap,
  parseFields,
  protobufError,
  type RawField,
  WireType,
  wireTypeName,
} from "./wire.ts";

/** What a codec needs from the schema-driven decoder. */
export interface CodecContext {
  resolver: SchemaResolver;
  /** Decodes an embedded message described by `schema` (used for JSONSchemaProps). */
  message(bytes: Uint8Array, schema: Schema, where: string): Record<string, unknown>;
  /** Decodes a complete nested `k8s\0` body (a RawExtension holding protobuf). */
  enveloped(bytes: Uint8Array, where: string): Record<string, unknown>;
}

/** Where a codec is used: its definition (for finding JSONSchemaProps) and a path for errors. */
export interface CodecSite {
  /** The codec's definition (the `$ref` target), when known. */
  definition: Schema | undefined;
  /** The `$ref` that named the definition, when known. */
  ref: string | undefined;
  where: string;
}

type Codec = (fields: FieldMap, ctx: CodecContext, site: CodecSite) => unknown;

const CODECS: Record<SpecialCodec, Codec> = {
  quantity: (f, _ctx, site) => scalar(f, 1, "string", site) ?? "0",
  intOrString: (f, _ctx, site) => {
    const type = scalar(f, 1, "int64", site) ?? 0;
    if (type === 0) return scalar(f, 2, "int32", site) ?? 0;
    if (type === 1) return scalar(f, 3, "string", site) ?? "";
    throw protobufError(site.where, `unknown IntOrString type ${type}`);
  },
  time: (f, _ctx, site) => formatTime(f, site, false),
  microTime: (f, _ctx, site) => formatTime(f, site, true),
  duration: (f, _ctx, site) => {
    const last = lastOf(f, 1, WireType.Varint, site);
    return formatDuration(last ? BigInt.asIntN(64, last.value as bigint) : 0n);
  },
  rawExtension: (f, ctx, site) => {
    const raw = lastBytesOf(f, 1, site);
    if (raw === undefined || raw.length === 0) return undefined;
    if (hasProtobufMagic(raw)) return ctx.enveloped(raw, site.where);
    return parseJson(raw, site.where);
  },
  fieldsV1: (f, _ctx, site) => jsonOf(f, site),
  json: (f, _ctx, site) => jsonOf(f, site),
  schemaOrBool: (f, ctx, site) => {
    const schema = bytesOf(f, 2, site);
    if (schema !== undefined) return ctx.message(schema, schemaProps(ctx, site), site.where);
    return scalar(f, 1, "bool", site) ?? false;
  },
  schemaOrArray: (f, ctx, site) => {
    const many = f.get(2);
    if (many) {
      const props = schemaProps(ctx, site);
      return many.map((occ, i) => ctx.message(payload(occ, site), props, `${site.where}[${i}]`));
    }
    const one = bytesOf(f, 1, site);
    return one === undefined ? undefined : ctx.message(one, schemaProps(ctx, site), site.where);
  },
  schemaOrStringArray: (f, ctx, site) => {
    const strings = f.get(2);
    if (strings) return strings.map((occ) => decodeScalar(occ, "string", site.where));
    const one = bytesOf(f, 1, site);
    return one === undefined ? undefined : ctx.message(one, schemaProps(ctx, site), site.where);
  },
};

/** Decodes the message `bytes` with a special codec. */
export function decodeSpecial(
  codec: SpecialCodec,
  bytes: Uint8Array,
  ctx: CodecContext,
  site: CodecSite,
): unknown {
  const fn = CODECS[codec];
  if (!fn) throw protobufError(site.where, `unsupported codec "${codec}"`);
  return fn(parseFields(bytes, site.where), ctx, site);
}

function lastOf(
  fields: FieldMap,
  no: number,
  wireType: WireType,
  site: CodecSite,
): RawField | undefined {
  const list = fields.get(no);
  const last = list?.[list.length - 1];
  if (last && last.wireType !== wireType) {
    throw protobufError(
      site.where,
      `field ${no} has ${wireTypeName(last.wireType)}, expected ${wireTypeName(wireType)}`,
    );
  }
  return last;
}

function scalar(fields: FieldMap, no: number, kind: "string", site: CodecSite): string | undefined;
function scalar(fields: FieldMap, no: number, kind: "bool", site: CodecSite): boolean | undefined;
function scalar(
  fields: FieldMap,
  no: number,
  kind: "int64" | "int32",
  site: CodecSite,
): number | undefined;
function scalar(fields: FieldMap, no: number, kind: ProtoScalarType, site: CodecSite): unknown {
  const list = fields.get(no);
  const last = list?.[list.length - 1];
  return last ? decodeScalar(last, kind, site.where) : undefined;
}

function payload(field: RawField, site: CodecSite): Uint8Array {
  if (field.wireType !== WireType.LengthDelimited) {
    throw protobufError(
      site.where,
      `field ${field.no} has ${wireTypeName(field.wireType)}, expected length-delimited`,
    );
  }
  return field.value;
}

/** The payload of a bytes field, or of a message field (its occurrences merged). */
function bytesOf(fields: FieldMap, no: number, site: CodecSite): Uint8Array | undefined {
  const list = fields.get(no);
  if (!list) return undefined;
  return concatPayloads(list.map((occ) => payload(occ, site)));
}

/** The payload of the last occurrence of a bytes field. */
function lastBytesOf(fields: FieldMap, no: number, site: CodecSite): Uint8Array | undefined {
  return lastOf(fields, no, WireType.LengthDelimited, site)?.value as Uint8Array | undefined;
}

function jsonOf(fields: FieldMap, site: CodecSite): unknown {
  const raw = lastBytesOf(fields, 1, site);
  if (raw === undefined || raw.length === 0) return undefined;
  return parseJson(raw, site.where);
}

function parseJson(raw: Uint8Array, where: string): unknown {
  const text = decodeUtf8(raw, where);
  try {
    return JSON.parse(text);
  } catch (e: unknown) {
    throw protobufError(where, "embedded JSON is not valid", e);
  }
}

/** Unix seconds below 0001-01-01 or past 9999-12-31 cannot be written as RFC 3339. */
const MIN_SECONDS = -62135596800;
const MAX_SECONDS = 253402300799;

function formatTime(fields: FieldMap, site: CodecSite, micro: boolean): string | undefined {
  const seconds = scalar(fields, 1, "int64", site) ?? 0;
  const nanos = scalar(fields, 2, "int32", site) ?? 0;
  if (seconds === 0 && nanos === 0) return undefined; // the zero time: JSON null
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw protobufError(site.where, `time seconds ${seconds} out of range`);
  }
  if (nanos < 0 || nanos > 999_999_999) {
    throw protobufError(site.where, `time nanos ${nanos} out of range`);
  }
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  const micros = Math.floor(nanos / 1000).toString().padStart(6, "0");
  return `${base}.${micros}Z`;
}

const DEFAULT_SCHEMA_PROPS =
  `${REF_PREFIX}io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps`;

/** The JSONSchemaProps schema an either-or codec holds: a `$ref` among the codec definition's
 * properties, else the `JSONSchemaProps` definition beside the codec's own. */
function schemaProps(ctx: CodecContext, site: CodecSite): Schema {
  return jsonSchemaPropsFor(ctx.resolver, site);
}

/** The JSONSchemaProps schema of an either-or codec definition (shared with the test encoder). */
export function jsonSchemaPropsFor(
  resolver: SchemaResolver,
  site: CodecSite,
): Schema {
  const candidates: string[] = [];
  for (const prop of Object.values(site.definition?.properties ?? {})) {
    const ref = prop.$ref ?? prop.items?.$ref;
    if (ref) candidates.push(ref);
  }
  if (site.ref) candidates.push(site.ref.replace(/[^.]+$/, "JSONSchemaProps"));
  candidates.push(DEFAULT_SCHEMA_PROPS);
  for (const ref of candidates) {
    const schema = resolver.resolve(ref);
    if (schema) return schema;
  }
  throw protobufError(site.where, "no JSONSchemaProps definition is known");
}
