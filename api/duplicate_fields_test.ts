import assert from "node:assert/strict";
import { duplicateJsonFields } from "./duplicate_fields.ts";

Deno.test("duplicate fields: paths in document order, in objects and list items", () => {
  assert.deepEqual(duplicateJsonFields(`{"a":1,"b":{"c":1,"c":2},"a":3}`), ["b.c", "a"]);
  assert.deepEqual(
    duplicateJsonFields(`{"spec":{"containers":[{"name":"x"},{"name":"y","name":"z"}]}}`),
    ["spec.containers[1].name"],
  );
  assert.deepEqual(duplicateJsonFields(`[{"a":1},{"a":2},{"b":[1,{"a":1,"a":1}]}]`), [
    "[2].b[1].a",
  ]);
});

Deno.test("duplicate fields: keys compared as decoded; strings holding JSON are values", () => {
  assert.deepEqual(duplicateJsonFields(`{"a\\u0062":1,"ab":2}`), ["ab"]);
  assert.deepEqual(duplicateJsonFields(`{"x":"{\\"a\\":1,\\"a\\":2}","y":"\\\\","z":"]"}`), []);
  assert.deepEqual(duplicateJsonFields(`{"k":"v","v":"k"}`), []);
  assert.deepEqual(duplicateJsonFields(`{ "a" : [ ] , "a" : { } }`), ["a"]);
  assert.deepEqual(duplicateJsonFields(`"just a string"`), []);
});
