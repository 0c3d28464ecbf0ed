/**
 * What every REST handler works with: the shared services and the parsed request.
 */
import type { Logger } from "../../api/log.ts";
import type { Registry } from "../registry/registry.ts";
import type { ResourceType, UserInfo } from "../registry/types.ts";
import type { WatchCache } from "../storage/cache.ts";
import type { ObjectStore } from "../storage/objects.ts";
import type { Authorizer } from "../auth/types.ts";
import type { Query, ResourcePath } from "./request.ts";

export interface RestServices {
  registry: Registry;
  store: ObjectStore;
  cache: WatchCache;
  logger: Logger;
  authorizer: Authorizer;
  now(): Date;
  /** Aborted when the server shuts down: ends every watch. */
  shutdown: AbortSignal;
}

export interface Call {
  t: ResourceType;
  path: ResourcePath;
  query: Query;
  req: Request;
  user: UserInfo;
  /** Collected for the `Warning` response header. */
  warnings: string[];
}

export function refOf(call: Call, name = call.path.name) {
  return { group: call.t.group, resource: call.t.resource, name };
}

export function isDryRun(call: Call): boolean {
  const v = call.query.all("dryRun");
  return v.includes("All");
}
