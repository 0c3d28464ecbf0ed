/** The datastore: a revisioned key-value log (SQLite driver), its errors and helpers. */
export * from "./types.ts";
export { InvalidKeyError, prefixEnd } from "./key_range.ts";
export { openDatastore, type OpenDatastoreOptions, parseEndpoint } from "./open.ts";
export {
  openSqliteStore,
  type SqliteStoreOptions,
  type SqliteStoreStats,
  sqliteStoreStats,
} from "./sqlite/store.ts";
export { SchemaTooNewError } from "./sqlite/open_db.ts";
export {
  rawSqliteDurableWrites,
  storeWriteRate,
  type WriteRate,
  type WriteRateOptions,
} from "./bench_raw.ts";
