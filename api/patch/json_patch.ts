/**
 * RFC 6902 JSON patch (`application/json-patch+json`), through fast-json-patch.
 *
 * Errors follow the kube-apiserver: a body that is not a list of operations is a 400
 * BadRequest; a patch that is well formed but cannot be applied (a failing `test`, a path that
 * does not exist, an index out of range) is a 422 Invalid; more than 10000 operations is a 413.
 */
// fast-json-patch is CommonJS: its functions are reachable through the default export only.
import fastJsonPatch, { type Operation } from "fast-json-patch";
import { ApiError, badRequest, tooLarge } from "../status.ts";

/** Upstream's cap on the number of operations in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * Upstream's cap on what a patch's `copy` operations may add up to (its JSONPatchMaxCopyBytes:
 * the body limit). Without it each copy can double the document: forty operations in a body of
 * a few kilobytes ask for terabytes.
 */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/** Codes fast-json-patch raises for a patch that is malformed rather than inapplicable. */
const MALFORMED = new Set([
  "SEQUENCE_NOT_AN_ARRAY",
  "OPERATION_NOT_AN_OBJECT",
  "OPERATION_OP_INVALID",
  "OPERATION_PATH_INVALID",
  "OPERATION_FROM_REQUIRED",
  "OPERATION_VALUE_REQUIRED",
  "OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED",
]);

/** Upstream's message for a patch it could not apply; the detail follows after a colon. */
const REJECTED = "the server rejected our request due to an error in our request";

/** Checks the shape of a JSON patch body, throwing 400 when it is not a list of operations. */
export function parseJsonPatch(ops: unknown): Operation[] {
  if (!Array.isArray(ops)) {
    throw badRequest("json patch must be a list of operations");
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  ops.forEach((op, i) => checkOperation(op, i));
  return ops as Operation[];
}

function checkOperation(op: unknown, i: number): void {
  if (op === null || typeof op !== "object" || Array.isArray(op)) {
    throw badRequest(`json patch operation ${i} is not an object`);
  }
  const o = op as Record<string, unknown>;
  if (typeof o.op !== "string" || !OPS.has(o.op)) {
    throw badRequest(`json patch operation ${i} has an unknown op: ${JSON.stringify(o.op)}`);
  }
  if (!isPointer(o.path)) {
    throw badRequest(
      `json patch operation ${i} (${o.op}) has an invalid path: ${JSON.stringify(o.path)}`,
    );
  }
  if ((o.op === "move" || o.op === "copy") && !isPointer(o.from)) {
    throw badRequest(
      `json patch operation ${i} (${o.op}) has an invalid from: ${JSON.stringify(o.from)}`,
    );
  }
  if ((o.op === "add" || o.op === "replace" || o.op === "test") && !("value" in o)) {
    throw badRequest(`json patch operation ${i} (${o.op}) has no value`);
  }
}

const isPointer = (p: unknown): p is string =>
  typeof p === "string" && (p === "" || p.startsWith("/"));

/**
 * Applies a JSON patch to a copy of `doc` and returns the copy; `doc` is never changed.
 * Throws {@link ApiError}: 400 for a malformed patch, 422 when an operation cannot be applied.
 */
export function applyJsonPatch<T>(doc: T, ops: unknown): T {
  const patch = parseJsonPatch(ops);
  let out = structuredClone(doc);
  let copied = 0;
  patch.forEach((op, i) => {
    if (op.op === "copy") {
      copied += copySize(out, op.from);
      if (copied > MAX_JSON_PATCH_COPY_BYTES) {
        const detail = "Unable to complete the copy, the accumulated size increase of copy is " +
          `${copied}, exceeding the limit ${MAX_JSON_PATCH_COPY_BYTES}`;
        throw new ApiError(422, "Invalid", `${REJECTED}: ${detail}`, {
          causes: [{ type: "UnexpectedServerResponse", message: detail, field: op.path }],
        });
      }
    }
    try {
      out = fastJsonPatch.applyOperation(out, op, true, true, true, i).newDocument;
    } catch (e: unknown) {
      throw toApiError(e, patch);
    }
  });
  return out;
}

const utf8 = new TextEncoder();

/** The JSON size in bytes of the value a copy operation reads (0 when there is none). */
function copySize(doc: unknown, from: string): number {
  let value: unknown;
  try {
    value = fastJsonPatch.getValueByPointer(doc, from);
  } catch {
    return 0; // applying the operation reports the missing path
  }
  const text = value === undefined ? undefined : JSON.stringify(value);
  return text === undefined ? 0 : utf8.encode(text).length;
}

function toApiError(e: unknown, patch: Operation[]): ApiError {
  const name = e instanceof Error ? e.name : "";
  const index = errorIndex(e);
  const op = index !== undefined ? patch[index] : undefined;
  if (MALFORMED.has(name)) {
    return badRequest(`invalid json patch: ${describe(op, index)}: ${firstLine(e)}`, undefined);
  }
  const detail = failure(name, op, index) ?? `${describe(op, index)}: ${firstLine(e)}`;
  return new ApiError(422, "Invalid", `${REJECTED}: ${detail}`, {
    causes: [{ type: "UnexpectedServerResponse", message: detail, field: op?.path ?? "" }],
  }, { cause: e });
}

function failure(
  name: string,
  op: Operation | undefined,
  index: number | undefined,
): string | undefined {
  if (!op) return undefined;
  const where = `"${op.path}"`;
  switch (name) {
    case "TEST_OPERATION_FAILED":
      return `operation ${index} (test): the value at ${where} is not ${
        JSON.stringify(valueOf(op))
      }`;
    case "OPERATION_PATH_UNRESOLVABLE":
      return `operation ${index} (${op.op}): path ${where} does not exist`;
    case "OPERATION_FROM_UNRESOLVABLE":
      return `operation ${index} (${op.op}): from path "${fromOf(op)}" does not exist`;
    case "OPERATION_PATH_CANNOT_ADD":
      return `operation ${index} (${op.op}): the parent of path ${where} does not exist`;
    case "OPERATION_VALUE_OUT_OF_BOUNDS":
    case "OPERATION_PATH_ILLEGAL_ARRAY_INDEX":
      return `operation ${index} (${op.op}): array index in path ${where} is out of range or invalid`;
    default:
      return undefined;
  }
}

const valueOf = (op: Operation): unknown => (op as { value?: unknown }).value;
const fromOf = (op: Operation): string => (op as { from?: string }).from ?? "";

function describe(op: Operation | undefined, index: number | undefined): string {
  if (!op) return "operation";
  return `operation ${index} (${op.op} "${op.path}")`;
}

function errorIndex(e: unknown): number | undefined {
  if (e && typeof e === "object" && "index" in e && typeof e.index === "number") return e.index;
  return undefined;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split("\n")[0] ?? msg).trim();
}
