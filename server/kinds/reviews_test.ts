import assert from "node:assert/strict";
import { type Json, startTestApi, TEST_TOKEN } from "../testing_helper.ts";

const REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

Deno.test("TokenReview: the admin token authenticates; any other string is a clean 'no'", async () => {
  const t = await startTestApi();
  try {
    const review = (token: unknown) =>
      t.post(REVIEWS, {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token },
      });
    const ok = await review(TEST_TOKEN);
    assert.equal(ok.status, 201, ok.text);
    const status = ok.body.status as Json;
    assert.equal(status.authenticated, true);
    assert.equal((status.user as Json).username, "system:admin");
    // Strings no header could carry (line breaks, characters beyond Latin-1) are reviewed too.
    for (const token of ["", "wrong", `${TEST_TOKEN} `, "a\nb", "t\r\n", "€uro", "\u0000"]) {
      const r = await review(token);
      assert.equal(r.status, 201, `${JSON.stringify(token)}: ${r.text}`);
      assert.deepEqual(r.body.status, { authenticated: false }, JSON.stringify(token));
    }
  } finally {
    await t.stop();
  }
});
