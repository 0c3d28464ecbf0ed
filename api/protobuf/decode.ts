/**
 * Schema-driven protobuf decoding: a message's fields are given meaning by the schema table
 * (`x-kno-proto` numbers, `x-kno-proto-via` for inline-embedded structs, `x-kno-codec` for the
 * special definitions), producing the same JSON object a JSON body would.
 */
import { MAX_BODY_NESTING_DEPTH } from "../nesting.ts";
import type { GroupVersionKind, Schema, SchemaResolver } from "../schema/types.ts";
import { ApiError, badRequest } from "../status.ts";
import { decodeEnvelope, type Envelope } from "./envelope.ts";
import { type CodecContext, decodeSpecial } from "./special.ts";
import { isOmittedZero, type MessagePlan, planOf, type Shape, shapeOf } from "./schema_shape.ts";
import {
  concatPayloads,
  decodePacked,
  decodeScalar,
  decodeUtf8,
  type FieldMap,
  isPackable,
  parseFields,
  protobufError,
  type RawField,
  WireType,
  wireTypeName,
} from "./wire.ts";

/**
 * Deepest nesting of messages accepted; deeper bodies are refused rather than overflow. The limit
 * every body has, whatever its format (nesting.ts).
 */
export const MAX_DEPTH = MAX_BODY_NESTING_DEPTH;

/** Decodes the protobuf encoding of one object described by `schema` (no envelope). */
export function decodeMessage(
  bytes: Uint8Array,
  schema: Schema,
  resolver: SchemaResolver,
): Record<string, unknown> {
  return guard(() => new Decoder(resolver).object(bytes, schema, "object"));
}

/**
 * Decodes a whole `application/vnd.kubernetes.protobuf` body: the envelope, then the object by
 * its kind's schema. Returns `{apiVersion, kind, ...fields}`. Throws 400 `ApiError`s.
 */
export function decodeKubeProtobuf(
  body: Uint8Array,
  resolver: SchemaResolver,
): Record<string, unknown> {
  return guard(() => new Decoder(resolver).enveloped(body, ""));
}

/** Splits an apiVersion: "apps/v1" → apps, v1; "v1" → the core group "". */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Finds a kind's schema. The option kinds of meta.k8s.io (DeleteOptions, …) are registered in
 * every group version upstream, so they are also looked up in meta.k8s.io/v1 and core v1. */
export function schemaForKind(
  resolver: SchemaResolver,
  apiVersion: string,
  kind: string,
): Schema | undefined {
  const gv = splitApiVersion(apiVersion);
  const candidates: GroupVersionKind[] = [
    { ...gv, kind },
    { group: "meta.k8s.io", version: "v1", kind },
    { group: "", version: "v1", kind },
  ];
  for (const gvk of candidates) {
    const schema = resolver.forKind(gvk);
    if (schema) return schema;
  }
  return undefined;
}

/** Runs a decode, turning anything that is not an ApiError (a stack overflow, a reader bug)
 * into a 400, so no RangeError escapes. */
function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (e: unknown) {
    if (e instanceof ApiError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw protobufError("object", `cannot be decoded (${msg})`, e);
  }
}

class Decoder implements CodecContext {
  readonly resolver: SchemaResolver;
  #depth = 0;

  constructor(resolver: SchemaResolver) {
    this.resolver = resolver;
  }

