/**
 * The `paths` of an OpenAPI v3 group-version document: for each resource, the REST operations
 * the generic handlers serve, with their request/response schema `$ref`s and the
 * `x-kubernetes-action` / `x-kubernetes-group-version-kind` extensions clients read.
 */
import { type GroupVersionKind, REF_PREFIX, type Schema } from "../schema/types.ts";

export const META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
export const STATUS = `${META}Status`;
export const DELETE_OPTIONS = `${META}DeleteOptions`;
export const PATCH = `${META}Patch`;
export const WATCH_EVENT = `${META}WatchEvent`;
export const API_RESOURCE_LIST = `${META}APIResourceList`;

/** One kind served in a group-version. */
export interface OpenApiKind {
  /** Usually `{ $ref }` into the table (built-ins) or the inline `openAPIV3Schema` (CRDs). */
  schema: Schema;
  /** The definition name the kind gets in `components.schemas`. */
  definitionName: string;
  gvk: GroupVersionKind;
  namespaced: boolean;
  listDefinitionName?: string;
  /** Plural resource name (URL segment). */
  resource: string;
  /** The subresources served under each object's path. */
  subresources?: OpenApiSubresource[];
  /** Verbs served (default: all eight). */
  verbs?: string[];
  /** Strategic merge patch is accepted (built-ins; not custom resources). */
  strategicMerge?: boolean;
}

/** One subresource: its verbs and, when not the resource's own, the kind its bodies are. */
export interface OpenApiSubresource {
  name: string;
  verbs: readonly string[];
  /** The definition and kind of its bodies; absent: the resource's own. */
  definitionName?: string;
  gvk?: GroupVersionKind;
}

type Json = Record<string, unknown>;

const ALL_VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
];
const CONTENT = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
const STREAM_CONTENT = [
  ...CONTENT,
  "application/json;stream=watch",
  "application/vnd.kubernetes.protobuf;stream=watch",
];

const ref = (name: string): Json => ({ $ref: REF_PREFIX + name });

function content(types: string[], name: string): Json {
  return Object.fromEntries(types.map((t) => [t, { schema: ref(name) }]));
}

const query = (name: string, type: string): Json => ({
  name,
  in: "query",
  schema: { type, uniqueItems: true },
});

const PATH_NAME = { name: "name", in: "path", required: true, schema: { type: "string" } };
const PATH_NAMESPACE = {
  name: "namespace",
  in: "path",
  required: true,
  schema: { type: "string" },
};
const PRETTY = query("pretty", "string");
const WRITE_PARAMS = [
  query("dryRun", "string"),
  query("fieldManager", "string"),
  query("fieldValidation", "string"),
];
const LIST_PARAMS = [
  query("allowWatchBookmarks", "boolean"),
  query("continue", "string"),
  query("fieldSelector", "string"),
  query("labelSelector", "string"),
  query("limit", "integer"),
  query("resourceVersion", "string"),
  query("resourceVersionMatch", "string"),
  query("sendInitialEvents", "boolean"),
  query("timeoutSeconds", "integer"),
  query("watch", "boolean"),
];
const DELETE_PARAMS = [
  query("dryRun", "string"),
  query("gracePeriodSeconds", "integer"),
  query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean"),
  query("propagationPolicy", "string"),
];

