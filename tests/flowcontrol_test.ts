/**
 * API Priority and Fairness objects (flowcontrol.apiserver.k8s.io/v1), through the steps of
 * upstream's conformance tests "should support FlowSchema API operations" and "...
 * PriorityLevelConfiguration API operations": discovery, create, get, list, watch, patch,
 * update, /status get, patch and update, delete and deletecollection. And what kubectl shows.
 */
import assert from "node:assert/strict";
import { type ServerProcess, startServer } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

const GROUP = "flowcontrol.apiserver.k8s.io";
const BASE = `/apis/${GROUP}/v1`;

async function call(s: ServerProcess, path: string, init: RequestInit = {}): Promise<Obj> {
  const res = await s.api(path, init);
  const body = await res.json();
  assert.ok(res.ok, `${init.method ?? "GET"} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const send = (method: string, body: unknown, type = "application/json"): RequestInit => ({
  method,
  headers: { "content-type": type },
  body: JSON.stringify(body),
});

/** Reads watch events until one passes `done`; fails after 10 s. */
async function watchUntil(
  s: ServerProcess,
  path: string,
  done: (event: Obj) => boolean,
): Promise<Obj[]> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 10_000);
  const res = await s.api(path, { signal: ctl.signal });
  const seen: Obj[] = [];
  let buf = "";
  try {
    for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const event = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        seen.push(event);
        if (done(event)) return seen;
      }
    }
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
  throw new Error(`watch ended before the awaited event: ${JSON.stringify(seen)}`);
}

const KINDS = [
  {
    resource: "flowschemas",
    kind: "FlowSchema",
    spec: {
      matchingPrecedence: 10000,
      priorityLevelConfiguration: { name: "global-default" },
      distinguisherMethod: { type: "ByUser" },
      rules: [{
        subjects: [{ kind: "User", user: { name: "example-e2e-non-existent-user" } }],
        nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
      }],
    },
    patch: { spec: { matchingPrecedence: 9999 } },
    patched: (o: Obj) => o.spec.matchingPrecedence === 9999,
    update: (o: Obj) => void (o.spec.matchingPrecedence = 9000),
    updated: (o: Obj) => o.spec.matchingPrecedence === 9000,
  },
  {
    resource: "prioritylevelconfigurations",
    kind: "PriorityLevelConfiguration",
    spec: {
      type: "Limited",
      limited: { nominalConcurrencyShares: 2, limitResponse: { type: "Reject" } },
    },
    patch: { spec: { limited: { nominalConcurrencyShares: 4 } } },
    patched: (o: Obj) => o.spec.limited.nominalConcurrencyShares === 4,
    update: (o: Obj) => void (o.spec.limited.nominalConcurrencyShares = 6),
    updated: (o: Obj) => o.spec.limited.nominalConcurrencyShares === 6,
  },
];

Deno.test("API Priority and Fairness objects: upstream's conformance steps, defaults and kubectl", async (t) => {
  const s = await startServer();
  try {
    await t.step("discovery lists the group, its version and both kinds with /status", async () => {
      const groups = await call(s, "/apis");
      const g = groups.groups.find((x: Obj) => x.name === GROUP);
      assert.ok(g?.versions.some((v: Obj) => v.version === "v1"));
      const group = await call(s, `/apis/${GROUP}`);
      assert.ok(group.versions.some((v: Obj) => v.version === "v1"));
      const names = (await call(s, BASE)).resources.map((r: Obj) => r.name);
      for (const r of KINDS) {
        assert.ok(names.includes(r.resource) && names.includes(`${r.resource}/status`));
      }
    });

    for (const k of KINDS) {
      await t.step(
        `${k.kind}: create, get, list, watch, patch, update, status, delete`,
        async () => {
          const label = `e2e-label=${crypto.randomUUID().slice(0, 8)}`;
          const [key, value] = label.split("=") as [string, string];
          const template = {
            apiVersion: `${GROUP}/v1`,
            kind: k.kind,
            metadata: { generateName: `e2e-example-`, labels: { [key]: value } },
            spec: k.spec,
          };
          const path = `${BASE}/${k.resource}`;
          await call(s, path, send("POST", template));
          await call(s, path, send("POST", template));
          const created = await call(s, path, send("POST", template));
          const read = await call(s, `${path}/${created.metadata.name}`);
          assert.equal(read.metadata.uid, created.metadata.uid);
          const list = await call(s, `${path}?labelSelector=${label}`);
          assert.equal(list.items.length, 3);

          const watching = watchUntil(
            s,
            `${path}?watch=1&resourceVersion=${list.metadata.resourceVersion}&labelSelector=${label}`,
            (e) => e.object?.metadata?.annotations?.patched === "true",
          );
          const patched = await call(
            s,
            `${path}/${created.metadata.name}`,
            send(
              "PATCH",
              { metadata: { annotations: { patched: "true" } }, ...k.patch },
              "application/merge-patch+json",
            ),
          );
          assert.ok(k.patched(patched));
          assert.ok(
            BigInt(patched.metadata.resourceVersion) > BigInt(created.metadata.resourceVersion),
          );
          const current = await call(s, `${path}/${created.metadata.name}`);
          current.metadata.annotations.updated = "true";
          k.update(current);
          const updated = await call(s, `${path}/${created.metadata.name}`, send("PUT", current));
          assert.ok(k.updated(updated));
          const events = await watching;
          assert.ok(
            events.every((e) => e.type === "MODIFIED"),
            JSON.stringify(events.map((e) => e.type)),
          );

          const status = await call(s, `${path}/${created.metadata.name}/status`);
          assert.equal(status.kind, k.kind);
          assert.equal(status.metadata.uid, created.metadata.uid);
          const statusPatched = await call(
            s,
            `${path}/${created.metadata.name}/status`,
            send(
              "PATCH",
              {
                status: {
                  conditions: [{ type: "PatchStatusFailed", status: "False", reason: "e2e" }],
                },
              },
              "application/merge-patch+json",
            ),
          );
          assert.ok(
            statusPatched.status.conditions.some((c: Obj) => c.type === "PatchStatusFailed"),
          );
          const again = await call(s, `${path}/${created.metadata.name}`);
          again.status.conditions.push({
            type: "StatusUpdateFailed",
            status: "False",
            reason: "E2E",
            message: "Set from an e2e test",
          });
          const statusUpdated = await call(
            s,
            `${path}/${created.metadata.name}/status`,
            send("PUT", again),
          );
          assert.ok(
            statusUpdated.status.conditions.some((c: Obj) => c.type === "StatusUpdateFailed"),
          );

          await call(s, `${path}/${created.metadata.name}`, { method: "DELETE" });
          assert.equal((await s.api(`${path}/${created.metadata.name}`)).status, 404);
          assert.equal((await call(s, `${path}?labelSelector=${label}`)).items.length, 2);
          await call(s, `${path}?labelSelector=${label}`, { method: "DELETE" });
          assert.equal((await call(s, `${path}?labelSelector=${label}`)).items.length, 0);
        },
      );
    }

    await t.step(
      "the mandatory configuration exists, fixed; defaults and rules as upstream's",
      async () => {
        const table = await s.k("get", "flowschemas,prioritylevelconfigurations");
        assert.match(
          table,
          /flowschema\.flowcontrol\.apiserver\.k8s\.io\/exempt\s+exempt\s+1\s+<none>/,
        );
        assert.match(
          table,
          /flowschema\.flowcontrol\.apiserver\.k8s\.io\/catch-all\s+catch-all\s+10000\s+ByUser/,
        );
        assert.match(
          table,
          /prioritylevelconfiguration\.flowcontrol\.apiserver\.k8s\.io\/catch-all\s+Limited\s+5/,
        );
        const fixed = await s.kubectl([
          "patch",
          "flowschema",
          "exempt",
          "--type=merge",
          "-p",
          '{"spec":{"matchingPrecedence":5}}',
        ]);
        assert.match(fixed.stderr, /spec of 'exempt' must equal the fixed value/);
        const queued = await call(
          s,
          `${BASE}/prioritylevelconfigurations`,
          send("POST", {
            apiVersion: `${GROUP}/v1`,
            kind: "PriorityLevelConfiguration",
            metadata: { name: "queued" },
            spec: { type: "Limited", limited: { limitResponse: { type: "Queue", queuing: {} } } },
          }),
        );
        assert.deepEqual(queued.spec.limited, {
          nominalConcurrencyShares: 30,
          lendablePercent: 0,
          limitResponse: {
            type: "Queue",
            queuing: { queues: 64, handSize: 8, queueLengthLimit: 50 },
          },
        });
        const bad = await s.api(
          `${BASE}/flowschemas`,
          send("POST", {
            apiVersion: `${GROUP}/v1`,
            kind: "FlowSchema",
            metadata: { name: "bad" },
            spec: {
              matchingPrecedence: 1,
              priorityLevelConfiguration: { name: "" },
              rules: [{ subjects: [] }],
            },
          }),
        );
        assert.equal(bad.status, 422);
        const causes = (await bad.json()).details.causes.map((c: Obj) =>
          `${c.field}: ${c.message}`
        );
        assert.deepEqual(causes, [
          "spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1",
          "spec.priorityLevelConfiguration.name: Required value: must reference a priority level",
          "spec.rules[0].subjects: Required value: subjects must contain at least one value",
          "spec.rules[0]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty",
        ]);
        // A rule's lists: `*` stands alone, verbs are the API's, namespaces DNS labels, URLs paths.
        const rules = await s.api(
          `${BASE}/flowschemas`,
          send("POST", {
            apiVersion: `${GROUP}/v1`,
            kind: "FlowSchema",
            metadata: { name: "rules" },
            spec: {
              priorityLevelConfiguration: { name: "catch-all" },
              rules: [{
                subjects: [
                  { kind: "ServiceAccount", serviceAccount: { name: "Robot!", namespace: "ns" } },
                  { kind: "Robot" },
                  { kind: "User", user: { name: "u" }, group: { name: "g" } },
                ],
                resourceRules: [
                  { verbs: ["*", "get"], apiGroups: ["*", "apps"], resources: ["*", "pods"] },
                  {
                    verbs: ["fly"],
                    apiGroups: [""],
                    resources: ["pods"],
                    namespaces: ["Not_A_Label"],
                  },
                ],
                nonResourceRules: [
                  { verbs: ["get"], nonResourceURLs: ["*", "/healthz"] },
                  { verbs: ["get"], nonResourceURLs: ["healthz", "/a//b", "/x*"] },
                ],
              }],
            },
          }),
        );
        assert.equal(rules.status, 422);
        const label = "must consist of lower case alphanumeric characters";
        assert.deepEqual(
          (await rules.json()).details.causes.map((c: Obj) =>
            `${c.field}: ${c.message.replace(new RegExp(`${label}.*`), label)}`
          ),
          [
            `spec.rules[0].subjects[0].serviceAccount.name: Invalid value: "Robot!": a lowercase RFC 1123 subdomain ${label}`,
            'spec.rules[0].subjects[1].kind: Unsupported value: "Robot": supported values: "Group", "ServiceAccount", "User"',
            "spec.rules[0].subjects[2].group: Forbidden: group is forbidden when subject kind is not 'Group'",
            `spec.rules[0].resourceRules[0].verbs: Invalid value: ["*","get"]: if '*' is present, must not specify other verbs`,
            `spec.rules[0].resourceRules[0].apiGroups: Invalid value: ["*","apps"]: if '*' is present, must not specify other api groups`,
            `spec.rules[0].resourceRules[0].resources: Invalid value: ["*","pods"]: if '*' is present, must not specify other resources`,
            "spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace",
            'spec.rules[0].resourceRules[1].verbs: Unsupported value: ["fly"]: supported values: "create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch"',
            `spec.rules[0].resourceRules[1].namespaces[0]: Invalid value: "Not_A_Label": each member of this list must be '*' or a DNS-1123 label; a lowercase RFC 1123 label ${label}`,
            `spec.rules[0].nonResourceRules[0].nonResourceURLs: Invalid value: ["*","/healthz"]: if '*' is present, must not specify other non-resource URLs`,
            'spec.rules[0].nonResourceRules[1].nonResourceURLs[0]: Invalid value: "healthz": must start with slash',
            'spec.rules[0].nonResourceRules[1].nonResourceURLs[1]: Invalid value: "/a//b": must not contain double slash',
            'spec.rules[0].nonResourceRules[1].nonResourceURLs[2]: Invalid value: "/x*": wildcard can only do suffix matching',
          ],
        );
        const crowded = await s.api(
          `${BASE}/prioritylevelconfigurations`,
          send("POST", {
            apiVersion: `${GROUP}/v1`,
            kind: "PriorityLevelConfiguration",
            metadata: { name: "crowded" },
            spec: {
              type: "Limited",
              limited: {
                lendablePercent: 101,
                limitResponse: {
                  type: "Queue",
                  queuing: { queues: 1_000_000, handSize: 8, queueLengthLimit: 50 },
                },
              },
            },
          }),
        );
        assert.equal(crowded.status, 422);
        assert.deepEqual(
          (await crowded.json()).details.causes.map((c: Obj) => `${c.field}: ${c.message}`),
          [
            "spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive",
            "spec.limited.limitResponse.queuing.handSize: Invalid value: 8: required entropy bits of deckSize 1000000 and handSize 8 should not be greater than 60",
          ],
        );
      },
    );
  } finally {
    await s.stop();
  }
});
