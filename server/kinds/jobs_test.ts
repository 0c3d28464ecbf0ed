import assert from "node:assert/strict";
import { validateCronJob, validateJob, validateTimeZone } from "./jobs.ts";
import type { KubeObject } from "../registry/types.ts";

const fields = (causes: { field?: string; message?: string }[]) =>
  causes.map((c) => `${c.field}: ${c.message}`);
const podTemplate = (restartPolicy?: string) => ({
  spec: { restartPolicy, containers: [{ name: "c", image: "i" }] },
});
const job = (spec: Record<string, unknown>): KubeObject => ({
  metadata: { name: "j" },
  spec: { template: podTemplate("Never"), ...spec },
});
const cronJob = (spec: Record<string, unknown>, name = "cj"): KubeObject => ({
  metadata: { name },
  spec: {
    schedule: "*/5 * * * *",
    jobTemplate: { spec: { template: podTemplate("OnFailure") } },
    ...spec,
  },
});

Deno.test("jobs: counts are not negative and pods restart OnFailure or Never", () => {
  assert.deepEqual(validateJob(job({ parallelism: 0, completions: 3 })), []);
  assert.deepEqual(
    fields(
      validateJob(job({ parallelism: -1, backoffLimit: -2, template: podTemplate("Always") })),
    ),
    [
      "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
      "spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0",
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ],
  );
});

Deno.test("cron jobs: schedule, time zone, history limits, name length and the job template", () => {
  assert.deepEqual(validateCronJob(cronJob({ timeZone: "Europe/Berlin" })), []);
  assert.deepEqual(fields(validateCronJob(cronJob({ schedule: "bad schedule" }))), [
    'spec.schedule: Invalid value: "bad schedule": expected exactly 5 fields, found 2: [bad schedule]',
  ]);
  assert.deepEqual(fields(validateCronJob(cronJob({ schedule: "" }))), [
    "spec.schedule: Required value",
  ]);
  assert.deepEqual(
    fields(validateCronJob(cronJob({ schedule: "TZ=UTC 0 * * * *", timeZone: "UTC" }))),
    [
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule',
    ],
  );
  // A schedule stored with TZ= before the rule may stay through updates.
  const legacy = cronJob({ schedule: "TZ=UTC 0 * * * *" });
  assert.deepEqual(validateCronJob(legacy, legacy), []);
  assert.deepEqual(
    fields(validateCronJob(cronJob({
      startingDeadlineSeconds: -1,
      failedJobsHistoryLimit: -1,
      jobTemplate: { spec: { activeDeadlineSeconds: -5, template: podTemplate("Always") } },
    }))),
    [
      "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
      "spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
      "spec.jobTemplate.spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0",
      'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ],
  );
  assert.deepEqual(fields(validateCronJob(cronJob({}, "a".repeat(53)))), [
    `metadata.name: Invalid value: "${"a".repeat(53)}": must be no more than 52 characters`,
  ]);
  assert.deepEqual(validateCronJob(cronJob({}, "a".repeat(52))), []);
});

Deno.test("cron jobs: time zones are IANA names in their exact case", () => {
  for (const ok of ["UTC", "America/New_York", "Etc/GMT+5", "US/Eastern"]) {
    assert.deepEqual(validateTimeZone(ok, "tz"), [], ok);
  }
  const bad = (tz: string) => fields(validateTimeZone(tz, "tz"))[0];
  assert.equal(bad("Mars/Base"), 'tz: Invalid value: "Mars/Base": unknown time zone Mars/Base');
  assert.equal(
    bad("america/new_york"),
    'tz: Invalid value: "america/new_york": unknown time zone america/new_york',
  );
  assert.equal(bad("+05:00"), 'tz: Invalid value: "+05:00": unknown time zone +05:00');
  assert.equal(bad("../etc"), 'tz: Invalid value: "../etc": unknown time zone ../etc');
  assert.equal(bad(""), 'tz: Invalid value: "": timeZone must be nil or non-empty string');
  assert.equal(
    bad("Local"),
    'tz: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
  );
});
