/**
 * Byte-level fuzz of the protobuf decoder: valid encodings of sample objects of every built-in
 * kind, with bytes flipped, inserted, deleted or cut off. Each must decode to some object or
 * fail with the 400 `ApiError` a client sees, never another exception (which the server would
 * answer with a 500) and never a hang. Seeded, so that a failure reproduces.
 */
import assert from "node:assert/strict";
import { ApiError } from "../status.ts";
import { builtinResolver, schemaTable } from "../schema/table.ts";
import { decodeKubeProtobuf } from "./decode.ts";
import { encodeKubeProtobuf } from "./encode_test_helper.ts";
import { sampleObject } from "./sample_test_helper.ts";

class Random {
  constructor(private state: number) {}
  int(n: number): number {
    this.state = (this.state * 1103515245 + 12345) % 2147483648;
    return Math.floor((this.state / 2147483648) * n);
  }
}

function mutateBytes(body: Uint8Array, r: Random): Uint8Array {
  const bytes = [...body];
  const edits = 1 + r.int(4);
  for (let e = 0; e < edits; e++) {
    // The first four bytes are the `k8s\0` magic: mutate what follows it.
    const at = 4 + r.int(Math.max(1, bytes.length - 4));
    switch (r.int(4)) {
      case 0:
        bytes[at] = r.int(256);
        break;
      case 1:
        bytes.splice(at, 0, r.int(256));
        break;
      case 2:
        bytes.splice(at, 1 + r.int(3));
        break;
      default:
        bytes.length = at;
    }
  }
  return new Uint8Array(bytes);
}

const apiVersionOf = (g: { group: string; version: string }) =>
  g.group ? `${g.group}/${g.version}` : g.version;

Deno.test("protobuf decoding of mutated bodies of every kind either works or is a 400", () => {
  const r = new Random(Number(Deno.env.get("KNO_FUZZ_SEED") ?? 11));
  let decoded = 0;
  let refused = 0;
  for (const entry of schemaTable.kinds) {
    const schema = builtinResolver.forKind(entry);
    assert.ok(schema, entry.kind);
    const obj = {
      apiVersion: apiVersionOf(entry),
      kind: entry.kind,
      ...sampleObject(schema, builtinResolver, 4),
    };
    const body = encodeKubeProtobuf(obj, builtinResolver);
    for (let i = 0; i < 100; i++) {
      const mutated = mutateBytes(body, r);
      try {
        decodeKubeProtobuf(mutated, builtinResolver);
        decoded++;
      } catch (e) {
        if (!(e instanceof ApiError) || e.code !== 400) {
          assert.fail(
            `${entry.kind}: ${e instanceof Error ? e.stack : String(e)}\nbody: ${
              [...mutated].map((b) => b.toString(16).padStart(2, "0")).join("")
            }`,
          );
        }
        refused++;
      }
    }
  }
  assert.ok(decoded > 0 && refused > 0, `${decoded} decoded, ${refused} refused`);
});
