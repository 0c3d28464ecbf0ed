/**
 * Test-only: a small hand-written schema table in the shape of the generated one (field numbers
 * as in upstream `generated.proto`), so the decoder can be tested without the real table.
 */
import type { GroupVersionKind, Schema, SchemaResolver } from "../schema/types.ts";
import { REF_PREFIX } from "../schema/types.ts";

const ref = (name: string, extra: Schema = {}): Schema => ({ $ref: REF_PREFIX + name, ...extra });
const str = (no: number, extra: Schema = {}): Schema => ({
  type: "string",
  "x-kno-proto": no,
  ...extra,
});
const int32 = (no: number, extra: Schema = {}): Schema => ({
  type: "integer",
  format: "int32",
  "x-kno-proto": no,
  ...extra,
});
const int64 = (no: number, extra: Schema = {}): Schema => ({
  type: "integer",
  format: "int64",
  "x-kno-proto": no,
  ...extra,
});
const bool = (no: number, extra: Schema = {}): Schema => ({
  type: "boolean",
  "x-kno-proto": no,
  ...extra,
});
const strMap = (no: number): Schema => ({
  type: "object",
  additionalProperties: { type: "string" },
  "x-kno-proto": no,
});
const strList = (no: number): Schema => ({
  type: "array",
  items: { type: "string" },
  "x-kno-proto": no,
});

const META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
const CORE = "io.k8s.api.core.v1.";
const APIEXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";

