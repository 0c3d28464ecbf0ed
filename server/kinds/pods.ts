/**
 * Upstream's pod rules that the schema cannot state, which the kubelet relies on. A pod runs at
 * least one container; every container has an image and a name (an RFC 1123 label) unique among
 * all the pod's containers; volume mounts name the pod's volumes. Ephemeral containers are added
 * through their subresource only, are never changed or removed once there, and carry nothing the
 * pod could come to depend on (ports, probes, resources, lifecycle). And a pod's spec is fixed
 * once created, but for its images, a shorter deadline, added tolerations, removed scheduling
 * gates, and the node its binding names. Messages as upstream's core validation words them.
 */
import { isDns1123Label } from "../../api/names.ts";
import {
  duplicate,
  fieldError,
  forbidden,
  invalid,
  required,
} from "../../api/schema/field_errors.ts";
import { jsonEqual } from "../../api/patch/json.ts";
import type { StatusCause } from "../../api/status.ts";
import type { KubeObject } from "../registry/types.ts";
import { items, type Obj, obj } from "./shape.ts";

/** The container lists of a pod spec, in the order upstream checks their names. */
const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** Fields an ephemeral container may not set (upstream keeps an allow list; these are the rest). */
const NOT_FOR_EPHEMERAL = [
  "ports",
  "resources",
  "resizePolicy",
  "livenessProbe",
  "readinessProbe",
  "startupProbe",
  "lifecycle",
  "restartPolicy",
  "restartPolicyRules",
];

/** The annotation of a static pod's mirror, which cannot take ephemeral containers. */
export const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

const UPDATABLE_POD_SPEC_FIELDS = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
].join(",");

/** The causes a pod fails with; `old` and `subresource` as the validate hook gets them. */
export function validatePod(o: KubeObject, old: KubeObject | undefined, subresource: string) {
  const spec = obj(o.spec) ?? {};
  const causes = validatePodSpec(spec, "spec");
  if (!old) return causes;
  const oldSpec = obj(old.spec) ?? {};
  if (subresource === "ephemeralcontainers") {
    causes.push(...validateEphemeralUpdate(o, old));
  } else if (subresource === "" || subresource === "binding") {
    causes.push(...validateSpecUpdate(spec, oldSpec, subresource === "binding"));
  }
  return causes;
}

/**
 * The rules of a pod spec at `at` (a Pod's "spec", a template's "spec.template.spec"): workload
 * templates are held to them too, as upstream validates a template as the pods it makes.
 */
export function validatePodSpec(spec: Obj, at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (items(spec.containers).length === 0) causes.push(required(`${at}.containers`));
  const volumes = new Set(items(spec.volumes).map((v) => v.name));
  causes.push(...validateVolumePaths(items(spec.volumes), `${at}.volumes`));
  const names = new Set<unknown>();
  const runnable = new Set<unknown>();
  for (const list of CONTAINER_LISTS) {
    items(spec[list]).forEach((c, i) => {
      const path = `${at}.${list}[${i}]`;
      const name = c.name;
      if (typeof name === "string" && name !== "") {
        for (const msg of isDns1123Label(name)) causes.push(invalid(`${path}.name`, name, msg));
        if (names.has(name)) causes.push(duplicate(`${path}.name`, name));
      }
      names.add(name);
      if (list !== "ephemeralContainers") runnable.add(name);
      const image = c.image;
      if (typeof image !== "string" || image === "") causes.push(required(`${path}.image`));
      else if (image.trim() !== image) {
        causes.push(
          invalid(`${path}.image`, image, "must not have leading or trailing whitespace"),
        );
      }
      items(c.volumeMounts).forEach((m, j) => {
        if (!volumes.has(m.name)) {
          causes.push(fieldError("FieldValueNotFound", `${path}.volumeMounts[${j}].name`, m.name));
        }
        if (typeof m.subPath === "string" && m.subPath !== "") {
          causes.push(...descendingPath(m.subPath, `${path}.volumeMounts[${j}].subPath`));
        }
        if (list === "ephemeralContainers") {
          for (const f of ["subPath", "subPathExpr"]) {
            if (m[f]) {
              causes.push(
                forbidden(
                  `${path}.volumeMounts[${j}].${f}`,
                  "cannot be set for an Ephemeral Container",
                ),
              );
            }
          }
        }
      });
      if (list === "ephemeralContainers") {
        const target = c.targetContainerName;
        if (typeof target === "string" && target !== "" && !runnable.has(target)) {
          causes.push(fieldError("FieldValueNotFound", `${path}.targetContainerName`, target));
        }
        for (const f of NOT_FOR_EPHEMERAL) {
          if (isSet(c[f])) {
            causes.push(forbidden(`${path}.${f}`, "cannot be set for an Ephemeral Container"));
          }
        }
      }
    });
  }
  return causes;
}

/**
 * A path inside a volume or container: relative, and never stepping up (`..`), so that what
 * the kubelet writes or mounts stays inside (upstream's validateLocalDescendingPath).
 */
function descendingPath(path: string, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (path.startsWith("/")) causes.push(invalid(field, path, "must be a relative path"));
  if (path.split("/").includes("..")) causes.push(invalid(field, path, "must not contain '..'"));
  return causes;
}

/** A file a volume projects: also not a name that starts with '..' (the kubelet's own). */
function projectedPath(path: unknown, field: string): StatusCause[] {
  if (typeof path !== "string" || path === "") return [required(field)];
  const causes = descendingPath(path, field);
  if (path.startsWith("..") && !path.startsWith("../")) {
    causes.push(invalid(field, path, "must not start with '..'"));
  }
  return causes;
}

