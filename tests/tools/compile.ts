// deno-lint-ignore-file no-console
/**
 * Builds the single `kno` binary with `deno compile`. `deno compile` needs a `denort` runtime for
 * the target: it downloads one unless DENORT_BIN points at a local one. Where neither works, this
 * fails with a clear message instead of producing a binary that is really a Deno REPL.
 *
 * Usage: deno task compile [--target x86_64-unknown-linux-gnu|aarch64-unknown-linux-gnu] [--output bin/kno]
 */
import { parseArgs } from "node:util";

const TARGETS = ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu"];
const { values } = parseArgs({
  args: Deno.args,
  options: { target: { type: "string" }, output: { type: "string" } },
});
const target = values.target ?? (Deno.build.arch === "aarch64" ? TARGETS[1]! : TARGETS[0]!);
if (!TARGETS.includes(target)) {
  console.error(`compile: unsupported target "${target}"; use one of ${TARGETS.join(", ")}`);
  Deno.exit(2);
}
const output = values.output ?? `bin/kno-${target.split("-")[0]}`;
const denort = Deno.env.get("DENORT_BIN");
if (denort) {
  try {
    const st = await Deno.stat(denort);
    if (!st.isFile) throw new Error("not a file");
  } catch (e) {
    console.error(`compile: DENORT_BIN=${denort} is not a readable file: ${(e as Error).message}`);
    Deno.exit(2);
  }
  if (/(^|\/)deno$/.test(denort)) {
    console.error(
      "compile: DENORT_BIN points at the deno CLI; it must be a denort runtime binary (the result would only start a REPL)",
    );
    Deno.exit(2);
  }
}
// No V8 code cache: it is made for short-lived commands; a long-running server keeps ~1.5 MB
// more resident with it and starts no faster (measured under deno run: idle RSS 58.5 vs
// 60.1 MB, start to /readyz unchanged).
const args = [
  "compile",
  "-A",
  "--no-code-cache",
  "--target",
  target,
  "--output",
  output,
  "main.ts",
];
const res = await new Deno.Command(Deno.execPath(), { args, stdout: "inherit", stderr: "piped" })
  .output();
if (res.code !== 0) {
  const err = new TextDecoder().decode(res.stderr);
  console.error(err);
  if (!denort && /denort|download|dl\.deno\.land|error sending request/i.test(err)) {
    console.error(
      "compile: could not download the denort runtime for " + target +
        ". Build where dl.deno.land is reachable, or set DENORT_BIN to a local denort binary for this target.",
    );
  }
  Deno.exit(res.code);
}
console.log(`compile: wrote ${output}`);
