import assert from "node:assert/strict";
import { buildOpenApiV3Index, hashDocument } from "./openapi_index.ts";

Deno.test("hashDocument: upper-case hex SHA-512 of the document bytes", () => {
  assert.equal(
    hashDocument(""),
    "CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE47D0D13C5D85F2B0FF8318D2877EEC2F63B931BD47417A81A538327AF927DA3E",
  );
  assert.equal(hashDocument("{}").length, 128);
  assert.notEqual(hashDocument('{"a":1}'), hashDocument('{"a":2}'));
});

Deno.test("buildOpenApiV3Index: one serverRelativeURL per group-version", () => {
  assert.deepEqual(
    buildOpenApiV3Index([{ path: "apis/apps/v1", hash: "AB" }, { path: "api/v1", hash: "CD" }]),
    {
      paths: {
        "api/v1": { serverRelativeURL: "/openapi/v3/api/v1?hash=CD" },
        "apis/apps/v1": { serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=AB" },
      },
    },
  );
});
