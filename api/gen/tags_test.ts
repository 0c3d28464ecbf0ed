import assert from "node:assert/strict";
import {
  marker,
  parseJsonTag,
  parseMarkers,
  parseProtoTag,
  parseStructTag,
  TagSyntaxError,
} from "./tags.ts";

Deno.test("struct tags split into keys", () => {
  const tags = parseStructTag(
    `json:"ports,omitempty" patchStrategy:"merge" patchMergeKey:"containerPort" protobuf:"bytes,6,rep,name=ports"`,
  );
  assert.equal(tags.get("json"), "ports,omitempty");
  assert.equal(tags.get("patchStrategy"), "merge");
  assert.equal(tags.get("patchMergeKey"), "containerPort");
  assert.equal(tags.get("protobuf"), "bytes,6,rep,name=ports");
});

Deno.test("json tags: name, omitempty, inline, skip", () => {
  assert.deepEqual(parseJsonTag("name,omitempty"), {
    name: "name",
    omitempty: true,
    inline: false,
    skip: false,
  });
  assert.deepEqual(parseJsonTag(",inline"), {
    name: "",
    omitempty: false,
    inline: true,
    skip: false,
  });
  assert.equal(parseJsonTag("-")?.skip, true);
  assert.deepEqual(parseJsonTag(""), { name: "", omitempty: false, inline: false, skip: false });
  assert.equal(parseJsonTag(undefined), undefined);
});

Deno.test("protobuf tags give number, label and cast type", () => {
  assert.deepEqual(parseProtoTag("bytes,3,opt,name=type,casttype=SecretType"), {
    wire: "bytes",
    number: 3,
    label: "opt",
    name: "type",
    castType: "SecretType",
  });
  assert.equal(parseProtoTag("varint,2,rep,name=values")?.label, "rep");
  assert.equal(parseProtoTag(undefined), undefined);
  assert.throws(() => parseProtoTag("bytes,x,opt"), TagSyntaxError);
});

Deno.test("markers repeat and keep their last value", () => {
  const m = parseMarkers([
    "some prose",
    "+listType=map",
    "+listMapKey=containerPort",
    "+listMapKey=protocol",
    "+optional",
    `+default={"a": 1}`,
    "+k8s:listType=atomic",
  ]);
  assert.deepEqual(m.get("listMapKey"), ["containerPort", "protocol"]);
  assert.equal(marker(m, "listType", "k8s:listType"), "map");
  assert.equal(marker(m, "optional"), "");
  assert.equal(marker(m, "default"), `{"a": 1}`);
  assert.equal(marker(m, "missing"), undefined);
  assert.equal(m.has("some"), false);
});
