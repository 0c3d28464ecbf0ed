/**
 * CronJob schedules as upstream reads them (the "standard" five-field grammar of the Go cron
 * library the CronJob controller uses): minute, hour, day of month, month, day of week; each a
 * comma list of `*`, `?`, `n`, `a-b`, optionally `/step`; month and weekday names (jan, mon…);
 * or a descriptor (`@hourly`, `@every 90m`). Parsing yields the sets of allowed values, which
 * is also what computing the next run needs; errors carry upstream's messages, since clients
 * see them in a 422.
 */
import { goQuote } from "./schema/field_errors.ts";

interface CronField {
  name: "minute" | "hour" | "dayOfMonth" | "month" | "dayOfWeek";
  min: number;
  max: number;
  /** Lower-case names of the values from `min` on (months from 1, weekdays from 0). */
  names?: readonly string[];
}

const CRON_FIELDS: readonly CronField[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "dayOfMonth", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "dayOfWeek", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

export type CronSchedule =
  | {
    kind: "fields";
    /** Allowed values per field, in CRON_FIELDS order. */
    values: Set<number>[];
    /** Day of month or day of week was `*`/`?`: only the other one restricts the day. */
    anyDayOfMonth: boolean;
    anyDayOfWeek: boolean;
    /** A `TZ=`/`CRON_TZ=` prefix, when the schedule has one. */
    timeZone?: string;
  }
  | { kind: "every"; milliseconds: number; timeZone?: string };

export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CronSyntaxError";
  }
}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** Parses a schedule; throws {@link CronSyntaxError} with upstream's wording. */
export function parseCronSchedule(text: string): CronSchedule {
  let spec = text;
  let timeZone: string | undefined;
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const space = spec.indexOf(" ");
    const eq = spec.indexOf("=");
    timeZone = spec.slice(eq + 1, space < 0 ? spec.length : space).trim();
    spec = space < 0 ? "" : spec.slice(space).trim();
  }
  if (spec.startsWith("@")) {
    if (spec.startsWith("@every ")) {
      const ms = parseGoDuration(spec.slice(7).trim());
      if (ms === undefined) {
        throw new CronSyntaxError(
          `failed to parse duration ${spec}: time: invalid duration ${goQuote(spec.slice(7))}`,
        );
      }
      return { kind: "every", milliseconds: Math.max(ms, 1000), timeZone };
    }
    const expanded = DESCRIPTORS[spec.toLowerCase()];
    if (expanded === undefined) throw new CronSyntaxError(`unrecognized descriptor: ${spec}`);
    spec = expanded;
  }
  const fields = spec.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== CRON_FIELDS.length) {
    throw new CronSyntaxError(
      `expected exactly ${CRON_FIELDS.length} fields, found ${fields.length}: [${
        fields.join(" ")
      }]`,
    );
  }
  const values = fields.map((f, i) => parseField(f, CRON_FIELDS[i]!));
  const star = (f: string) => f === "*" || f === "?" || f.startsWith("*/") || f.startsWith("?/");
  return {
    kind: "fields",
    values,
    anyDayOfMonth: star(fields[2]!),
    anyDayOfWeek: star(fields[4]!),
    timeZone,
  };
}

function parseField(text: string, field: CronField): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const [range, step, ...extraSlashes] = part.split("/");
    if (extraSlashes.length) throw new CronSyntaxError(`too many slashes: ${part}`);
    const bounds = range!.split("-");
    let start: number;
    let end: number;
    if (range === "*" || range === "?") {
      start = field.min;
      end = field.max;
    } else if (bounds.length > 2) {
      throw new CronSyntaxError(`too many hyphens: ${part}`);
    } else {
      start = parseValue(bounds[0]!, field);
      end = bounds.length === 2 ? parseValue(bounds[1]!, field) : start;
    }
    let every = 1;
    if (step !== undefined) {
      every = parseNumber(step);
      // `n/step` runs from n to the end of the field.
      if (bounds.length === 1 && range !== "*" && range !== "?") end = field.max;
      if (every <= 0) {
        throw new CronSyntaxError(`step of range should be a positive number: ${part}`);
      }
    }
    if (start < field.min) {
      throw new CronSyntaxError(
        `beginning of range (${start}) below minimum (${field.min}): ${part}`,
      );
    }
    if (end > field.max) {
      throw new CronSyntaxError(`end of range (${end}) above maximum (${field.max}): ${part}`);
    }
    if (start > end) {
      throw new CronSyntaxError(
        `beginning of range (${start}) beyond end of range (${end}): ${part}`,
      );
    }
    for (let v = start; v <= end; v += every) out.add(v);
  }
  return out;
}

function parseValue(text: string, field: CronField): number {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (field.name === "month" ? 1 : 0);
  return parseNumber(text);
}

function parseNumber(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) {
    throw new CronSyntaxError(
      `failed to parse int from ${text}: strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`,
    );
  }
  const n = Number(text);
  if (n < 0) throw new CronSyntaxError(`negative number (${n}) not allowed: ${text}`);
  return n;
}

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration ("1h30m", "90s", "1.5h") in milliseconds; undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest[0] === "-") sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  let total = 0;
  while (rest !== "") {
    const m = /^(\d*\.?\d*)([a-zµμ]+)/.exec(rest);
    if (!m || m[1] === "" || m[1] === "." || UNITS[m[2]!] === undefined) return undefined;
    total += Number(m[1]) * UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}
