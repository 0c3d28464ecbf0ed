/**
 * User impersonation (`kubectl --as`, `--as-group`, `--as-uid`): a request's `Impersonate-*`
 * headers make it act as another user, once the authorizer allows the requester the
 * `impersonate` verb on each thing asked for (users, groups, serviceaccounts, and
 * authentication.k8s.io uids and userextras/<key>), as upstream's impersonation filter does.
 * Without this, `--as` was ignored and a request ran with the requester's own rights.
 */
import { badRequest } from "../../api/status.ts";
import { forbiddenRequest } from "./forbidden.ts";
import { SERVICE_ACCOUNT_PREFIX } from "./service_account.ts";
import type { Authorizer, RequestAttributes, UserInfo } from "./types.ts";

const EXTRA_PREFIX = "impersonate-extra-";
const AUTHENTICATION = "authentication.k8s.io";

interface Wanted {
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name: string;
}

/**
 * The user `requestor` acts as. Throws 400 for groups or a uid without a user, and 403 naming the
 * first thing the authorizer does not let `requestor` impersonate.
 */
export async function impersonatedUser(
  headers: Headers,
  requestor: UserInfo,
  authorizer: Authorizer,
): Promise<UserInfo> {
  const username = headers.get("impersonate-user") ?? "";
  // Repeated headers arrive joined by ", " (a group name holding ", " cannot be asked for).
  const groups = splitValues(headers.get("impersonate-group"));
  const uid = headers.get("impersonate-uid") ?? "";
  const extra: Record<string, string[]> = {};
  for (const [name, value] of headers) {
    if (!name.startsWith(EXTRA_PREFIX)) continue;
    extra[unescapeKey(name.slice(EXTRA_PREFIX.length))] = splitValues(value);
  }
  if (username === "") {
    throw badRequest(
      `requested impersonation of ${
        groups.length ? "groups" : uid ? "a uid" : "user extras"
      } without impersonating a user`,
    );
  }
  const wanted: Wanted[] = [];
  const account = splitServiceAccount(username);
  if (account) {
    wanted.push({ group: "", resource: "serviceaccounts", ...account });
  } else wanted.push({ group: "", resource: "users", name: username });
  for (const g of groups) wanted.push({ group: "", resource: "groups", name: g });
  for (const [key, values] of Object.entries(extra)) {
    for (const v of values) {
      wanted.push({ group: AUTHENTICATION, resource: "userextras", subresource: key, name: v });
    }
  }
  if (uid) wanted.push({ group: AUTHENTICATION, resource: "uids", name: uid });
  for (const w of wanted) {
    const attrs: RequestAttributes = {
      user: requestor,
      verb: "impersonate",
      resourceRequest: true,
      apiGroup: w.group,
      apiVersion: "v1",
      resource: w.resource,
      subresource: w.subresource ?? "",
      namespace: w.namespace ?? "",
      name: w.name,
      path: "",
    };
    const decision = await authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenRequest(attrs, decision.reason);
  }
  const acting = [...groups];
  if (account && groups.length === 0) {
    acting.push("system:serviceaccounts", `system:serviceaccounts:${account.namespace}`);
  }
  if (username === "system:anonymous") {
    if (!acting.includes("system:unauthenticated")) acting.push("system:unauthenticated");
  } else if (
    !acting.includes("system:authenticated") && !acting.includes("system:unauthenticated")
  ) {
    acting.push("system:authenticated");
  }
  const user: UserInfo = { username, groups: acting };
  if (uid) user.uid = uid;
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}

function splitValues(value: string | null): string[] {
  if (value === null) return [];
  return value.split(", ").filter((v) => v !== "");
}

/** Extra keys travel percent-encoded in header names (which are case-insensitive). */
function unescapeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** `system:serviceaccount:<namespace>:<name>` → its parts; undefined for other users. */
function splitServiceAccount(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(":");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}
