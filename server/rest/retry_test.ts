import assert from "node:assert/strict";
import { ApiError, conflict } from "../../api/status.ts";
import { objectModified } from "../storage/objects.ts";
import { retryLostRaces } from "./retry.ts";

const ref = { group: "", resource: "configmaps", name: "x" };
const race = () => objectModified(ref);

async function attempts(
  pinned: boolean,
  failures: number,
  error = race,
): Promise<[number, unknown]> {
  let n = 0;
  try {
    await retryLostRaces(pinned, () => {
      n++;
      return n <= failures ? Promise.reject(error()) : Promise.resolve("done");
    });
    return [n, "done"];
  } catch (e) {
    return [n, e];
  }
}

Deno.test("retryLostRaces: lost races are retried, up to six attempts; nothing else is", async () => {
  assert.deepEqual(await attempts(false, 2), [3, "done"]);
  const [n, e] = await attempts(false, 100);
  assert.equal(n, 6);
  assert.ok(e instanceof ApiError && e.code === 409);
  // The client pinned a resourceVersion: its conflict is the answer.
  assert.equal((await attempts(true, 1))[0], 1);
  // A failed precondition (another conflict) or another error: not a race.
  assert.equal((await attempts(false, 1, () => conflict(ref, "Precondition failed: UID")))[0], 1);
  assert.equal((await attempts(false, 1, () => new ApiError(404, "NotFound", "gone")))[0], 1);
});
