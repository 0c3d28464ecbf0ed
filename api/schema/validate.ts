/**
 * Schema validation: checks a JSON object against a {@link Schema} (a built-in type from the table
 * or a CRD's `openAPIV3Schema`) and reports one `StatusCause` per problem, in the upstream field
 * path and message forms. Fields the schema does not describe are pruning's business
 * (`prune.ts`, which also reports them for `fieldValidation=Strict|Warn`). Object metadata names
 * are checked in `api/names.ts`, not here.
 */
import type { StatusCause } from "../status.ts";
import { validateEmbeddedResource, validateLabelSelector } from "../names.ts";
import { REF_PREFIX, type Schema, type SchemaResolver } from "./types.ts";
import { child, index, invalid, notSupported, required, tooMany } from "./field_errors.ts";
import {
  derefSchema,
  isIntOrString,
  isJsonObject,
  isOpaque,
  nestedSchemaOf,
  ownProperty,
  RESOURCE_KEYS,
} from "./schema_node.ts";
import {
  checkArray,
  checkEnum,
  checkNumber,
  checkString,
  checkType,
  expectedType,
  typeFail,
} from "./validate_checks.ts";

export interface ValidateOptions {
  /** Field path of `obj` itself (default: the root, ""). */
  rootPath?: string;
  /** Built-in types: a `null` value means "absent", as in Go decoding. Such properties are
   * removed from `obj` (in place) instead of being reported. */
  nullIsAbsent?: boolean;
  /** `obj` is a whole custom resource: `apiVersion`, `kind` and `metadata` are allowed at its
   * root whether or not the schema lists them. */
  isRoot?: boolean;
}

export interface ValidationResult {
  causes: StatusCause[];
}

interface Walk {
  resolver: SchemaResolver;
  nullIsAbsent: boolean;
  causes: StatusCause[];
  /** The main walk, not an allOf/anyOf/oneOf/not branch: only it drops null properties and
   * checks embedded resources. */
  main: boolean;
  /** Enum values are checked (a built-in's `status` is not held to them, as upstream's status
   * validation does not check them). */
  enums: boolean;
}

const MAX_DEPTH = 100;

/** Built-in label selectors get upstream's selector rules (api/names.ts) besides their shape. */
const LABEL_SELECTOR = REF_PREFIX + "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector";

export function validateAgainstSchema(
  obj: unknown,
  schema: Schema,
  resolver: SchemaResolver,
  options: ValidateOptions = {},
): ValidationResult {
  const w: Walk = {
    resolver,
    nullIsAbsent: options.nullIsAbsent === true,
    causes: [],
    main: true,
    enums: true,
  };
  node(obj, schema, options.rootPath ?? "", w, options.isRoot === true, 0);
  return { causes: w.causes };
}

function node(
  value: unknown,
  schema: Schema,
  path: string,
  w: Walk,
  resourceKeys: boolean,
  depth: number,
): void {
  if (depth > MAX_DEPTH) {
    w.causes.push(invalid(path, "", "object nesting is too deep"));
    return;
  }
  const s = derefSchema(schema, w.resolver);
  if (value === null || value === undefined) {
    checkNull(s, path, w);
    return;
  }
  if (schema.$ref === LABEL_SELECTOR && w.nullIsAbsent && w.main) {
    w.causes.push(...validateLabelSelector(value, path));
  }
  const f = factsOf(s);
  if (f.combinators) combinators(value, s, path, w, depth);
  if (!checkType(value, s, path, w.causes)) return;
  if (typeof value === "string") {
    if (f.stringChecks) checkString(value, s, path, w.causes);
  } else if (typeof value === "number") {
    if (f.numberChecks) checkNumber(value, s, path, w.causes);
  } else if (Array.isArray(value)) {
    if (!f.opaque && s.items) {
      const items = s.items;
      value.forEach((item, i) => {
        // A null item decodes, in Go, to the zero value of the item type.
        if (item === null && w.nullIsAbsent && w.main) {
          const zero = zeroValue(items, w.resolver);
          if (zero !== null) value[i] = item = zero;
        }
        node(item, items, index(path, i), w, false, depth + 1);
      });
    }
    if (f.arrayChecks) checkArray(value, s, path, w.causes);
  }
  // A built-in's empty string is Go's zero value: the field is unset, whatever its enum says.
  if (f.enum && w.enums && !(value === "" && w.nullIsAbsent)) checkEnum(value, s, path, w.causes);
  if (f.opaque) {
    // A CRD's nested schema (items, additionalProperties...) is a schema all the same.
    const nested = nestedSchemaOf(s, value);
    if (nested) node(value, nested, path, w, false, depth + 1);
    return;
  }
  if (isJsonObject(value)) {
    const embedded = f.embedded;
    if (embedded && !resourceKeys && w.main) {
      w.causes.push(...validateEmbeddedResource(value, path));
    }
    object(value, s, path, w, resourceKeys || embedded, depth);
  }
}

/**
 * Which checks a schema node can fail at all, worked out once per node: most nodes of a built-in
 * kind have no string, number, array or enum constraint, and skip those checks.
 */
interface Facts {
  combinators: boolean;
  opaque: boolean;
  embedded: boolean;
  enum: boolean;
  stringChecks: boolean;
  numberChecks: boolean;
  arrayChecks: boolean;
}

const facts = new WeakMap<Schema, Facts>();

