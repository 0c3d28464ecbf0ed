import assert from "node:assert/strict";
import { type Json, startTestApi } from "../testing_helper.ts";

const SVCS = "/api/v1/namespaces/default/services";

const service = (name: string, spec: Json) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});
const specOf = (o: Json) => o.spec as Json;
const portsOf = (o: Json) => specOf(o).ports as Json[];
const messages = (o: Json) =>
  (((o.details as Json | undefined)?.causes ?? []) as Json[]).map((c) =>
    `${c.field}: ${c.message}`
  );

Deno.test("node ports: one Service each, in 30000-32767, given back on delete", async () => {
  const t = await startTestApi();
  try {
    const a = await t.post(
      SVCS,
      service("a", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
    );
    assert.equal(a.status, 201, a.text);
    assert.equal(portsOf(a.body)[0]!.nodePort, 30080);
    assert.equal(specOf(a.body).externalTrafficPolicy, "Cluster");

    const clash = await t.post(
      SVCS,
      service("b", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
    );
    assert.equal(clash.status, 422, clash.text);
    assert.deepEqual(messages(clash.body), [
      "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated",
    ]);
    const far = await t.post(
      SVCS,
      service("c", { type: "NodePort", ports: [{ port: 80, nodePort: 99999 }] }),
    );
    assert.deepEqual(messages(far.body), [
      "spec.ports[0].nodePort: Invalid value: 99999: provided port is not in the valid range. The range of valid ports is 30000-32767",
    ]);
    // A dry run takes nothing.
    const dry = await t.post(
      `${SVCS}?dryRun=All`,
      service("d", { type: "NodePort", ports: [{ port: 80, nodePort: 30090 }] }),
    );
    assert.equal(dry.status, 201, dry.text);
    const picked = await t.post(SVCS, service("e", { type: "NodePort" }));
    assert.equal(picked.status, 201, picked.text);
    const port = Number(portsOf(picked.body)[0]!.nodePort);
    assert.ok(port >= 30000 + 86 && port <= 32767, `dynamic ports avoid the static band: ${port}`);
    assert.equal(
      (await t.post(
        SVCS,
        service("f", { type: "NodePort", ports: [{ port: 80, nodePort: 30090 }] }),
      )).status,
      201,
    );

    // Held across a restart (rebuilt from the stored Services), given back on delete.
    await t.restart();
    const stillHeld = await t.post(
      SVCS,
      service("g", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
    );
    assert.equal(stillHeld.status, 422, stillHeld.text);
    assert.equal((await t.delete(`${SVCS}/a`)).status, 200);
    const reused = await t.post(
      SVCS,
      service("g", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
    );
    assert.equal(reused.status, 201, reused.text);
  } finally {
    await t.stop();
  }
});

Deno.test("node ports follow the type: allocated on the way to NodePort, given back on the way out", async () => {
  const t = await startTestApi();
  try {
    assert.equal((await t.post(SVCS, service("web", {}))).status, 201);
    const up = await t.patch(`${SVCS}/web`, { spec: { type: "NodePort" } });
    assert.equal(up.status, 200, up.text);
    const port = portsOf(up.body)[0]!.nodePort as number;
    assert.ok(port >= 30000 && port <= 32767);
    // An update that leaves the node port out keeps it.
    const put = structuredClone(up.body);
    delete (portsOf(put)[0]!).nodePort;
    const kept = await t.put(`${SVCS}/web`, put);
    assert.equal(kept.status, 200, kept.text);
    assert.equal(portsOf(kept.body)[0]!.nodePort, port);

    const down = await t.patch(`${SVCS}/web`, { spec: { type: "ClusterIP" } });
    assert.equal(down.status, 200, down.text);
    assert.equal(portsOf(down.body)[0]!.nodePort, undefined);
    assert.equal(specOf(down.body).externalTrafficPolicy, undefined);
    const taker = await t.post(
      SVCS,
      service("taker", { type: "NodePort", ports: [{ port: 80, nodePort: port }] }),
    );
    assert.equal(taker.status, 201, `the port was given back: ${taker.text}`);

    const misplaced = await t.patch(`${SVCS}/web`, {
      spec: { ports: [{ port: 80, nodePort: 30123 }] },
    });
    assert.equal(misplaced.status, 422, misplaced.text);
    assert.deepEqual(messages(misplaced.body), [
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);

    // A failed update gives back what it took: 30201 was free, 30080 is not.
    assert.equal(
      (await t.post(
        SVCS,
        service("x", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
      )).status,
      201,
    );
    const failed = await t.patch(`${SVCS}/taker`, {
      spec: {
        ports: [{ name: "a", port: 80, nodePort: 30201 }, { name: "b", port: 81, nodePort: 30080 }],
      },
    });
    assert.equal(failed.status, 422, failed.text);
    assert.equal(
      (await t.post(
        SVCS,
        service("y", { type: "NodePort", ports: [{ port: 80, nodePort: 30201 }] }),
      )).status,
      201,
    );

    // So does one that fails later, in validation: 30202 was free and must be again.
    const invalidName = await t.patch(`${SVCS}/taker`, {
      spec: { ports: [{ name: "Bad_Name", port: 80, nodePort: 30202 }] },
    });
    assert.equal(invalidName.status, 422, invalidName.text);
    const y2 = await t.post(
      SVCS,
      service("y2", { type: "NodePort", ports: [{ port: 80, nodePort: 30202 }] }),
    );
    assert.equal(y2.status, 201, y2.text);

    // A Local LoadBalancer gets a health-check port.
    const lb = await t.post(
      SVCS,
      service("lb", { type: "LoadBalancer", externalTrafficPolicy: "Local" }),
    );
    assert.equal(lb.status, 201, lb.text);
    assert.equal(specOf(lb.body).allocateLoadBalancerNodePorts, true);
    assert.equal(typeof specOf(lb.body).healthCheckNodePort, "number");
    assert.equal(typeof portsOf(lb.body)[0]!.nodePort, "number");
  } finally {
    await t.stop();
  }
});

Deno.test("cluster IPs never change once set, and go with a turn to ExternalName", async () => {
  const t = await startTestApi();
  try {
    const web = await t.post(SVCS, service("web", {}));
    const ip = String(specOf(web.body).clusterIP);
    const moved = await t.patch(`${SVCS}/web`, { spec: { clusterIP: "10.43.0.99" } });
    assert.equal(moved.status, 422, moved.text);
    assert.deepEqual(messages(moved.body), [
      'spec.clusterIPs[0]: Invalid value: "10.43.0.99": may not change once set',
    ]);
    // Left out of a replace, it is kept.
    const put = structuredClone(web.body);
    delete specOf(put).clusterIP;
    delete specOf(put).clusterIPs;
    assert.equal(specOf((await t.put(`${SVCS}/web`, put)).body).clusterIP, ip);

    const away = await t.patch(`${SVCS}/web`, {
      spec: { type: "ExternalName", externalName: "db.example.com" },
    });
    assert.equal(away.status, 200, away.text);
    const spec = specOf(away.body);
    assert.equal(spec.clusterIP, undefined);
    assert.equal(spec.internalTrafficPolicy, undefined);
    const taker = await t.post(SVCS, service("taker", { clusterIP: ip }));
    assert.equal(taker.status, 201, `the IP was given back: ${taker.text}`);
    const back = await t.patch(`${SVCS}/web`, { spec: { type: "ClusterIP", externalName: null } });
    assert.equal(back.status, 200, back.text);
    assert.match(String(specOf(back.body).clusterIP), /^10\.43\./);
    assert.notEqual(specOf(back.body).clusterIP, ip);
  } finally {
    await t.stop();
  }
});

Deno.test("services: ports required but for headless and ExternalName; named when several", async () => {
  const t = await startTestApi();
  try {
    const none = await t.post(SVCS, { ...service("none", {}), spec: {} });
    assert.deepEqual(messages(none.body), ["spec.ports: Required value"]);
    const headless = await t.post(SVCS, {
      ...service("headless", {}),
      spec: { clusterIP: "None" },
    });
    assert.equal(headless.status, 201, headless.text);
    const ext = await t.post(SVCS, { ...service("ext", {}), spec: { type: "ExternalName" } });
    assert.deepEqual(messages(ext.body), ["spec.externalName: Required value"]);
    const two = await t.post(SVCS, service("two", { ports: [{ port: 80 }, { port: 81 }] }));
    assert.deepEqual(messages(two.body), [
      "spec.ports[0].name: Required value",
      "spec.ports[1].name: Required value",
    ]);
    const etp = await t.post(SVCS, service("etp", { externalTrafficPolicy: "Local" }));
    assert.deepEqual(messages(etp.body), [
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ]);
  } finally {
    await t.stop();
  }
});
