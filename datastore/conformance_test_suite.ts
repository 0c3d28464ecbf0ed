/**
 * The datastore conformance suite: the behaviour every driver must show. A driver's test file
 * calls `runDatastoreConformance` with a function opening a fresh, empty store.
 */
import type { Datastore } from "./types.ts";
import { compactCases } from "./conformance/compact.ts";
import { concurrencyCases } from "./conformance/concurrency.ts";
import { crudCases } from "./conformance/crud.ts";
import type { ConformanceCase } from "./conformance/helpers.ts";
import { listCases } from "./conformance/list.ts";
import { watchCases } from "./conformance/watch.ts";

export type OpenStoreForTest = () => Promise<{ store: Datastore; cleanup(): Promise<void> }>;

const allCases: readonly ConformanceCase[] = [
  ...crudCases,
  ...listCases,
  ...watchCases,
  ...compactCases,
  ...concurrencyCases,
];

/** Registers one Deno.test per conformance case, each on a fresh store. */
export function runDatastoreConformance(name: string, open: OpenStoreForTest): void {
  for (const testCase of allCases) {
    Deno.test(`${name}: ${testCase.name}`, async () => {
      const { store, cleanup } = await open();
      try {
        await testCase.fn(store);
      } finally {
        await store.close();
        await cleanup();
      }
    });
  }
}
