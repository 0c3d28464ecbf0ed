import assert from "node:assert/strict";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ApiError } from "../status.ts";
import { decodeKubeProtobuf, decodeMessage, MAX_DEPTH } from "./decode.ts";
import { encodeEnvelope, PROTOBUF_MAGIC } from "./envelope.ts";
import { fixture, fixtureResolver } from "./fixture_schemas_test_helper.ts";

const LD = WireType.LengthDelimited;
const VARINT = WireType.Varint;

/** Builds message bytes with a writer callback. */
function msg(build: (w: BinaryWriter) => void): Uint8Array {
  const w = new BinaryWriter();
  build(w);
  return w.finish();
}

function strEntry(w: BinaryWriter, no: number, key: string, value: string): void {
  w.tag(no, LD).bytes(msg((e) => e.tag(1, LD).string(key).tag(2, LD).string(value)));
}

function bytesEntry(w: BinaryWriter, no: number, key: string, value: Uint8Array): void {
  w.tag(no, LD).bytes(msg((e) => e.tag(1, LD).string(key).tag(2, LD).bytes(value)));
}

const metadata = (name: string, namespace = "default") =>
  msg((m) => {
    m.tag(1, LD).string(name);
    m.tag(2, LD).string(""); // generateName: always written by Go, empty
    m.tag(3, LD).string(namespace);
    m.tag(8, LD).bytes(new Uint8Array()); // creationTimestamp: zero time
  });

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  return encodeEnvelope({ apiVersion, kind, raw });
}

function assertBadRequest(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, 400);
    assert.equal(e.reason, "BadRequest");
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("decodes a ConfigMap body with data and binaryData maps", () => {
  const raw = msg((w) => {
    w.tag(1, LD).bytes(metadata("cfg"));
    strEntry(w, 2, "a", "1");
    strEntry(w, 2, "b", "two");
    bytesEntry(w, 3, "bin", new Uint8Array([0, 1, 2, 255]));
  });
  assert.deepStrictEqual(decodeKubeProtobuf(envelope("v1", "ConfigMap", raw), fixtureResolver), {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cfg", generateName: "", namespace: "default" },
    data: { a: "1", b: "two" },
    binaryData: { bin: "AAEC/w==" },
  });
});

Deno.test("decodes Secret data bytes as base64 and drops an empty omit-zero type", () => {
  const raw = (type: string) =>
    msg((w) => {
      w.tag(1, LD).bytes(metadata("s"));
      bytesEntry(w, 2, "password", new TextEncoder().encode("hunter2"));
      w.tag(3, LD).string(type);
    });
  const empty = decodeKubeProtobuf(envelope("v1", "Secret", raw("")), fixtureResolver);
  assert.deepStrictEqual(empty.data, { password: "aHVudGVyMg==" });
  assert.equal("type" in empty, false);
  const opaque = decodeKubeProtobuf(envelope("v1", "Secret", raw("Opaque")), fixtureResolver);
  assert.equal(opaque.type, "Opaque");
});

Deno.test("decodes DeleteOptions sent as meta.k8s.io/v1 or as core v1", () => {
  const raw = msg((w) => {
    w.tag(1, VARINT).int64(0);
    w.tag(2, LD).bytes(msg((p) => p.tag(1, LD).string("uid-1")));
    w.tag(4, LD).string("Foreground");
    w.tag(5, LD).string("All");
  });
  for (const apiVersion of ["meta.k8s.io/v1", "v1"]) {
    assert.deepStrictEqual(
      decodeKubeProtobuf(envelope(apiVersion, "DeleteOptions", raw), fixtureResolver),
      {
        apiVersion,
        kind: "DeleteOptions",
        gracePeriodSeconds: 0,
        preconditions: { uid: "uid-1" },
        propagationPolicy: "Foreground",
        dryRun: ["All"],
      },
    );
  }
});

Deno.test("merges fields of inline-embedded messages (x-kno-proto-via) into the parent", () => {
  const configMapSource = msg((c) => {
    c.tag(1, LD).bytes(msg((r) => r.tag(1, LD).string("my-cm"))); // LocalObjectReference
    c.tag(2, LD).bytes(msg((k) => k.tag(1, LD).string("k").tag(2, LD).string("p")));
    c.tag(3, VARINT).int32(420);
  });
  const raw = msg((w) => {
    w.tag(10, LD).bytes(msg((v) => {
      v.tag(1, LD).string("cfg");
      v.tag(2, LD).bytes(msg((s) => s.tag(19, LD).bytes(configMapSource)));
    }));
    w.tag(10, LD).bytes(msg((v) => {
      v.tag(1, LD).string("scratch");
      v.tag(2, LD).bytes(msg((s) => s.tag(2, LD).bytes(new Uint8Array())));
    }));
  });
  const obj = decodeMessage(raw, fixture("io.kno.test.v1.Gadget"), fixtureResolver);
  assert.deepStrictEqual(obj.volumes, [
    {
      name: "cfg",
      configMap: { name: "my-cm", items: [{ key: "k", path: "p" }], defaultMode: 420 },
    },
    { name: "scratch", emptyDir: {} },
  ]);
});

