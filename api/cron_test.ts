import assert from "node:assert/strict";
import { CronSyntaxError, parseCronSchedule, parseGoDuration } from "./cron.ts";

function values(text: string): number[][] {
  const s = parseCronSchedule(text);
  assert.equal(s.kind, "fields");
  return s.kind === "fields" ? s.values.map((v) => [...v].sort((a, b) => a - b)) : [];
}

function error(text: string): string {
  try {
    parseCronSchedule(text);
  } catch (e) {
    assert.ok(e instanceof CronSyntaxError);
    return e.message;
  }
  assert.fail(`${text} parsed`);
}

Deno.test("cron: lists, ranges, steps and names give each field's values", () => {
  assert.deepEqual(values("*/15 9-17/4 1,15 jan-mar MON-fri"), [
    [0, 15, 30, 45],
    [9, 13, 17],
    [1, 15],
    [1, 2, 3],
    [1, 2, 3, 4, 5],
  ]);
  // `n/step` runs to the end of the field; `?` is `*`.
  assert.deepEqual(values("50/5 ? * * ?")[0], [50, 55]);
  assert.deepEqual(values("@hourly"), values("0 * * * *"));
  assert.deepEqual(values("@weekly"), values("0 0 * * 0"));
  const s = parseCronSchedule("0 0 1 * *");
  assert.ok(s.kind === "fields" && !s.anyDayOfMonth && s.anyDayOfWeek);
  const tz = parseCronSchedule("CRON_TZ=Europe/Paris 0 6 * * *");
  assert.equal(tz.timeZone, "Europe/Paris");
  const every = parseCronSchedule("@every 1h30m");
  assert.deepEqual(every, { kind: "every", milliseconds: 5_400_000, timeZone: undefined });
});

Deno.test("cron: bad schedules fail with upstream's messages", () => {
  assert.equal(error("bad schedule"), "expected exactly 5 fields, found 2: [bad schedule]");
  assert.equal(error("0 0 * * * *"), "expected exactly 5 fields, found 6: [0 0 * * * *]");
  assert.equal(error("60 * * * *"), "end of range (60) above maximum (59): 60");
  assert.equal(error("* * 0 * *"), "beginning of range (0) below minimum (1): 0");
  assert.equal(error("* * * * 7"), "end of range (7) above maximum (6): 7");
  assert.equal(error("5-2 * * * *"), "beginning of range (5) beyond end of range (2): 5-2");
  assert.equal(error("*/0 * * * *"), "step of range should be a positive number: */0");
  assert.equal(error("1-2-3 * * * *"), "too many hyphens: 1-2-3");
  assert.equal(error("1/2/3 * * * *"), "too many slashes: 1/2/3");
  assert.equal(
    error("x * * * *"),
    'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax',
  );
  assert.equal(error("@fortnightly"), "unrecognized descriptor: @fortnightly");
  assert.match(error("@every soon"), /^failed to parse duration @every soon: time: invalid/);
  assert.equal(
    error("0 0 L * *"),
    'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax',
  );
});

Deno.test("parseGoDuration reads Go durations", () => {
  assert.equal(parseGoDuration("90s"), 90_000);
  assert.equal(parseGoDuration("1.5h"), 5_400_000);
  assert.equal(parseGoDuration("0"), 0);
  assert.equal(parseGoDuration("-2m"), -120_000);
  assert.equal(parseGoDuration("5"), undefined);
  assert.equal(parseGoDuration("1d"), undefined);
  assert.equal(parseGoDuration(""), undefined);
});
