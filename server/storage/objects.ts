/**
 * Objects in the datastore: key layout, writes in the stored form (value.ts: the resourceVersion
 * comes from the revision, never stored) and the one place where datastore errors become
 * Kubernetes `Status` errors.
 */
import {
  ClosedError,
  CompactedError,
  ConflictError,
  type Datastore,
  KeyExistsError,
  KeyNotFoundError,
} from "../../datastore/mod.ts";
import {
  alreadyExists,
  ApiError,
  conflict,
  expired,
  internalError,
  notFound,
} from "../../api/status.ts";
import type { KubeObject, ResourceType } from "../registry/types.ts";
import { type Entry, WatchCache } from "./cache.ts";
import { decodeValue, encodeValue, valueHead, withResourceVersion } from "./value.ts";

export function objectKey(
  t: Pick<ResourceType, "storagePrefix" | "namespaced">,
  ns: string,
  name: string,
): string {
  return t.namespaced
    ? `/registry/${t.storagePrefix}/${ns}/${name}`
    : `/registry/${t.storagePrefix}/${name}`;
}

/** The key prefix of every object of a type, or of one namespace of it. */
export function typePrefix(t: Pick<ResourceType, "storagePrefix" | "namespaced">, ns = ""): string {
  return t.namespaced && ns
    ? `/registry/${t.storagePrefix}/${ns}/`
    : `/registry/${t.storagePrefix}/`;
}

/** The JSON of objects just written: the stored text with their resourceVersion. */
const writtenJson = new WeakMap<KubeObject, { value: string; rev: number }>();

/**
 * The object as stored at `rev`, without parsing back what was just encoded: the caller's object
 * with its resourceVersion (its JSON is what the store holds, and what {@link jsonOfWritten}
 * gives for it). Never mutate it.
 */
function written(obj: KubeObject, value: string, rev: number): KubeObject {
  const out = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
  writtenJson.set(out, { value, rev });
  return out;
}

/**
 * The JSON of an object ObjectStore.create or update just returned, made from the text the store
 * holds instead of serializing the object again (as a GET of it would serve it); undefined for
 * any other object.
 */
export function jsonOfWritten(obj: KubeObject): string | undefined {
  const w = writtenJson.get(obj);
  if (!w) return undefined;
  const head = valueHead(w.value);
  return head ? withResourceVersion(w.value, head, w.rev) : undefined;
}

export interface ObjectRef {
  group: string;
  resource: string;
  name: string;
}

/** Why a conditional write failed: the object changed since it was read. */
const MODIFIED =
  "the object has been modified; please apply your changes to the latest version and try again";

/** A conflict because the object changed between read and write (not a failed precondition). */
export function objectModified(ref: ObjectRef): ApiError {
  return conflict(ref, MODIFIED);
}

/** Whether `e` is {@link objectModified}'s conflict. */
export function isObjectModified(e: unknown): boolean {
  return e instanceof ApiError && e.code === 409 && e.reason === "Conflict" &&
    e.message.endsWith(`: ${MODIFIED}`);
}

/** Translates a datastore error into the matching ApiError. */
export function storeError(e: unknown, ref: ObjectRef): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof KeyExistsError) return alreadyExists(ref);
  if (e instanceof KeyNotFoundError) return notFound(ref);
  if (e instanceof ConflictError) return objectModified(ref);
  if (e instanceof CompactedError) {
    return expired(
      `The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.`,
    );
  }
  if (e instanceof ClosedError) return internalError("the server is shutting down", e);
  return internalError(e instanceof Error ? e.message : String(e), e);
}

export class ObjectStore {
  constructor(readonly datastore: Datastore, readonly cache: WatchCache) {}

  /** The newest committed version of an object (read-your-writes). */
  async get(key: string): Promise<Entry | undefined> {
    await this.cache.fresh();
    return this.cache.get(key);
  }

  async create(key: string, obj: KubeObject, ref: ObjectRef): Promise<KubeObject> {
    try {
      const value = encodeValue(obj);
      const kv = await this.datastore.create(key, value);
      return written(obj, value, kv.modRevision);
    } catch (e) {
      throw storeError(e, ref);
    }
  }

  async update(
    key: string,
    obj: KubeObject,
    expectedRev: number,
    ref: ObjectRef,
  ): Promise<KubeObject> {
    try {
      const value = encodeValue(obj);
      const kv = await this.datastore.update(key, value, expectedRev);
      return written(obj, value, kv.modRevision);
    } catch (e) {
      throw storeError(e, ref);
    }
  }

  async delete(key: string, expectedRev: number | undefined, ref: ObjectRef): Promise<KubeObject> {
    try {
      const kv = await this.datastore.delete(key, expectedRev);
      return decodeValue(kv.value, kv.modRevision);
    } catch (e) {
      throw storeError(e, ref);
    }
  }
}
