/**
 * Built-in admission: unknown-field handling (fieldValidation), pruning, defaulting and
 * validation against the kind's schema, plus metadata and name rules. Everything comes from the
 * schema table (or a CRD's openAPIV3Schema) and the registry row; no kind is special here.
 */
import { applyDefaults } from "../../api/schema/defaults.ts";
import { validateAgainstSchema } from "../../api/schema/validate.ts";
import { pruneUnknownFields } from "../../api/schema/prune.ts";
import { type NameRule, validateObjectMeta } from "../../api/names.ts";
import { MAX_NESTING_DEPTH, objectNestsTooDeep } from "../../api/nesting.ts";
import { badRequest, invalid, type StatusCause } from "../../api/status.ts";
import type { KubeObject, ResourceType } from "../registry/types.ts";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function parseFieldValidation(
  v: string | undefined,
  fallback: FieldValidation = "Warn",
): FieldValidation {
  if (v === undefined || v === "") return fallback;
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw badRequest(`fieldValidation must be one of "Strict", "Warn" or "Ignore", not "${v}"`);
}

const NAME_RULES: Record<string, NameRule> = {
  "/Namespace": "label",
  "/Service": "dns1035",
  "certificates.k8s.io/CertificateSigningRequest": "pathSegment",
  "rbac.authorization.k8s.io/Role": "pathSegment",
  "rbac.authorization.k8s.io/ClusterRole": "pathSegment",
  "rbac.authorization.k8s.io/RoleBinding": "pathSegment",
  "rbac.authorization.k8s.io/ClusterRoleBinding": "pathSegment",
};

export function nameRuleOf(t: ResourceType): NameRule {
  return NAME_RULES[`${t.group}/${t.kind}`] ?? "subdomain";
}

export interface AdmitOptions {
  fieldValidation: FieldValidation;
  /** Warnings for the `Warning` response header. */
  warnings: string[];
  create: boolean;
  /** On update: the stored object, and the subresource written ("" for the object itself). */
  old?: KubeObject;
  subresource?: string;
}

/**
 * Normalizes and checks an object about to be stored: drops (or rejects) unknown fields,
 * applies defaults, validates types, required fields and metadata. Throws 400/422.
 */
export function admit(t: ResourceType, obj: KubeObject, opts: AdmitOptions): void {
  admitSchema(t, obj, opts);
  dropEmptyMetadata(obj);
  const causes = validateObjectMeta(obj.metadata ?? {}, {
    namespaced: t.namespaced,
    nameRule: nameRuleOf(t),
  });
  // A status write changes only status: the kind's rules are about the rest (upstream's status
  // strategies validate the status alone), and an object stored before a rule existed must
  // still take its controller's status updates; a kind with rules for its status has them
  // apart. A custom resource's validation rules do run (as upstream's): unchanged values pass
  // them (ratcheting), so only the status is judged.
  const extra = opts.subresource === "status" && !t.custom
    ? (opts.old && t.hooks?.validateStatus?.(obj, opts.old)) || []
    : t.hooks?.validate?.(obj, opts.old, opts.subresource ?? "") ?? [];
  failIfAny(t, obj, [...causes, ...extra]);
  for (const w of t.hooks?.warnings?.(obj) ?? []) opts.warnings.push(w);
}

/** The metadata maps and lists Go leaves out when empty (`omitempty`). */
const OMITTED_WHEN_EMPTY = ["labels", "annotations", "finalizers", "ownerReferences"];

/**
 * Empty metadata maps and lists are dropped, as upstream's typed round trip drops them: an
 * object written with `annotations: {}` reads back without it (else `kubectl diff` reports a
 * difference upstream would not).
 */
function dropEmptyMetadata(obj: KubeObject): void {
  const meta = obj.metadata;
  if (!meta) return;
  for (const f of OMITTED_WHEN_EMPTY) {
    const v = meta[f];
    if (v === null || (typeof v === "object" && Object.keys(v as object).length === 0)) {
      delete meta[f];
    }
  }
}

/**
 * The schema's part of admission alone: unknown fields, defaults, types and required fields.
 * Bodies that are never stored (reviews, TokenRequest) get this and no metadata rules.
 */
export function admitSchema(
  t: ResourceType,
  obj: KubeObject,
  opts: Pick<AdmitOptions, "fieldValidation" | "warnings">,
): void {
  // Every body was measured when decoded, but patches merge into what is stored: without this,
  // repeated patches could grow an object deeper than any walk of it can go.
  if (objectNestsTooDeep(obj)) {
    throw badRequest(
      `the object would nest objects and arrays more than ${MAX_NESTING_DEPTH} levels deep`,
    );
  }
  const schema = t.schema();
  if (schema) {
    // Unknown fields are exactly what pruning removes: one pass finds and drops them.
    const unknown = pruneUnknownFields(obj, schema, t.resolver, { isRoot: true })
      .map((path) => `unknown field "${path}"`);
    if (unknown.length) {
      if (opts.fieldValidation === "Strict") {
        throw badRequest(`strict decoding error: ${unknown.join(", ")}`);
      }
      if (opts.fieldValidation === "Warn") {
        for (const u of unknown) opts.warnings.push(u);
      }
    }
    applyDefaults(obj, schema, t.resolver);
    const { causes } = validateAgainstSchema(obj, schema, t.resolver, { nullIsAbsent: !t.custom });
    if (!t.custom) {
      // Built-ins are decoded into typed structs upstream: a value of the wrong JSON type is a
      // decode error (400), not a validation error (422).
      const typeError = causes.find((c) => c.type === "FieldValueTypeInvalid");
      if (typeError) {
        throw badRequest(
          `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: ${
            typeError.field ?? ""
          }: ${typeError.message ?? ""}`,
          [typeError],
        );
      }
    }
    failIfAny(t, obj, causes);
  }
}

function failIfAny(t: ResourceType, obj: KubeObject, causes: StatusCause[]) {
  if (!causes.length) return;
  const name = String(obj.metadata?.name ?? obj.metadata?.generateName ?? "");
  throw invalid(
    t.kind,
    t.group,
    name,
    causes.map((c) => ({ type: c.type ?? "FieldValueInvalid", ...c })),
  );
}
