import assert from "node:assert/strict";
import { rfc3339Seconds } from "./time.ts";

Deno.test("rfc3339Seconds: whole seconds in UTC, fractions truncated", () => {
  assert.equal(rfc3339Seconds(new Date("2024-05-01T10:00:00.999Z")), "2024-05-01T10:00:00Z");
  assert.equal(rfc3339Seconds(new Date("2024-05-01T10:00:01.000Z")), "2024-05-01T10:00:01Z");
  // The cached second is not reused for another one, before or after it.
  assert.equal(rfc3339Seconds(new Date("2024-05-01T10:00:00.5Z")), "2024-05-01T10:00:00Z");
  assert.equal(rfc3339Seconds(new Date("1969-12-31T23:59:59.5Z")), "1969-12-31T23:59:59Z");
  assert.equal(rfc3339Seconds(new Date(0)), "1970-01-01T00:00:00Z");
  for (let i = 0; i < 200; i++) {
    const d = new Date(Math.floor(Math.random() * 4e12));
    assert.equal(rfc3339Seconds(d), d.toISOString().replace(/\.\d{3}Z$/, "Z"));
  }
});
