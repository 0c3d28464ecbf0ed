/**
 * @kubernetes/client-node (the official JavaScript client) against a real `kno server`: a typed
 * CoreV1Api, an informer (list + watch with a cache) and a plain `Watch`.
 */
import assert from "node:assert/strict";
import {
  CoreV1Api,
  KubeConfig,
  makeInformer,
  type V1ConfigMap,
  Watch,
} from "@kubernetes/client-node";
import { startServer, waitFor } from "./harness.ts";

interface Seen {
  verb: "add" | "update" | "delete";
  name: string;
  rv: string;
  data: Record<string, string> | undefined;
}

function configMap(name: string, data: Record<string, string>): V1ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data };
}

function cacheSummary(items: ReadonlyArray<V1ConfigMap>): string[] {
  return items.filter((c) => c.metadata?.name !== "kube-root-ca.crt")
    .map((c) => `${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort();
}

Deno.test("client-node's typed API, informer and watch see creates, updates and deletes", async (t) => {
  const s = await startServer();
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);

    await t.step("typed API lists the default namespaces and creates one", async () => {
      const nsList = await core.listNamespace();
      const nsNames = nsList.items.map((n) => n.metadata?.name).sort();
      assert.deepEqual(nsNames, ["default", "kube-node-lease", "kube-public", "kube-system"]);
      const created = await core.createNamespace({ body: { metadata: { name: "inf" } } });
      assert.equal(created.metadata?.name, "inf");
      assert.ok(created.metadata?.uid);
    });

    await t.step("informer: handlers fire with the right objects and list() follows", async () => {
      const ns = "inf";
      const seen: Seen[] = [];
      const errors: unknown[] = [];
      const pre = await core.createNamespacedConfigMap({
        namespace: ns,
        body: configMap("before", { k: "0" }),
      });
      const informer = makeInformer<V1ConfigMap>(
        kc,
        `/api/v1/namespaces/${ns}/configmaps`,
        () => core.listNamespacedConfigMap({ namespace: ns }),
      );
      // Every namespace also holds the cluster CA ConfigMap (as upstream); the test follows its own.
      const record = (verb: Seen["verb"]) => (o: V1ConfigMap) =>
        o.metadata?.name !== "kube-root-ca.crt" && seen.push({
          verb,
          name: o.metadata?.name ?? "",
          rv: o.metadata?.resourceVersion ?? "",
          data: o.data,
        });
      informer.on("add", record("add"));
      informer.on("update", record("update"));
      informer.on("delete", record("delete"));
      informer.on("error", (e) => errors.push(e));
      await informer.start();
      try {
        // The initial list delivers the existing object as an add.
        await waitFor(() => seen.length >= 1, 10_000, "the initial add");
        assert.deepEqual(seen[0], {
          verb: "add",
          name: "before",
          rv: pre.metadata?.resourceVersion,
          data: { k: "0" },
        });

        const a = await core.createNamespacedConfigMap({
          namespace: ns,
          body: configMap("alpha", { k: "1" }),
        });
        await waitFor(() => seen.length >= 2, 10_000, "the add of alpha");
        assert.deepEqual(seen[1], {
          verb: "add",
          name: "alpha",
          rv: a.metadata?.resourceVersion,
          data: { k: "1" },
        });
        assert.ok(Number(a.metadata?.resourceVersion) > Number(pre.metadata?.resourceVersion));

        const a2 = await core.replaceNamespacedConfigMap({
          name: "alpha",
          namespace: ns,
          body: { ...a, data: { k: "2" } },
        });
        assert.ok(Number(a2.metadata?.resourceVersion) > Number(a.metadata?.resourceVersion));
        await waitFor(() => seen.length >= 3, 10_000, "the update of alpha");
        assert.deepEqual(seen[2], {
          verb: "update",
          name: "alpha",
          rv: a2.metadata?.resourceVersion,
          data: { k: "2" },
        });
        assert.deepEqual(informer.get("alpha", ns)?.data, { k: "2" });

        const b = await core.createNamespacedConfigMap({
          namespace: ns,
          body: configMap("beta", { k: "3" }),
        });
        await waitFor(() => seen.length >= 4, 10_000, "the add of beta");
        assert.equal(seen[3]?.name, "beta");
        // The cache holds exactly what the server lists, at the same resourceVersions.
        const listed = await core.listNamespacedConfigMap({ namespace: ns });
        assert.deepEqual(cacheSummary(informer.list(ns)), cacheSummary(listed.items));
        assert.deepEqual(cacheSummary(informer.list(ns)), [
          `alpha@${a2.metadata?.resourceVersion}`,
          `before@${pre.metadata?.resourceVersion}`,
          `beta@${b.metadata?.resourceVersion}`,
        ]);

        await core.deleteNamespacedConfigMap({ name: "alpha", namespace: ns });
        await waitFor(() => seen.length >= 5, 10_000, "the delete of alpha");
        assert.equal(seen[4]?.verb, "delete");
        assert.equal(seen[4]?.name, "alpha");
        assert.deepEqual(seen[4]?.data, { k: "2" });
        assert.equal(informer.get("alpha", ns), undefined);
        assert.deepEqual(cacheSummary(informer.list(ns)).map((x) => x.split("@")[0]), [
          "before",
          "beta",
        ]);
        assert.equal(seen.length, 5, JSON.stringify(seen));
        assert.deepEqual(errors, []);
      } finally {
        await informer.stop();
      }
    });

    await t.step("Watch receives ADDED, MODIFIED and DELETED from a resourceVersion", async () => {
      const ns = "inf";
      const list = await core.listNamespacedConfigMap({ namespace: ns });
      const from = list.metadata?.resourceVersion;
      assert.ok(from, "list carries a resourceVersion");
      const events: { type: string; name: string; rv: string; data?: Record<string, string> }[] =
        [];
      let doneErr: unknown = "not done";
      const watch = new Watch(kc);
      const ctl = await watch.watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: from, allowWatchBookmarks: false },
        (type, obj: V1ConfigMap) =>
          events.push({
            type,
            name: obj.metadata?.name ?? "",
            rv: obj.metadata?.resourceVersion ?? "",
            ...(obj.data ? { data: obj.data } : {}),
          }),
        (err) => doneErr = err,
      );
      try {
        const c = await core.createNamespacedConfigMap({
          namespace: ns,
          body: configMap("gamma", { v: "1" }),
        });
        const c2 = await core.patchNamespacedConfigMap({
          name: "gamma",
          namespace: ns,
          // client-node sends application/json-patch+json by default.
          body: [{ op: "replace", path: "/data/v", value: "2" }],
        });
        await core.deleteNamespacedConfigMap({ name: "gamma", namespace: ns });
        await waitFor(() => events.length >= 3, 10_000, "three watch events");
        assert.deepEqual(events.slice(0, 2), [
          { type: "ADDED", name: "gamma", rv: c.metadata?.resourceVersion, data: { v: "1" } },
          { type: "MODIFIED", name: "gamma", rv: c2.metadata?.resourceVersion, data: { v: "2" } },
        ]);
        assert.equal(events[2]?.type, "DELETED");
        assert.equal(events[2]?.name, "gamma");
        assert.ok(Number(events[2]?.rv) > Number(c2.metadata?.resourceVersion));
        assert.equal(events.length, 3, JSON.stringify(events));
        assert.equal(doneErr, "not done", "the watch stays open");
      } finally {
        ctl.abort();
      }
    });

    await t.step("Watch ends cleanly when the server closes it at timeoutSeconds", async () => {
      let doneErr: unknown = "not done";
      const started = Date.now();
      const ctl = await new Watch(kc).watch(
        "/api/v1/namespaces/inf/configmaps",
        { timeoutSeconds: 1 },
        () => {},
        (err) => doneErr = err,
      );
      try {
        await waitFor(() => doneErr !== "not done", 10_000, "the server to end the watch");
        assert.equal(doneErr, null);
        assert.ok(Date.now() - started >= 900, `ended after ${Date.now() - started} ms`);
      } finally {
        ctl.abort();
      }
    });
  } finally {
    assert.equal(await s.stop(), 0, s.log());
  }
});
