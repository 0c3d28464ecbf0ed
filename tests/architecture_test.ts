/**
 * The layout is the architecture (design.md, style.md): dependencies point one way
 * (main.ts → server/agent → datastore/cri/net → api), top-level folders meet only through their
 * `mod.ts`, and each third-party library lives in one place. Read from `deno info --json`.
 */
import assert from "node:assert/strict";
import { REPO } from "./harness.ts";

interface Module {
  specifier: string;
  dependencies?: { specifier: string; code?: { specifier: string } }[];
}

async function graph(entry: string): Promise<Module[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: Module[] }).modules;
}

const root = `file://${REPO}`;
const local = (s: string) => s.startsWith(root) ? s.slice(root.length) : undefined;
const folderOf = (path: string) => path.includes("/") ? path.split("/")[0]! : "main";

/** Which top-level folders each may import. */
const ALLOWED: Record<string, string[]> = {
  main: ["server", "agent", "api"],
  server: ["datastore", "api"],
  agent: ["cri", "net", "api"],
  datastore: ["api"],
  cri: ["api"],
  net: ["api"],
  api: [],
};

/** Where each third-party dependency may be imported from (path prefixes). */
const LIBRARY_HOMES: Record<string, string[]> = {
  "node:sqlite": ["datastore/"],
  "@peculiar/x509": ["server/pki_issue.ts", "server/kinds/csr_x509.ts"],
  "fast-json-patch": ["api/patch/json_patch.ts"],
  "@bufbuild/protobuf": ["api/protobuf/"],
  "@marcbachmann/cel-js": ["api/schema/rules.ts"],
  re2js: ["api/schema/patterns.ts"],
};

Deno.test("imports between top-level folders follow the dependency direction", async () => {
  const modules = await graph("main.ts");
  const locals = modules.filter((m) => local(m.specifier));
  assert.ok(locals.length > 50, `the graph holds only ${locals.length} local modules`);
  assert.ok(locals.some((m) => local(m.specifier) === "datastore/sqlite/store.ts"));
  const bad: string[] = [];
  for (const m of modules) {
    const from = local(m.specifier);
    if (!from) continue;
    for (const d of m.dependencies ?? []) {
      const to = local(d.code?.specifier ?? "");
      if (!to) continue;
      const ff = folderOf(from);
      const tf = folderOf(to);
      if (ff === tf) continue;
      if (!ALLOWED[ff]?.includes(tf)) bad.push(`${from} -> ${to}`);
      // Other folders enter server/ and datastore/ only through their mod.ts.
      if ((tf === "server" || tf === "datastore") && !to.endsWith("/mod.ts")) {
        bad.push(`${from} -> ${to} (not mod.ts)`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

Deno.test("there are no import cycles between files", async () => {
  const modules = await graph("main.ts");
  const edges = new Map<string, string[]>();
  for (const m of modules) {
    const from = local(m.specifier);
    if (!from) continue;
    edges.set(
      from,
      (m.dependencies ?? []).map((d) => local(d.code?.specifier ?? "")).filter((x): x is string =>
        !!x
      ),
    );
  }
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[] = [];
  const visit = (n: string, path: string[]) => {
    if (state.get(n) === "done") return;
    if (state.get(n) === "visiting") {
      cycles.push([...path.slice(path.indexOf(n)), n].join(" -> "));
      return;
    }
    state.set(n, "visiting");
    for (const d of edges.get(n) ?? []) visit(d, [...path, n]);
    state.set(n, "done");
  };
  for (const n of edges.keys()) visit(n, []);
  assert.deepEqual(cycles, []);
});

Deno.test("each third-party library is imported from its one home", async () => {
  const modules = await graph("main.ts");
  const bad: string[] = [];
  for (const m of modules) {
    const from = local(m.specifier);
    if (!from) continue;
    for (const d of m.dependencies ?? []) {
      for (const [lib, homes] of Object.entries(LIBRARY_HOMES)) {
        if (d.specifier === lib || d.specifier.startsWith(`${lib}/`)) {
          if (!homes.some((h) => from.startsWith(h))) bad.push(`${from} imports ${lib}`);
        }
      }
    }
  }
  assert.deepEqual(bad, []);
});
