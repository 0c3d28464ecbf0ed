import assert from "node:assert/strict";
import type { KubeObject } from "../registry/types.ts";
import { Entry } from "./cache.ts";
import { decodeValue, encodeValue, valueHead, withResourceVersion } from "./value.ts";

/** The JSON a reader gets for a stored value at `rev`, by the text path. */
function spliced(value: string, rev: number): string {
  const head = valueHead(value);
  assert.ok(head, `not in the stored layout: ${value.slice(0, 80)}`);
  return withResourceVersion(value, head, rev);
}

Deno.test("encodeValue: apiVersion, kind and metadata first, no resourceVersion stored", () => {
  const obj: KubeObject = {
    data: { a: "1" },
    metadata: { resourceVersion: "12", name: "cm", labels: { x: "y" } },
    kind: "ConfigMap",
    apiVersion: "v1",
  };
  const value = encodeValue(obj);
  assert.equal(
    value,
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":{"x":"y"}},"data":{"a":"1"}}',
  );
  assert.equal(obj.metadata!.resourceVersion, "12", "the caller's object is left alone");
  assert.deepEqual(decodeValue(value, 40), {
    ...obj,
    metadata: { name: "cm", labels: { x: "y" }, resourceVersion: "40" },
  });
});

Deno.test("the stored text with its resourceVersion added is the decoded object's JSON", () => {
  const cases: KubeObject[] = [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "v" } },
    { apiVersion: "v1", kind: "Namespace" },
    { apiVersion: "v1", kind: "Namespace", metadata: {} },
    {
      apiVersion: 'example.com/v1"x\\',
      kind: 'K"metadata":{',
      metadata: { name: 'n"metadata":{}', annotations: { "\\": '"\u00e9\u{1f600}' } },
      spec: { template: { metadata: { labels: { a: "b" } } } },
    },
  ];
  for (const obj of cases) {
    const value = encodeValue(obj);
    assert.deepEqual(JSON.parse(spliced(value, 7)), decodeValue(value, 7));
    assert.equal(valueHead(value)!.apiVersion, obj.apiVersion);
  }
});

Deno.test("random objects: the text path and the decode path agree", () => {
  let seed = 42;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const pieces = ['"', "\\", '"metadata":{', "}", "{", ",", "a", "\u00e9", "\n", ":"];
  const str = () => Array.from({ length: rand(6) }, () => pieces[rand(pieces.length)]).join("");
  const value = (depth: number): unknown =>
    depth > 2 || rand(3) === 0
      ? str()
      : Object.fromEntries(Array.from({ length: rand(4) }, () => [str(), value(depth + 1)]));
  for (let i = 0; i < 500; i++) {
    const obj: KubeObject = { apiVersion: str(), kind: str() };
    if (rand(4)) obj.metadata = value(1) as Record<string, unknown>;
    if (rand(2)) obj.spec = value(1);
    const stored = encodeValue(obj);
    assert.deepEqual(JSON.parse(spliced(stored, i + 1)), decodeValue(stored, i + 1));
  }
});

Deno.test("values in any other layout are not read as text", () => {
  for (
    const value of [
      '{"kind":"ConfigMap","apiVersion":"v1","metadata":{}}',
      '{"metadata":{"name":"a"},"apiVersion":"v1","kind":"ConfigMap"}',
      '{"apiVersion":"v1","metadata":{}}',
      '{"apiVersion":"v1","kind":"ConfigMap","spec":{"metadata":{}},"metadata":{}}',
      '{"apiVersion":1,"kind":"ConfigMap","metadata":{}}',
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":null}',
      "not json",
    ]
  ) assert.equal(valueHead(value), undefined, value);
});

Deno.test("an entry serves its JSON and apiVersion without decoding the stored text", () => {
  // Cut short after the metadata: decoding would throw, so these must come from the text.
  const value = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{';
  const entry = new Entry({
    key: "/registry/core/configmaps/ns/a",
    value,
    createRevision: 3,
    modRevision: 9,
  });
  assert.equal(entry.apiVersion, "v1");
  assert.equal(
    entry.json,
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"9","name":"a"},"data":{',
  );
  assert.throws(() => entry.obj, SyntaxError);

  const good = new Entry({
    key: "/registry/core/configmaps/ns/b",
    value: encodeValue({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } }),
    createRevision: 3,
    modRevision: 9,
  });
  const json = good.json;
  assert.equal(good.obj.metadata?.resourceVersion, "9", "decoded from the JSON with the version");
  assert.equal(good.json, json);
  assert.equal(good.apiVersion, "v1");
  // Old layout: decoded, then serialized.
  const old = new Entry({
    key: "/registry/core/configmaps/ns/c",
    value: '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c"}}',
    createRevision: 3,
    modRevision: 5,
  });
  assert.equal(old.apiVersion, "v1");
  assert.deepEqual(JSON.parse(old.json).metadata, { name: "c", resourceVersion: "5" });
});
