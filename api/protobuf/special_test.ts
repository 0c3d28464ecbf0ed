import assert from "node:assert/strict";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ApiError } from "../status.ts";
import { decodeKubeProtobuf, decodeMessage } from "./decode.ts";
import { encodeEnvelope } from "./envelope.ts";
import { fixture, fixtureResolver } from "./fixture_schemas_test_helper.ts";

const LD = WireType.LengthDelimited;
const VARINT = WireType.Varint;
const GADGET = "io.kno.test.v1.Gadget";
const PROPS = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";

function msg(build: (w: BinaryWriter) => void): Uint8Array {
  const w = new BinaryWriter();
  build(w);
  return w.finish();
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const gadget = (raw: Uint8Array) => decodeMessage(raw, fixture(GADGET), fixtureResolver);
const timeMsg = (seconds: number, nanos: number) =>
  msg((t) => t.tag(1, VARINT).int64(seconds).tag(2, VARINT).int32(nanos));

Deno.test("time is RFC 3339 UTC without fraction; the zero time is absent", () => {
  const meta = (ts: Uint8Array) =>
    gadget(msg((w) => w.tag(1, LD).bytes(msg((m) => m.tag(8, LD).bytes(ts)))));
  assert.deepStrictEqual(meta(timeMsg(1714557600, 999_000_000)), {
    metadata: { creationTimestamp: "2024-05-01T10:00:00Z" },
  });
  assert.deepStrictEqual(meta(new Uint8Array()), { metadata: {} });
  assert.deepStrictEqual(meta(timeMsg(0, 0)), { metadata: {} });
  assert.deepStrictEqual(meta(timeMsg(-86400, 0)), {
    metadata: { creationTimestamp: "1969-12-31T00:00:00Z" },
  });
  assert.throws(() => meta(timeMsg(1e15, 0)), ApiError);
  assert.throws(() => meta(timeMsg(1, -1)), ApiError);
});

Deno.test("microTime keeps six fractional digits", () => {
  const renew = (seconds: number, nanos: number) =>
    gadget(msg((w) => w.tag(8, LD).bytes(timeMsg(seconds, nanos)))).renewTime;
  assert.equal(renew(1714557600, 123_456_789), "2024-05-01T10:00:00.123456Z");
  assert.equal(renew(1714557600, 0), "2024-05-01T10:00:00.000000Z");
  assert.equal(renew(1714557600, 5_000), "2024-05-01T10:00:00.000005Z");
});

Deno.test("duration is a Go duration string", () => {
  const timeout = (nanos: bigint) =>
    gadget(msg((w) => w.tag(7, LD).bytes(msg((d) => d.tag(1, VARINT).int64(nanos))))).timeout;
  assert.equal(timeout(3723_000_000_000n), "1h2m3s");
  assert.equal(timeout(1_500_000_000n), "1.5s");
  assert.equal(timeout(0n), "0s");
  assert.equal(gadget(msg((w) => w.tag(7, LD).bytes(new Uint8Array()))).timeout, "0s");
});

Deno.test("rawExtension holds JSON, or a nested k8s envelope decoded by its own kind", () => {
  const json = gadget(
    msg((w) => w.tag(9, LD).bytes(msg((r) => r.tag(1, LD).bytes(utf8('{"a":[1,true]}'))))),
  );
  assert.deepStrictEqual(json.payload, { a: [1, true] });

  const inner = encodeEnvelope({
    apiVersion: "v1",
    kind: "ConfigMap",
    raw: msg((c) => {
      c.tag(1, LD).bytes(msg((m) => m.tag(1, LD).string("nested")));
      c.tag(2, LD).bytes(msg((e) => e.tag(1, LD).string("k").tag(2, LD).string("v")));
    }),
  });
  const outer = encodeEnvelope({
    apiVersion: "test.kno.io/v1",
    kind: "Gadget",
    raw: msg((w) => w.tag(9, LD).bytes(msg((r) => r.tag(1, LD).bytes(inner)))),
  });
  assert.deepStrictEqual(decodeKubeProtobuf(outer, fixtureResolver), {
    apiVersion: "test.kno.io/v1",
    kind: "Gadget",
    payload: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "nested" },
      data: { k: "v" },
    },
  });
  assert.deepStrictEqual(gadget(msg((w) => w.tag(9, LD).bytes(new Uint8Array()))), {});
  assert.throws(
    () => gadget(msg((w) => w.tag(9, LD).bytes(msg((r) => r.tag(1, LD).bytes(utf8("{nope")))))),
    (e: unknown) => e instanceof ApiError && /embedded JSON/.test(e.message),
  );
});

