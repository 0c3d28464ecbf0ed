/**
 * APIServices through kubectl: the built-in group versions are Local and available, as on any
 * cluster; metrics-server's (which k3s ships) is stored with a warning and reported not
 * available, and its group stays out of discovery, so kubectl keeps working.
 */
import assert from "node:assert/strict";
import { startServer } from "./harness.ts";

const METRICS = `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io, labels: {k8s-app: metrics-server}}
spec:
  service: {name: metrics-server, namespace: kube-system}
  group: metrics.k8s.io
  version: v1beta1
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
`;

Deno.test("APIServices: built-in ones Local, an aggregated one stored but not served", async () => {
  const s = await startServer();
  try {
    const table = await s.k("get", "apiservices");
    assert.match(table, /^v1\.\s+Local\s+True/m);
    assert.match(table, /^v1\.apps\s+Local\s+True/m);
    assert.match(table, /^v2\.autoscaling\s+Local\s+True/m);
    const created = await s.kubectl(["apply", "-f", "-"], { stdin: METRICS });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /kno does not proxy aggregated APIs yet/);
    const metrics = JSON.parse(
      await s.k("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "json"),
    );
    assert.equal(metrics.spec.service.port, 443, "upstream's default port");
    assert.equal(metrics.status.conditions[0].status, "False");
    assert.match(
      await s.k("get", "apiservice", "v1beta1.metrics.k8s.io"),
      /kube-system\/metrics-server\s+False \(NotProxied\)/,
    );
    const groups = JSON.parse(await s.k("get", "--raw", "/apis")).groups.map((
      g: { name: string },
    ) => g.name);
    assert.ok(!groups.includes("metrics.k8s.io"), "not served, so not discovered");
    assert.equal((await s.kubectl(["api-resources"])).code, 0);
    const bad = await s.kubectl(["apply", "-f", "-"], {
      stdin: METRICS.replace("name: v1beta1.metrics.k8s.io,", "name: wrong,").replace(
        "versionPriority: 100",
        "versionPriority: 5000",
      ),
    });
    assert.match(
      bad.stderr,
      /metadata.name: Invalid value: "wrong": must be `spec.version\+"."\+spec.group`: "v1beta1.metrics.k8s.io"/,
    );
    assert.match(
      bad.stderr,
      /spec.versionPriority: Invalid value: 5000: must be positive and less than 1000/,
    );
  } finally {
    await s.stop();
  }
});
