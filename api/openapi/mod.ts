/**
 * OpenAPI v3 documents built from the schema table (and CRD schemas), their index, and the v2
 * document made of their definitions.
 */
export {
  buildOpenApiV3Document,
  DEFAULT_OPENAPI_VERSION,
  type OpenApiKind,
  type OpenApiV3Document,
  type OpenApiV3DocumentOptions,
} from "./document.ts";
export { crdDefinitionName, crdListSchema, wrapCrdSchema } from "./crd.ts";
export type { OpenApiSubresource } from "./paths.ts";
export {
  buildOpenApiV3Index,
  hashDocument,
  type OpenApiV3Index,
  type OpenApiV3IndexEntry,
} from "./openapi_index.ts";
export { toOpenApiSchema } from "./convert.ts";
export { buildOpenApiV2Document, type OpenApiV2Document, toV2Schema } from "./v2.ts";
export { encodeOpenApiV2 } from "../protobuf/openapi_v2.ts";
