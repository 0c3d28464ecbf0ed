/**
 * RFC 7386 JSON merge patch (`application/merge-patch+json`): null deletes a key, objects merge
 * recursively, anything else (lists included) replaces.
 */
import { badRequest } from "../status.ts";
import { isObject, type JsonObject } from "./json.ts";

/** Applies a merge patch to a copy of `doc`. A patch that is not a JSON object is a 400. */
export function applyMergePatch(doc: unknown, patch: unknown): JsonObject {
  if (!isObject(patch)) {
    throw badRequest("merge patch must be a JSON object");
  }
  return mergeObject(isObject(doc) ? doc : {}, patch);
}

/** The RFC 7386 algorithm on any JSON value; never mutates its inputs. */
export function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  return mergeObject(isObject(target) ? target : {}, patch);
}

function mergeObject(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete out[k];
    } else {
      out[k] = mergePatchValue(out[k], v);
    }
  }
  // Values kept from the target are shared with it; copy so the result is independent.
  for (const k of Object.keys(out)) {
    if (!(k in patch)) out[k] = structuredClone(out[k]);
  }
  return out;
}