export const fixtureDefinitions: Record<string, Schema> = {
  [META + "Time"]: { type: "string", format: "date-time", "x-kno-codec": "time" },
  [META + "MicroTime"]: { type: "string", format: "date-time", "x-kno-codec": "microTime" },
  [META + "Duration"]: { type: "string", "x-kno-codec": "duration" },
  [META + "FieldsV1"]: { type: "object", "x-kno-codec": "fieldsV1" },
  ["io.k8s.apimachinery.pkg.api.resource.Quantity"]: {
    type: "string",
    format: "quantity",
    "x-kno-codec": "quantity",
  },
  ["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]: {
    type: "string",
    format: "int-or-string",
    "x-kno-codec": "intOrString",
  },
  ["io.k8s.apimachinery.pkg.runtime.RawExtension"]: {
    type: "object",
    "x-kno-codec": "rawExtension",
  },
  [META + "ObjectMeta"]: {
    type: "object",
    properties: {
      name: str(1),
      generateName: str(2),
      namespace: str(3),
      uid: str(5),
      resourceVersion: str(6),
      generation: int64(7),
      creationTimestamp: ref(META + "Time", { "x-kno-proto": 8 }),
      deletionTimestamp: ref(META + "Time", { "x-kno-proto": 9 }),
      deletionGracePeriodSeconds: int64(10),
      labels: strMap(11),
      annotations: strMap(12),
      finalizers: strList(14),
      managedFields: {
        type: "array",
        items: ref(META + "ManagedFieldsEntry"),
        "x-kno-proto": 17,
      },
    },
  },
  [META + "ManagedFieldsEntry"]: {
    type: "object",
    properties: {
      manager: str(1),
      operation: str(2),
      apiVersion: str(3),
      time: ref(META + "Time", { "x-kno-proto": 4 }),
      fieldsType: str(6),
      fieldsV1: ref(META + "FieldsV1", { "x-kno-proto": 7 }),
    },
  },
  [META + "DeleteOptions"]: {
    type: "object",
    properties: {
      kind: { type: "string" },
      apiVersion: { type: "string" },
      gracePeriodSeconds: int64(1),
      preconditions: ref(META + "Preconditions", { "x-kno-proto": 2 }),
      orphanDependents: bool(3),
      propagationPolicy: str(4),
      dryRun: strList(5),
    },
  },
  [META + "Preconditions"]: {
    type: "object",
    properties: { uid: str(1), resourceVersion: str(2) },
  },
  [CORE + "ConfigMap"]: {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: ref(META + "ObjectMeta", { "x-kno-proto": 1 }),
      immutable: bool(4),
      data: strMap(2),
      binaryData: {
        type: "object",
        additionalProperties: { type: "string", format: "byte" },
        "x-kno-proto": 3,
      },
    },
  },
  [CORE + "Secret"]: {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: ref(META + "ObjectMeta", { "x-kno-proto": 1 }),
      immutable: bool(5),
      data: {
        type: "object",
        additionalProperties: { type: "string", format: "byte" },
        "x-kno-proto": 2,
      },
      stringData: strMap(4),
      type: str(3, { "x-kno-omit-zero": true }),
    },
  },
  [CORE + "Volume"]: {
    type: "object",
    properties: {
      name: str(1),
      emptyDir: ref(CORE + "EmptyDirVolumeSource", { "x-kno-proto": 2, "x-kno-proto-via": [2] }),
      configMap: ref(CORE + "ConfigMapVolumeSource", {
        "x-kno-proto": 19,
        "x-kno-proto-via": [2],
      }),
    },
  },
  [CORE + "EmptyDirVolumeSource"]: {
    type: "object",
    properties: {
      medium: str(1, { "x-kno-omit-zero": true }),
      sizeLimit: ref("io.k8s.apimachinery.pkg.api.resource.Quantity", { "x-kno-proto": 2 }),
    },
  },
  [CORE + "ConfigMapVolumeSource"]: {
    type: "object",
    properties: {
      name: str(1, { "x-kno-omit-zero": true, "x-kno-proto-via": [1] }),
      items: { type: "array", items: ref(CORE + "KeyToPath"), "x-kno-proto": 2 },
      defaultMode: int32(3),
      optional: bool(4),
    },
  },
  [CORE + "KeyToPath"]: {
    type: "object",
    properties: { key: str(1), path: str(2), mode: int32(3) },
  },
  [CORE + "ContainerPort"]: {
    type: "object",
    properties: {
      name: str(1, { "x-kno-omit-zero": true }),
      hostPort: int32(2, { "x-kno-omit-zero": true }),
      containerPort: int32(3),
      protocol: str(4, { "x-kno-omit-zero": true }),
    },
  },
  [CORE + "ResourceRequirements"]: {
    type: "object",
    properties: {
      limits: {
        type: "object",
        additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity"),
        "x-kno-proto": 1,
      },
      requests: {
        type: "object",
        additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity"),
        "x-kno-proto": 2,
      },
    },
  },
  /** A made-up kind covering the scalar shapes and the remaining codecs. */
  ["io.kno.test.v1.Gadget"]: {
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: ref(META + "ObjectMeta", { "x-kno-proto": 1 }),
      ratio: { type: "number", format: "double", "x-kno-proto": 2 },
      weight: { type: "number", format: "float", "x-kno-proto": 3 },
      counts: { type: "array", items: { type: "integer", format: "int32" }, "x-kno-proto": 4 },
      big: int64(5),
      port: ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString", { "x-kno-proto": 6 }),
      timeout: ref(META + "Duration", { "x-kno-proto": 7 }),
      renewTime: ref(META + "MicroTime", { "x-kno-proto": 8 }),
      payload: ref("io.k8s.apimachinery.pkg.runtime.RawExtension", { "x-kno-proto": 9 }),
      volumes: { type: "array", items: ref(CORE + "Volume"), "x-kno-proto": 10 },
      resources: ref(CORE + "ResourceRequirements", { "x-kno-proto": 11 }),
      extra: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "string" } },
        "x-kno-proto": 12,
      },
      enabled: bool(13, { "x-kno-omit-zero": true }),
      blobs: { type: "array", items: { type: "string", format: "byte" }, "x-kno-proto": 14 },
      flags: { type: "array", items: { type: "boolean" }, "x-kno-proto": 15 },
      ports: { type: "array", items: ref(CORE + "ContainerPort"), "x-kno-proto": 16 },
      schema: ref(APIEXT + "JSONSchemaProps", { "x-kno-proto": 17 }),
      serial: { type: "integer", format: "int64", "x-kno-proto-type": "uint64", "x-kno-proto": 18 },
    },
  },
  [APIEXT + "JSONSchemaProps"]: {
    type: "object",
    properties: {
      type: str(5, { "x-kno-omit-zero": true }),
      default: ref(APIEXT + "JSON", { "x-kno-proto": 8 }),
      items: ref(APIEXT + "JSONSchemaPropsOrArray", { "x-kno-proto": 20 }),
      required: strList(26),
      properties: {
        type: "object",
        additionalProperties: ref(APIEXT + "JSONSchemaProps"),
        "x-kno-proto": 28,
      },
      additionalProperties: ref(APIEXT + "JSONSchemaPropsOrBool", { "x-kno-proto": 29 }),
      dependencies: {
        type: "object",
        additionalProperties: ref(APIEXT + "JSONSchemaPropsOrStringArray"),
        "x-kno-proto": 31,
      },
      "x-kubernetes-preserve-unknown-fields": bool(38),
    },
  },
  [APIEXT + "JSON"]: { "x-kno-codec": "json" },
  [APIEXT + "JSONSchemaPropsOrArray"]: { "x-kno-codec": "schemaOrArray" },
  [APIEXT + "JSONSchemaPropsOrBool"]: { "x-kno-codec": "schemaOrBool" },
  [APIEXT + "JSONSchemaPropsOrStringArray"]: { "x-kno-codec": "schemaOrStringArray" },
};

const fixtureKinds: (GroupVersionKind & { definition: string })[] = [
  { group: "", version: "v1", kind: "ConfigMap", definition: CORE + "ConfigMap" },
  { group: "", version: "v1", kind: "Secret", definition: CORE + "Secret" },
  {
    group: "meta.k8s.io",
    version: "v1",
    kind: "DeleteOptions",
    definition: META + "DeleteOptions",
  },
  { group: "test.kno.io", version: "v1", kind: "Gadget", definition: "io.kno.test.v1.Gadget" },
];

/** A resolver over {@link fixtureDefinitions}. */
export const fixtureResolver: SchemaResolver = {
  resolve(r: string): Schema | undefined {
    const name = r.startsWith(REF_PREFIX) ? r.slice(REF_PREFIX.length) : r;
    return Object.hasOwn(fixtureDefinitions, name) ? fixtureDefinitions[name] : undefined;
  },
  forKind(gvk: GroupVersionKind): Schema | undefined {
    const k = fixtureKinds.find((e) =>
      e.group === gvk.group && e.version === gvk.version && e.kind === gvk.kind
    );
    return k ? fixtureDefinitions[k.definition] : undefined;
  },
};

/** The fixture definition of `name` (throws when missing, to keep tests short). */
export function fixture(name: string): Schema {
  const s = fixtureDefinitions[name];
  if (!s) throw new Error(`no fixture ${name}`);
  return s;
}
