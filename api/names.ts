/**
 * Name and object-metadata validation: the upstream rules for object names, namespaces, label
 * and annotation keys and values, finalizers and owner references, each returning the upstream
 * error messages.
 */
import type { StatusCause } from "./status.ts";
import { child, forbidden, index, invalid, required, tooLong } from "./schema/field_errors.ts";

/** How an object name is checked: DNS-1123 subdomain, DNS-1123 label, DNS-1035 label, or only
 * as a URL path segment (custom resources, some built-ins). */
export type NameRule = "subdomain" | "label" | "dns1035" | "pathSegment";

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;

const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
/** Upper bound of the summed byte length of all annotation keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** UTF-8 length of `s` as TextEncoder would encode it (a lone surrogate becomes 3 bytes). */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** `msg (e.g. 'a',  or 'b', regex used for validation is '…')`, spacing as upstream. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((ex, i) => {
    if (i > 0) s += " or ";
    s += `'${ex}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

const maxLenError = (n: number, unit: "characters" | "bytes"): string =>
  `must be no more than ${n} ${unit}`;

export function isDns1123Subdomain(
  value: string,
  unit: "characters" | "bytes" = "characters",
): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH, unit));
  }
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(regexError(SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
  }
  return errs;
}

export function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) {
    errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH, "characters"));
  }
  if (!DNS1123_LABEL_RE.test(value)) {
    errs.push(
      DNS1123_SUBDOMAIN_RE.test(value)
        ? "must not contain dots"
        : regexError(LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"),
    );
  }
  return errs;
}

export function isDns1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1035_LABEL_MAX_LENGTH) {
    errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH, "characters"));
  }
  if (!DNS1035_LABEL_RE.test(value)) {
    errs.push(regexError(DNS1035_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
  }
  return errs;
}

/** A name usable as one URL path segment; with `prefix`, only the characters are checked. */
export function isPathSegmentName(value: string, prefix = false): string[] {
  if (!prefix && (value === "." || value === "..")) return [`may not be '${value}'`];
  const errs: string[] = [];
  for (const bad of ["/", "%"]) {
    if (value.includes(bad)) errs.push(`may not contain '${bad}'`);
  }
  return errs;
}

/** A qualified name (label key, annotation key, finalizer): `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else errs.push(...isDns1123Subdomain(prefix, "bytes").map((m) => `prefix part ${m}`));
  } else {
    return [
      "a valid label key " +
      regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc") +
      " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) {
    errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH, "bytes")}`);
  }
  if (!QUALIFIED_NAME_RE.test(name)) {
    errs.push(
      "name part " +
        regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"),
    );
  }
  return errs;
}

export function isLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) {
    errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH, "bytes"));
  }
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
  }
  return errs;
}

/** A generateName prefix may end in '-': upstream masks that (and the character before it). */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? name.slice(0, -2) + "a" : name;
}

/** Error messages for `name` under `rule` (empty: valid). `prefix` checks a generateName. */
export function validateName(name: string, rule: NameRule, prefix = false): string[] {
  if (rule === "pathSegment") return isPathSegmentName(name, prefix);
  const n = prefix ? maskTrailingDash(name) : name;
  switch (rule) {
    case "subdomain":
      return isDns1123Subdomain(n);
    case "label":
      return isDns1123Label(n);
    case "dns1035":
      return isDns1035Label(n);
  }
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameRule: NameRule;
  /** Field path of the metadata; "metadata" unless told. */
  path?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Validates an object's metadata on create: name, namespace, labels, annotations, finalizers,
 * owner references. Types are validated by the schema; wrong types here are skipped. */
export function validateObjectMeta(meta: unknown, opts: ObjectMetaOptions): StatusCause[] {
  const path = opts.path ?? "metadata";
  const m = isRecord(meta) ? meta : {};
  const causes: StatusCause[] = [];
  const name = str(m.name);
  const generateName = str(m.generateName);

  if (generateName) {
    for (const msg of validateName(generateName, opts.nameRule, true)) {
      causes.push(invalid(child(path, "generateName"), generateName, msg));
    }
  }
  if (!name) causes.push(required(child(path, "name"), "name or generateName is required"));
  else {
    for (const msg of validateName(name, opts.nameRule)) {
      causes.push(invalid(child(path, "name"), name, msg));
    }
  }

  const namespace = str(m.namespace);
  if (opts.namespaced) {
    if (!namespace) causes.push(required(child(path, "namespace")));
    else {
      for (const msg of validateName(namespace, "label")) {
        causes.push(invalid(child(path, "namespace"), namespace, msg));
      }
    }
  } else if (namespace) {
    causes.push(forbidden(child(path, "namespace"), "not allowed on this type"));
  }

  if (typeof m.generation === "number" && m.generation < 0) {
    causes.push(
      invalid(child(path, "generation"), m.generation, "must be greater than or equal to 0"),
    );
  }
  causes.push(...validateLabels(m.labels, child(path, "labels")));
  causes.push(...validateAnnotations(m.annotations, child(path, "annotations")));
  causes.push(...validateOwnerReferences(m.ownerReferences, child(path, "ownerReferences")));
  causes.push(...validateFinalizers(m.finalizers, child(path, "finalizers")));
  return causes;
}

export function validateLabels(labels: unknown, path: string): StatusCause[] {
  if (!isRecord(labels)) return [];
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) causes.push(invalid(path, k, msg));
    if (typeof v !== "string") continue;
    for (const msg of isLabelValue(v)) causes.push(invalid(path, v, msg));
  }
  return causes;
}

export function validateAnnotations(annotations: unknown, path: string): StatusCause[] {
  if (!isRecord(annotations)) return [];
  const causes: StatusCause[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) causes.push(invalid(path, k, msg));
    total += byteLength(k) + (typeof v === "string" ? byteLength(v) : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    causes.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  }
  return causes;
}

export function validateFinalizers(finalizers: unknown, path: string): StatusCause[] {
  if (!Array.isArray(finalizers)) return [];
  const causes: StatusCause[] = [];
  for (const f of finalizers) {
    if (typeof f !== "string") continue;
    for (const msg of isQualifiedName(f)) causes.push(invalid(path, f, msg));
  }
  if (finalizers.includes("orphan") && finalizers.includes("foregroundDeletion")) {
    causes.push(
      invalid(path, finalizers, "finalizer orphan and foregroundDeletion cannot be both set"),
    );
  }
  return causes;
}

export function validateOwnerReferences(refs: unknown, path: string): StatusCause[] {
  if (!Array.isArray(refs)) return [];
  const causes: StatusCause[] = [];
  let firstController = "";
  refs.forEach((ref: unknown, i) => {
    const p = index(path, i);
    const r = isRecord(ref) ? ref : {};
    const apiVersion = str(r.apiVersion);
    if (!apiVersion) causes.push(required(child(p, "apiVersion"), "must not be empty"));
    else if (!validGroupVersion(apiVersion)) {
      causes.push(
        invalid(child(p, "apiVersion"), apiVersion, "must be <group>/<version> or <version>"),
      );
    }
    const kind = str(r.kind);
    if (!kind) causes.push(required(child(p, "kind"), "must not be empty"));
    if (!str(r.name)) causes.push(required(child(p, "name"), "must not be empty"));
    if (!str(r.uid)) causes.push(required(child(p, "uid"), "must not be empty"));
    if (apiVersion === "v1" && kind === "Event") {
      causes.push(invalid(p, ref, "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (r.controller === true) {
      const current = `${kind}/${str(r.name)}`;
      if (firstController) {
        causes.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else firstController = current;
    }
  });
  return causes;
}

/** `v1` or `group/version`, with a non-empty version. */
function validGroupVersion(apiVersion: string): boolean {
  const parts = apiVersion.split("/");
  if (parts.length === 1) return apiVersion.length > 0;
  return parts.length === 2 && (parts[1] ?? "").length > 0;
}

/**
 * Checks an embedded resource (`x-kubernetes-embedded-resource`, e.g. a template inside a
 * custom resource): `apiVersion` and `kind` present and well-formed, and its metadata valid
 * as object metadata whose name may be left empty.
 */
export function validateEmbeddedResource(
  obj: Record<string, unknown>,
  path: string,
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!("apiVersion" in obj)) causes.push(required(child(path, "apiVersion")));
  if (!("kind" in obj)) causes.push(required(child(path, "kind")));
  const { apiVersion, kind, metadata } = obj;
  if ("apiVersion" in obj) {
    const p = child(path, "apiVersion");
    if (typeof apiVersion !== "string") causes.push(invalid(p, apiVersion, "must be a string"));
    else if (!apiVersion) causes.push(invalid(p, apiVersion, "must not be empty"));
    else if (apiVersion.split("/").length > 2) {
      causes.push(invalid(p, apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
    }
  }
  if ("kind" in obj) {
    const p = child(path, "kind");
    if (typeof kind !== "string") causes.push(invalid(p, kind, "must be a string"));
    else if (!kind) causes.push(invalid(p, kind, "must not be empty"));
    else {
      const errs = isDns1035Label(kind.toLowerCase());
      if (errs.length) {
        causes.push(
          invalid(p, kind, `may have mixed case, but should otherwise match: ${errs.join(",")}`),
        );
      }
    }
  }
  if (isRecord(metadata)) {
    const meta = { ...metadata, name: str(metadata.name) || "fakename" };
    causes.push(
      ...validateObjectMeta(meta, {
        namespaced: str(metadata.namespace) !== "",
        nameRule: "pathSegment",
        path: child(path, "metadata"),
      }),
    );
  }
  return causes;
}

/**
 * A metav1 LabelSelector's rules (upstream's ValidateLabelSelector): matchLabels are labels,
 * each expression has a label key and a known operator, with values for In and NotIn and none
 * for Exists and DoesNotExist. Kno reads selectors when it matches (evictions, policies): one
 * it cannot read must not be stored.
 */
export function validateLabelSelector(selector: unknown, path: string): StatusCause[] {
  if (!isRecord(selector)) return [];
  const causes = validateLabels(selector.matchLabels, child(path, "matchLabels"));
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  expressions.forEach((e, i) => {
    if (!isRecord(e)) return;
    const at = index(child(path, "matchExpressions"), i);
    if (typeof e.key === "string") {
      for (const msg of isQualifiedName(e.key)) causes.push(invalid(child(at, "key"), e.key, msg));
    }
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case "In":
      case "NotIn":
        if (!values.length) {
          causes.push(
            required(child(at, "values"), "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        }
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length) {
          causes.push(
            forbidden(
              child(at, "values"),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        }
        break;
      default:
        if (typeof e.operator === "string") {
          causes.push(invalid(child(at, "operator"), e.operator, "not a valid selector operator"));
        }
    }
  });
  return causes;
}