/** `rbac.authorization.k8s.io` → `RbacAuthorization`; "" → `Core`. */
export function groupIdentifier(group: string): string {
  if (!group) return "Core";
  return group.replace(/\.k8s\.io$/, "").split(/[.-]/).map((p) =>
    p.charAt(0).toUpperCase() + p.slice(1)
  )
    .join("");
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

interface Op {
  action: string;
  id: string;
  params?: Json[];
  body?: Json;
  responses: Record<string, string>;
  stream?: boolean;
  /** The kind of the bodies, when not the resource's own (subresources such as token). */
  gvk?: GroupVersionKind;
}

function operation(op: Op, tag: string, resourceGvk: GroupVersionKind): Json {
  const gvk = op.gvk ?? resourceGvk;
  const responses: Json = {};
  for (const [code, def] of Object.entries(op.responses)) {
    const description = code === "200" ? "OK" : code === "201" ? "Created" : "Accepted";
    responses[code] = { description, content: content(op.stream ? STREAM_CONTENT : CONTENT, def) };
  }
  responses["401"] = { description: "Unauthorized" };
  const out: Json = { tags: [tag], operationId: op.id };
  if (op.params?.length) out.parameters = op.params;
  if (op.body) out.requestBody = op.body;
  out.responses = responses;
  out["x-kubernetes-action"] = op.action;
  out["x-kubernetes-group-version-kind"] = {
    group: gvk.group,
    kind: gvk.kind,
    version: gvk.version,
  };
  return out;
}

const anyBody = (name: string): Json => ({
  content: { "*/*": { schema: ref(name) } },
  required: true,
});

function patchBody(strategic: boolean): Json {
  const types = [
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    ...(strategic ? ["application/strategic-merge-patch+json"] : []),
  ];
  return { content: content(types, PATCH), required: true };
}

/** The path items of one kind, keyed by URL template. */
export function kindPaths(kind: OpenApiKind): Record<string, Json> {
  const { gvk, resource, namespaced } = kind;
  const verbs = new Set(kind.verbs ?? ALL_VERBS);
  const base = gvk.group ? `/apis/${gvk.group}/${gvk.version}` : `/api/${gvk.version}`;
  const tag = `${
    gvk.group ? groupIdentifier(gvk.group).replace(/^./, (c) => c.toLowerCase()) : "core"
  }_${gvk.version}`;
  const id = (verb: string, suffix = "", scope = namespaced ? "Namespaced" : "") =>
    `${verb}${groupIdentifier(gvk.group)}${capitalize(gvk.version)}${scope}${gvk.kind}${suffix}`;
  const list = kind.listDefinitionName;
  const def = kind.definitionName;
  const nsPath = namespaced ? "/namespaces/{namespace}" : "";
  const scopeParams = namespaced ? [PATH_NAMESPACE, PRETTY] : [PRETTY];
  const paths: Record<string, Json> = {};
  const add = (path: string, params: Json[], method: string, op: Op) => {
    const item = paths[path] ?? (paths[path] = { parameters: params });
    item[method] = operation(op, tag, gvk);
  };

  const collection = `${base}${nsPath}/${resource}`;
  if (verbs.has("list") && list) {
    add(collection, scopeParams, "get", {
      action: "list",
      id: id("list"),
      params: LIST_PARAMS,
      responses: { "200": list },
      stream: true,
    });
    if (namespaced) {
      add(`${base}/${resource}`, [PRETTY], "get", {
        action: "list",
        id: id("list", "ForAllNamespaces", ""),
        params: LIST_PARAMS,
        responses: { "200": list },
        stream: true,
      });
    }
  }
  if (verbs.has("create")) {
    add(collection, scopeParams, "post", {
      action: "post",
      id: id("create"),
      params: WRITE_PARAMS,
      body: anyBody(def),
      responses: { "200": def, "201": def, "202": def },
    });
  }
  if (verbs.has("deletecollection")) {
    add(collection, scopeParams, "delete", {
      action: "deletecollection",
      id: id("delete", "", `Collection${namespaced ? "Namespaced" : ""}`),
      params: [...DELETE_PARAMS, ...LIST_PARAMS],
      body: anyBody(DELETE_OPTIONS),
      responses: { "200": STATUS },
    });
  }

  const item = `${collection}/{name}`;
  const itemParams = [PATH_NAME, ...scopeParams];
  /** get, put, patch (and a subresource's post) of one object path, as `served` allows. */
  const objectOps = (
    path: string,
    suffix: string,
    target: string,
    served: ReadonlySet<string>,
    bodyGvk?: GroupVersionKind,
  ) => {
    const kindOf = bodyGvk ? { gvk: bodyGvk } : {};
    if (served.has("get")) {
      add(path, itemParams, "get", {
        action: "get",
        id: id("read", suffix),
        responses: { "200": target },
        ...kindOf,
      });
    }
    if (served.has("create")) {
      add(path, itemParams, "post", {
        action: "post",
        id: id("create", suffix),
        params: WRITE_PARAMS,
        body: anyBody(target),
        responses: { "200": target, "201": target, "202": target },
        ...kindOf,
      });
    }
    if (served.has("update")) {
      add(path, itemParams, "put", {
        action: "put",
        id: id("replace", suffix),
        params: WRITE_PARAMS,
        body: anyBody(target),
        responses: { "200": target, "201": target },
        ...kindOf,
      });
    }
    if (served.has("patch")) {
      add(path, itemParams, "patch", {
        action: "patch",
        id: id("patch", suffix),
        params: [...WRITE_PARAMS, query("force", "boolean")],
        body: patchBody(kind.strategicMerge ?? true),
        responses: { "200": target, "201": target },
        ...kindOf,
      });
    }
  };
  objectOps(item, "", def, new Set([...verbs].filter((v) => v !== "create")));
  if (verbs.has("delete")) {
    add(item, itemParams, "delete", {
      action: "delete",
      id: id("delete"),
      params: DELETE_PARAMS,
      body: anyBody(DELETE_OPTIONS),
      responses: { "200": STATUS, "202": STATUS },
    });
  }
  for (const sub of kind.subresources ?? []) {
    objectOps(
      `${item}/${sub.name}`,
      capitalize(sub.name),
      sub.definitionName ?? def,
      new Set(sub.verbs),
      sub.gvk,
    );
  }

  if (verbs.has("watch")) {
    const watch = `${base}/watch${nsPath}/${resource}`;
    const w = (path: string, params: Json[], action: string, opId: string) =>
      add(path, params, "get", {
        action,
        id: opId,
        params: LIST_PARAMS,
        responses: { "200": WATCH_EVENT },
        stream: true,
      });
    w(watch, scopeParams, "watchlist", id("watch", "List"));
    w(`${watch}/{name}`, itemParams, "watch", id("watch"));
    if (namespaced) {
      w(
        `${base}/watch/${resource}`,
        [PRETTY],
        "watchlist",
        id("watch", "ListForAllNamespaces", ""),
      );
    }
  }
  return paths;
}