/** The file paths of configMap, secret, downwardAPI and projected volumes. */
function validateVolumePaths(volumes: Obj[], at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const itemPaths = (source: Obj | undefined, field: string) =>
    items(source?.items).forEach((item, k) =>
      causes.push(...projectedPath(item.path, `${field}.items[${k}].path`))
    );
  volumes.forEach((v, i) => {
    const path = `${at}[${i}]`;
    for (const kind of ["configMap", "secret", "downwardAPI"]) {
      itemPaths(obj(v[kind]), `${path}.${kind}`);
    }
    items(obj(v.projected)?.sources).forEach((source, j) => {
      const field = `${path}.projected.sources[${j}]`;
      for (const kind of ["configMap", "secret", "downwardAPI"]) {
        itemPaths(obj(source[kind]), `${field}.${kind}`);
      }
      for (const kind of ["serviceAccountToken", "clusterTrustBundle"]) {
        const s = obj(source[kind]);
        if (s) causes.push(...projectedPath(s.path, `${field}.${kind}.path`));
      }
    });
  });
  return causes;
}

/** Set as Go's IsZero sees it: not absent, empty or null. */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

function validateEphemeralUpdate(o: KubeObject, old: KubeObject): StatusCause[] {
  const annotations = obj(old.metadata?.annotations);
  if (annotations && MIRROR_ANNOTATION in annotations) {
    return [forbidden("", "static pods do not support ephemeral containers")];
  }
  const causes: StatusCause[] = [];
  const next = new Map(items(obj(o.spec)?.ephemeralContainers).map((c) => [c.name, c]));
  for (const was of items(obj(old.spec)?.ephemeralContainers)) {
    const now = next.get(was.name);
    const why = !now ? "may not be removed" : !jsonEqual(was, now) ? "may not be changed" : "";
    if (why) {
      causes.push(
        forbidden(
          "spec.ephemeralContainers",
          `existing ephemeral containers ${JSON.stringify(was.name)} ${why}\n`,
        ),
      );
    }
  }
  return causes;
}

/**
 * A pod's spec may change only where upstream lets it. `bound`: the write is a binding, which
 * may name the node of a pod that has none.
 */
function validateSpecUpdate(spec: Obj, oldSpec: Obj, bound: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  // What may change is set back to what it was; whatever then differs may not change.
  const munged: Obj = structuredClone(spec);
  for (const list of ["containers", "initContainers"]) {
    const now = items(spec[list]);
    const was = items(oldSpec[list]);
    if (now.length !== was.length) {
      causes.push(forbidden(`spec.${list}`, "pod updates may not add or remove containers"));
      return causes;
    }
    if (!Array.isArray(spec[list])) continue;
    munged[list] = now.map((c, i) => {
      const out = { ...c };
      if (was[i]!.image === undefined) delete out.image;
      else out.image = was[i]!.image;
      return out;
    });
  }
  causes.push(...checkDeadline(spec.activeDeadlineSeconds, oldSpec.activeDeadlineSeconds));
  keep(munged, oldSpec, "activeDeadlineSeconds");
  causes.push(...checkTolerations(items(spec.tolerations), items(oldSpec.tolerations)));
  keep(munged, oldSpec, "tolerations");
  const gates = new Set(items(oldSpec.schedulingGates).map((g) => g.name));
  for (const g of items(spec.schedulingGates)) {
    if (!gates.has(g.name)) {
      causes.push(
        forbidden(
          "spec.schedulingGates",
          `only deletion is allowed, but found new scheduling gate '${String(g.name)}'`,
        ),
      );
    }
  }
  keep(munged, oldSpec, "schedulingGates");
  const grace = oldSpec.terminationGracePeriodSeconds;
  if (typeof grace === "number" && grace < 0 && spec.terminationGracePeriodSeconds === 1) {
    keep(munged, oldSpec, "terminationGracePeriodSeconds");
  }
  // Kept from the stored pod before this check (their own subresource writes them).
  keep(munged, oldSpec, "ephemeralContainers");
  if (bound && !oldSpec.nodeName) keep(munged, oldSpec, "nodeName");
  const changed = [...new Set([...Object.keys(munged), ...Object.keys(oldSpec)])]
    .filter((k) => !jsonEqual(munged[k], oldSpec[k]))
    .sort();
  if (changed.length) {
    causes.push(
      forbidden(
        "spec",
        `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS}\n` +
          `changed: ${changed.map((k) => `spec.${k}`).join(", ")}`,
      ),
    );
  }
  return causes;
}

function keep(munged: Obj, oldSpec: Obj, field: string): void {
  if (oldSpec[field] === undefined) delete munged[field];
  else munged[field] = oldSpec[field];
}

function checkDeadline(now: unknown, was: unknown): StatusCause[] {
  const path = "spec.activeDeadlineSeconds";
  if (typeof now === "number") {
    if (typeof was === "number" && was < now) {
      return [invalid(path, now, "must be less than or equal to previous value")];
    }
  } else if (typeof was === "number") {
    return [invalid(path, null, "must not update from a positive integer to nil value")];
  }
  return [];
}

/** Every existing toleration must still be there; only its tolerationSeconds may change. */
function checkTolerations(now: Obj[], was: Obj[]): StatusCause[] {
  const without = (t: Obj) => {
    const { tolerationSeconds: _, ...rest } = t;
    return rest;
  };
  for (const old of was) {
    if (!now.some((t) => jsonEqual(without(t), without(old)))) {
      return [
        forbidden(
          "spec.tolerations",
          "existing toleration can not be modified except its tolerationSeconds",
        ),
      ];
    }
  }
  return [];
}
