/**
 * One entry point for every resource request: resolve the row, the verb and the subresource,
 * authorize, then hand over to the generic verb handler.
 */
import { ApiError, methodNotAllowed, noAcceptableMediaType } from "../../api/status.ts";
import { forbiddenRequest } from "../auth/forbidden.ts";
import type { ResourceType, UserInfo } from "../registry/types.ts";
import type { RequestAttributes } from "../auth/types.ts";
import { asObject, decodeBody } from "./body.ts";
import { type Call, isDryRun, type RestServices } from "./context.ts";
import { handleDelete, handleDeleteCollection } from "./delete.ts";
import { handleGet, handleList, readObject, respondJson, viewObject } from "./read.ts";
import { parseQuery, parseResourcePath } from "./request.ts";
import { handlePatch, handleUpdate } from "./update.ts";
import { handleWatch } from "./watch.ts";
import { checkTypeMeta, createObject } from "./write.ts";
import { managerName } from "./meta.ts";
import { admitSchema, parseFieldValidation } from "./admission.ts";
import { subresourceVerbs } from "../registry/subresources.ts";
import { scaleOf } from "./scale.ts";
import { wantsOnlyAView } from "./table.ts";

const NOT_FOUND_MESSAGE = "the server could not find the requested resource";

function verbOf(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case "GET":
    case "HEAD":
      return hasName ? "get" : watch ? "watch" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return hasName ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

const started = new WeakMap<ResourceType, Promise<void>>();

/** Runs a kind's first-use preparation once (again after a failure). */
function firstUse(t: ResourceType, prepare: () => Promise<void>): Promise<void> {
  let run = started.get(t);
  if (!run) {
    run = prepare().catch((e) => {
      started.delete(t);
      throw e;
    });
    started.set(t, run);
  }
  return run;
}

export async function handleResourceRequest(
  svc: RestServices,
  req: Request,
  url: { path: string; search: string },
  user: UserInfo,
): Promise<Response> {
  const path = parseResourcePath(
    url.path,
    (g, v, r) => svc.registry.lookup(g, v, r)?.namespaced,
  );
  if (!path) throw notFoundPlain();
  const t = svc.registry.lookup(path.group, path.version, path.resource);
  if (!t) throw notFoundPlain();
  if (
    t.namespaced !== Boolean(path.namespace) &&
    !(t.namespaced && !path.name && req.method === "GET")
  ) {
    throw notFoundPlain();
  }
  if (path.subresource && !t.subresources.includes(path.subresource)) throw notFoundPlain();
  const query = parseQuery(url.search);
  const watch = query.bool("watch");
  const verb = verbOf(req.method, Boolean(path.name), watch);
  const served = path.subresource ? subresourceVerbs(path.subresource) : t.verbs;
  if (!served.includes(verb as never)) {
    throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
  // Only subresources (and the review kinds, which ignore it) take a POST to a name.
  if (req.method === "POST" && path.name && !path.subresource && !t.virtual) {
    throw methodNotAllowed("the server does not allow this method on the requested resource");
  }
  const attrs: RequestAttributes = {
    user,
    verb,
    resourceRequest: true,
    apiGroup: t.group,
    apiVersion: t.version,
    resource: t.resource,
    subresource: path.subresource,
    namespace: path.namespace,
    name: path.name,
    path: url.path,
  };
  const decision = await svc.authorizer.authorize(attrs);
  if (!decision.allowed) throw forbiddenRequest(attrs);
  const call: Call = { t, path, query, req, user, warnings: [] };
  if (t.firstUse) await firstUse(t, t.firstUse);
  try {
    switch (verb) {
      case "get":
        if (path.subresource === "scale") {
          return respondJson(scaleOf(t, viewObject(t, (await readObject(svc, call)).obj)));
        }
        return await handleGet(svc, call);
      case "list":
        return await handleList(svc, call);
      case "watch":
        return handleWatch(svc, call);
      case "create": {
        const answering = path.subresource ? t.createSubresources?.[path.subresource] : t;
        if (path.subresource && !answering?.virtual) throw notFoundPlain();
        if (answering?.virtual) {
          if (wantsOnlyAView(req)) {
            throw noAcceptableMediaType();
          }
          const { value } = await decodeBody(req, ["json", "yaml", "protobuf"], answering.resolver);
          const obj = asObject(value);
          checkTypeMeta(answering, obj);
          // The status is the answer: whatever the client sent there is not read (kubectl sends
          // `status` with null rule lists, which the schema's required fields would refuse).
          delete obj.status;
          admitSchema(answering, obj, {
            fieldValidation: parseFieldValidation(query.get("fieldValidation")),
            warnings: call.warnings,
          });
          const out = await answering.virtual(obj, {
            now: svc.now(),
            dryRun: isDryRun(call),
            user,
            namespace: path.namespace,
            name: path.name,
            warnings: call.warnings,
          });
          return respondJson(out, 201, call.warnings);
        }
        const { value, duplicates } = await decodeBody(
          req,
          ["json", "yaml", "protobuf"],
          t.resolver,
        );
        const obj = await createObject(svc, call, asObject(value), {
          manager: managerName(query.get("fieldManager"), req.headers.get("user-agent")),
          fieldValidation: parseFieldValidation(query.get("fieldValidation")),
          decoding: { duplicates, apply: false },
        });
        return respondJson(viewObject(t, obj), 201, call.warnings);
      }
      case "update":
        return await handleUpdate(svc, call);
      case "patch":
        return await handlePatch(svc, call);
      case "delete":
        return await handleDelete(svc, call);
      case "deletecollection":
        return await handleDeleteCollection(svc, call);
    }
  } catch (e) {
    // Warnings gathered before a failure go out with it, as upstream sends them.
    if (e instanceof ApiError && call.warnings.length) e.warnings = call.warnings;
    throw e;
  }
  throw methodNotAllowed("the server does not allow this method on the requested resource");
}

/**
 * The 404 for a path that names no resource (or a subresource it does not have). Its `details`
 * are present but empty, as upstream's: kubectl tells this 404 from an object's by an empty
 * details name, and `kubectl debug` dereferences details (absent, it panicked).
 */
export function notFoundPlain(): ApiError {
  return new ApiError(404, "NotFound", NOT_FOUND_MESSAGE, {});
}
