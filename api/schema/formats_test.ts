import assert from "node:assert/strict";
import {
  fitsIntegerFormat,
  isBase64,
  isDateTime,
  isGoDuration,
  isQuantity,
  matchesFormat,
} from "./formats.ts";

Deno.test("isQuantity: the quantity grammar", () => {
  for (
    const q of ["1", "100m", "1.5Gi", "+2", "-1k", ".5", "1e3", "2E-2", "128974848", "5Ei", "1."]
  ) {
    assert.ok(isQuantity(q), q);
  }
  for (const q of ["", "Gi", "1 Gi", "1GB", "1.2.3", "abc", "1ki", "e3"]) {
    assert.ok(!isQuantity(q), q);
  }
});

Deno.test("formats: durations, base64, date-time and friends", () => {
  assert.ok(
    isGoDuration("1h2m3.5s") && isGoDuration("300ms") && isGoDuration("0") && isGoDuration("-1.5h"),
  );
  assert.ok(!isGoDuration("5") && !isGoDuration("1d") && !isGoDuration(""));
  assert.ok(isBase64("") && isBase64("aGVsbG8=") && isBase64("aGVs\nbG8="));
  assert.ok(!isBase64("abc") && !isBase64("a==="));
  assert.ok(isDateTime("2024-02-29T23:59:59Z") && isDateTime("2024-01-01t00:00:00.123456-07:00"));
  assert.ok(!isDateTime("2023-02-29T00:00:00Z") && !isDateTime("2024-01-01 00:00:00Z"));
  assert.ok(isDateTime("2000-02-29T00:00:00Z") && !isDateTime("1900-02-29T00:00:00Z"));
  assert.ok(!isDateTime("2024-04-31T00:00:00Z") && !isDateTime("2024-13-01T00:00:00Z"));
  assert.ok(!isDateTime("2024-01-01T24:00:00Z") && !isDateTime("2024-01-01T00:00:00+24:00"));
  assert.ok(matchesFormat("ipv4", "10.0.0.1") && !matchesFormat("ipv4", "10.0.0.256"));
  assert.ok(matchesFormat("ipv6", "fd00::1") && !matchesFormat("ipv6", "fd00:::1"));
  assert.ok(matchesFormat("cidr", "10.42.0.0/16") && !matchesFormat("cidr", "10.42.0.0/33"));
  assert.ok(matchesFormat("uuid", "123e4567-e89b-12d3-a456-426614174000"));
  assert.ok(matchesFormat("something-unknown", "anything"));
  assert.ok(fitsIntegerFormat("int32", 2 ** 31 - 1) && !fitsIntegerFormat("int32", 2 ** 31));
  assert.ok(fitsIntegerFormat("int64", -(2 ** 63)) && !fitsIntegerFormat("int64", 2 ** 63));
});
