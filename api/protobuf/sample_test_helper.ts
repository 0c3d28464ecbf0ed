/**
 * Test-only: builds a sample JSON object for a schema, with a non-zero value for every property
 * that has a protobuf field number, so round trips exercise every field of the table.
 */
import type { ProtoScalarType, Schema, SchemaResolver, SpecialCodec } from "../schema/types.ts";
import { type Shape, shapeOf } from "./schema_shape.ts";

const SCALARS: Record<ProtoScalarType, unknown> = {
  string: "text",
  bytes: "AQID",
  bool: true,
  int32: -7,
  int64: 1234567890123,
  uint32: 7,
  uint64: 9007199254740991,
  double: 1.25,
  float: 0.5,
};

const CODECS: Record<SpecialCodec, (depth: number) => unknown> = {
  quantity: () => "250m",
  intOrString: (depth) => depth % 2 === 0 ? 8080 : "http",
  time: () => "2024-05-01T10:00:00Z",
  microTime: () => "2024-05-01T10:00:00.123456Z",
  duration: () => "1m30s",
  rawExtension: () => ({ apiVersion: "v1", kind: "ConfigMap", data: { a: "b" } }),
  fieldsV1: () => ({ "f:metadata": { "f:labels": {} } }),
  json: () => ({ nested: [1, "two", null, true] }),
  schemaOrBool: () => true,
  schemaOrArray: () => ({ type: "string" }),
  schemaOrStringArray: () => ["a", "b"],
};

/** A sample object for `schema`; messages deeper than `maxDepth` are left empty. */
export function sampleObject(
  schema: Schema,
  resolver: SchemaResolver,
  maxDepth = 6,
): Record<string, unknown> {
  return new Sampler(resolver, maxDepth).object(schema, 0);
}

class Sampler {
  constructor(readonly resolver: SchemaResolver, readonly maxDepth: number) {}

  object(schema: Schema, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (depth >= this.maxDepth) return out;
    const shape = shapeOf(schema, this.resolver);
    if (shape.kind !== "message") return out;
    for (const [name, prop] of Object.entries(shape.schema.properties ?? {})) {
      if (prop["x-kno-proto"] === undefined) continue;
      out[name] = this.value(shapeOf(prop, this.resolver), depth + 1);
    }
    return out;
  }

  value(shape: Shape, depth: number): unknown {
    switch (shape.kind) {
      case "scalar":
        return SCALARS[shape.scalar];
      case "codec": {
        if (shape.codec === "schemaOrArray" && depth % 2 === 1) {
          return [{ type: "string" }, { type: "integer" }];
        }
        return CODECS[shape.codec](depth);
      }
      case "array":
        return [this.value(shapeOf(shape.items, this.resolver), depth)];
      case "map":
        return { key: this.value(shapeOf(shape.values, this.resolver), depth) };
      case "message":
        return this.object(shape.schema, depth);
    }
  }
}
