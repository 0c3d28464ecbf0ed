import assert from "node:assert/strict";
import { eventually, startTestApi } from "../testing_helper.ts";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

Deno.test("every namespace gets the default ServiceAccount and the root CA ConfigMap, and keeps them", async () => {
  const t = await startTestApi({ caPem: CA });
  try {
    // The default namespaces have them from the first start.
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      await eventually(
        async () =>
          (await t.get(`/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200,
        `default SA in ${ns}`,
      );
    }
    assert.equal((await t.post("/api/v1/namespaces", { metadata: { name: "team" } })).status, 201);
    const sa = await eventually(async () => {
      const r = await t.get("/api/v1/namespaces/team/serviceaccounts/default");
      return r.status === 200 && r.body;
    }, "the default ServiceAccount");
    assert.equal((sa as { metadata: { namespace: string } }).metadata.namespace, "team");
    const cm = await eventually(async () => {
      const r = await t.get("/api/v1/namespaces/team/configmaps/kube-root-ca.crt");
      return r.status === 200 && r.body;
    }, "the root CA ConfigMap");
    assert.deepEqual((cm as { data: Record<string, string> }).data, { "ca.crt": CA });

    // Deleted, they come back; other objects come and go without effect.
    assert.equal((await t.delete("/api/v1/namespaces/team/serviceaccounts/default")).status, 200);
    assert.equal(
      (await t.delete("/api/v1/namespaces/team/configmaps/kube-root-ca.crt")).status,
      200,
    );
    await eventually(
      async () => (await t.get("/api/v1/namespaces/team/serviceaccounts/default")).status === 200,
      "the ServiceAccount again",
    );
    await eventually(
      async () =>
        (await t.get("/api/v1/namespaces/team/configmaps/kube-root-ca.crt")).status === 200,
      "the ConfigMap again",
    );
  } finally {
    await t.stop();
  }
});
