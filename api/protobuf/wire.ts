/**
 * The protobuf wire format, read generically: a message is parsed into its fields (number, wire
 * type, raw payload) before any schema gives them meaning. Every failure of the underlying reader
 * (truncated data, a bad varint, field number 0) becomes a 400 `ApiError`, never a `RangeError`.
 */
import type { ProtoScalarType } from "../schema/types.ts";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { ApiError } from "../status.ts";

export { WireType };

/** One occurrence of a field on the wire. */
export type RawField =
  | { no: number; wireType: WireType.Varint; value: bigint }
  | { no: number; wireType: WireType.LengthDelimited; value: Uint8Array }
  | { no: number; wireType: WireType.Bit64; value: Uint8Array }
  | { no: number; wireType: WireType.Bit32; value: Uint8Array }
  | { no: number; wireType: WireType.StartGroup; value: Uint8Array };

/** The fields of one message, by field number, each list in wire order. */
export type FieldMap = Map<number, RawField[]>;

const WIRE_TYPE_NAMES: Record<number, string> = {
  [WireType.Varint]: "varint",
  [WireType.Bit64]: "fixed64",
  [WireType.LengthDelimited]: "length-delimited",
  [WireType.StartGroup]: "group",
  [WireType.EndGroup]: "end-group",
  [WireType.Bit32]: "fixed32",
};

export function wireTypeName(wireType: WireType): string {
  return WIRE_TYPE_NAMES[wireType] ?? `wire type ${wireType}`;
}

/** A 400 error for a malformed protobuf body. `where` names the message or field. */
export function protobufError(where: string, detail: string, cause?: unknown): ApiError {
  const message = `Invalid protobuf body: ${where}: ${detail}`;
  return new ApiError(400, "BadRequest", message, undefined, { cause });
}

/** Parses every field of a message; `where` names it in errors. */
export function parseFields(bytes: Uint8Array, where: string): FieldMap {
  const fields: FieldMap = new Map();
  const reader = new BinaryReader(bytes, utf8Strict);
  try {
    while (reader.pos < reader.len) {
      const [no, wireType] = reader.tag();
      let field: RawField;
      switch (wireType) {
        case WireType.Varint:
          field = { no, wireType, value: BigInt(reader.uint64()) };
          break;
        case WireType.LengthDelimited:
          field = { no, wireType, value: reader.bytes() };
          break;
        case WireType.Bit64:
        case WireType.Bit32:
        case WireType.StartGroup: {
          const start = reader.pos;
          reader.skip(wireType, no);
          field = { no, wireType, value: bytes.subarray(start, reader.pos) };
          break;
        }
        default:
          throw protobufError(where, `unexpected ${wireTypeName(wireType)} for field ${no}`);
      }
      const list = fields.get(no);
      if (list) list.push(field);
      else fields.set(no, [field]);
    }
  } catch (e: unknown) {
    if (e instanceof ApiError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw protobufError(where, `malformed message (${msg})`, e);
  }
  return fields;
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

function utf8Strict(bytes: Uint8Array): string {
  return strictDecoder.decode(bytes);
}

/** Decodes a UTF-8 string payload; invalid UTF-8 is a 400. */
export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (e: unknown) {
    throw protobufError(where, "string is not valid UTF-8", e);
  }
}

/** The wire type a scalar kind is written with when not packed. */
export function scalarWireType(kind: ProtoScalarType): WireType {
  switch (kind) {
    case "string":
    case "bytes":
      return WireType.LengthDelimited;
    case "double":
      return WireType.Bit64;
    case "float":
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}

/** Whether repeated values of this kind may be packed into one length-delimited field. */
export function isPackable(kind: ProtoScalarType): boolean {
  return kind !== "string" && kind !== "bytes";
}

/** Converts a varint to the JS number of a scalar kind (64-bit values may lose precision). */
export function varintToNumber(value: bigint, kind: ProtoScalarType): number {
  switch (kind) {
    case "int32":
      return Number(BigInt.asIntN(32, value));
    case "uint32":
      return Number(BigInt.asUintN(32, value));
    case "uint64":
      return Number(BigInt.asUintN(64, value));
    default:
      return Number(BigInt.asIntN(64, value));
  }
}

/** Reads a little-endian double (8 bytes) or float (4 bytes). */
export function fixedToNumber(bytes: Uint8Array, kind: "double" | "float"): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return kind === "double" ? view.getFloat64(0, true) : view.getFloat32(0, true);
}

/** Decodes one scalar occurrence of the expected kind; the wire type must already match. */
export function decodeScalar(field: RawField, kind: ProtoScalarType, where: string): unknown {
  const expected = scalarWireType(kind);
  if (field.wireType !== expected) {
    throw protobufError(
      where,
      `field ${field.no} has ${wireTypeName(field.wireType)}, expected ${wireTypeName(expected)}`,
    );
  }
  switch (kind) {
    case "string":
      return decodeUtf8(field.value as Uint8Array, where);
    case "bytes":
      return bytesToBase64(field.value as Uint8Array);
    case "bool":
      return (field.value as bigint) !== 0n;
    case "double":
    case "float":
      return fixedToNumber(field.value as Uint8Array, kind);
    default:
      return varintToNumber(field.value as bigint, kind);
  }
}

/** Unpacks a packed repeated scalar payload. */
export function decodePacked(bytes: Uint8Array, kind: ProtoScalarType, where: string): unknown[] {
  const out: unknown[] = [];
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < reader.len) {
      switch (kind) {
        case "bool":
          out.push(BigInt(reader.uint64()) !== 0n);
          break;
        case "double":
          out.push(reader.double());
          break;
        case "float":
          out.push(reader.float());
          break;
        default:
          out.push(varintToNumber(BigInt(reader.uint64()), kind));
      }
    }
  } catch (e: unknown) {
    const msg = e instanceof Error ? e.message : String(e);
    throw protobufError(where, `malformed packed field (${msg})`, e);
  }
  return out;
}

/** Standard base64 with padding, as Go's encoding/json writes `[]byte`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** The inverse of {@link bytesToBase64}. */
export function base64ToBytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Concatenates the payloads of every occurrence of an embedded message field: protobuf merges
 * repeated occurrences of a singular message, which is the same as parsing their concatenation. */
export function concatPayloads(payloads: Uint8Array[]): Uint8Array {
  if (payloads.length === 1) return payloads[0]!;
  const out = new Uint8Array(payloads.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of payloads) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
