/** The 403 for a request the authorizer refused, worded as upstream's. */
import { type ApiError, forbidden } from "../../api/status.ts";
import type { RequestAttributes } from "./types.ts";

function forbiddenMessage(a: RequestAttributes, reason?: string): string {
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? ` in the namespace "${a.namespace}"` : " at the cluster scope";
  const name = a.name ? ` "${a.name}"` : "";
  const why = reason ? `: ${reason}` : "";
  return `${res}${
    a.apiGroup ? "." + a.apiGroup : ""
  }${name} is forbidden: User "${a.user.username}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}"${where}${why}`;
}

export function forbiddenRequest(a: RequestAttributes, reason?: string): ApiError {
  return forbidden(forbiddenMessage(a, reason), {
    group: a.apiGroup,
    resource: a.resource,
    name: a.name,
  });
}
