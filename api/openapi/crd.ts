/**
 * How a CRD version's `openAPIV3Schema` becomes a definition of an OpenAPI document: named in
 * upstream's reversed-group form, with `apiVersion`/`kind` as strings and `metadata` pointing at
 * ObjectMeta, plus a synthesized list definition.
 */
import { type GroupVersionKind, REF_PREFIX, type Schema } from "../schema/types.ts";

export const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
export const LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

/** `stable.example.com`, `v1`, `CronTab` → `com.example.stable.v1.CronTab`. */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  const reversed = group.split(".").reverse().join(".");
  return `${reversed ? `${reversed}.` : ""}${version}.${kind}`;
}

/** The definition of a custom resource kind: the CRD schema with the standard top-level fields. */
export function wrapCrdSchema(schema: Schema, gvk: GroupVersionKind): Schema {
  const served = unfoldForServing(schema);
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = served.properties ?? {};
  return {
    ...served,
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { $ref: REF_PREFIX + OBJECT_META },
      ...rest,
    },
    "x-kubernetes-group-version-kind": [gvk],
  };
}

/** The list definition of a custom resource kind (`…CronTabList`). */
export function crdListSchema(definitionName: string, gvk: GroupVersionKind): Schema {
  return {
    type: "object",
    required: ["items"],
    properties: {
      apiVersion: { type: "string" },
      items: { type: "array", items: { $ref: REF_PREFIX + definitionName } },
      kind: { type: "string" },
      metadata: { $ref: REF_PREFIX + LIST_META },
    },
    "x-kubernetes-group-version-kind": [{ ...gvk, kind: `${gvk.kind}List` }],
  };
}

const INT_OR_STRING_ANY_OF: Schema[] = [{ type: "integer" }, { type: "string" }];

const isIntOrStringAnyOf = (anyOf: Schema[] | undefined): boolean =>
  anyOf?.length === 2 && anyOf[0]?.type === "integer" && anyOf[1]?.type === "string";

/**
 * The served form of a CRD schema node, as upstream publishes it: an int-or-string node gets
 * `anyOf: [{type: integer}, {type: string}]` (so clients see both types), and an embedded
 * resource gets `apiVersion`, `kind` (both required) and `metadata` properties. Returns a copy.
 */
export function unfoldForServing(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, unfoldForServing(v)]),
    );
  }
  if (schema.items) out.items = unfoldForServing(schema.items);
  if (typeof schema.additionalProperties === "object") {
    out.additionalProperties = unfoldForServing(schema.additionalProperties);
  }
  if (
    out["x-kubernetes-int-or-string"] && !isIntOrStringAnyOf(out.anyOf) &&
    !isIntOrStringAnyOf(out.allOf?.[0]?.anyOf)
  ) {
    if (!out.anyOf) out.anyOf = INT_OR_STRING_ANY_OF;
    else out.allOf = [{ anyOf: INT_OR_STRING_ANY_OF }, ...(out.allOf ?? [])];
  }
  if (out["x-kubernetes-embedded-resource"]) {
    out.properties = {
      ...out.properties,
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { $ref: REF_PREFIX + OBJECT_META },
    };
    const required = out.required ?? [];
    out.required = [
      ...required,
      ...["kind", "apiVersion"].filter((k) => !required.includes(k)),
    ];
  }
  return out;
}
