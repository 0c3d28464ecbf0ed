import assert from "node:assert/strict";
import {
  byteLength,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedName,
  type NameRule,
  validateLabelSelector,
  validateName,
  validateObjectMeta,
} from "./names.ts";

const SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_ERR =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

Deno.test("validateName: table of names and rules", () => {
  const cases: [string, NameRule, string[]][] = [
    ["web", "subdomain", []],
    ["web.example.com", "subdomain", []],
    ["Web", "subdomain", [SUBDOMAIN_ERR]],
    ["-web", "subdomain", [SUBDOMAIN_ERR]],
    ["a".repeat(254), "subdomain", ["must be no more than 253 characters"]],
    ["web-1", "label", []],
    ["web.1", "label", ["must not contain dots"]],
    ["Web", "label", [LABEL_ERR]],
    ["a".repeat(64), "label", ["must be no more than 63 characters"]],
    ["web", "dns1035", []],
    ["1web", "dns1035", [DNS1035_ERR]],
    ["Anything goes:here", "pathSegment", []],
    [".", "pathSegment", ["may not be '.'"]],
    ["..", "pathSegment", ["may not be '..'"]],
    ["a/b%c", "pathSegment", ["may not contain '/'", "may not contain '%'"]],
  ];
  for (const [name, rule, want] of cases) {
    assert.deepEqual(validateName(name, rule), want, `${rule} ${name}`);
  }
});

Deno.test("validateName: generateName prefixes may end with a dash", () => {
  assert.deepEqual(validateName("web-", "subdomain", true), []);
  assert.deepEqual(validateName("web-", "label", true), []);
  assert.deepEqual(validateName("web-", "subdomain"), [SUBDOMAIN_ERR]);
});

Deno.test("isQualifiedName: prefixes, name parts and the three-part form", () => {
  assert.deepEqual(isQualifiedName("app"), []);
  assert.deepEqual(isQualifiedName("example.com/My_Name.1"), []);
  assert.deepEqual(isQualifiedName("/app"), ["prefix part must be non-empty"]);
  assert.deepEqual(isQualifiedName("example.com/"), [
    "name part must be non-empty",
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  ]);
  assert.deepEqual(isQualifiedName("Bad_Prefix/app"), [`prefix part ${SUBDOMAIN_ERR}`]);
  assert.equal(isQualifiedName("a".repeat(64))[0], "name part must be no more than 63 bytes");
  const three = isQualifiedName("a/b/c");
  assert.equal(three.length, 1);
  assert.match(
    three[0] ?? "",
    /^a valid label key must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/,
  );
});

Deno.test("isLabelValue, isDns* helpers", () => {
  assert.deepEqual(isLabelValue(""), []);
  assert.deepEqual(isLabelValue("v1.2_x-y"), []);
  assert.deepEqual(isLabelValue("-x"), [
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ]);
  assert.deepEqual(isLabelValue("a".repeat(64)), ["must be no more than 63 bytes"]);
  assert.deepEqual(isDns1123Subdomain("a.b"), []);
  assert.deepEqual(isDns1123Label("a-b"), []);
  assert.deepEqual(isDns1035Label("a-b"), []);
});

