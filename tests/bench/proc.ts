/** What Linux says about a process: resident memory and I/O counters from `/proc/<pid>`. */

function field(text: string, name: string, file: string): number {
  const m = text.match(new RegExp(`^${name}:\\s*(\\d+)`, "m"));
  if (!m) throw new Error(`no "${name}" in ${file}`);
  return Number(m[1]);
}

/** Resident set size in bytes (`VmRSS` of `/proc/<pid>/status`). */
export async function rssBytes(pid: number): Promise<number> {
  const file = `/proc/${pid}/status`;
  return field(await Deno.readTextFile(file), "VmRSS", file) * 1024;
}

/**
 * Where resident memory sits, from `/proc/<pid>/smaps`, by mapping: anonymous mappings (V8
 * heap, malloc, stacks), the runtime executable's mappings (code, and its data segments, which
 * `/proc/<pid>/status` counts as RssAnon once written), files under Deno's cache directory
 * (mapped by the `deno` CLI, absent from a compiled binary), and other files (libc and friends).
 */
export interface RssBreakdown {
  anonBytes: number;
  runtimeBinaryBytes: number;
  denoCacheBytes: number;
  otherFileBytes: number;
}

/**
 * Sums `Rss:` of each mapping of `pid` by what backs it. `runtime` is the executable's path;
 * `denoDir` the prefix of Deno's cache files.
 */
export async function rssBreakdown(
  pid: number,
  runtime: string,
  denoDir: string,
): Promise<RssBreakdown> {
  const out = { anonBytes: 0, runtimeBinaryBytes: 0, denoCacheBytes: 0, otherFileBytes: 0 };
  let backing = "";
  for (const line of (await Deno.readTextFile(`/proc/${pid}/smaps`)).split("\n")) {
    const header = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (header) {
      backing = header[1]!;
      continue;
    }
    const rss = line.match(/^Rss:\s+(\d+) kB/);
    if (!rss) continue;
    const bytes = Number(rss[1]) * 1024;
    if (!backing.startsWith("/")) out.anonBytes += bytes;
    else if (backing === runtime) out.runtimeBinaryBytes += bytes;
    else if (backing.startsWith(denoDir)) out.denoCacheBytes += bytes;
    else out.otherFileBytes += bytes;
  }
  return out;
}

/** Deno's cache directory as `deno info` reports it (`DENO_DIR`, else the default). */
export async function denoCacheDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const dir = (JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir?: string }).denoDir;
  if (!dir) throw new Error("deno info --json gave no denoDir");
  return dir.endsWith("/") ? dir : `${dir}/`;
}

/** Peak resident set size in bytes (`VmHWM`). */
export async function peakRssBytes(pid: number): Promise<number> {
  const m = (await Deno.readTextFile(`/proc/${pid}/status`)).match(/^VmHWM:\s*(\d+)/m);
  return m ? Number(m[1]) * 1024 : NaN;
}

export interface IoCounters {
  /** Bytes the process caused to be sent to the storage layer. */
  writeBytes: number;
  /** Bytes passed to write(2) and friends, cached or not. */
  wchar: number;
  /** `write_bytes` minus `cancelled_write_bytes` (pages truncated before writeback). */
  netWriteBytes: number;
}

export async function ioCounters(pid: number): Promise<IoCounters> {
  const file = `/proc/${pid}/io`;
  const text = await Deno.readTextFile(file);
  const writeBytes = field(text, "write_bytes", file);
  return {
    writeBytes,
    wchar: field(text, "wchar", file),
    netWriteBytes: writeBytes - field(text, "cancelled_write_bytes", file),
  };
}

export interface IdleWrites {
  seconds: number;
  writeBytesPerSecond: number;
  wcharPerSecond: number;
}

/** Reads the I/O counters of `pid` twice, `seconds` apart, and returns the rates. */
export async function idleWrites(pid: number, seconds: number): Promise<IdleWrites> {
  const before = await ioCounters(pid);
  const t0 = performance.now();
  await new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await ioCounters(pid);
  const elapsed = (performance.now() - t0) / 1000;
  return {
    seconds: elapsed,
    writeBytesPerSecond: (after.writeBytes - before.writeBytes) / elapsed,
    wcharPerSecond: (after.wchar - before.wchar) / elapsed,
  };
}
