/**
 * Upstream's rules for PersistentVolumes and PersistentVolumeClaims that the schema cannot
 * state, which the provisioner and binder of later issues rely on: a claim asks for at least one
 * access mode and a positive amount of storage; a volume has access modes, a storage capacity
 * (and only that) and exactly one volume source; a VolumeAttributesClass names its CSI driver
 * and a CSIStorageCapacity its StorageClass. Messages as upstream's validation.
 */
import { isDns1123Subdomain } from "../../api/names.ts";
import { nanos } from "../../api/quantity.ts";
import {
  fieldError,
  invalid,
  notSupported,
  required,
  tooLong,
} from "../../api/schema/field_errors.ts";
import type { StatusCause } from "../../api/status.ts";
import type { KubeObject } from "../registry/types.ts";
import { obj } from "./shape.ts";

const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

/** The sources a PersistentVolume may be backed by (PersistentVolumeSource's fields). */
const VOLUME_SOURCES = [
  "awsElasticBlockStore",
  "azureDisk",
  "azureFile",
  "cephfs",
  "cinder",
  "csi",
  "fc",
  "flexVolume",
  "flocker",
  "gcePersistentDisk",
  "glusterfs",
  "hostPath",
  "iscsi",
  "local",
  "nfs",
  "photonPersistentDisk",
  "portworxVolume",
  "quobyte",
  "rbd",
  "scaleIO",
  "storageos",
  "vsphereVolume",
];

function accessModeCauses(modes: unknown, at: string, requiredDetail: string): StatusCause[] {
  const list = Array.isArray(modes) ? modes : [];
  if (!list.length) return [required(at, requiredDetail)];
  const causes: StatusCause[] = [];
  for (const m of list) {
    if (!ACCESS_MODES.includes(String(m))) causes.push(notSupported(at, m, ACCESS_MODES));
  }
  if (list.includes("ReadWriteOncePod") && list.length > 1) {
    causes.push(
      fieldError(
        "FieldValueForbidden",
        at,
        "",
        "may not use ReadWriteOncePod with other access modes",
      ),
    );
  }
  return causes;
}

function positive(q: unknown, at: string): StatusCause[] {
  const n = nanos(q);
  return n !== undefined && n <= 0n ? [invalid(at, String(q), "must be greater than zero")] : [];
}

export function validateClaim(pvc: KubeObject): StatusCause[] {
  const spec = obj(pvc.spec) ?? {};
  const causes = accessModeCauses(
    spec.accessModes,
    "spec.accessModes",
    "at least 1 access mode is required",
  );
  const storage = obj(obj(spec.resources)?.requests)?.storage;
  if (storage === undefined) causes.push(required("spec.resources[storage]"));
  else causes.push(...positive(storage, "spec.resources[storage]"));
  return causes;
}

export function validateVolume(pv: KubeObject): StatusCause[] {
  const spec = obj(pv.spec) ?? {};
  const causes = accessModeCauses(spec.accessModes, "spec.accessModes", "");
  const capacity = obj(spec.capacity) ?? {};
  const keys = Object.keys(capacity);
  if (!keys.length) causes.push(required("spec.capacity"));
  if (!keys.includes("storage") || keys.length > 1) {
    causes.push(notSupported("spec.capacity", capacity, ["storage"]));
  }
  for (const k of keys) causes.push(...positive(capacity[k], `spec.capacity[${k}]`));
  const sources = VOLUME_SOURCES.filter((s) => obj(spec[s]) !== undefined);
  if (sources.length === 0) causes.push(required("spec", "must specify a volume type"));
  else if (sources.length > 1) {
    causes.push(
      fieldError(
        "FieldValueForbidden",
        `spec.${sources[1]}`,
        "",
        "may not specify more than 1 volume type",
      ),
    );
  }
  return causes;
}

/** CSI driver names: at most 63 characters, a DNS subdomain ignoring case. */
const CSI_DRIVER_NAME_MAX = 63;

export function validateVolumeAttributesClass(vac: KubeObject): StatusCause[] {
  const driver = vac.driverName;
  if (typeof driver !== "string" || driver === "") return [required("driverName")];
  if (driver.length > CSI_DRIVER_NAME_MAX) return [tooLong("driverName", CSI_DRIVER_NAME_MAX)];
  return isDns1123Subdomain(driver.toLowerCase()).map((msg) => invalid("driverName", driver, msg));
}

export function validateStorageCapacity(capacity: KubeObject): StatusCause[] {
  const name = capacity.storageClassName;
  if (typeof name !== "string" || name === "") return [required("storageClassName")];
  return isDns1123Subdomain(name).map((msg) => invalid("storageClassName", name, msg));
}
