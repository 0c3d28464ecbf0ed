/**
 * Start-up-only pages of the runtime executable. At exec, the dynamic loader walks the
 * executable's relocation table (`.rela.dyn`, 3.6 MiB in the Deno 2.9 binary) once to fix up its
 * pointers; nothing reads the table again, yet its pages stay mapped and count in the server's
 * resident set for its whole life (measured: 3.6 of the 62 MiB an idle server held). Like a kernel
 * freeing its init sections after boot, the server drops those pages from its page tables once
 * start-up is over: `madvise(MADV_DONTNEED)` on the part of a read-only, private file mapping
 * that holds whole pages of the table. Nothing is lost: the pages are clean copies of the file,
 * and one read again would be faulted back in from it.
 *
 * Linux, 64-bit little-endian ELF (x86_64, aarch64) and glibc only; anywhere else, or when the
 * executable's layout is not as expected, nothing is released.
 */
import { openLibc } from "./libc.ts";

export interface FileRange {
  /** Offset in the file. */
  offset: number;
  size: number;
}

/** One line of /proc/<pid>/maps. */
export interface Mapping {
  start: number;
  end: number;
  perms: string;
  /** File offset of `start`. */
  offset: number;
  path: string;
}

const PAGE = 4096;
const MADV_DONTNEED = 4;
/** The section the dynamic loader alone reads. */
export const LOADER_ONLY_SECTION = ".rela.dyn";

/**
 * File range of the section `name`, read from the ELF section headers (64-bit little-endian
 * only); undefined when the file is not such an ELF file or has no such section.
 */
export function elfSection(file: Deno.FsFile, name: string): FileRange | undefined {
  const header = readAt(file, 0, 64);
  if (
    header.length < 64 || header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c ||
    header[3] !== 0x46 || header[4] !== 2 || header[5] !== 1
  ) return undefined;
  const h = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const shoff = Number(h.getBigUint64(0x28, true));
  const shentsize = h.getUint16(0x3a, true);
  const shnum = h.getUint16(0x3c, true);
  const shstrndx = h.getUint16(0x3e, true);
  if (shentsize < 64 || shnum === 0 || shstrndx >= shnum) return undefined;
  const table = readAt(file, shoff, shentsize * shnum);
  if (table.length < shentsize * shnum) return undefined;
  const t = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const section = (i: number) => ({
    nameAt: t.getUint32(i * shentsize, true),
    offset: Number(t.getBigUint64(i * shentsize + 24, true)),
    size: Number(t.getBigUint64(i * shentsize + 32, true)),
  });
  const strings = section(shstrndx);
  const names = readAt(file, strings.offset, strings.size);
  const wanted = new TextEncoder().encode(name + "\0");
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.nameAt + wanted.length > names.length) continue;
    if (wanted.every((b, j) => names[s.nameAt + j] === b)) {
      return { offset: s.offset, size: s.size };
    }
  }
  return undefined;
}

function readAt(file: Deno.FsFile, offset: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  file.seekSync(offset, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = file.readSync(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Parses /proc/<pid>/maps text. */
export function parseMaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of text.split("\n")) {
    const m = line.match(/^([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \d+\s*(.*)$/);
    if (!m) continue;
    out.push({
      start: parseInt(m[1]!, 16),
      end: parseInt(m[2]!, 16),
      perms: m[3]!,
      offset: parseInt(m[4]!, 16),
      path: m[5]!,
    });
  }
  return out;
}

/**
 * Address ranges holding whole pages of `range` in read-only private mappings of `path`. Only
 * such mappings are candidates: a writable private mapping may hold the process's own changes,
 * which dropping would lose.
 */
export function pagesToRelease(
  mappings: Mapping[],
  path: string,
  range: FileRange,
): { start: number; length: number }[] {
  const lo = Math.ceil(range.offset / PAGE) * PAGE;
  const hi = Math.floor((range.offset + range.size) / PAGE) * PAGE;
  const out: { start: number; length: number }[] = [];
  for (const m of mappings) {
    if (m.path !== path || m.perms[1] !== "-" || m.perms[3] !== "p") continue;
    const from = Math.max(lo, m.offset);
    const to = Math.min(hi, m.offset + (m.end - m.start));
    if (to > from) out.push({ start: m.start + (from - m.offset), length: to - from });
  }
  return out;
}

/** This process's mapped address ranges of the executable's loader-only section. */
export function loaderPageRanges(): { start: number; length: number }[] {
  if (Deno.build.os !== "linux") return [];
  try {
    const exe = Deno.readLinkSync("/proc/self/exe");
    using file = Deno.openSync(exe);
    const range = elfSection(file, LOADER_ONLY_SECTION);
    if (!range) return [];
    return pagesToRelease(parseMaps(Deno.readTextFileSync("/proc/self/maps")), exe, range);
  } catch {
    return [];
  }
}

/**
 * Drops this process's mapped pages of the executable's loader-only section; returns the bytes
 * of address range released (0 when there was nothing to release or no way to do it: not Linux,
 * no glibc, no FFI permission).
 */
export function releaseLoaderPages(): number {
  const ranges = loaderPageRanges();
  if (ranges.length === 0) return 0;
  let libc;
  try {
    libc = openLibc({ madvise: { parameters: ["usize", "usize", "i32"], result: "i32" } });
  } catch {
    return 0;
  }
  try {
    let released = 0;
    for (const r of ranges) {
      if (libc.symbols.madvise(BigInt(r.start), BigInt(r.length), MADV_DONTNEED) === 0) {
        released += r.length;
      }
    }
    return released;
  } finally {
    libc.close();
  }
}
