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
