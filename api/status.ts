/**
 * Kubernetes `Status` errors. Every failure the API server returns is an {@link ApiError};
 * the HTTP layer turns it into a `Status` body in one place.
 */

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "Invalid"
  | "TooManyRequests"
  | "InternalError"
  | "Timeout"
  | "ServiceUnavailable";

export interface StatusCause {
  type?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, unknown>;
  status: "Success" | "Failure";
  message?: string;
  reason?: StatusReason | string;
  details?: StatusDetails;
  code: number;
}

/** An error that maps one to one onto a Kubernetes `Status`. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  /** Warnings the request gathered before it failed (the response's Warning headers). */
  warnings?: string[];
  /** A continue token the Status carries (a list whose continue token was compacted away). */
  continueToken?: string;

  constructor(
    code: number,
    reason: StatusReason,
    message: string,
    details?: StatusDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ApiError";
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const s: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: this.continueToken ? { continue: this.continueToken } : {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** Identifies a resource in error messages: `deployments.apps "web"`. */
export interface ResourceRef {
  group: string;
  resource: string;
  name?: string;
  kind?: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function refDetails(ref: ResourceRef): StatusDetails {
  const d: StatusDetails = { group: ref.group, kind: ref.resource };
  if (ref.name !== undefined) d.name = ref.name;
  return d;
}

export function notFound(ref: ResourceRef): ApiError {
  return new ApiError(
    404,
    "NotFound",
    `${qualified(ref)} "${ref.name ?? ""}" not found`,
    refDetails(ref),
  );
}

export function alreadyExists(ref: ResourceRef): ApiError {
  return new ApiError(
    409,
    "AlreadyExists",
    `${qualified(ref)} "${ref.name ?? ""}" already exists`,
    refDetails(ref),
  );
}

/** A stale resourceVersion or precondition: the client should re-read and retry. */
export function conflict(ref: ResourceRef, why: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(ref)} "${ref.name ?? ""}": ${why}`,
    refDetails(ref),
  );
}

/** 422 with one cause per invalid field. `kind` is the object's Kind (e.g. "Deployment"). */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: StatusCause[],
): ApiError {
  const list = causes.map((c) => `${c.field ?? ""}: ${c.message ?? ""}`).join(", ");
  const head = group ? `${kind}.${group}` : kind;
  return new ApiError(422, "Invalid", `${head} "${name}" is invalid: ${list}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function badRequest(message: string, causes?: StatusCause[]): ApiError {
  return new ApiError(400, "BadRequest", message, causes ? { causes } : undefined);
}

export function unauthorized(): ApiError {
  return new ApiError(401, "Unauthorized", "Unauthorized");
}

export function forbidden(message: string, ref?: ResourceRef): ApiError {
  return new ApiError(403, "Forbidden", message, ref ? refDetails(ref) : undefined);
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, "MethodNotAllowed", message);
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(406, "NotAcceptable", message);
}

/** Upstream's 406 for an Accept header none of whose media types the server can answer in. */
export function noAcceptableMediaType(): ApiError {
  return notAcceptable(
    "only the following media types are accepted: application/json, application/yaml, " +
      "application/vnd.kubernetes.protobuf",
  );
}

/** 410 for a resourceVersion or continue token older than the kept history. */
export function expired(message: string): ApiError {
  return new ApiError(410, "Expired", message);
}

export function tooLarge(message: string): ApiError {
  return new ApiError(413, "RequestEntityTooLarge", message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format: ${contentType}`,
  );
}

export function tooManyRequests(message: string, retryAfterSeconds?: number): ApiError {
  return new ApiError(
    429,
    "TooManyRequests",
    message,
    retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined,
  );
}

export function internalError(message: string, cause?: unknown): ApiError {
  return new ApiError(500, "InternalError", `Internal error occurred: ${message}`, undefined, {
    cause,
  });
}

export function timeout(message: string): ApiError {
  return new ApiError(504, "Timeout", message);
}

/** A success `Status`, as returned by some deletes. */
export function successStatus(details?: StatusDetails): Status {
  const s: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    code: 200,
  };
  if (details) s.details = details;
  return s;
}
