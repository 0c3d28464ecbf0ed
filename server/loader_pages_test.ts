import assert from "node:assert/strict";
import {
  elfSection,
  LOADER_ONLY_SECTION,
  loaderPageRanges,
  type Mapping,
  pagesToRelease,
  parseMaps,
  releaseLoaderPages,
} from "./loader_pages.ts";
import { residentPages, touchPages } from "./pagemap_test_helper.ts";

Deno.test("elfSection finds the relocation table of the running executable", () => {
  using file = Deno.openSync(Deno.execPath());
  const size = file.statSync().size;
  const range = elfSection(file, LOADER_ONLY_SECTION);
  assert(range, "no .rela.dyn in the runtime executable");
  assert(range.size > 0 && range.offset > 0 && range.offset + range.size <= size);
  assert.deepEqual(elfSection(file, ".no-such-section"), undefined);
  // A name that is only a prefix of a section's name does not match it.
  assert.deepEqual(elfSection(file, ".rela"), undefined);
});

Deno.test("elfSection gives up on files that are not 64-bit little-endian ELF", () => {
  const path = Deno.makeTempFileSync();
  try {
    Deno.writeTextFileSync(path, "#!/bin/sh\necho not an executable\n");
    using text = Deno.openSync(path);
    assert.deepEqual(elfSection(text, LOADER_ONLY_SECTION), undefined);
    const elf32 = new Uint8Array(64);
    elf32.set([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    Deno.writeFileSync(path, elf32);
    using short = Deno.openSync(path);
    assert.deepEqual(elfSection(short, LOADER_ONLY_SECTION), undefined);
  } finally {
    Deno.removeSync(path);
  }
});

Deno.test("pagesToRelease keeps to whole pages in read-only private mappings of the file", () => {
  const maps = parseMaps([
    "1000000-1400000 r--p 00000000 fe:00 42    /opt/kno",
    "1400000-1800000 r-xp 00400000 fe:00 42    /opt/kno",
    "1800000-1900000 rw-p 00800000 fe:00 42    /opt/kno",
    "2000000-2400000 r--p 00000000 fe:00 43    /opt/other",
    "7f0000000000-7f0000001000 rw-p 00000000 00:00 0",
  ].join("\n"));
  assert.deepEqual(maps.length, 5);
  assert.deepEqual(maps[4]!.path, "");
  // The section starts mid-page and ends mid-page in the second mapping: only whole pages.
  assert.deepEqual(pagesToRelease(maps, "/opt/kno", { offset: 0x3ff800, size: 0x2000 }), [
    { start: 0x1400000, length: 0x1000 },
  ]);
  // Spanning the first two mappings: one range in each.
  assert.deepEqual(pagesToRelease(maps, "/opt/kno", { offset: 0x3fe000, size: 0x4000 }), [
    { start: 0x13fe000, length: 0x2000 },
    { start: 0x1400000, length: 0x2000 },
  ]);
  // In the writable mapping: nothing.
  assert.deepEqual(pagesToRelease(maps, "/opt/kno", { offset: 0x800000, size: 0x10000 }), []);
  // Less than a whole page: nothing.
  assert.deepEqual(pagesToRelease(maps, "/opt/kno", { offset: 0x10010, size: 0xff0 }), []);
  const none: Mapping[] = [];
  assert.deepEqual(pagesToRelease(none, "/opt/kno", { offset: 0, size: 0x10000 }), []);
});

Deno.test("releaseLoaderPages drops the table's resident pages of this process", () => {
  const ranges = loaderPageRanges();
  assert(ranges.length > 0, "the runtime's relocation table is not mapped read-only");
  // Read back in first: the memory trimmer's test may have released them in this process.
  for (const r of ranges) touchPages(r.start, r.length);
  const before = ranges.reduce((n, r) => n + residentPages(r.start, r.length), 0);
  assert(before > 0, "no page of the table is resident");
  const released = releaseLoaderPages();
  assert.deepEqual(released, ranges.reduce((n, r) => n + r.length, 0));
  assert.deepEqual(ranges.reduce((n, r) => n + residentPages(r.start, r.length), 0), 0);
});
