/**
 * `serviceaccounts/token` (`kubectl create token`): a TokenRequest names a service account (the
 * URL's), audiences, a lifetime and optionally an object the token is bound to; the answer is the
 * same TokenRequest with a signed token in its status. Nothing is stored. Checks and messages as
 * upstream's: name and namespace must match the URL, the lifetime is 10 minutes to 2^32 seconds,
 * a bound Pod, Secret or Node must exist (with the given uid), and a Pod must run as the account.
 */
import { invalid as invalidField } from "../../api/schema/field_errors.ts";
import { badRequest, conflict, invalid, notFound } from "../../api/status.ts";
import { rfc3339Seconds } from "../../api/time.ts";
import {
  BOUND_KINDS,
  type BoundKind,
  type ServiceAccountLookup,
  type ServiceAccountTokens,
  TOKEN_OBJECT_RESOURCES,
} from "../auth/service_account.ts";
import type { KubeObject, ResourceType, VirtualContext } from "../registry/types.ts";

type Obj = Record<string, unknown>;

const GROUP = "authentication.k8s.io";
const KIND = "TokenRequest";
const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;

/** `group/version, Kind=kind`, as Go prints a GroupVersionKind. */
function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return `${group}/${version}, Kind=${kind}`;
}

function checkLifetime(seconds: unknown): void {
  const n = typeof seconds === "number" ? seconds : 0;
  const why = n < MIN_SECONDS
    ? "may not specify a duration less than 10 minutes"
    : n > MAX_SECONDS
    ? "may not specify a duration larger than 2^32 seconds"
    : undefined;
  if (why) {
    throw invalid(KIND, GROUP, "", [invalidField("spec.expirationSeconds", seconds, why)]);
  }
}

/** Answers a TokenRequest for the service account `ctx.namespace`/`ctx.name`. */
export async function answerTokenRequest(
  tokens: ServiceAccountTokens,
  lookup: ServiceAccountLookup,
  req: KubeObject,
  ctx: VirtualContext,
): Promise<KubeObject> {
  const { namespace, name } = ctx;
  const meta = (req.metadata ?? {}) as Obj;
  if (meta.name !== undefined && meta.name !== "" && meta.name !== name) {
    throw invalid(KIND, GROUP, name, [
      invalidField("metadata.name", meta.name, "must match the service account name if specified"),
    ]);
  }
  if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== namespace) {
    throw invalid(KIND, GROUP, name, [
      invalidField(
        "metadata.namespace",
        meta.namespace,
        "must match the service account namespace if specified",
      ),
    ]);
  }
  const serviceAccount = lookup.get("ServiceAccount", namespace, name);
  if (!serviceAccount) throw notFound({ group: "", resource: "serviceaccounts", name });

  const spec = (req.spec ?? {}) as Obj;
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length
    ? spec.audiences.map(String)
    : [...tokens.audiences];
  checkLifetime(spec.expirationSeconds);
  const expirationSeconds = spec.expirationSeconds as number;

  const bound: { pod?: KubeObject; secret?: KubeObject; node?: KubeObject } = {};
  const ref = spec.boundObjectRef as Obj | undefined;
  if (ref) {
    const apiVersion = String(ref.apiVersion ?? "");
    const kind = String(ref.kind ?? "");
    const refName = String(ref.name ?? "");
    if (apiVersion !== "v1" || !BOUND_KINDS.includes(kind as BoundKind)) {
      throw badRequest(`cannot bind token to object of type ${gvkString(apiVersion, kind)}`);
    }
    const boundKind = kind as BoundKind;
    const object = lookup.get(boundKind, boundKind === "Node" ? "" : namespace, refName);
    if (!object) {
      throw notFound({ group: "", resource: TOKEN_OBJECT_RESOURCES[boundKind], name: refName });
    }
    if (boundKind === "Pod") {
      const podAccount = (object.spec as Obj | undefined)?.serviceAccountName ?? "default";
      if (podAccount !== name) {
        throw badRequest(
          `cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`,
        );
      }
      bound.pod = object;
      const nodeName = (object.spec as Obj | undefined)?.nodeName;
      if (typeof nodeName === "string" && nodeName) {
        // Named even when the Node is gone, as upstream does: the name is still worth knowing.
        bound.node = lookup.get("Node", "", nodeName) ?? { metadata: { name: nodeName } };
      }
    } else if (boundKind === "Secret") bound.secret = object;
    else bound.node = object;
    const uid = (object.metadata as Obj | undefined)?.uid;
    if (ref.uid !== undefined && ref.uid !== "" && ref.uid !== uid) {
      throw conflict(
        { group: "", resource: boundKind, name: refName },
        `the UID in the bound object reference (${
          String(ref.uid)
        }) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
  }

  const { token, expiration } = await tokens.issue({
    namespace,
    serviceAccount,
    audiences,
    expirationSeconds,
    ...bound,
    now: ctx.now,
  });
  return {
    ...req,
    metadata: { ...meta, name, namespace, creationTimestamp: rfc3339Seconds(ctx.now) },
    spec: { ...spec, audiences, expirationSeconds },
    status: { token, expirationTimestamp: rfc3339Seconds(expiration) },
  };
}

/** Serves `serviceaccounts/token` on the ServiceAccount row, answered as `tokenRequest`. */
export function installTokenRequest(
  types: ResourceType[],
  tokenRequest: ResourceType,
  tokens: ServiceAccountTokens,
  lookup: ServiceAccountLookup,
): void {
  const accounts = types.find((t) => t.group === "" && t.kind === "ServiceAccount");
  if (!accounts) return;
  tokenRequest.virtual = (req, ctx) => answerTokenRequest(tokens, lookup, req, ctx);
  accounts.createSubresources = { ...accounts.createSubresources, token: tokenRequest };
}
