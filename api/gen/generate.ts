/**
 * Generates `api/schema/table.json` from the upstream Go type definitions in local git mirrors.
 *
 *   deno run -A api/gen/generate.ts
 *
 * Mirrors default to /work/.mirror/kubernetes+<repo>/repo and can be overridden with
 * KNO_UPSTREAM_API, KNO_UPSTREAM_APIMACHINERY, KNO_UPSTREAM_APIEXTENSIONS and
 * KNO_UPSTREAM_KUBE_AGGREGATOR.
 */
import { lineLogger, type Logger } from "../log.ts";
import { defaultsOverlay } from "../schema/defaults_overlay.ts";
import type { KindEntry, Schema, SchemaTable } from "../schema/types.ts";
import { SchemaBuilder } from "./build_schema.ts";
import { orderSchemaKeys } from "./key_order.ts";
import { metaKinds, packageKinds, tagKinds } from "./kinds.ts";
import { applyDefaultsOverlay } from "./overlay.ts";
import { API_PACKAGES, type ApiPackage } from "./packages.ts";
import { GitMirrors, PackageLoader, type RepoKey, REPOS, type SourceTree } from "./upstream.ts";

export interface GenerateOptions {
  tree: SourceTree;
  log: Logger;
  packages?: ApiPackage[];
  overlay?: Record<string, Record<string, unknown>>;
  /** Repository → commit, recorded as the table's `sources`. */
  sources?: Record<string, string>;
}

/** Builds the whole table from the packages' Go sources. */
export async function generateTable(options: GenerateOptions): Promise<SchemaTable> {
  const log = options.log.with({ component: "schema-gen" });
  const loader = new PackageLoader(options.tree);
  const builder = new SchemaBuilder(loader, log);
  const kinds: KindEntry[] = [];
  for (const p of options.packages ?? API_PACKAGES) {
    const pkg = await loader.load(p.importPath);
    const seeds = p.only ?? [...pkg.typesFileStructs, ...(p.extra ?? [])];
    for (const name of seeds) builder.add(pkg, name);
    if (p.group !== undefined && p.version !== undefined) {
      kinds.push(...packageKinds(pkg, p.group, p.version));
    }
    log.debug("loaded package", { package: p.importPath, structs: seeds.length });
  }
  await builder.drain();
  kinds.push(...metaKinds(kinds));
  tagKinds(builder.definitions, kinds);
  applyDefaultsOverlay(builder.definitions, options.overlay ?? defaultsOverlay);
  builder.report();
  const definitions: Record<string, Schema> = {};
  for (const name of [...builder.definitions.keys()].sort()) {
    const def = builder.definitions.get(name);
    if (def) definitions[name] = def;
  }
  const table: SchemaTable = { definitions, kinds };
  if (options.sources) table.sources = options.sources;
  return table;
}

/** Serializes a table with one definition and one kind per line (readable diffs, small file). */
export function serializeTable(table: SchemaTable): string {
  const lines: string[] = ["{"];
  if (table.sources) lines.push(`"sources":${JSON.stringify(table.sources)},`);
  lines.push(`"kinds":[`);
  lines.push(table.kinds.map((k) => JSON.stringify(k)).join(",\n"));
  lines.push(`],`);
  lines.push(`"definitions":{`);
  lines.push(
    Object.entries(table.definitions)
      .map(([name, def]) => `${JSON.stringify(name)}:${JSON.stringify(orderSchemaKeys(def))}`)
      .join(",\n"),
  );
  lines.push("}}");
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const log = lineLogger((line) => Deno.stderr.writeSync(new TextEncoder().encode(line + "\n")));
  const mirrors = GitMirrors.fromEnv();
  const sources: Record<string, string> = {};
  for (const key of Object.keys(REPOS) as RepoKey[]) {
    sources[`kubernetes/${key}`] = await mirrors.commit(key);
  }
  const table = await generateTable({ tree: mirrors, log, sources });
  const out = new URL("../schema/table.json", import.meta.url);
  await Deno.writeTextFile(out, serializeTable(table));
  log.info("wrote schema table", {
    component: "schema-gen",
    path: out.pathname,
    definitions: Object.keys(table.definitions).length,
    kinds: table.kinds.length,
  });
}

if (import.meta.main) await main();
