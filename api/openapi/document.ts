/**
 * The OpenAPI v3 document of one group-version (`/openapi/v3/apis/<group>/<version>`): the
 * kinds' schemas and every definition they reference (through the resolver), the standard meta
 * definitions the operations use, and one path item per REST endpoint.
 */
import {
  type GroupVersionKind,
  REF_PREFIX,
  type Schema,
  type SchemaResolver,
} from "../schema/types.ts";
import { derefSchema, refName, UnresolvedRefError } from "../schema/schema_node.ts";
import { collectRefs, toOpenApiSchema } from "./convert.ts";
import { crdListSchema, wrapCrdSchema } from "./crd.ts";
import {
  API_RESOURCE_LIST,
  DELETE_OPTIONS,
  groupIdentifier,
  kindPaths,
  type OpenApiKind,
  PATCH,
  STATUS,
  WATCH_EVENT,
} from "./paths.ts";

export type { OpenApiKind } from "./paths.ts";

/** The Kubernetes version kno conforms to, reported as the document version by default. */
export const DEFAULT_OPENAPI_VERSION = "v1.35.0";

export interface OpenApiV3DocumentOptions {
  /** "v1" for the core group, otherwise "<group>/<version>". */
  groupVersion: string;
  kinds: OpenApiKind[];
  resolver: SchemaResolver;
  /** Definitions to include as they are (and whatever they reference). */
  extraDefinitions?: Record<string, Schema>;
  /** `info.version`; {@link DEFAULT_OPENAPI_VERSION} unless told. */
  version?: string;
}

export interface OpenApiV3Document {
  openapi: "3.0.0";
  info: { title: "Kubernetes"; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

/** Meta definitions served even when the resolver lacks them (both carry no fields of note). */
const FALLBACK_DEFINITIONS: Record<string, Schema> = {
  [PATCH]: { type: "object" },
  [WATCH_EVENT]: {
    type: "object",
    required: ["type", "object"],
    properties: {
      type: { type: "string", default: "" },
      object: { type: "object", "x-kubernetes-embedded-resource": true },
    },
  },
};

function withGvk(schema: Schema, gvk: GroupVersionKind): Schema {
  const existing = schema["x-kubernetes-group-version-kind"] ?? [];
  const has = existing.some((g) =>
    g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind
  );
  return { ...schema, "x-kubernetes-group-version-kind": has ? existing : [...existing, gvk] };
}

function resolveDefinition(name: string, resolver: SchemaResolver): Schema {
  const found = resolver.resolve(REF_PREFIX + name) ?? resolver.resolve(name) ??
    FALLBACK_DEFINITIONS[name];
  if (!found) throw new UnresolvedRefError(REF_PREFIX + name);
  return found;
}

export function buildOpenApiV3Document(options: OpenApiV3DocumentOptions): OpenApiV3Document {
  const { resolver } = options;
  const defs = new Map<string, Schema>();
  const paths: Record<string, Record<string, unknown>> = {};

  const [group, version] = options.groupVersion.includes("/")
    ? options.groupVersion.split("/", 2) as [string, string]
    : ["", options.groupVersion];
  const base = group ? `/apis/${group}/${version}/` : `/api/${version}/`;
  if (resolver.resolve(REF_PREFIX + API_RESOURCE_LIST) ?? resolver.resolve(API_RESOURCE_LIST)) {
    const tag = `${
      group ? groupIdentifier(group).replace(/^./, (c) => c.toLowerCase()) : "core"
    }_${version}`;
    paths[base] = {
      get: {
        tags: [tag],
        operationId: `get${groupIdentifier(group)}${version.charAt(0).toUpperCase()}${
          version.slice(1)
        }APIResources`,
        responses: {
          "200": {
            description: "OK",
            content: Object.fromEntries(
              ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"].map(
                (t) => [t, { schema: { $ref: REF_PREFIX + API_RESOURCE_LIST } }],
              ),
            ),
          },
          "401": { description: "Unauthorized" },
        },
      },
    };
  }

  for (const k of options.kinds) {
    const kind = { ...k };
    if (k.schema.$ref !== undefined) {
      defs.set(kind.definitionName, withGvk(derefSchema(k.schema, resolver), k.gvk));
      if (kind.listDefinitionName) {
        const list = resolveDefinition(refName(kind.listDefinitionName), resolver);
        defs.set(kind.listDefinitionName, withGvk(list, { ...k.gvk, kind: `${k.gvk.kind}List` }));
      }
    } else {
      defs.set(kind.definitionName, wrapCrdSchema(k.schema, k.gvk));
      kind.listDefinitionName ??= `${kind.definitionName}List`;
      kind.strategicMerge ??= false;
      defs.set(kind.listDefinitionName, crdListSchema(kind.definitionName, k.gvk));
    }
    Object.assign(paths, mergePaths(paths, kindPaths(kind)));
  }
  for (const [name, schema] of Object.entries(options.extraDefinitions ?? {})) {
    if (!defs.has(name)) defs.set(name, schema);
  }

  // Everything referenced, transitively: from the definitions and from the operations.
  const pending = new Set<string>();
  collectRefs(paths, REF_PREFIX, pending);
  for (const s of defs.values()) collectRefs(s, REF_PREFIX, pending);
  for (const name of [STATUS, DELETE_OPTIONS]) pending.add(name);
  while (pending.size > 0) {
    const [name] = pending;
    if (name === undefined) break;
    pending.delete(name);
    if (defs.has(name)) continue;
    const schema = resolveDefinition(name, resolver);
    defs.set(name, schema);
    const refs = new Set<string>();
    collectRefs(schema, REF_PREFIX, refs);
    for (const r of refs) if (!defs.has(r)) pending.add(r);
  }

  const schemas: Record<string, Record<string, unknown>> = {};
  for (const name of [...defs.keys()].sort()) {
    schemas[name] = toOpenApiSchema(defs.get(name) as Schema);
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: options.version ?? DEFAULT_OPENAPI_VERSION },
    paths,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: { type: "apiKey", name: "authorization", in: "header" },
      },
    },
  };
}

/** Merges path items (a collection path shared by two kinds keeps both sets of methods). */
function mergePaths(
  into: Record<string, Record<string, unknown>>,
  add: Record<string, Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(add)) out[path] = { ...into[path], ...item };
  return out;
}
