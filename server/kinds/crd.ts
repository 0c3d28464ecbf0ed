/**
 * CustomResourceDefinitions: validation of the definition itself, and the registry rows its
 * served versions become (schema, subresources, printer columns, selectable fields).
 */
import { wrapCrdSchema } from "../../api/openapi/crd.ts";
import type { Schema, SchemaResolver } from "../../api/schema/types.ts";
import type { StatusCause } from "../../api/status.ts";
import { ageColumn, since } from "../registry/columns.ts";
import {
  ALL_VERBS,
  type KubeObject,
  type ResourceType,
  type TableColumn,
} from "../registry/types.ts";
import { evalJsonPath } from "./jsonpath.ts";
import { structuralCauses } from "./crd_structural.ts";
import { forbidden, invalid, required } from "../../api/schema/field_errors.ts";
import { loadPatternEngine, patternCauses } from "../../api/schema/patterns.ts";
import { mentionsKeyword } from "../../api/schema/schema_node.ts";

type Obj = Record<string, unknown>;

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: {
    status?: Obj;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: {
    name: string;
    type: string;
    format?: string;
    description?: string;
    priority?: number;
    jsonPath: string;
  }[];
  selectableFields?: { jsonPath: string }[];
}

export interface CrdSpec {
  group: string;
  scope: "Namespaced" | "Cluster";
  names: {
    plural: string;
    singular?: string;
    kind: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
  conversion?: {
    strategy?: string;
    webhook?: {
      clientConfig?: { url?: string; service?: Record<string, unknown> };
      conversionReviewVersions?: string[];
    };
  };
}

/**
 * Upstream's conversion rules (paths as upstream reports them, from its internal type): a Webhook
 * strategy needs a client config with exactly one of url or service and review versions; None
 * takes neither. kno calls no conversion webhook yet: a valid Webhook strategy is stored, and its
 * versions convert as None (the create answers with a warning saying so: see crdWarnings).
 */
function conversionCauses(conversion: CrdSpec["conversion"]): StatusCause[] {
  if (!conversion) return [];
  const base = "spec.conversion";
  const webhook = conversion.webhook;
  const causes: StatusCause[] = [];
  if (conversion.strategy === "Webhook") {
    const cc = webhook?.clientConfig;
    if (!cc) {
      causes.push(
        required(`${base}.webhookClientConfig`, "required when strategy is set to Webhook"),
      );
    } else if ((cc.url === undefined) === (cc.service === undefined)) {
      causes.push(
        required(`${base}.webhookClientConfig`, "exactly one of url or service is required"),
      );
    }
    if (!webhook?.conversionReviewVersions?.length) {
      causes.push(required(`${base}.conversionReviewVersions`));
    }
  } else {
    if (webhook?.clientConfig) {
      causes.push(
        forbidden(
          `${base}.webhookClientConfig`,
          "should not be set when strategy is not set to Webhook",
        ),
      );
    }
    if (webhook?.conversionReviewVersions?.length) {
      causes.push(
        forbidden(
          `${base}.conversionReviewVersions`,
          "should not be set when strategy is not set to Webhook",
        ),
      );
    }
  }
  return causes;
}

/** What a stored CRD may work differently from upstream's, for the Warning header. */
export function crdWarnings(crd: KubeObject): string[] {
  const spec = crd.spec as CrdSpec | undefined;
  return spec?.conversion?.strategy === "Webhook" && (spec.versions ?? []).length > 1
    ? ["kno does not call conversion webhooks yet: the versions of this resource convert as None"]
    : [];
}

export function validateCrd(crd: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = crd.spec as CrdSpec | undefined;
  const name = String(crd.metadata?.name ?? "");
  if (!spec) return [{ type: "FieldValueRequired", field: "spec", message: "Required value" }];
  if (spec.names?.plural && spec.group && name !== `${spec.names.plural}.${spec.group}`) {
    causes.push({
      type: "FieldValueInvalid",
      field: "metadata.name",
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    });
  }
  if (spec.group && !spec.group.includes(".")) {
    causes.push({
      type: "FieldValueInvalid",
      field: "spec.group",
      message: `Invalid value: "${spec.group}": should be a domain with at least one dot`,
    });
  }
  if (!["Namespaced", "Cluster"].includes(spec.scope)) {
    causes.push({
      type: "FieldValueNotSupported",
      field: "spec.scope",
      message: `Unsupported value: "${spec.scope}": supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions = spec.versions ?? [];
  if (!versions.length) {
    causes.push({
      type: "FieldValueInvalid",
      field: "spec.versions",
      message: "Invalid value: []: must have exactly one version marked as storage version",
    });
  } else if (versions.filter((v) => v.storage).length !== 1) {
    causes.push({
      type: "FieldValueInvalid",
      field: "spec.versions",
      message: "Invalid value: must have exactly one version marked as storage version",
    });
  }
  causes.push(...conversionCauses(spec.conversion));
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) {
      causes.push({
        type: "FieldValueRequired",
        field: `spec.versions[${i}].schema.openAPIV3Schema`,
        message: "Required value: schemas are required",
      });
    } else {
      const schema = v.schema.openAPIV3Schema;
      const path = `spec.versions[${i}].schema.openAPIV3Schema`;
      const rootType: unknown = schema.type;
      if (typeof rootType === "string" && rootType !== "" && rootType !== "object") {
        causes.push(invalid(`${path}.type`, rootType, "must be object at the root"));
      }
      causes.push(...structuralCauses(schema, path));
    }
  });
  return causes;
}

function printerColumns(v: CrdVersion): TableColumn[] {
  const defs = v.additionalPrinterColumns;
  if (!defs?.length) return [ageColumn];
  return defs.map((d) => {
    const isDate = d.type === "date";
    const col: TableColumn = {
      name: d.name,
      type: isDate
        ? "string"
        : (["integer", "number", "boolean"].includes(d.type) ? d.type : "string") as TableColumn[
          "type"
        ],
      priority: d.priority ?? 0,
      cell: (o: KubeObject, now: Date) => {
        const val = evalJsonPath(o, d.jsonPath);
        if (val === undefined) return "<none>";
        return isDate ? since(val, now) : typeof val === "object" ? JSON.stringify(val) : val;
      },
    };
    if (d.format) col.format = d.format;
    if (d.description) col.description = d.description;
    return col;
  });
}

type RulesModule = typeof import("../../api/schema/rules.ts");
let rulesModule: RulesModule | undefined;

/** Loads the validation-rule engine (CEL) once a CRD or custom resource needs it. */
async function loadRules(): Promise<RulesModule> {
  rulesModule ??= await import("../../api/schema/rules.ts");
  await rulesModule.loadRuleEngine();
  return rulesModule;
}

const hasRules = (schema: unknown) => mentionsKeyword(schema, "x-kubernetes-validations");
const hasPatterns = (schema: unknown) => mentionsKeyword(schema, "pattern");

/** Before a CRD is validated: loads the engines its schemas' rules and patterns need. */
export async function prepareCrdExpressions(crd: KubeObject): Promise<void> {
  const versions = (crd.spec as CrdSpec | undefined)?.versions;
  if (!Array.isArray(versions)) return;
  if (versions.some((v) => hasRules(v?.schema))) await loadRules();
  if (versions.some((v) => hasPatterns(v?.schema))) await loadPatternEngine();
}

/** The CRD's validation rules that do not compile and patterns that are not RE2 (the engines
 * are loaded by prepareCrdExpressions). */
export function crdExpressionCauses(crd: KubeObject): StatusCause[] {
  const versions = (crd.spec as CrdSpec | undefined)?.versions;
  if (!Array.isArray(versions)) return [];
  return versions.flatMap((v, i) => {
    const schema = v?.schema?.openAPIV3Schema;
    const path = `spec.versions[${i}].schema.openAPIV3Schema`;
    return [
      ...(rulesModule && schema && hasRules(schema)
        ? rulesModule.ruleCompileCauses(schema, path)
        : []),
      ...(schema && hasPatterns(schema) ? patternCauses(schema, path) : []),
    ];
  });
}

/** Hooks of a custom resource whose schema has validation rules or patterns: the engines are
 * loaded before a write is checked, and the rules evaluated on every write. */
function expressionHooks(
  schema: Schema,
  resolver: SchemaResolver,
  has: { rules: boolean; patterns: boolean },
): ResourceType["hooks"] {
  const load = async () => {
    if (has.rules) await loadRules();
    if (has.patterns) await loadPatternEngine();
  };
  return {
    prepareCreate: load,
    prepareUpdate: load,
    ...(has.rules && {
      validate: (o: KubeObject, old: KubeObject | undefined) =>
        rulesModule!.validateRules(o, old, schema, resolver),
    }),
  };
}

export function crdResourceTypes(crd: KubeObject, resolver: SchemaResolver): ResourceType[] {
  const spec = crd.spec as CrdSpec;
  const storage = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]!.name;
  return spec.versions.filter((v) => v.served).map((v) => {
    const gvk = { group: spec.group, version: v.name, kind: spec.names.kind };
    const schema = wrapCrdSchema(
      v.schema?.openAPIV3Schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      gvk,
    );
    const subresources: string[] = [];
    if (v.subresources?.status) subresources.push("status");
    if (v.subresources?.scale) subresources.push("scale");
    const fieldSelectors: ResourceType["fieldSelectors"] = {};
    for (const f of v.selectableFields ?? []) {
      const key = f.jsonPath.replace(/^\./, "");
      fieldSelectors[key] = (o) => {
        const val = evalJsonPath(o, f.jsonPath);
        return val === undefined ? undefined : String(val);
      };
    }
    const t: ResourceType = {
      group: spec.group,
      version: v.name,
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      resource: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope === "Namespaced",
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      verbs: ALL_VERBS,
      subresources,
      fieldSelectors,
      columns: printerColumns(v),
      schema: () => schema,
      resolver,
      tracksGeneration: true,
      hasStatus: subresources.includes("status"),
      storagePrefix: `${spec.group}/${spec.names.plural}`,
      storageVersion: storage,
      custom: true,
    };
    if (v.subresources?.scale) t.scale = v.subresources.scale;
    const has = {
      rules: hasRules(v.schema?.openAPIV3Schema),
      patterns: hasPatterns(v.schema?.openAPIV3Schema),
    };
    if (has.rules || has.patterns) t.hooks = expressionHooks(schema, resolver, has);
    return t;
  });
}
