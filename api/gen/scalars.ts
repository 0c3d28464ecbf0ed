/**
 * JSON schema and protobuf wire type of Go's predeclared scalars (and `[]byte`), as upstream
 * OpenAPI maps them.
 */
import type { Schema } from "../schema/types.ts";
import { GenerateError } from "./resolve.ts";

type ProtoType = NonNullable<Schema["x-kno-proto-type"]>;

const TABLE: Record<
  string,
  { type: NonNullable<Schema["type"]>; format?: string; proto: ProtoType }
> = {
  string: { type: "string", proto: "string" },
  bool: { type: "boolean", proto: "bool" },
  int: { type: "integer", format: "int32", proto: "int64" },
  int8: { type: "integer", format: "byte", proto: "int32" },
  int16: { type: "integer", format: "int32", proto: "int32" },
  int32: { type: "integer", format: "int32", proto: "int32" },
  int64: { type: "integer", format: "int64", proto: "int64" },
  uint: { type: "integer", format: "int32", proto: "uint64" },
  uint8: { type: "integer", format: "byte", proto: "uint32" },
  byte: { type: "integer", format: "byte", proto: "uint32" },
  uint16: { type: "integer", format: "int32", proto: "uint32" },
  uint32: { type: "integer", format: "int64", proto: "uint32" },
  uint64: { type: "integer", format: "int64", proto: "uint64" },
  float32: { type: "number", format: "float", proto: "float" },
  float64: { type: "number", format: "double", proto: "double" },
  "[]byte": { type: "string", format: "byte", proto: "bytes" },
};

/** A fresh schema for the scalar `goName` ("string", "int32", "[]byte", …). */
export function scalarSchema(goName: string): Schema {
  const row = TABLE[goName];
  if (!row) throw new GenerateError(`No schema for Go scalar "${goName}"`);
  const schema: Schema = { type: row.type };
  if (row.format) schema.format = row.format;
  schema["x-kno-proto-type"] = row.proto;
  return schema;
}