function factsOf(s: Schema): Facts {
  let f = facts.get(s);
  if (!f) {
    f = {
      combinators: Boolean(s.allOf || s.anyOf || s.oneOf || s.not),
      opaque: isOpaque(s),
      embedded: s["x-kubernetes-embedded-resource"] === true,
      enum: s.enum !== undefined && s.enum.length > 0,
      stringChecks: Boolean(s.format && !isIntOrString(s)) || s.maxLength !== undefined ||
        s.minLength !== undefined || s.pattern !== undefined,
      numberChecks: (s.type === "integer" && (s.format === "int32" || s.format === "int64")) ||
        s.multipleOf !== undefined || s.minimum !== undefined || s.maximum !== undefined,
      arrayChecks: s.minItems !== undefined || s.maxItems !== undefined ||
        s.uniqueItems === true || s["x-kubernetes-list-type"] === "set" ||
        s["x-kubernetes-list-type"] === "map",
    };
    facts.set(s, f);
  }
  return f;
}

function checkNull(s: Schema, path: string, w: Walk): void {
  if (w.nullIsAbsent) return;
  if (!s.nullable) {
    const expected = expectedType(s);
    if (expected !== undefined) {
      w.causes.push(typeFail(path, expected, null));
      return;
    }
  }
  if (s.enum && s.enum.length > 0 && !s.enum.includes(null)) {
    w.causes.push(notSupported(path, null, s.enum));
  }
}

function object(
  value: Record<string, unknown>,
  s: Schema,
  path: string,
  w: Walk,
  resourceKeys: boolean,
  depth: number,
): void {
  const count = Object.keys(value).length;
  if (s.minProperties !== undefined && count < s.minProperties) {
    w.causes.push(
      invalid(path, count, `${path} in body should have at least ${s.minProperties} properties`),
    );
  }
  if (s.maxProperties !== undefined && count > s.maxProperties) {
    w.causes.push(tooMany(path, count, s.maxProperties));
  }
  const map = typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
  for (const name of Object.keys(value)) {
    const v = value[name];
    const p = child(path, name);
    const declared = ownProperty(s, name);
    const prop = declared ?? map;
    if (prop) {
      if (v === null && w.nullIsAbsent) {
        if (w.main && declared) delete value[name];
        else if (w.main) {
          // A map's null value decodes, in Go, to the zero value of the map's value type.
          const zero = zeroValue(prop, w.resolver);
          if (zero !== null) {
            value[name] = zero;
            node(zero, prop, p, w, false, depth + 1);
          }
        }
        continue;
      }
      if (depth === 0 && name === "status" && w.nullIsAbsent && w.enums) {
        w.enums = false;
        node(v, prop, p, w, false, depth + 1);
        w.enums = true;
      } else node(v, prop, p, w, false, depth + 1);
    } else if (resourceKeys && RESOURCE_KEYS.has(name)) {
      const expected = name === "metadata" ? "object" : "string";
      const ok = name === "metadata" ? isJsonObject(v) : typeof v === "string";
      if (!ok) w.causes.push(typeFail(p, expected, v));
    }
  }
  for (const name of s.required ?? []) {
    const v = value[name];
    if (v === undefined || (v === null && w.nullIsAbsent)) {
      w.causes.push(required(child(path, name)));
    }
  }
}

/** Go's zero value of a schema's type (null where Go's would encode as null). */
function zeroValue(schema: Schema, resolver: SchemaResolver): unknown {
  const s = derefSchema(schema, resolver);
  if (isIntOrString(s) || isOpaque(s)) return null;
  switch (s.type) {
    case "string":
      return s.format === "byte" || s.format === "date-time" ? null : "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    case "object":
      return s.properties ? {} : null;
    default:
      return null;
  }
}

/** Validates `value` against one branch schema in isolation; returns its causes. */
function branch(
  value: unknown,
  schema: Schema,
  path: string,
  w: Walk,
  depth: number,
): StatusCause[] {
  const sub: Walk = { ...w, causes: [], main: false };
  node(value, schema, path, sub, false, depth + 1);
  return sub.causes;
}

function combinators(value: unknown, s: Schema, path: string, w: Walk, depth: number): void {
  if (!s.allOf && !s.anyOf && !s.oneOf && !s.not) return;
  const name = JSON.stringify(path);
  if (s.allOf?.length) {
    let valid = 0;
    for (const b of s.allOf) {
      const causes = branch(value, b, path, w, depth);
      if (causes.length === 0) valid++;
      w.causes.push(...causes);
    }
    if (valid !== s.allOf.length) {
      const none = valid === 0 ? ". None validated" : "";
      w.causes.push(invalid(path, "", `${name} must validate all the schemas (allOf)${none}`));
    }
  }
  if (s.anyOf?.length) {
    let best: StatusCause[] | undefined;
    for (const b of s.anyOf) {
      const causes = branch(value, b, path, w, depth);
      if (causes.length === 0) {
        best = undefined;
        break;
      }
      if (!best || causes.length < best.length) best = causes;
    }
    if (best) {
      w.causes.push(invalid(path, "", `${name} must validate at least one schema (anyOf)`));
      w.causes.push(...best);
    }
  }
  if (s.oneOf?.length) {
    let valid = 0;
    let best: StatusCause[] | undefined;
    for (const b of s.oneOf) {
      const causes = branch(value, b, path, w, depth);
      if (causes.length === 0) valid++;
      else if (!best || causes.length < best.length) best = causes;
    }
    if (valid !== 1) {
      const found = valid === 0 ? "Found none valid" : `Found ${valid} valid alternatives`;
      w.causes.push(
        invalid(path, "", `${name} must validate one and only one schema (oneOf). ${found}`),
      );
      if (valid === 0 && best) w.causes.push(...best);
    }
  }
  if (s.not && branch(value, s.not, path, w, depth).length === 0) {
    w.causes.push(invalid(path, "", `${name} must not validate the schema (not)`));
  }
}
