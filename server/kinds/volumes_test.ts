import assert from "node:assert/strict";
import {
  validateClaim,
  validateStorageCapacity,
  validateVolume,
  validateVolumeAttributesClass,
} from "./volumes.ts";
import type { KubeObject } from "../registry/types.ts";

const fields = (causes: { field?: string; message?: string }[]) =>
  causes.map((c) => `${c.field}: ${c.message}`);
const claim = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: "c" }, spec });
const volume = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: "v" }, spec });

Deno.test("claims: at least one access mode and a positive storage request", () => {
  const ok = { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } };
  assert.deepEqual(validateClaim(claim(ok)), []);
  assert.deepEqual(fields(validateClaim(claim({}))), [
    "spec.accessModes: Required value: at least 1 access mode is required",
    "spec.resources[storage]: Required value",
  ]);
  assert.deepEqual(
    fields(validateClaim(claim({ ...ok, resources: { requests: { storage: "0" } } }))),
    [
      'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ],
  );
  assert.deepEqual(
    fields(validateClaim(claim({ ...ok, accessModes: ["ReadWriteOncePod", "ReadOnlyMany"] }))),
    [
      "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
    ],
  );
  assert.match(
    fields(validateClaim(claim({ ...ok, accessModes: ["Sometimes"] })))[0]!,
    /Unsupported value: "Sometimes"/,
  );
});

Deno.test("volumes: access modes, a storage capacity and exactly one source", () => {
  const ok = {
    accessModes: ["ReadWriteOnce"],
    capacity: { storage: "5Gi" },
    hostPath: { path: "/data" },
  };
  assert.deepEqual(validateVolume(volume(ok)), []);
  assert.deepEqual(fields(validateVolume(volume({}))), [
    "spec.accessModes: Required value",
    "spec.capacity: Required value",
    'spec.capacity: Unsupported value: {}: supported values: "storage"',
    "spec: Required value: must specify a volume type",
  ]);
  assert.deepEqual(fields(validateVolume(volume({ ...ok, nfs: { server: "s", path: "/" } }))), [
    "spec.nfs: Forbidden: may not specify more than 1 volume type",
  ]);
});

Deno.test("volume attributes classes name a CSI driver; storage capacities a StorageClass", () => {
  const vac = (driverName?: string): KubeObject => ({ metadata: { name: "fast" }, driverName });
  assert.deepEqual(validateVolumeAttributesClass(vac("csi.Example.com")), []);
  assert.deepEqual(fields(validateVolumeAttributesClass(vac())), ["driverName: Required value"]);
  assert.match(
    fields(validateVolumeAttributesClass(vac("bad driver")))[0]!,
    /^driverName: Invalid/,
  );
  assert.match(
    fields(validateVolumeAttributesClass(vac("d".repeat(64))))[0]!,
    /^driverName: Too long/,
  );
  const cap = (storageClassName?: string): KubeObject => ({
    metadata: { name: "c" },
    storageClassName,
  });
  assert.deepEqual(validateStorageCapacity(cap("local-path")), []);
  assert.deepEqual(fields(validateStorageCapacity(cap())), ["storageClassName: Required value"]);
  assert.match(
    fields(validateStorageCapacity(cap("Local_Path")))[0]!,
    /^storageClassName: Invalid/,
  );
});
