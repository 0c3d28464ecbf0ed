/**
 * Test-only: which pages of this process are resident (/proc/self/pagemap), and reading pages back
 * in, for tests of what the server hands back to the OS.
 */

const PAGE = 4096;

/** Resident pages of this process in [start, start + length). */
export function residentPages(start: number, length: number): number {
  using pagemap = Deno.openSync("/proc/self/pagemap");
  const pages = length / PAGE;
  const buf = new Uint8Array(pages * 8);
  pagemap.seekSync((start / PAGE) * 8, Deno.SeekMode.Start);
  let got = 0;
  while (got < buf.length) {
    const n = pagemap.readSync(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
  const view = new DataView(buf.buffer);
  let present = 0;
  for (let i = 0; i < pages; i++) if (view.getBigUint64(i * 8, true) & (1n << 63n)) present++;
  return present;
}

/** Reads one byte of every page in [start, start + length), faulting the pages in. */
export function touchPages(start: number, length: number): void {
  for (let at = start; at < start + length; at += PAGE) {
    const pointer = Deno.UnsafePointer.create(BigInt(at));
    if (pointer) new Deno.UnsafePointerView(pointer).getUint8(0);
  }
}
