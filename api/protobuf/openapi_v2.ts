/**
 * The OpenAPI v2 document as protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`),
 * the only form kubectl asks `/openapi/v2` for: gnostic's `openapi.v2.Document` message. Field
 * numbers are those of gnostic's OpenAPIv2.proto. Values that are JSON data (defaults, enums,
 * examples, vendor extensions) travel as `Any.yaml` text; JSON is YAML, so they are written as JSON.
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

type Json = Record<string, unknown>;

/** What is encoded of an OpenAPI v2 document (api/openapi/v2.ts builds it). */
export interface OpenApiV2Fields {
  swagger: string;
  info: { title: string; version: string };
  definitions: Record<string, Json>;
}

/** gnostic `openapi.v2.Schema` field numbers. */
const SCHEMA = {
  ref: 1,
  format: 2,
  title: 3,
  description: 4,
  default: 5,
  multipleOf: 6,
  maximum: 7,
  exclusiveMaximum: 8,
  minimum: 9,
  exclusiveMinimum: 10,
  maxLength: 11,
  minLength: 12,
  pattern: 13,
  maxItems: 14,
  minItems: 15,
  uniqueItems: 16,
  maxProperties: 17,
  minProperties: 18,
  required: 19,
  enum: 20,
  additionalProperties: 21,
  type: 22,
  items: 23,
  allOf: 24,
  properties: 25,
  discriminator: 26,
  readOnly: 27,
  example: 30,
  vendorExtension: 31,
} as const;

const STRINGS = ["format", "title", "description", "pattern", "discriminator"] as const;
const DOUBLES = ["multipleOf", "maximum", "minimum"] as const;
const INTS = [
  "maxLength",
  "minLength",
  "maxItems",
  "minItems",
  "maxProperties",
  "minProperties",
] as const;
const BOOLS = ["exclusiveMaximum", "exclusiveMinimum", "uniqueItems", "readOnly"] as const;

function message(w: BinaryWriter, field: number, body: (w: BinaryWriter) => void) {
  w.tag(field, WireType.LengthDelimited).fork();
  body(w);
  w.join();
}

function string(w: BinaryWriter, field: number, value: string) {
  if (value !== "") w.tag(field, WireType.LengthDelimited).string(value);
}

/** `openapi.v2.Any` with the value as YAML (field 2). */
function any(w: BinaryWriter, field: number, value: unknown) {
  message(w, field, (m) => string(m, 2, JSON.stringify(value)));
}

function schema(w: BinaryWriter, s: Json) {
  if (typeof s.$ref === "string") string(w, SCHEMA.ref, s.$ref);
  for (const k of STRINGS) if (typeof s[k] === "string") string(w, SCHEMA[k], s[k] as string);
  if (s.default !== undefined) any(w, SCHEMA.default, s.default);
  for (const k of DOUBLES) {
    if (typeof s[k] === "number") w.tag(SCHEMA[k], WireType.Bit64).double(s[k] as number);
  }
  for (const k of INTS) {
    if (typeof s[k] === "number" && s[k] !== 0) {
      w.tag(SCHEMA[k], WireType.Varint).int64(s[k] as number);
    }
  }
  for (const k of BOOLS) if (s[k] === true) w.tag(SCHEMA[k], WireType.Varint).bool(true);
  if (Array.isArray(s.required)) {
    for (const r of s.required) if (typeof r === "string") string(w, SCHEMA.required, r);
  }
  if (Array.isArray(s.enum)) { for (const e of s.enum) any(w, SCHEMA.enum, e); }
  const ap = s.additionalProperties;
  if (typeof ap === "boolean") {
    message(w, SCHEMA.additionalProperties, (m) => m.tag(2, WireType.Varint).bool(ap));
  } else if (ap !== null && typeof ap === "object") {
    message(w, SCHEMA.additionalProperties, (m) => message(m, 1, (x) => schema(x, ap as Json)));
  }
  const types = Array.isArray(s.type) ? s.type : typeof s.type === "string" ? [s.type] : [];
  if (types.length) {
    message(w, SCHEMA.type, (m) => {
      for (const t of types) if (typeof t === "string") string(m, 1, t);
    });
  }
  const items = s.items;
  if (items !== null && typeof items === "object" && !Array.isArray(items)) {
    message(w, SCHEMA.items, (m) => message(m, 1, (x) => schema(x, items as Json)));
  }
  if (Array.isArray(s.allOf)) {
    for (const a of s.allOf) message(w, SCHEMA.allOf, (m) => schema(m, a as Json));
  }
  if (s.properties !== null && typeof s.properties === "object") {
    message(w, SCHEMA.properties, (m) => {
      for (const [name, p] of Object.entries(s.properties as Record<string, Json>)) {
        namedSchema(m, 1, name, p);
      }
    });
  }
  if (s.example !== undefined) any(w, SCHEMA.example, s.example);
  for (const [k, v] of Object.entries(s)) {
    if (!k.startsWith("x-") || v === undefined) continue;
    message(w, SCHEMA.vendorExtension, (m) => {
      string(m, 1, k);
      any(m, 2, v);
    });
  }
}

/** `NamedSchema` (name 1, value 2) as field `field`. */
function namedSchema(w: BinaryWriter, field: number, name: string, s: Json) {
  message(w, field, (m) => {
    string(m, 1, name);
    message(m, 2, (x) => schema(x, s));
  });
}

/** The document as gnostic's `openapi.v2.Document`. */
export function encodeOpenApiV2(doc: OpenApiV2Fields): Uint8Array {
  const w = new BinaryWriter();
  string(w, 1, doc.swagger);
  message(w, 2, (m) => {
    string(m, 1, doc.info.title);
    string(m, 2, doc.info.version);
  });
  message(w, 8, () => {});
  message(w, 9, (m) => {
    for (const [name, s] of Object.entries(doc.definitions)) namedSchema(m, 1, name, s);
  });
  return w.finish();
}
