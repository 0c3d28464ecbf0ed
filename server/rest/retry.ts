/**
 * Read-modify-write without the client's resourceVersion: when another writer (a controller, a
 * second client) got in between this request's read and its conditional write, the store
 * answers 409 Conflict; the request then reads again and retries, as upstream's storage
 * (GuaranteedUpdate) does. A conflict the client asked for is final: a resourceVersion it
 * pinned, or a failed precondition (a different conflict).
 */
import { isObjectModified } from "../storage/objects.ts";

/** Attempts before the conflict goes to the client. */
const MAX_ATTEMPTS = 6;

/**
 * Runs `step` (which must read what it modifies afresh each time) until it does not lose a race,
 * at most MAX_ATTEMPTS times; with `pinned` (the client gave a resourceVersion) only once.
 */
export async function retryLostRaces<T>(pinned: boolean, step: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (pinned || attempt >= MAX_ATTEMPTS || !isObjectModified(e)) throw e;
    }
  }
}
