/**
 * The logger interface. One logger is made in main.ts and injected; every line carries a level
 * and a component. Never log tokens, keys or kubeconfig contents.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry `component` (and any other fixed fields). */
  with(fields: LogFields): Logger;
}

/** A logger that drops everything: for unit tests. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  with() {
    return silentLogger;
  },
};

/**
 * A logger writing one line per event (`<time> <LEVEL> <component> <msg> k=v …`) through `write`.
 * main.ts passes a writer to stderr.
 */
export function lineLogger(
  write: (line: string) => void,
  minLevel: LogLevel = "info",
  base: LogFields = {},
): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (order[level] < order[minLevel]) return;
    const all = { ...base, ...fields };
    const component = all.component ?? "kno";
    delete all.component;
    let line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${component}: ${msg}`;
    for (const [k, v] of Object.entries(all)) {
      if (v === undefined) continue;
      const s = String(v);
      line += ` ${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`;
    }
    write(line);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    with: (fields) => lineLogger(write, minLevel, { ...base, ...fields }),
  };
}
