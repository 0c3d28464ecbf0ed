/**
 * Definitions whose JSON form is not the plain object of their Go fields (see `SpecialCodec`).
 * Their JSON shape is the one upstream OpenAPI gives them; `x-kno-codec` tells the protobuf
 * decoder how to turn the wire message into that shape.
 */
import type { Schema, SpecialCodec } from "../schema/types.ts";

const META = "k8s.io/apimachinery/pkg/apis/meta/v1";
const APIEXT = "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1";

export interface SpecialType {
  importPath: string;
  goName: string;
  codec: SpecialCodec;
  /** The definition without properties; `withFields` ones get their Go fields as properties. */
  schema: Schema;
  /** Emit the Go fields (with their proto numbers) as `properties` too. */
  withFields?: boolean;
}

const preserve = { "x-kubernetes-preserve-unknown-fields": true } as const;

export const SPECIAL_TYPES: SpecialType[] = [
  {
    importPath: "k8s.io/apimachinery/pkg/api/resource",
    goName: "Quantity",
    codec: "quantity",
    schema: { type: "string", format: "quantity" },
  },
  {
    importPath: "k8s.io/apimachinery/pkg/util/intstr",
    goName: "IntOrString",
    codec: "intOrString",
    schema: { type: "string", format: "int-or-string", "x-kubernetes-int-or-string": true },
  },
  {
    importPath: META,
    goName: "Time",
    codec: "time",
    schema: { type: "string", format: "date-time" },
  },
  {
    importPath: META,
    goName: "MicroTime",
    codec: "microTime",
    schema: { type: "string", format: "date-time" },
  },
  { importPath: META, goName: "Duration", codec: "duration", schema: { type: "string" } },
  { importPath: META, goName: "FieldsV1", codec: "fieldsV1", schema: { type: "object" } },
  {
    importPath: "k8s.io/apimachinery/pkg/runtime",
    goName: "RawExtension",
    codec: "rawExtension",
    schema: { type: "object", ...preserve },
  },
  { importPath: APIEXT, goName: "JSON", codec: "json", schema: { ...preserve } },
  {
    importPath: APIEXT,
    goName: "JSONSchemaPropsOrBool",
    codec: "schemaOrBool",
    schema: { ...preserve },
    withFields: true,
  },
  {
    importPath: APIEXT,
    goName: "JSONSchemaPropsOrArray",
    codec: "schemaOrArray",
    schema: { ...preserve },
    withFields: true,
  },
  {
    importPath: APIEXT,
    goName: "JSONSchemaPropsOrStringArray",
    codec: "schemaOrStringArray",
    schema: { ...preserve },
    withFields: true,
  },
];

/** The special type declared as `goName` in the package `importPath`, if any. */
export function findSpecial(importPath: string, goName: string): SpecialType | undefined {
  return SPECIAL_TYPES.find((s) => s.importPath === importPath && s.goName === goName);
}

/** The definition of a special type (a fresh object), with `properties` when given. */
export function specialDefinition(
  special: SpecialType,
  properties?: Record<string, Schema>,
): Schema {
  const def: Schema = { ...special.schema };
  if (special.withFields && properties && Object.keys(properties).length > 0) {
    def.properties = properties;
  }
  def["x-kno-codec"] = special.codec;
  return def;
}
