/**
 * The generated schema table of the built-in types (`table.json`, written by
 * `api/gen/generate.ts`) and resolvers over it. The JSON is imported statically so that
 * `deno compile` embeds it in the binary.
 */
import tableJson from "./table.json" with { type: "json" };
import {
  type GroupVersionKind,
  type KindEntry,
  REF_PREFIX,
  type Schema,
  type SchemaResolver,
  type SchemaTable,
} from "./types.ts";

/** The built-in table. Generated data of the declared shape (checked by table_test.ts). */
export const schemaTable: SchemaTable = tableJson as unknown as SchemaTable;

const gvkKey = (g: GroupVersionKind) => `${g.group}/${g.version}/${g.kind}`;

/** The kind entry of `gvk` in `table`; `<Kind>List` kinds find their item kind's entry. */
export function findKind(table: SchemaTable, gvk: GroupVersionKind): KindEntry | undefined {
  return indexKinds(table).get(gvkKey(gvk))?.entry;
}

interface IndexedKind {
  entry: KindEntry;
  definition: string;
}

const indexes = new WeakMap<SchemaTable, Map<string, IndexedKind>>();

function indexKinds(table: SchemaTable): Map<string, IndexedKind> {
  let index = indexes.get(table);
  if (index) return index;
  index = new Map();
  for (const entry of table.kinds) {
    index.set(gvkKey(entry), { entry, definition: entry.definition });
  }
  for (const entry of table.kinds) {
    const listKey = gvkKey({ ...entry, kind: `${entry.kind}List` });
    if (entry.listDefinition && !index.has(listKey)) {
      index.set(listKey, { entry, definition: entry.listDefinition });
    }
  }
  indexes.set(table, index);
  return index;
}

/**
 * A resolver over `table`: `resolve` takes a full `$ref` (`#/components/schemas/<name>`) or a
 * bare definition name; `forKind` finds a kind's (or `<Kind>List`'s) top-level schema.
 */
export function createResolver(table: SchemaTable): SchemaResolver {
  const lookup = (name: string): Schema | undefined =>
    Object.hasOwn(table.definitions, name) ? table.definitions[name] : undefined;
  return {
    resolve(ref: string): Schema | undefined {
      return lookup(ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref);
    },
    forKind(gvk: GroupVersionKind): Schema | undefined {
      const hit = indexKinds(table).get(gvkKey(gvk));
      return hit ? lookup(hit.definition) : undefined;
    },
  };
}

/** The resolver of the built-in types. */
export const builtinResolver: SchemaResolver = createResolver(schemaTable);
