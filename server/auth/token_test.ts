import assert from "node:assert/strict";
import { ADMIN_USER, StaticTokenAuthenticator } from "./token.ts";

const other = { username: "other", groups: ["system:authenticated"] };
const auth = new StaticTokenAuthenticator([
  { token: "s3cret-token", user: ADMIN_USER },
  { token: "", user: other }, // an empty token never matches
  { token: "second", user: other },
]);
const who = (authorization?: string) =>
  auth.authenticate(
    new Request("https://kno.test/api", {
      headers: authorization === undefined ? {} : { authorization },
    }),
  );

Deno.test("static tokens: the exact bearer token, and nothing near it", async () => {
  assert.equal(await who("Bearer s3cret-token"), ADMIN_USER);
  assert.equal(await who("bearer   s3cret-token  "), ADMIN_USER, "scheme case, spaces");
  assert.equal(await who("Bearer second"), other);
  for (
    const bad of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      "s3cret-token",
      "Basic s3cret-token",
      "Bearer s3cret-tokeN",
      "Bearer s3cret-toke",
      "Bearer s3cret-token2",
      "Bearer 3cret-token",
      "Bearer s3cret token",
      "Bearer sécret-token",
    ]
  ) assert.equal(await who(bad), undefined, `${bad}`);
});
