/**
 * Upstream's Job and CronJob rules that the schema cannot state: counts and durations are not
 * negative, a Job's pods restart OnFailure or Never, and a CronJob has a schedule the CronJob
 * controller can read (five cron fields or a descriptor, no `TZ=` prefix: the time zone goes in
 * `spec.timeZone`, an IANA name) and a name short enough for the Jobs named after it.
 */
import { CronSyntaxError, parseCronSchedule } from "../../api/cron.ts";
import { invalid, notSupported, required } from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import type { KubeObject } from "../registry/types.ts";
import { type Obj, obj } from "./shape.ts";

/** Job names add an 11-character suffix to a CronJob's, within a 63-character label. */
const CRONJOB_NAME_MAX = 52;

const JOB_COUNTS = [
  "parallelism",
  "completions",
  "activeDeadlineSeconds",
  "backoffLimit",
  "backoffLimitPerIndex",
  "maxFailedIndexes",
  "ttlSecondsAfterFinished",
];

const CRONJOB_COUNTS = [
  "startingDeadlineSeconds",
  "successfulJobsHistoryLimit",
  "failedJobsHistoryLimit",
];

function nonNegative(spec: Obj, fields: string[], path: string): StatusCause[] {
  const out: StatusCause[] = [];
  for (const f of fields) {
    const v = spec[f];
    if (typeof v === "number" && v < 0) {
      out.push(invalid(`${path}.${f}`, v, "must be greater than or equal to 0"));
    }
  }
  return out;
}

/** A Job's spec (also a CronJob's jobTemplate.spec) at `path`. */
export function validateJobSpec(spec: Obj | undefined, path: string): StatusCause[] {
  if (!spec) return [];
  const out = nonNegative(spec, JOB_COUNTS, path);
  const podSpec = obj(obj(spec.template)?.spec);
  const policy = podSpec?.restartPolicy;
  if (policy !== "OnFailure" && policy !== "Never") {
    out.push(
      notSupported(`${path}.template.spec.restartPolicy`, policy ?? "", ["OnFailure", "Never"]),
    );
  }
  return out;
}

export function validateJob(o: KubeObject): StatusCause[] {
  return validateJobSpec(obj(o.spec), "spec");
}

export function validateCronJob(o: KubeObject, old?: KubeObject): StatusCause[] {
  const out: StatusCause[] = [];
  const name = String(o.metadata?.name ?? "");
  if (name.length > CRONJOB_NAME_MAX) {
    out.push(invalid("metadata.name", name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  }
  const spec = obj(o.spec);
  if (!spec) return out;
  const timeZone = spec.timeZone;
  const schedule = spec.schedule;
  if (typeof schedule !== "string" || schedule === "") {
    out.push(required("spec.schedule"));
  } else {
    // An object stored before the rule keeps its TZ= schedule through updates, as upstream.
    const oldSchedule = obj(old?.spec)?.schedule;
    const allowTz = typeof oldSchedule === "string" && oldSchedule.includes("TZ");
    out.push(...validateSchedule(schedule, allowTz, timeZone !== undefined && timeZone !== null));
  }
  if (typeof timeZone === "string") out.push(...validateTimeZone(timeZone, "spec.timeZone"));
  out.push(...nonNegative(spec, CRONJOB_COUNTS, "spec"));
  out.push(...validateJobSpec(obj(obj(spec.jobTemplate)?.spec), "spec.jobTemplate.spec"));
  return out;
}

function validateSchedule(schedule: string, allowTz: boolean, hasTimeZone: boolean) {
  const out: StatusCause[] = [];
  const path = "spec.schedule";
  try {
    parseCronSchedule(schedule);
  } catch (e) {
    if (!(e instanceof CronSyntaxError)) throw e;
    out.push(invalid(path, schedule, e.message));
  }
  if (schedule.includes("TZ")) {
    if (!allowTz) {
      out.push(
        invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
      );
    }
    if (hasTimeZone) {
      out.push(
        invalid(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"),
      );
    }
  }
  return out;
}

/** Characters of one part of an IANA name (digits and `+` for the legacy names). */
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** An IANA time zone name the runtime knows, in its exact case, and not "Local". */
export function validateTimeZone(timeZone: string, path: string): StatusCause[] {
  if (timeZone === "") {
    return [invalid(path, timeZone, "timeZone must be nil or non-empty string")];
  }
  const unknown = invalid(path, timeZone, `unknown time zone ${timeZone}`);
  for (const part of timeZone.split("/")) {
    if (part === "." || part === ".." || part.startsWith("-") || !TIME_ZONE_PART.test(part)) {
      return [unknown];
    }
  }
  if (timeZone.toLowerCase() === "local") {
    return [
      invalid(
        path,
        timeZone,
        "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
      ),
    ];
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return [unknown];
  }
  // Zone files are looked up by exact name upstream; the runtime's lookup ignores case.
  if (resolved.toLowerCase() === timeZone.toLowerCase() && resolved !== timeZone) return [unknown];
  return [];
}