Deno.test("decodes scalars: double, float, int64 past 2^53, negative int32, uint64", () => {
  const raw = msg((w) => {
    w.tag(2, WireType.Bit64).double(0.25);
    w.tag(3, WireType.Bit32).float(1.5);
    w.tag(5, VARINT).int64(2n ** 60n);
    w.tag(4, VARINT).int32(-7);
    w.tag(18, VARINT).uint64(2n ** 63n);
  });
  const obj = decodeMessage(raw, fixture("io.kno.test.v1.Gadget"), fixtureResolver);
  assert.deepStrictEqual(obj, {
    ratio: 0.25,
    weight: 1.5,
    big: 2 ** 60,
    counts: [-7],
    serial: 2 ** 63,
  });
});

Deno.test("accepts packed and unpacked repeated scalars, mixed", () => {
  const raw = msg((w) => {
    w.tag(4, LD).fork().int32(1).int32(-2).int32(300).join();
    w.tag(4, VARINT).int32(4);
    w.tag(15, LD).fork().bool(true).bool(false).join();
    w.tag(15, VARINT).bool(true);
    w.tag(14, LD).bytes(new Uint8Array([1]));
    w.tag(14, LD).bytes(new Uint8Array([]));
  });
  const obj = decodeMessage(raw, fixture("io.kno.test.v1.Gadget"), fixtureResolver);
  assert.deepStrictEqual(obj.counts, [1, -2, 300, 4]);
  assert.deepStrictEqual(obj.flags, [true, false, true]);
  assert.deepStrictEqual(obj.blobs, ["AQ==", ""]);
});

Deno.test("skips unknown field numbers of every wire type", () => {
  const raw = msg((w) => {
    w.tag(90, VARINT).int64(5);
    w.tag(91, LD).string("ignored");
    w.tag(92, WireType.Bit64).double(1);
    w.tag(93, WireType.Bit32).float(1);
    w.tag(94, WireType.StartGroup).tag(1, VARINT).int32(1).tag(94, WireType.EndGroup);
    w.tag(13, VARINT).bool(true);
  });
  const obj = decodeMessage(raw, fixture("io.kno.test.v1.Gadget"), fixtureResolver);
  assert.deepStrictEqual(obj, { enabled: true });
});

Deno.test('omit-zero drops "", 0 and false but keeps zeros of other fields', () => {
  const raw = msg((w) => {
    w.tag(13, VARINT).bool(false);
    w.tag(16, LD).bytes(msg((p) => {
      p.tag(1, LD).string("");
      p.tag(2, VARINT).int32(0);
      p.tag(3, VARINT).int32(0);
      p.tag(4, LD).string("TCP");
    }));
  });
  const obj = decodeMessage(raw, fixture("io.kno.test.v1.Gadget"), fixtureResolver);
  assert.deepStrictEqual(obj, { ports: [{ containerPort: 0, protocol: "TCP" }] });
});

Deno.test("decodes quantities, int-or-string, map of string arrays", () => {
  const quantity = (s: string) => msg((q) => q.tag(1, LD).string(s));
  const raw = msg((w) => {
    w.tag(6, LD).bytes(msg((p) =>
      p.tag(1, VARINT).int64(1).tag(2, VARINT).int32(0).tag(3, LD)
        .string("http")
    ));
    w.tag(11, LD).bytes(msg((r) => {
      r.tag(1, LD).bytes(msg((e) => e.tag(1, LD).string("cpu").tag(2, LD).bytes(quantity("500m"))));
      r.tag(2, LD).bytes(
        msg((e) => e.tag(1, LD).string("memory").tag(2, LD).bytes(quantity("1Gi"))),
      );
      r.tag(2, LD).bytes(msg((e) => e.tag(1, LD).string("zero")));
    }));
    w.tag(12, LD).bytes(msg((e) => {
      e.tag(1, LD).string("scopes");
      e.tag(2, LD).bytes(msg((v) => v.tag(1, LD).string("a").tag(1, LD).string("b")));
    }));
  });
  const obj = decodeMessage(raw, fixture("io.kno.test.v1.Gadget"), fixtureResolver);
  assert.deepStrictEqual(obj, {
    port: "http",
    resources: { limits: { cpu: "500m" }, requests: { memory: "1Gi", zero: "0" } },
    extra: { scopes: ["a", "b"] },
  });
  const intPort = msg((w) => w.tag(6, LD).bytes(msg((p) => p.tag(2, VARINT).int32(8080))));
  assert.deepStrictEqual(
    decodeMessage(intPort, fixture("io.kno.test.v1.Gadget"), fixtureResolver),
    { port: 8080 },
  );
});

