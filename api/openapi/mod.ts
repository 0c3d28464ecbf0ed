/** OpenAPI v3 documents built from the schema table (and CRD schemas), and their index. */
export {
  buildOpenApiV3Document,
  DEFAULT_OPENAPI_VERSION,
  type OpenApiKind,
  type OpenApiV3Document,
  type OpenApiV3DocumentOptions,
} from "./document.ts";
export { crdDefinitionName, crdListSchema, wrapCrdSchema } from "./crd.ts";
export {
  buildOpenApiV3Index,
  hashDocument,
  type OpenApiV3Index,
  type OpenApiV3IndexEntry,
} from "./openapi_index.ts";
export { toOpenApiSchema } from "./convert.ts";
