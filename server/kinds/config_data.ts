/**
 * Upstream's rules for ConfigMap and Secret data that the schema cannot state. Keys become file
 * names in configMap and secret volumes, so they are config keys (`[-._a-zA-Z0-9]+`, not `.` or
 * `..`, nothing starting with `..`): a key such as `../etc/passwd` would otherwise let a volume
 * write outside its directory. A ConfigMap key is in `data` or `binaryData`, not both; the data is
 * at most 1 MiB; a Secret of a known type has the keys its type needs; an immutable object's data
 * never changes, nor does a Secret's type. Messages as upstream's core validation words them.
 */
import { byteLength, DNS1123_SUBDOMAIN_MAX_LENGTH, regexError } from "../../api/names.ts";
import { forbidden, invalid, required, tooLong } from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import type { KubeObject } from "../registry/types.ts";
import { type Obj, obj } from "./shape.ts";

/** Upstream's MaxSecretSize, which bounds ConfigMaps too. */
export const MAX_DATA_BYTES = 1024 * 1024;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** Why `key` is not a config key (upstream's IsConfigMapKey); empty when it is one. */
export function configKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (key.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errs.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`);
  }
  if (!CONFIG_KEY.test(key)) {
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        "[-._a-zA-Z0-9]+",
        "key.name",
        "KEY_NAME",
        "key-name",
      ),
    );
  }
  if (key === ".") errs.push("must not be '.'");
  else if (key === "..") errs.push("must not be '..'");
  else if (key.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

function keyCauses(map: Obj, at: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of Object.keys(map)) {
    for (const msg of configKeyErrors(key)) causes.push(invalid(`${at}[${key}]`, key, msg));
  }
  return causes;
}

/** Bytes a base64 value decodes to. */
function decodedLength(b64: unknown): number {
  if (typeof b64 !== "string") return 0;
  const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return Math.floor(b64.length * 3 / 4) - pad;
}

function immutableCauses(o: KubeObject, old: KubeObject, fields: string[]): StatusCause[] {
  if (old.immutable !== true) return [];
  const causes: StatusCause[] = [];
  const message = "field is immutable when `immutable` is set";
  if (o.immutable !== true) causes.push(forbidden("immutable", message));
  for (const f of fields) {
    if (JSON.stringify(o[f] ?? {}) !== JSON.stringify(old[f] ?? {})) {
      causes.push(forbidden(f, message));
    }
  }
  return causes;
}

export function validateConfigMap(o: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const data = obj(o.data) ?? {};
  const binary = obj(o.binaryData) ?? {};
  const causes = keyCauses(data, "data");
  for (const key of Object.keys(data)) {
    if (Object.hasOwn(binary, key)) {
      causes.push(invalid(`data[${key}]`, key, "duplicate of key present in binaryData"));
    }
  }
  causes.push(...keyCauses(binary, "binaryData"));
  let size = 0;
  for (const v of Object.values(binary)) size += decodedLength(v);
  const strings = Object.values(data).filter((v): v is string => typeof v === "string");
  // UTF-8 takes at most 3 bytes per UTF-16 unit: count exactly only near the limit.
  const most = strings.reduce((n, v) => n + 3 * v.length, 0);
  size += size + most <= MAX_DATA_BYTES ? 0 : strings.reduce((n, v) => n + byteLength(v), 0);
  if (size > MAX_DATA_BYTES) causes.push(tooLong("", MAX_DATA_BYTES));
  if (old) causes.push(...immutableCauses(o, old, ["data", "binaryData"]));
  return causes;
}

/** The keys each Secret type must have (any one of a group's, for basic-auth). */
const SECRET_TYPE_KEYS: Record<string, string[][]> = {
  "kubernetes.io/dockercfg": [[".dockercfg"]],
  "kubernetes.io/dockerconfigjson": [[".dockerconfigjson"]],
  "kubernetes.io/basic-auth": [["username", "password"]],
  "kubernetes.io/ssh-auth": [["ssh-privatekey"]],
  "kubernetes.io/tls": [["tls.crt"], ["tls.key"]],
};

const DOCKER_JSON_KEYS: Record<string, string> = {
  "kubernetes.io/dockercfg": ".dockercfg",
  "kubernetes.io/dockerconfigjson": ".dockerconfigjson",
};

function decodesToJson(b64: unknown): string | undefined {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(String(b64)), (c) => c.charCodeAt(0)),
    );
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? undefined
      : "json: cannot unmarshal into Go value of type map[string]interface {}";
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function validateSecret(o: KubeObject, old: KubeObject | undefined): StatusCause[] {
  const data = obj(o.data) ?? {};
  const causes = keyCauses(data, "data");
  let size = 0;
  for (const v of Object.values(data)) size += decodedLength(v);
  if (size > MAX_DATA_BYTES) causes.push(tooLong("data", MAX_DATA_BYTES));
  const type = typeof o.type === "string" ? o.type : "Opaque";
  if (type === "kubernetes.io/service-account-token") {
    const name = obj(o.metadata?.annotations)?.["kubernetes.io/service-account.name"];
    if (typeof name !== "string" || name === "") {
      causes.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
    }
  }
  const groups = SECRET_TYPE_KEYS[type] ?? [];
  for (const group of groups) {
    if (!group.some((k) => Object.hasOwn(data, k))) {
      for (const k of group) causes.push(required(`data[${k}]`));
    }
  }
  const jsonKey = DOCKER_JSON_KEYS[type];
  if (jsonKey && Object.hasOwn(data, jsonKey)) {
    const why = decodesToJson(data[jsonKey]);
    if (why) causes.push(invalid(`data[${jsonKey}]`, "<secret contents redacted>", why));
  }
  if (old) {
    const oldType = typeof old.type === "string" ? old.type : "Opaque";
    if (type !== oldType) causes.push(invalid("type", type, "field is immutable"));
    causes.push(...immutableCauses(o, old, ["data"]));
  }
  return causes;
}
