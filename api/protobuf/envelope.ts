/**
 * The Kubernetes protobuf envelope: the magic bytes `k8s\0`, then a `runtime.Unknown` message
 * (1: typeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType).
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { badRequest } from "../status.ts";
import { decodeUtf8, type FieldMap, parseFields, protobufError, type RawField } from "./wire.ts";

/** The four bytes every Kubernetes protobuf body starts with: `k8s\0`. */
export const PROTOBUF_MAGIC: Uint8Array = new Uint8Array([0x6b, 0x38, 0x73, 0x00]);

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

export interface Envelope {
  apiVersion: string;
  kind: string;
  /** The object's own protobuf encoding. */
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** Whether `bytes` starts with {@link PROTOBUF_MAGIC}. */
export function hasProtobufMagic(bytes: Uint8Array): boolean {
  if (bytes.length < PROTOBUF_MAGIC.length) return false;
  return PROTOBUF_MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads the envelope of a protobuf body. Throws a 400 `ApiError` on bad magic or bad data. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (!hasProtobufMagic(bytes)) {
    throw badRequest('Invalid protobuf body: missing the "k8s\\x00" prefix');
  }
  const fields = parseFields(bytes.subarray(PROTOBUF_MAGIC.length), "runtime.Unknown");
  const typeMeta = lastBytes(fields, 1, "runtime.Unknown.typeMeta");
  const meta = typeMeta ? parseFields(typeMeta, "runtime.Unknown.typeMeta") : new Map();
  return {
    apiVersion: stringField(meta, 1, "runtime.TypeMeta.apiVersion"),
    kind: stringField(meta, 2, "runtime.TypeMeta.kind"),
    raw: lastBytes(fields, 2, "runtime.Unknown.raw") ?? new Uint8Array(),
    contentEncoding: stringField(fields, 3, "runtime.Unknown.contentEncoding"),
    contentType: stringField(fields, 4, "runtime.Unknown.contentType"),
  };
}

/** Writes an envelope: the inverse of {@link decodeEnvelope}. */
export function encodeEnvelope(envelope: {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}): Uint8Array {
  const w = new BinaryWriter();
  w.raw(PROTOBUF_MAGIC);
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string(envelope.apiVersion);
  w.tag(2, WireType.LengthDelimited).string(envelope.kind);
  w.join();
  w.tag(2, WireType.LengthDelimited).bytes(envelope.raw);
  w.tag(3, WireType.LengthDelimited).string(envelope.contentEncoding ?? "");
  w.tag(4, WireType.LengthDelimited).string(envelope.contentType ?? "");
  return w.finish();
}

function lastLengthDelimited(fields: FieldMap, no: number, where: string): RawField | undefined {
  const list = fields.get(no);
  const last = list?.[list.length - 1];
  if (last && last.wireType !== WireType.LengthDelimited) {
    throw protobufError(where, `field ${no} is not length-delimited`);
  }
  return last;
}

function lastBytes(fields: FieldMap, no: number, where: string): Uint8Array | undefined {
  return lastLengthDelimited(fields, no, where)?.value as Uint8Array | undefined;
}

function stringField(fields: FieldMap, no: number, where: string): string {
  const bytes = lastBytes(fields, no, where);
  return bytes ? decodeUtf8(bytes, where) : "";
}