  /** Decodes a whole `k8s\0` body; `where` is empty at the top, where paths start at the kind. */
  enveloped(bytes: Uint8Array, where: string): Record<string, unknown> {
    const env = decodeEnvelope(bytes);
    if (env.contentEncoding !== "") {
      throw badRequest(`Unsupported protobuf content encoding "${env.contentEncoding}"`);
    }
    if (env.kind === "") throw badRequest("Invalid protobuf body: the envelope names no kind");
    where ||= env.kind;
    const head = { apiVersion: env.apiVersion, kind: env.kind };
    if (/json/i.test(env.contentType)) return { ...head, ...this.#json(env, where) };
    const schema = schemaForKind(this.resolver, env.apiVersion, env.kind);
    if (!schema) {
      throw badRequest(
        `Invalid protobuf body: no kind "${env.kind}" is registered for version "${env.apiVersion}"`,
      );
    }
    const obj = this.object(env.raw, schema, where);
    delete obj.apiVersion;
    delete obj.kind;
    return { ...head, ...obj };
  }

  #json(env: Envelope, where: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(decodeUtf8(env.raw, where));
    } catch (e: unknown) {
      if (e instanceof ApiError) throw e;
      throw protobufError(where, "embedded JSON is not valid", e);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw protobufError(where, "embedded JSON is not an object");
    }
    return value as Record<string, unknown>;
  }

  /** Decodes an embedded message of an object schema (a `$ref` is followed). */
  message(bytes: Uint8Array, schema: Schema, where: string): Record<string, unknown> {
    const shape = shapeOf(schema, this.resolver);
    if (shape.kind !== "message") {
      throw protobufError(where, `schema is a ${shape.kind}, not a message`);
    }
    return this.object(bytes, shape.schema, where);
  }

  object(bytes: Uint8Array, schema: Schema, where: string): Record<string, unknown> {
    if (schema.$ref !== undefined) return this.message(bytes, schema, where);
    if (++this.#depth > MAX_DEPTH) {
      throw protobufError(where, `messages nested deeper than ${MAX_DEPTH}`);
    }
    try {
      const out: Record<string, unknown> = {};
      this.#properties(parseFields(bytes, where), planOf(schema), out, where);
      return out;
    } finally {
      this.#depth--;
    }
  }

  #properties(fields: FieldMap, plan: MessagePlan, out: Record<string, unknown>, where: string) {
    for (const [no, { name, schema }] of plan.direct) {
      const occurrences = fields.get(no);
      if (!occurrences) continue;
      const value = this.#value(occurrences, schema, `${where}.${name}`);
      if (value === undefined) continue;
      if (schema["x-kno-omit-zero"] && isOmittedZero(value)) continue;
      out[name] = value;
    }
    for (const [no, inner] of plan.embedded) {
      const occurrences = fields.get(no);
      if (!occurrences) continue;
      const path = `${where}(field ${no})`;
      const bytes = concatPayloads(occurrences.map((f) => lengthDelimited(f, path)));
      this.#properties(parseFields(bytes, path), inner, out, where);
    }
  }

  /** The JSON value of a property from all of its occurrences on the wire. */
  #value(occurrences: RawField[], prop: Schema, where: string): unknown {
    const shape = shapeOf(prop, this.resolver);
    switch (shape.kind) {
      case "scalar":
        return decodeScalar(occurrences[occurrences.length - 1]!, shape.scalar, where);
      case "array":
        return this.#array(occurrences, shape.items, where);
      case "map":
        return occurrences.map((f) => lengthDelimited(f, where)).reduce<Record<string, unknown>>(
          (acc, entry) => this.#mapEntry(entry, shape.values, acc, where),
          {},
        );
      default:
        return this.#single(
          shape,
          concatPayloads(occurrences.map((f) => lengthDelimited(f, where))),
          where,
        );
    }
  }

  /** A message-like value (plain message or codec) from its payload. */
  #single(shape: Shape, bytes: Uint8Array, where: string): unknown {
    if (shape.kind === "codec") {
      return decodeSpecial(shape.codec, bytes, this, {
        definition: shape.definition,
        ref: shape.ref,
        where,
      });
    }
    if (shape.kind === "message") return this.object(bytes, shape.schema, where);
    throw protobufError(where, `a ${shape.kind} cannot be nested here`);
  }

  #array(occurrences: RawField[], items: Schema, where: string): unknown[] {
    const shape = shapeOf(items, this.resolver);
    const out: unknown[] = [];
    for (const field of occurrences) {
      const at = `${where}[${out.length}]`;
      if (shape.kind === "scalar") {
        if (field.wireType === WireType.LengthDelimited && isPackable(shape.scalar)) {
          out.push(...decodePacked(field.value, shape.scalar, at));
        } else {
          out.push(decodeScalar(field, shape.scalar, at));
        }
      } else if (shape.kind === "array") {
        out.push(this.#wrapped(lengthDelimited(field, at), items, shape.items, at));
      } else {
        out.push(this.#single(shape, lengthDelimited(field, at), at) ?? null);
      }
    }
    return out;
  }

  /** A slice nested in a map value or a slice: protobuf has no such shape, so it travels as a
   * wrapper message (e.g. `ExtraValue`) whose field `x-kno-proto` (1) repeats the items. */
  #wrapped(bytes: Uint8Array, wrapper: Schema, items: Schema, where: string): unknown[] {
    const occurrences = parseFields(bytes, where).get(wrapper["x-kno-proto"] ?? 1);
    return occurrences ? this.#array(occurrences, items, where) : [];
  }

  /** One `{1: key, 2: value}` entry of a map field. */
  #mapEntry(
    entry: Uint8Array,
    values: Schema,
    acc: Record<string, unknown>,
    where: string,
  ): Record<string, unknown> {
    const fields = parseFields(entry, where);
    const keyField = fields.get(1)?.at(-1);
    const key = keyField ? decodeScalar(keyField, "string", where) as string : "";
    const at = `${where}[${JSON.stringify(key)}]`;
    const shape = shapeOf(values, this.resolver);
    const valueFields = fields.get(2);
    let value: unknown;
    if (shape.kind === "scalar") {
      const last = valueFields?.at(-1);
      value = last ? decodeScalar(last, shape.scalar, at) : zeroScalar(shape.scalar);
    } else {
      const bytes = valueFields
        ? concatPayloads(valueFields.map((f) => lengthDelimited(f, at)))
        : new Uint8Array();
      if (shape.kind === "array") {
        value = this.#wrapped(bytes, values, shape.items, at);
      } else if (shape.kind === "map") {
        throw protobufError(at, "a map of maps has no protobuf form");
      } else {
        value = this.#single(shape, bytes, at) ?? null;
      }
    }
    // defineProperty: a "__proto__" key must stay a plain key, as JSON.parse keeps it
    Object.defineProperty(acc, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return acc;
  }
}

function lengthDelimited(field: RawField, where: string): Uint8Array {
  if (field.wireType !== WireType.LengthDelimited) {
    throw protobufError(
      where,
      `field ${field.no} has ${wireTypeName(field.wireType)}, expected length-delimited`,
    );
  }
  return field.value;
}

function zeroScalar(kind: string): unknown {
  switch (kind) {
    case "string":
    case "bytes":
      return "";
    case "bool":
      return false;
    default:
      return 0;
  }
}
