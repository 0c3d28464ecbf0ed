/**
 * Resolves a named Go type, as written in some file of some package, to what it denotes:
 * a predeclared scalar, a struct, another named type, or one of the special types.
 */
import { formatGoType, GO_SCALARS, type GoType } from "./go_types.ts";
import type { GoNamedType, GoStruct } from "./go_parse.ts";
import { type Declared, type GoPackage, locateImport, type PackageLoader } from "./upstream.ts";
import { findSpecial, type SpecialType } from "./specials.ts";

/** Where a type expression was written: its package and the imports of its file. */
export interface Scope {
  pkg: GoPackage;
  imports: Map<string, string>;
}

export type Resolved =
  | { kind: "scalar"; name: string }
  | { kind: "special"; pkg: GoPackage; special: SpecialType }
  | { kind: "struct"; pkg: GoPackage; name: string; decl: Declared<GoStruct> }
  | { kind: "named"; pkg: GoPackage; name: string; decl: Declared<GoNamedType> };

export class GenerateError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GenerateError";
  }
}

export async function resolveNamed(
  loader: PackageLoader,
  t: Extract<GoType, { kind: "named" }>,
  scope: Scope,
): Promise<Resolved> {
  let pkg = scope.pkg;
  if (t.pkg === undefined) {
    if (GO_SCALARS.has(t.name)) return { kind: "scalar", name: t.name };
  } else {
    const importPath = scope.imports.get(t.pkg);
    if (importPath === undefined) {
      throw new GenerateError(`Unknown import "${t.pkg}" in package "${scope.pkg.importPath}"`);
    }
    if (!locateImport(importPath)) {
      throw new GenerateError(
        `Type "${
          formatGoType(t)
        }" used in "${scope.pkg.importPath}" is outside the mirrors: "${importPath}"`,
      );
    }
    pkg = await loader.load(importPath);
  }
  const special = findSpecial(pkg.importPath, t.name);
  if (special) return { kind: "special", pkg, special };
  const struct = pkg.structs.get(t.name);
  if (struct) return { kind: "struct", pkg, name: t.name, decl: struct };
  const named = pkg.namedTypes.get(t.name);
  if (named) return { kind: "named", pkg, name: t.name, decl: named };
  throw new GenerateError(`Type "${t.name}" not found in package "${pkg.importPath}"`);
}