Deno.test("validateObjectMeta: golden causes", () => {
  const cases: {
    name: string;
    meta: unknown;
    namespaced: boolean;
    want: { type: string; field: string; message: string }[];
  }[] = [
    {
      name: "valid namespaced",
      meta: {
        name: "web",
        namespace: "default",
        labels: { app: "web" },
        finalizers: ["example.com/x"],
      },
      namespaced: true,
      want: [],
    },
    {
      name: "missing name and namespace",
      meta: {},
      namespaced: true,
      want: [
        {
          type: "FieldValueRequired",
          field: "metadata.name",
          message: "Required value: name or generateName is required",
        },
        { type: "FieldValueRequired", field: "metadata.namespace", message: "Required value" },
      ],
    },
    {
      name: "namespace on a cluster-scoped kind",
      meta: { name: "n1", namespace: "default" },
      namespaced: false,
      want: [{
        type: "FieldValueForbidden",
        field: "metadata.namespace",
        message: "Forbidden: not allowed on this type",
      }],
    },
    {
      name: "bad name",
      meta: { name: "Web", namespace: "default" },
      namespaced: true,
      want: [{
        type: "FieldValueInvalid",
        field: "metadata.name",
        message: `Invalid value: "Web": ${SUBDOMAIN_ERR}`,
      }],
    },
    {
      name: "bad label value and key",
      meta: { name: "a", labels: { "a/b/c": "ok", k: "-bad" } },
      namespaced: false,
      want: [
        {
          type: "FieldValueInvalid",
          field: "metadata.labels",
          message:
            `Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        },
        {
          type: "FieldValueInvalid",
          field: "metadata.labels",
          message:
            `Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        },
      ],
    },
    {
      name: "annotations too large",
      meta: { name: "a", annotations: { big: "x".repeat(256 * 1024) } },
      namespaced: false,
      want: [{
        type: "FieldValueTooLong",
        field: "metadata.annotations",
        message: "Too long: may not be more than 262144 bytes",
      }],
    },
    {
      name: "finalizers",
      meta: { name: "a", finalizers: ["orphan", "foregroundDeletion", "a/b/c"] },
      namespaced: false,
      want: [
        {
          type: "FieldValueInvalid",
          field: "metadata.finalizers",
          message:
            `Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        },
        {
          type: "FieldValueInvalid",
          field: "metadata.finalizers",
          message:
            `Invalid value: ["orphan","foregroundDeletion","a/b/c"]: finalizer orphan and foregroundDeletion cannot be both set`,
        },
      ],
    },
    {
      name: "owner references",
      meta: {
        name: "a",
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "1", controller: true },
          { apiVersion: "a/b/c", kind: "", name: "x", uid: "2", controller: true },
        ],
      },
      namespaced: false,
      want: [
        {
          type: "FieldValueInvalid",
          field: "metadata.ownerReferences[1].apiVersion",
          message: `Invalid value: "a/b/c": must be <group>/<version> or <version>`,
        },
        {
          type: "FieldValueRequired",
          field: "metadata.ownerReferences[1].kind",
          message: "Required value: must not be empty",
        },
        {
          type: "FieldValueInvalid",
          field: "metadata.ownerReferences",
          message:
            `Invalid value: [{"apiVersion":"apps/v1","controller":true,"kind":"ReplicaSet","name":"rs","uid":"1"},{"apiVersion":"a/b/c","controller":true,"kind":"","name":"x","uid":"2"}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and /x`,
        },
      ],
    },
  ];
  for (const c of cases) {
    const got = validateObjectMeta(c.meta, { namespaced: c.namespaced, nameRule: "subdomain" });
    assert.deepEqual(got, c.want, c.name);
  }
});

Deno.test("validateObjectMeta: generateName alone is enough; bad generateName reported", () => {
  assert.deepEqual(
    validateObjectMeta({ generateName: "web-", namespace: "ns" }, {
      namespaced: true,
      nameRule: "subdomain",
    }).map((c) => c.field),
    ["metadata.name"],
  );
  const causes = validateObjectMeta({ name: "x", generateName: "Web-" }, {
    namespaced: false,
    nameRule: "label",
  });
  assert.equal(causes.length, 1);
  assert.equal(causes[0]?.field, "metadata.generateName");
});

Deno.test("byteLength counts UTF-8 bytes as TextEncoder does", () => {
  const samples = [
    "",
    "abc",
    "é",
    "€",
    "日本",
    "😀",
    "a😀b",
    "\ud83d",
    "\ude00x",
    "x\ud83d",
    "\u007f\u0080\u07ff\u0800",
  ];
  for (const s of samples) {
    assert.equal(byteLength(s), new TextEncoder().encode(s).length, JSON.stringify(s));
  }
});

Deno.test("label selectors: label keys and values, known operators, values as the operator wants", () => {
  assert.deepEqual(
    validateLabelSelector({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["a"] },
        { key: "x", operator: "DoesNotExist" },
      ],
    }, "spec.selector"),
    [],
  );
  const causes = validateLabelSelector({
    matchLabels: { "bad key!": "v" },
    matchExpressions: [
      { key: "a", operator: "Bogus" },
      { key: "a", operator: "NotIn", values: [] },
      { key: "a", operator: "Exists", values: ["x"] },
      { key: "bad key!", operator: "Exists" },
    ],
  }, "spec.selector");
  assert.deepEqual(
    causes.map((c) => `${c.field}: ${c.message?.split(":").slice(0, 2).join(":")}`),
    [
      'spec.selector.matchLabels: Invalid value: "bad key!"',
      'spec.selector.matchExpressions[0].operator: Invalid value: "Bogus"',
      "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[2].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[3].key: Invalid value: "bad key!"',
    ],
  );
});
