import assert from "node:assert/strict";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ApiError } from "../status.ts";
import { decodeEnvelope, encodeEnvelope, hasProtobufMagic, PROTOBUF_MAGIC } from "./envelope.ts";

Deno.test("encodeEnvelope and decodeEnvelope round-trip every field", () => {
  const raw = new Uint8Array([10, 3, 97, 98, 99]);
  const body = encodeEnvelope({
    apiVersion: "apps/v1",
    kind: "Deployment",
    raw,
    contentEncoding: "",
    contentType: "application/vnd.kubernetes.protobuf",
  });
  assert.deepStrictEqual([...body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
  assert.deepStrictEqual(decodeEnvelope(body), {
    apiVersion: "apps/v1",
    kind: "Deployment",
    raw,
    contentEncoding: "",
    contentType: "application/vnd.kubernetes.protobuf",
  });
});

Deno.test("decodeEnvelope reads a hand-built runtime.Unknown and skips unknown fields", () => {
  const w = new BinaryWriter();
  w.raw(PROTOBUF_MAGIC);
  w.tag(9, WireType.Varint).int32(1); // unknown
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(2, WireType.LengthDelimited).string("Secret");
  w.tag(1, WireType.LengthDelimited).string("v1");
  w.join();
  const env = decodeEnvelope(w.finish());
  assert.deepStrictEqual(env, {
    apiVersion: "v1",
    kind: "Secret",
    raw: new Uint8Array(),
    contentEncoding: "",
    contentType: "",
  });
});

Deno.test("decodeEnvelope refuses a missing magic and broken envelopes with 400", () => {
  const bad: Uint8Array[] = [
    new Uint8Array(),
    new Uint8Array([0x6b, 0x38, 0x73]),
    new TextEncoder().encode("{}"),
    new Uint8Array([...PROTOBUF_MAGIC, 0x0a, 0x05, 0x0a]), // typeMeta longer than the body
    new Uint8Array([...PROTOBUF_MAGIC, 0x08, 0x01]), // typeMeta as a varint
    new Uint8Array([...PROTOBUF_MAGIC, 0x00]), // field number 0
  ];
  for (const body of bad) {
    assert.throws(() => decodeEnvelope(body), (e: unknown) => {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.code, 400);
      return true;
    });
  }
  assert.equal(hasProtobufMagic(PROTOBUF_MAGIC), true);
  assert.equal(hasProtobufMagic(new Uint8Array([0x6b, 0x38, 0x73, 0x01])), false);
});
