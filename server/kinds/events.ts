/**
 * One store of events, two APIs: `events.k8s.io/v1` Events are the core/v1 Events under other
 * field names, kept once as core/v1 objects (as upstream keeps them), so an event written through
 * either API is read through both (`kubectl get events` sees what a new-API recorder wrote).
 */
import { storedFormColumns } from "../registry/columns.ts";
import type { KubeObject, ObjectConversion, ResourceType } from "../registry/types.ts";

type Obj = Record<string, unknown>;

/** events.k8s.io/v1 field ↔ core/v1 field, for the fields whose names differ. */
const RENAMED: readonly [string, string][] = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["reportingController", "reportingComponent"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];

const TO_CORE = new Map(RENAMED);
const TO_NEW = new Map(RENAMED.map(([a, b]) => [b, a]));

function rename(o: KubeObject, names: Map<string, string>, apiVersion: string): KubeObject {
  // apiVersion, kind and metadata first: the order every stored object has.
  const out: KubeObject = { apiVersion, kind: "Event", metadata: o.metadata };
  for (const [k, v] of Object.entries(o)) {
    if (k === "apiVersion" || k === "kind" || k === "metadata") continue;
    out[names.get(k) ?? k] = v;
  }
  return out;
}

/** An events.k8s.io/v1 Event as the core/v1 Event it is stored as. */
export function eventToCore(o: KubeObject): KubeObject {
  const core = rename(o, TO_CORE, "v1");
  // Structs (not pointers) upstream: a core Event always has them.
  core.involvedObject ??= {};
  core.source ??= {};
  return core;
}

/** A stored core/v1 Event as events.k8s.io/v1 shows it. */
export function eventFromCore(o: KubeObject): KubeObject {
  const ev = rename(o, TO_NEW, "events.k8s.io/v1");
  ev.regarding ??= {};
  // A required field of the new API, null on events written through the old one.
  if (ev.eventTime === undefined) ev.eventTime = null;
  if (isEmpty(ev.deprecatedSource)) delete ev.deprecatedSource;
  return ev;
}

function isEmpty(v: unknown): boolean {
  return typeof v === "object" && v !== null && Object.keys(v as Obj).length === 0;
}

export const eventConversion: ObjectConversion = {
  toStored: eventToCore,
  fromStored: eventFromCore,
};

/**
 * The new API's field selector names for the core ones upstream renamed (`source` kept its name,
 * though the field became deprecatedSource).
 */
const SELECTOR_RENAMES = new Map([
  ["involvedObject", "regarding"],
  ["reportingComponent", "reportingController"],
]);

function renamedSelector(name: string): string {
  const dot = name.indexOf(".");
  const head = dot < 0 ? name : name.slice(0, dot);
  const renamed = SELECTOR_RENAMES.get(head);
  return renamed === undefined ? name : renamed + name.slice(head.length);
}

/**
 * Serves events.k8s.io/v1 Events from the core/v1 Events' store: same keys, converted on the way
 * in and out, the core field selectors under upstream's new names, the core columns read through
 * the conversion.
 */
export function installEventsV1(types: ResourceType[]): void {
  const core = types.find((t) => t.group === "" && t.kind === "Event");
  const v1 = types.find((t) => t.group === "events.k8s.io" && t.kind === "Event");
  if (!core || !v1) return;
  v1.storagePrefix = core.storagePrefix;
  v1.convert = eventConversion;
  // Selectors read the stored (core) form under the new API's names: the core row's readers.
  v1.fieldSelectors = Object.fromEntries(
    Object.entries(core.fieldSelectors).map(([name, read]) => [renamedSelector(name), read]),
  );
  v1.columns = storedFormColumns(core.columns, eventToCore);
}
