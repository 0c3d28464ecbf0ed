/**
 * CertificateSigningRequests (certificates.k8s.io/v1): a client asks a signer for a certificate
 * (`kubectl certificate approve` is how an admin lets a signer issue one). Upstream's strategy
 * and rules: the requester's identity is written into the spec from the request, never taken
 * from the body; the spec never changes after creation; approval conditions (Approved, Denied)
 * change only through `/approval` and the issued certificate only through `/status`; conditions
 * get their timestamps; Approved, Denied and Failed conditions are never removed.
 */
import { isDns1123Label, isDns1123Subdomain } from "../../api/names.ts";
import { jsonEqual } from "../../api/patch/json.ts";
import {
  duplicate,
  forbidden,
  invalid,
  notSupported,
  OMIT_VALUE,
  required,
  tooLong,
} from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import { rfc3339Seconds } from "../../api/time.ts";
import type { KubeObject, ResourceHooks } from "../registry/types.ts";
import { items, obj } from "./shape.ts";

const APPROVED = "Approved";
const DENIED = "Denied";
const FAILED = "Failed";
/** Condition types whose status may only be True. */
const TRUE_ONLY = new Set([APPROVED, DENIED, FAILED]);
const ALL_STATUSES = ["False", "True", "Unknown"];
const LEGACY_SIGNER = "kubernetes.io/legacy-unknown";

/** What the X.509 checks found: they are asynchronous, so a write's preparation runs them. */
const findings = new WeakMap<KubeObject, { request?: string; certificate?: string }>();

let x509: typeof import("./csr_x509.ts") | undefined;
const loadX509 = async () => x509 ??= await import("./csr_x509.ts");

/** A `[]byte` field (base64 in JSON) as text; "" when absent or not base64. */
function bytesText(v: unknown): string {
  if (typeof v !== "string") return "";
  try {
    return atob(v);
  } catch {
    return "";
  }
}

export function csrHooks(): ResourceHooks {
  return {
    async prepareCreate(o, ctx) {
      const spec = obj(o.spec);
      if (!spec) return;
      // Who asks is who sent the request, whatever the body says.
      for (const f of ["username", "uid", "groups", "extra"]) delete spec[f];
      const user = ctx.user;
      if (user) {
        spec.username = user.username;
        if (user.uid) spec.uid = user.uid;
        if (user.groups.length) spec.groups = [...user.groups];
        if (user.extra && Object.keys(user.extra).length) spec.extra = structuredClone(user.extra);
      }
      if (spec.request !== undefined) {
        const check = await loadX509();
        findings.set(o, { request: await check.certificateRequestError(bytesText(spec.request)) });
      }
    },
    async prepareUpdate(o, old, ctx) {
      // Certificate requests are immutable after creation except through their subresources.
      o.spec = structuredClone(old.spec);
      stampConditions(o, old, ctx.now);
      const cert = obj(o.status)?.certificate;
      if (cert !== obj(old.status)?.certificate && typeof cert === "string" && cert !== "") {
        const check = await loadX509();
        findings.set(o, { certificate: check.certificateError(bytesText(cert)) });
      }
    },
    validate: (o, old, subresource) =>
      old === undefined
        ? validateCsr(o, optionsFor(undefined))
        : validateUpdate(o, old, subresource),
    validateStatus: (o, old) => validateUpdate(o, old, "status"),
  };
}

/** Conditions without timestamps get them: now, or the transition time of the same condition. */
function stampConditions(o: KubeObject, old: KubeObject, now: Date): void {
  const stamp = rfc3339Seconds(now);
  const before = items(obj(old.status)?.conditions);
  for (const c of items(obj(o.status)?.conditions)) {
    c.lastUpdateTime ??= stamp;
    if (c.lastTransitionTime === undefined) {
      const same = before.find((b) => b.type === c.type && b.status === c.status);
      c.lastTransitionTime = same?.lastTransitionTime ?? stamp;
    }
  }
}

interface Options {
  /** What only a subresource may change. */
  settingApproval: boolean;
  settingCertificate: boolean;
  /** What is tolerated because the stored object already has it. */
  bothApprovedAndDenied: boolean;
  legacySignerName: boolean;
  emptyConditionType: boolean;
  duplicateUsages: boolean;
}

function optionsFor(old: KubeObject | undefined): Options {
  const types = items(obj(old?.status)?.conditions).map((c) => c.type);
  const usages = obj(old?.spec)?.usages;
  return {
    settingApproval: false,
    settingCertificate: false,
    bothApprovedAndDenied: types.includes(APPROVED) && types.includes(DENIED),
    legacySignerName: obj(old?.spec)?.signerName === LEGACY_SIGNER,
    emptyConditionType: types.includes(""),
    duplicateUsages: Array.isArray(usages) && new Set(usages).size !== usages.length,
  };
}

