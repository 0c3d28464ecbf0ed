/**
 * The 409 answered when an apply would change fields another manager owns, in upstream's
 * words: one cause per field, `type: "FieldManagerConflict"`.
 */
import { ApiError, type StatusCause } from "../status.ts";
import { compareStrings } from "../order.ts";
import type { FieldSet } from "./field_set.ts";
import type { ManagerRecord } from "./managed_fields.ts";

export interface Conflict {
  owner: ManagerRecord;
  fields: FieldSet;
}

/** How a manager is named in messages: `"kubectl"`, `"kubectl" with subresource "scale" using apps/v1`. */
export function describeManager(r: ManagerRecord): string {
  let s = JSON.stringify(r.manager);
  if (r.subresource) s += ` with subresource ${JSON.stringify(r.subresource)}`;
  if (r.operation === "Update") s += ` using ${r.apiVersion}`;
  return s;
}

export function conflictError(conflicts: Conflict[]): ApiError {
  const sorted = [...conflicts].sort((a, b) => compareStrings(order(a.owner), order(b.owner)));
  const causes: StatusCause[] = [];
  const lines: string[] = [];
  for (const c of sorted) {
    const who = describeManager(c.owner);
    const paths = c.fields.displayPaths();
    lines.push(`conflicts with ${who}:`, ...paths.map((p) => `- ${p}`));
    for (const field of paths) {
      causes.push({ type: "FieldManagerConflict", message: `conflict with ${who}`, field });
    }
  }
  let message: string;
  if (causes.length === 1) {
    const only = causes[0] as StatusCause;
    message = `Apply failed with 1 conflict: ${only.message}: ${only.field}`;
  } else {
    message = `Apply failed with ${causes.length} conflicts: ${lines.join("\n")}`;
  }
  return new ApiError(409, "Conflict", message, { causes });
}

const order = (r: ManagerRecord) => `${r.manager}\u0000${r.operation}\u0000${r.subresource}`;
