/**
 * Walking the schema table for patches and server-side apply: following `$ref`s and reading
 * the patch and list-type extensions of a node. Nothing here knows a kind by name.
 */
import { memoizedPerNode, propertySchema } from "../schema/schema_node.ts";
import { REF_PREFIX, type Schema, type SchemaResolver } from "../schema/types.ts";

const MAX_REF_DEPTH = 32;

/**
 * The schema a node stands for: `$ref`s are followed (keys set beside a `$ref`, such as the
 * patch strategy of the field holding it, win over the target's), and `allOf` members are
 * folded in. An unknown `$ref` yields an empty (untyped) schema rather than an error: patching
 * must not fail because a definition is missing, it only loses the merge metadata.
 */
export function resolveSchema(
  schema: Schema | undefined,
  resolver: SchemaResolver,
): Schema | undefined {
  return schema ? resolved(schema, resolver) : undefined;
}

const resolved = memoizedPerNode((schema, resolver) => resolveUncached(schema, resolver));

function resolveUncached(schema: Schema, resolver: SchemaResolver): Schema {
  let node: Schema = schema;
  let siblings: Schema = {};
  for (let depth = 0; node.$ref !== undefined && depth < MAX_REF_DEPTH; depth++) {
    const ref: string = node.$ref;
    const { $ref: _ref, ...rest } = node;
    siblings = { ...rest, ...siblings };
    node = resolver.resolve(ref) ??
      resolver.resolve(ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref) ?? {};
  }
  let out: Schema = { ...node, ...siblings };
  if (out.allOf && out.allOf.length > 0) {
    const { allOf, ...rest } = out;
    out = {};
    for (const part of allOf) out = { ...out, ...resolveSchema(part, resolver) };
    out = { ...out, ...rest };
  }
  return out;
}

/** The schema of a property of an object node, or of a map value; undefined when unknown. */
export function fieldSchema(node: Schema | undefined, name: string): Schema | undefined {
  return node ? propertySchema(node, name) : undefined;
}

/** Whether `name` is a declared property (a struct field) rather than a map key. */
export function isDeclaredField(node: Schema | undefined, name: string): boolean {
  return node?.properties !== undefined && Object.hasOwn(node.properties, name);
}

/** The strategic-merge-patch metadata of a list or map field. */
export interface PatchMeta {
  /** "merge", "replace" or "" (absent: the value is replaced). */
  strategy: "merge" | "replace" | "";
  /** Whether the strategy also lists `retainKeys`. */
  retainKeys: boolean;
  mergeKey: string | undefined;
}

export function patchMetaOf(node: Schema | undefined): PatchMeta {
  const raw = node?.["x-kubernetes-patch-strategy"] ?? "";
  const parts = raw.split(",").map((s) => s.trim());
  const strategy = parts.includes("merge") ? "merge" : parts.includes("replace") ? "replace" : "";
  return {
    strategy,
    retainKeys: parts.includes("retainKeys"),
    mergeKey: node?.["x-kubernetes-patch-merge-key"],
  };
}

/** Whether a schema node carries any kno protobuf or strategic-merge metadata. */
function hasBuiltinMetadata(node: Schema): boolean {
  if (node["x-kno-proto"] !== undefined || node["x-kno-codec"] !== undefined) return true;
  return Object.values(node.properties ?? {}).some((p) =>
    p["x-kno-proto"] !== undefined || p["x-kubernetes-patch-strategy"] !== undefined
  );
}

/**
 * Whether strategic merge patch applies to objects of this schema. Built-in kinds carry
 * protobuf numbers (`x-kno-proto`) on their top-level properties; custom resources do not, and
 * upstream answers 415 UnsupportedMediaType to a strategic merge patch on them. Callers that
 * know better (a registry row flag) may skip this check.
 */
export function strategicPatchSupported(
  schema: Schema | undefined,
  resolver: SchemaResolver,
): boolean {
  const root = resolveSchema(schema, resolver);
  return root !== undefined && hasBuiltinMetadata(root);
}
