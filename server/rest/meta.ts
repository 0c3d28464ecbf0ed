/**
 * Object metadata semantics shared by every write: system fields, generateName, generation,
 * field manager names.
 */
import { badRequest } from "../../api/status.ts";
import { jsonEqual } from "../../api/patch/json.ts";
import type { KubeObject, ResourceType } from "../registry/types.ts";

export type Meta = Record<string, unknown>;

export function metaOf(obj: KubeObject): Meta {
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== "object" || Array.isArray(obj.metadata)) {
    throw badRequest("metadata must be an object");
  }
  return obj.metadata;
}

const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Five random characters for generateName (not a secret: a name; collisions are retried). */
export function generateSuffix(): string {
  let out = "";
  for (let i = 0; i < 5; i++) {
    out += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  }
  return out;
}

/** The field manager: the `fieldManager` parameter or, as upstream, the user agent's first word. */
export function managerName(param: string | undefined, userAgent: string | null): string {
  if (param !== undefined) {
    if (param.length > 128) throw badRequest("fieldManager must not be longer than 128 characters");
    return param;
  }
  const ua = (userAgent ?? "unknown").split("/")[0]!.trim();
  return ua.slice(0, 128) || "unknown";
}

/** Fields of an object that are not spec: a change to anything else bumps generation. */
const NOT_SPEC = new Set(["metadata", "status", "apiVersion", "kind"]);

/** Whether the parts that define `generation` differ between two versions of an object. */
export function specChanged(t: ResourceType, a: KubeObject, b: KubeObject): boolean {
  if (t.custom || t.tracksGeneration) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !NOT_SPEC.has(k)));
    for (const k of keys) if (!jsonEqual(a[k], b[k])) return true;
  }
  return false;
}

export function tracksGeneration(t: ResourceType): boolean {
  return t.custom === true || t.tracksGeneration;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Finalizers still to run: metadata.finalizers, and a Namespace's spec.finalizers. */
export function pendingFinalizers(t: ResourceType, obj: KubeObject): string[] {
  const out = [...((obj.metadata?.finalizers as string[] | undefined) ?? [])];
  if (t.group === "" && t.kind === "Namespace") {
    out.push(...(((obj.spec as { finalizers?: string[] } | undefined)?.finalizers) ?? []));
  }
  return out;
}
