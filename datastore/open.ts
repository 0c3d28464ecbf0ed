/**
 * Opens a datastore from an endpoint string: `sqlite:///abs/path.db` or a bare file path.
 * Other schemes are refused until their drivers exist.
 */
import type { Logger } from "../api/log.ts";
import { openSqliteStore } from "./sqlite/store.ts";
import type { Datastore } from "./types.ts";

export interface OpenDatastoreOptions {
  logger?: Logger;
  /** Milliseconds between periodic compactions; absent or 0: none. */
  compactInterval?: number;
  /** Revisions of history the periodic compaction keeps. */
  compactKeep?: number;
}

/** The driver scheme and its target, e.g. `{ scheme: "sqlite", target: "/var/lib/kno/state.db" }`. */
export function parseEndpoint(endpoint: string): { scheme: string; target: string } {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(endpoint);
  if (match === null) return { scheme: "sqlite", target: endpoint };
  return { scheme: match[1]!.toLowerCase(), target: match[2]! };
}

export function openDatastore(
  endpoint: string,
  options: OpenDatastoreOptions = {},
): Promise<Datastore> {
  const { scheme, target } = parseEndpoint(endpoint);
  if (scheme !== "sqlite") {
    return Promise.reject(new Error(`not implemented: ${scheme} datastore`));
  }
  if (target === "") return Promise.reject(new TypeError(`Datastore path is empty: ${endpoint}`));
  return openSqliteStore({ path: decodeURIComponent(target), ...options });
}