function validateCsr(o: KubeObject, opts: Options): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = obj(o.spec) ?? {};
  const found = findings.get(o);
  if (found?.request) out.push(invalid("spec.request", OMIT_VALUE, found.request));
  const usages = spec.usages;
  if (!Array.isArray(usages) || usages.length === 0) out.push(required("spec.usages"));
  else if (!opts.duplicateUsages) {
    const seen = new Set<unknown>();
    usages.forEach((u, i) => {
      if (seen.has(u)) out.push(duplicate(`spec.usages[${i}]`, u));
      seen.add(u);
    });
  }
  // (An absent signerName or request is the schema's Required value already.)
  const signer = spec.signerName;
  if (signer === LEGACY_SIGNER && !opts.legacySignerName) {
    out.push(
      invalid(
        "spec.signerName",
        signer,
        "the legacy signerName is not allowed via this API version",
      ),
    );
  } else if (typeof signer === "string") out.push(...validateSignerName("spec.signerName", signer));
  const seconds = spec.expirationSeconds;
  if (typeof seconds === "number" && seconds < 600) {
    out.push(
      invalid(
        "spec.expirationSeconds",
        seconds,
        "may not specify a duration less than 600 seconds (10 minutes)",
      ),
    );
  }
  out.push(...validateConditions(items(obj(o.status)?.conditions), opts));
  if (found?.certificate) {
    out.push(invalid("status.certificate", "<certificate data>", found.certificate));
  }
  return out;
}

function validateConditions(conditions: Record<string, unknown>[], opts: Options): StatusCause[] {
  const out: StatusCause[] = [];
  let approved = false;
  let denied = false;
  conditions.forEach((c, i) => {
    const at = `status.conditions[${i}]`;
    // (Duplicate types are the schema's: the conditions are a list keyed by type.)
    if (c.type === "" && !opts.emptyConditionType) out.push(required(`${at}.type`));
    const allowed = TRUE_ONLY.has(String(c.type)) ? ["True"] : ALL_STATUSES;
    if (c.status === undefined || c.status === "") out.push(required(`${at}.status`));
    else if (!allowed.includes(String(c.status))) {
      out.push(notSupported(`${at}.status`, c.status, allowed));
    }
    if (!opts.bothApprovedAndDenied && (c.type === APPROVED || c.type === DENIED)) {
      if (c.type === APPROVED) approved = true;
      else denied = true;
      if (approved && denied) {
        out.push(
          invalid(
            "status.conditions",
            c.type,
            "Approved and Denied conditions are mutually exclusive",
          ),
        );
      }
    }
  });
  return out;
}

function validateUpdate(o: KubeObject, old: KubeObject, subresource: string): StatusCause[] {
  const opts = optionsFor(old);
  opts.settingApproval = subresource === "approval";
  opts.settingCertificate = subresource === "status";
  const out = validateCsr(o, opts);
  const now = items(obj(o.status)?.conditions);
  const before = items(obj(old.status)?.conditions);
  const ofType = (list: Record<string, unknown>[], t: string) => list.filter((c) => c.type === t);
  for (const t of [APPROVED, DENIED, FAILED]) {
    if (ofType(now, t).length < ofType(before, t).length) {
      out.push(forbidden("status.conditions", `updates may not remove a condition of type "${t}"`));
    }
  }
  if (!opts.settingApproval) {
    for (const t of [APPROVED, DENIED]) {
      const [n, b] = [ofType(now, t), ofType(before, t)];
      if (n.length > b.length) {
        out.push(forbidden("status.conditions", `updates may not add a condition of type "${t}"`));
      } else if (n.length === b.length && !jsonEqual(n, b)) {
        out.push(
          forbidden("status.conditions", `updates may not modify a condition of type "${t}"`),
        );
      }
    }
  }
  const cert = obj(o.status)?.certificate ?? "";
  const oldCert = obj(old.status)?.certificate ?? "";
  if (cert !== oldCert) {
    if (!opts.settingCertificate) {
      out.push(forbidden("status.certificate", "updates may not set certificate content"));
    } else if (oldCert !== "") {
      out.push(
        forbidden("status.certificate", "updates may not modify existing certificate content"),
      );
    }
  }
  return out;
}

/** Upstream's signer-name rules: `<domain>/<path>`, DNS labels and subdomains, bounded length. */
function validateSignerName(path: string, name: string): StatusCause[] {
  if (name === "") return [required(path)];
  const segments = name.split("/");
  if (segments.length !== 2) {
    return [
      invalid(
        path,
        name,
        "must be a fully qualified domain and path of the form 'example.com/signer-name'",
      ),
    ];
  }
  const out: StatusCause[] = [];
  const [domain, rest] = segments as [string, string];
  if (domain.length > 253) out.push(tooLong(path, 253));
  const domainLabels = domain.split(".");
  for (const label of domainLabels) {
    const errs = isDns1123Label(label);
    for (const e of errs) out.push(invalid(path, domain, `validating label "${label}": ${e}`));
    if (errs.length) break;
  }
  if (domainLabels.length < 2) {
    out.push(
      invalid(path, domain, "should be a domain with at least two segments separated by dots"),
    );
  }
  for (const label of rest.split(".")) {
    const errs = isDns1123Subdomain(label);
    for (const e of errs) out.push(invalid(path, rest, `validating label "${label}": ${e}`));
    if (errs.length) break;
  }
  const max = 253 + 253 + 63 + 1 + 1;
  if (name.length > max) out.push(tooLong(path, max));
  return out;
}