Deno.test('a map key "__proto__" stays a plain key', () => {
  const raw = msg((w) => strEntry(w, 2, "__proto__", "x"));
  const obj = decodeMessage(raw, fixture("io.k8s.api.core.v1.ConfigMap"), fixtureResolver);
  const data = obj.data as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(data), Object.prototype);
  assert.deepStrictEqual(Object.keys(data), ["__proto__"]);
});

Deno.test("repeated occurrences of a singular message are merged", () => {
  const raw = msg((w) => {
    w.tag(1, LD).bytes(msg((m) => m.tag(1, LD).string("first")));
    w.tag(1, LD).bytes(msg((m) => m.tag(3, LD).string("ns")));
  });
  const obj = decodeMessage(raw, fixture("io.k8s.api.core.v1.ConfigMap"), fixtureResolver);
  assert.deepStrictEqual(obj.metadata, { name: "first", namespace: "ns" });
});

Deno.test("rejects a wrong wire type for a known field", () => {
  const raw = msg((w) => w.tag(1, VARINT).int32(3)); // metadata must be a message
  assertBadRequest(
    () => decodeKubeProtobuf(envelope("v1", "ConfigMap", raw), fixtureResolver),
    /ConfigMap\.metadata: field 1 has varint, expected length-delimited/,
  );
  const str = msg((w) => w.tag(1, LD).bytes(msg((m) => m.tag(1, VARINT).int32(1))));
  assertBadRequest(
    () => decodeKubeProtobuf(envelope("v1", "ConfigMap", str), fixtureResolver),
    /ConfigMap\.metadata\.name: field 1 has varint, expected length-delimited/,
  );
});

Deno.test("rejects truncated data, bad magic, unknown kinds and bad UTF-8", () => {
  const good = envelope("v1", "ConfigMap", msg((w) => w.tag(1, LD).bytes(metadata("x"))));
  let refused = 0;
  for (let cut = 0; cut < good.length; cut++) {
    try {
      decodeKubeProtobuf(good.subarray(0, cut), fixtureResolver); // a cut at a field boundary is valid
    } catch (e: unknown) {
      assert.ok(e instanceof ApiError && e.code === 400, `cut ${cut}: ${String(e)}`);
      refused++;
    }
  }
  assert.ok(refused > good.length / 2, `only ${refused} of ${good.length} cuts refused`);
  const truncatedRaw = envelope(
    "v1",
    "ConfigMap",
    msg((w) => w.tag(1, LD).bytes(metadata("x")))
      .subarray(0, 6),
  );
  assertBadRequest(() => decodeKubeProtobuf(truncatedRaw, fixtureResolver), /malformed/);
  assertBadRequest(
    () => decodeKubeProtobuf(new TextEncoder().encode('{"kind":"ConfigMap"}'), fixtureResolver),
    /k8s/,
  );
  assertBadRequest(
    () => decodeKubeProtobuf(envelope("v9", "Widget", new Uint8Array()), fixtureResolver),
    /no kind "Widget" is registered for version "v9"/,
  );
  assertBadRequest(
    () => decodeKubeProtobuf(envelope("v1", "", new Uint8Array()), fixtureResolver),
    /names no kind/,
  );
  const badUtf8 = msg((w) =>
    w.tag(1, LD).bytes(msg((m) => m.tag(1, LD).bytes(new Uint8Array([0xff, 0xfe]))))
  );
  assertBadRequest(
    () => decodeKubeProtobuf(envelope("v1", "ConfigMap", badUtf8), fixtureResolver),
    /UTF-8/,
  );
  assertBadRequest(() => decodeKubeProtobuf(PROTOBUF_MAGIC, fixtureResolver), /names no kind/);
});

Deno.test("rejects a content encoding it cannot read", () => {
  const body = encodeEnvelope({
    apiVersion: "v1",
    kind: "ConfigMap",
    raw: new Uint8Array(),
    contentEncoding: "gzip",
  });
  assertBadRequest(() => decodeKubeProtobuf(body, fixtureResolver), /content encoding "gzip"/);
});

Deno.test("refuses messages nested past MAX_DEPTH with a 400, not a stack overflow", () => {
  const schemaProps = fixture(
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
  );
  const nest = (levels: number) => {
    let inner = msg((w) => w.tag(5, LD).string("string"));
    for (let i = 0; i < levels; i++) {
      const child = inner;
      inner = msg((w) =>
        w.tag(28, LD).bytes(msg((e) => e.tag(1, LD).string("p").tag(2, LD).bytes(child)))
      );
    }
    return inner;
  };
  const ok = decodeMessage(nest(50), schemaProps, fixtureResolver);
  assert.ok("properties" in ok);
  assertBadRequest(
    () => decodeMessage(nest(MAX_DEPTH + 10), schemaProps, fixtureResolver),
    /nested deeper/,
  );
  assertBadRequest(
    () => decodeMessage(nest(2_000), schemaProps, fixtureResolver),
    /nested deeper/,
  );
});
