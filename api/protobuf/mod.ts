/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), decoded into the
 * same JSON objects a JSON body gives, driven by the schema table.
 */
export {
  decodeEnvelope,
  encodeEnvelope,
  type Envelope,
  hasProtobufMagic,
  PROTOBUF_MAGIC,
  PROTOBUF_MEDIA_TYPE,
} from "./envelope.ts";
export {
  decodeKubeProtobuf,
  decodeMessage,
  MAX_DEPTH,
  schemaForKind,
  splitApiVersion,
} from "./decode.ts";
export { formatDuration, parseDuration } from "./duration.ts";
