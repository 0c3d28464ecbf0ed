import assert from "node:assert/strict";
import { readFileIfExists, writeFileDurable } from "./files.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "kno-files-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeFileDurable writes the content with the mode and leaves no temp files", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/nested/deeper/secret.key`;
    await writeFileDurable(path, "first\n");
    assert.equal(await Deno.readTextFile(path), "first\n");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600, "default mode is 0600");
    assert.equal((await Deno.stat(`${dir}/nested`)).isDirectory, true);

    await writeFileDurable(path, new TextEncoder().encode("second"), 0o644);
    assert.equal(await Deno.readTextFile(path), "second");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o644, "the mode follows each write");

    const entries = [];
    for await (const e of Deno.readDir(`${dir}/nested/deeper`)) entries.push(e.name);
    assert.deepEqual(entries, ["secret.key"]);
  });
});

Deno.test("writeFileDurable replaces the file atomically: readers see old or new, never a mix", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/kubeconfig`;
    const a = "a".repeat(256 * 1024);
    const b = "b".repeat(256 * 1024);
    await writeFileDurable(path, a);
    const inode = (await Deno.stat(path)).ino;
    await writeFileDurable(path, b);
    assert.notEqual((await Deno.stat(path)).ino, inode, "a new file was renamed into place");
    const seen = new Set<string>();
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await Deno.readTextFile(path);
        seen.add(text === a ? "a" : text === b ? "b" : `torn(${text.length})`);
      }
    })();
    for (let i = 0; i < 10; i++) await writeFileDurable(path, i % 2 ? a : b);
    writing = false;
    await reader;
    assert.deepEqual([...seen].filter((s) => s.startsWith("torn")), []);
    assert.equal(await Deno.readTextFile(path), a);
  });
});

Deno.test("writeFileDurable keeps large binary content intact", async () => {
  await withDir(async (dir) => {
    const bytes = crypto.getRandomValues(new Uint8Array(65536));
    const big = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i += bytes.length) big.set(bytes, i);
    await writeFileDurable(`${dir}/blob`, big);
    assert.deepEqual(await Deno.readFile(`${dir}/blob`), big);
  });
});

Deno.test("readFileIfExists returns undefined only for a missing file", async () => {
  await withDir(async (dir) => {
    assert.equal(await readFileIfExists(`${dir}/missing`), undefined);
    await Deno.writeTextFile(`${dir}/there`, "x");
    assert.equal(await readFileIfExists(`${dir}/there`), "x");
    await assert.rejects(readFileIfExists(dir));
  });
});