Deno.test("an envelope whose contentType is JSON carries a JSON object", () => {
  const body = encodeEnvelope({
    apiVersion: "v1",
    kind: "ConfigMap",
    raw: utf8('{"data":{"x":"y"}}'),
    contentType: "application/json",
  });
  assert.deepStrictEqual(decodeKubeProtobuf(body, fixtureResolver), {
    apiVersion: "v1",
    kind: "ConfigMap",
    data: { x: "y" },
  });
});

Deno.test("fieldsV1 in managedFields is parsed JSON", () => {
  const entry = msg((e) => {
    e.tag(1, LD).string("kubectl-create");
    e.tag(2, LD).string("Update");
    e.tag(4, LD).bytes(timeMsg(1714557600, 0));
    e.tag(6, LD).string("FieldsV1");
    e.tag(7, LD).bytes(msg((f) => f.tag(1, LD).bytes(utf8('{"f:data":{".":{}}}'))));
  });
  const obj = gadget(msg((w) => w.tag(1, LD).bytes(msg((m) => m.tag(17, LD).bytes(entry)))));
  assert.deepStrictEqual(obj.metadata, {
    managedFields: [{
      manager: "kubectl-create",
      operation: "Update",
      time: "2024-05-01T10:00:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:data": { ".": {} } },
    }],
  });
});

Deno.test("JSONSchemaProps either-or codecs and JSON values", () => {
  const leaf = (type: string) => msg((s) => s.tag(5, LD).string(type));
  const raw = msg((s) => {
    s.tag(5, LD).string("object");
    s.tag(8, LD).bytes(msg((j) => j.tag(1, LD).bytes(utf8('{"n":1}'))));
    s.tag(26, LD).string("spec");
    s.tag(28, LD).bytes(msg((e) => {
      e.tag(1, LD).string("tags");
      e.tag(2, LD).bytes(msg((t) => {
        t.tag(5, LD).string("array");
        t.tag(20, LD).bytes(msg((a) => a.tag(1, LD).bytes(leaf("string"))));
      }));
    }));
    s.tag(28, LD).bytes(msg((e) => {
      e.tag(1, LD).string("tuple");
      e.tag(2, LD).bytes(msg((t) => {
        t.tag(20, LD).bytes(
          msg((a) => a.tag(2, LD).bytes(leaf("string")).tag(2, LD).bytes(leaf("integer"))),
        );
      }));
    }));
    s.tag(28, LD).bytes(msg((e) => {
      e.tag(1, LD).string("open");
      e.tag(2, LD).bytes(msg((t) => t.tag(29, LD).bytes(msg((b) => b.tag(1, VARINT).bool(true)))));
    }));
    s.tag(28, LD).bytes(msg((e) => {
      e.tag(1, LD).string("typed");
      e.tag(2, LD).bytes(
        msg((t) =>
          t.tag(29, LD).bytes(
            msg((b) => b.tag(1, VARINT).bool(true).tag(2, LD).bytes(leaf("integer"))),
          )
        ),
      );
    }));
    s.tag(31, LD).bytes(msg((e) => {
      e.tag(1, LD).string("a");
      e.tag(2, LD).bytes(msg((d) => d.tag(2, LD).string("b").tag(2, LD).string("c")));
    }));
    s.tag(31, LD).bytes(msg((e) => {
      e.tag(1, LD).string("x");
      e.tag(2, LD).bytes(msg((d) => d.tag(1, LD).bytes(leaf("string"))));
    }));
    s.tag(38, VARINT).bool(true);
  });
  assert.deepStrictEqual(decodeMessage(raw, fixture(PROPS), fixtureResolver), {
    type: "object",
    default: { n: 1 },
    required: ["spec"],
    properties: {
      tags: { type: "array", items: { type: "string" } },
      tuple: { items: [{ type: "string" }, { type: "integer" }] },
      open: { additionalProperties: true },
      typed: { additionalProperties: { type: "integer" } },
    },
    dependencies: { a: ["b", "c"], x: { type: "string" } },
    "x-kubernetes-preserve-unknown-fields": true,
  });
});

Deno.test("an unknown IntOrString type is a 400", () => {
  assert.throws(
    () => gadget(msg((w) => w.tag(6, LD).bytes(msg((p) => p.tag(1, VARINT).int64(7))))),
    (e: unknown) => e instanceof ApiError && e.code === 400 && /IntOrString type 7/.test(e.message),
  );
});
