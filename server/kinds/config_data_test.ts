import assert from "node:assert/strict";
import {
  configKeyErrors,
  MAX_DATA_BYTES,
  validateConfigMap,
  validateSecret,
} from "./config_data.ts";
import type { KubeObject } from "../registry/types.ts";

const cm = (o: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c" },
  ...o,
});
const secret = (o: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "s" },
  ...o,
});
const fields = (causes: { field?: string; message?: string }[]) =>
  causes.map((c) => `${c.field}: ${c.message}`);

Deno.test("config keys: alphanumerics, '-', '_', '.'; never '.', '..' or a '..' prefix", () => {
  for (const ok of ["a", "key.name", "KEY_NAME", "key-name", ".hidden", "a..b"]) {
    assert.deepEqual(configKeyErrors(ok), [], ok);
  }
  assert.deepEqual(configKeyErrors(".."), ["must not be '..'"]);
  assert.deepEqual(configKeyErrors("."), ["must not be '.'"]);
  assert.deepEqual(configKeyErrors("..data"), ["must not start with '..'"]);
  const traversal = configKeyErrors("../etc/passwd");
  assert.equal(traversal.length, 2);
  assert.match(
    traversal[0]!,
    /^a valid config key must consist of alphanumeric characters, '-', '_' or '\.' \(e\.g\. 'key\.name', {2}or 'KEY_NAME', {2}or 'key-name', regex used/,
  );
  assert.deepEqual(configKeyErrors("x".repeat(254)), ["must be no more than 253 characters"]);
});

Deno.test("ConfigMaps: valid keys, one bag per key, 1 MiB at most, immutable stays so", () => {
  assert.deepEqual(
    validateConfigMap(cm({ data: { a: "1" }, binaryData: { b: "eA==" } }), undefined),
    [],
  );
  assert.deepEqual(fields(validateConfigMap(cm({ data: { "a/b": "1" } }), undefined)).length, 1);
  assert.deepEqual(
    fields(validateConfigMap(cm({ data: { a: "1" }, binaryData: { a: "eA==" } }), undefined)),
    [
      'data[a]: Invalid value: "a": duplicate of key present in binaryData',
    ],
  );
  assert.deepEqual(
    fields(validateConfigMap(cm({ data: { a: "x".repeat(MAX_DATA_BYTES + 1) } }), undefined)),
    [
      ": Too long: may not be more than 1048576 bytes",
    ],
  );
  // Multi-byte text is counted in bytes.
  assert.equal(
    validateConfigMap(cm({ data: { a: "é".repeat(MAX_DATA_BYTES / 2 + 1) } }), undefined).length,
    1,
  );
  assert.equal(
    validateConfigMap(cm({ data: { a: "é".repeat(MAX_DATA_BYTES / 2) } }), undefined).length,
    0,
  );

  const frozen = cm({ data: { a: "1" }, immutable: true });
  assert.deepEqual(
    validateConfigMap(
      cm({ data: { a: "1" }, immutable: true, metadata: { name: "c", labels: { x: "y" } } }),
      frozen,
    ),
    [],
  );
  assert.deepEqual(fields(validateConfigMap(cm({ data: { a: "2" }, immutable: true }), frozen)), [
    "data: Forbidden: field is immutable when `immutable` is set",
  ]);
  assert.deepEqual(fields(validateConfigMap(cm({ data: { a: "1" } }), frozen)), [
    "immutable: Forbidden: field is immutable when `immutable` is set",
  ]);
});

Deno.test("Secrets: valid keys, the keys their type needs, a type that never changes", () => {
  assert.deepEqual(validateSecret(secret({ data: { a: "eA==" } }), undefined), []);
  assert.equal(validateSecret(secret({ data: { "../x": "eA==" } }), undefined).length, 2);
  assert.deepEqual(
    fields(
      validateSecret(secret({ type: "kubernetes.io/tls", data: { "tls.crt": "eA==" } }), undefined),
    ),
    [
      "data[tls.key]: Required value",
    ],
  );
  assert.deepEqual(
    fields(validateSecret(secret({ type: "kubernetes.io/basic-auth", data: {} }), undefined)),
    [
      "data[username]: Required value",
      "data[password]: Required value",
    ],
  );
  assert.deepEqual(
    validateSecret(secret({ type: "kubernetes.io/basic-auth", data: { password: "" } }), undefined),
    [],
  );
  assert.deepEqual(
    fields(
      validateSecret(
        secret({
          type: "kubernetes.io/dockerconfigjson",
          data: { ".dockerconfigjson": btoa("nope") },
        }),
        undefined,
      ),
    ).length,
    1,
  );
  assert.deepEqual(
    validateSecret(
      secret({
        type: "kubernetes.io/dockerconfigjson",
        data: { ".dockerconfigjson": btoa('{"auths":{}}') },
      }),
      undefined,
    ),
    [],
  );
  assert.deepEqual(
    fields(validateSecret(secret({ type: "kubernetes.io/service-account-token" }), undefined)),
    [
      "metadata.annotations[kubernetes.io/service-account.name]: Required value",
    ],
  );
  assert.deepEqual(fields(validateSecret(secret({ type: "x/other" }), secret({}))), [
    'type: Invalid value: "x/other": field is immutable',
  ]);
});
