/** Conformance: create, get, update and delete semantics and their errors. */
import assert from "node:assert/strict";
import { ConflictError, KeyExistsError, KeyNotFoundError } from "../types.ts";
import { InvalidKeyError } from "../key_range.ts";
import { type ConformanceCase, rejectsWith } from "./helpers.ts";

export const crudCases: ConformanceCase[] = [
  {
    name: "create then get returns the value at the new revision",
    async fn(store) {
      const before = store.currentRevision();
      const kv = await store.create("/registry/core/pods/default/a", "v1");
      assert.equal(kv.modRevision, before + 1);
      assert.equal(kv.createRevision, kv.modRevision);
      assert.equal(store.currentRevision(), kv.modRevision);
      assert.deepEqual(await store.get("/registry/core/pods/default/a"), kv);
      assert.equal(await store.get("/registry/core/pods/default/missing"), undefined);
    },
  },
  {
    name: "create of an existing key fails with KeyExistsError and uses no revision",
    async fn(store) {
      await store.create("/k", "one");
      const rev = store.currentRevision();
      const err = await rejectsWith(store.create("/k", "two"), KeyExistsError);
      assert.equal(err.key, "/k");
      assert.equal(store.currentRevision(), rev);
      assert.equal((await store.get("/k"))?.value, "one");
    },
  },
  {
    name: "update checks the expected revision",
    async fn(store) {
      const created = await store.create("/k", "one");
      const updated = await store.update("/k", "two", created.modRevision);
      assert.equal(updated.value, "two");
      assert.equal(updated.createRevision, created.createRevision);
      assert.ok(updated.modRevision > created.modRevision);
      const conflict = await rejectsWith(
        store.update("/k", "three", created.modRevision),
        ConflictError,
      );
      assert.deepEqual(conflict.current, updated);
      await rejectsWith(store.update("/missing", "x", 1), KeyNotFoundError);
      assert.deepEqual(await store.get("/k"), updated);
    },
  },
  {
    name: "delete returns the last value at the delete's revision",
    async fn(store) {
      const created = await store.create("/k", "one");
      await rejectsWith(store.delete("/k", created.modRevision + 100), ConflictError);
      const deleted = await store.delete("/k", created.modRevision);
      assert.equal(deleted.value, "one");
      assert.equal(deleted.createRevision, created.createRevision);
      assert.equal(deleted.modRevision, created.modRevision + 1);
      assert.equal(store.currentRevision(), deleted.modRevision);
      assert.equal(await store.get("/k"), undefined);
      await rejectsWith(store.delete("/k"), KeyNotFoundError);
      await rejectsWith(store.update("/k", "x", deleted.modRevision), KeyNotFoundError);
      const again = await store.create("/k", "two");
      assert.equal(again.createRevision, again.modRevision);
      assert.ok(again.modRevision > deleted.modRevision);
      const unconditional = await store.delete("/k");
      assert.equal(unconditional.value, "two");
    },
  },
  {
    name: "revisions increase strictly across all keys",
    async fn(store) {
      const revs: number[] = [];
      for (let i = 0; i < 20; i++) {
        const kv = await store.create(`/r/${i % 3}/${i}`, `v${i}`);
        revs.push(kv.modRevision);
        if (i % 2 === 0) revs.push((await store.update(kv.key, "u", kv.modRevision)).modRevision);
        if (i % 5 === 0) revs.push((await store.delete(kv.key)).modRevision);
      }
      for (let i = 1; i < revs.length; i++) assert.equal(revs[i], revs[i - 1]! + 1);
    },
  },
  {
    name: "values come back byte for byte",
    async fn(store) {
      const values = ["", "plain", "nul\0inside", "ünïcödé \u{1f600}", "x".repeat(1 << 20)];
      for (const [i, value] of values.entries()) {
        await store.create(`/v/${i}`, value);
        assert.equal((await store.get(`/v/${i}`))?.value, value);
      }
      const listed = await store.list("/v/");
      assert.deepEqual(listed.items.map((kv) => kv.value), values);
    },
  },
  {
    name: "keys that cannot be stored are refused",
    async fn(store) {
      const rev = store.currentRevision();
      await rejectsWith(store.create("", "x"), InvalidKeyError);
      await rejectsWith(store.create("/a\0b", "x"), InvalidKeyError);
      await rejectsWith(store.get("/a\ud800"), InvalidKeyError);
      assert.equal(store.currentRevision(), rev);
    },
  },
];
