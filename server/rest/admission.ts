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
import { type ApiError, badRequest, invalid, type StatusCause } from "../../api/status.ts";
import type { Duplicates } from "./body.ts";
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
  "apiregistration.k8s.io/APIService": "pathSegment",
  "rbac.authorization.k8s.io/Role": "pathSegment",
  "rbac.authorization.k8s.io/ClusterRole": "pathSegment",
  "rbac.authorization.k8s.io/RoleBinding": "pathSegment",
  "rbac.authorization.k8s.io/ClusterRoleBinding": "pathSegment",
};

export function nameRuleOf(t: ResourceType): NameRule {
  return NAME_RULES[`${t.group}/${t.kind}`] ?? "subdomain";
}

/** How a request's body was decoded: what strict decoding reports besides unknown fields. */
export interface Decoding {
  duplicates: Duplicates;
  /** A server-side apply patch: its unknown fields are reported as upstream's typed patch
   * conversion words them. */
  apply: boolean;
}

export interface AdmitOptions {
  fieldValidation: FieldValidation;
  decoding?: Decoding;
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

/**
 * An apply patch with fields its schema does not declare, as upstream's conversion of the
 * patch to a typed value refuses it (structured-merge-diff's paths and words).
 */
function typedPatchError(t: ResourceType, paths: string[]): ApiError {
  const errors = paths.map((p) => `.${p}: field not declared in schema`);
  const detail = errors.length === 1 ? errors[0] : ["errors:", ...errors].join("\n  ");
  return badRequest(
    `failed to create typed patch object (${t.group}/${t.version}, Kind=${t.kind}): ${detail}`,
  );
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
  opts: Pick<AdmitOptions, "fieldValidation" | "warnings" | "decoding">,
): void {
  // Every body was measured when decoded, but patches merge into what is stored: without this,
  // repeated patches could grow an object deeper than any walk of it can go.
  if (objectNestsTooDeep(obj)) {
    throw badRequest(
      `the object would nest objects and arrays more than ${MAX_NESTING_DEPTH} levels deep`,
    );
  }
  const schema = t.schema();
  const duplicates = opts.decoding?.duplicates;
  if (duplicates?.in === "yaml" && duplicates.found.length && opts.fieldValidation === "Strict") {
    // YAML's duplicates stop the decoding itself, before any field is looked at.
    throw badRequest(
      `strict decoding error: yaml: unmarshal errors:\n  ${duplicates.found.join("\n  ")}`,
    );
  }
  if (schema) {
    // Unknown fields are exactly what pruning removes: one pass finds and drops them.
    const unknownPaths = pruneUnknownFields(obj, schema, t.resolver, { isRoot: true });
    const unknown = unknownPaths.map((path) => `unknown field "${path}"`);
    const doubled = duplicates?.in === "json"
      ? duplicates.found.map((path) => `duplicate field "${path}"`)
      : duplicates?.found ?? [];
    if (opts.fieldValidation === "Strict") {
      if (unknownPaths.length && opts.decoding?.apply) throw typedPatchError(t, unknownPaths);
      if (unknown.length || doubled.length) {
        throw badRequest(`strict decoding error: ${[...unknown, ...doubled].join(", ")}`);
      }
    }
    if (opts.fieldValidation === "Warn") {
      for (const w of [...unknown, ...doubled]) opts.warnings.push(w);
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
