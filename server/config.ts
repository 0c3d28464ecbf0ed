/**
 * `kno server` configuration, declared once as a flag table (k3s names): each flag has an env
 * var `KNO_<NAME>` and a key of the same name in the `--config` YAML file. Precedence: flags,
 * then environment, then the file, then defaults.
 */

export interface FlagSpec {
  name: string;
  short?: string;
  type: "string" | "boolean" | "list";
  default: (env: Defaults) => string | boolean | string[];
  help: string;
}

export interface Defaults {
  root: boolean;
  home: string;
}

export const SERVER_FLAGS: FlagSpec[] = [
  {
    name: "config",
    short: "c",
    type: "string",
    default: (d) => (d.root ? "/etc/kno/config.yaml" : ""),
    help: "YAML file whose keys are these flag names",
  },
  {
    name: "data-dir",
    short: "d",
    type: "string",
    default: (d) => (d.root ? "/var/lib/kno" : `${d.home}/.kno`),
    help: "Directory for state (server/ and agent/ below it)",
  },
  {
    name: "bind-address",
    type: "string",
    default: () => "0.0.0.0",
    help: "Address the API server listens on",
  },
  {
    name: "https-listen-port",
    type: "string",
    default: () => "6443",
    help: "HTTPS port of the API server",
  },
  {
    name: "advertise-address",
    type: "string",
    default: () => "",
    help:
      "Address clients and agents use to reach the server (default: the bind address, or 127.0.0.1)",
  },
  {
    name: "tls-san",
    type: "list",
    default: () => [],
    help: "Extra hostname or IP in the serving certificate (repeatable)",
  },
  {
    name: "write-kubeconfig",
    short: "o",
    type: "string",
    default: (d) => (d.root ? "/etc/kno/kno.yaml" : `${d.home}/.kube/kno.yaml`),
    help: "Where to write the admin kubeconfig",
  },
  {
    name: "write-kubeconfig-mode",
    type: "string",
    default: () => "0600",
    help: "File mode of the kubeconfig",
  },
  {
    name: "token",
    short: "t",
    type: "string",
    default: () => "",
    help: "Shared secret agents join with (generated when empty)",
  },
  {
    name: "disable-agent",
    type: "boolean",
    default: () => false,
    help: "Do not run an agent for this node",
  },
  { name: "cluster-cidr", type: "string", default: () => "10.42.0.0/16", help: "Pod network CIDR" },
  { name: "service-cidr", type: "string", default: () => "10.43.0.0/16", help: "Service IP CIDR" },
  {
    name: "cluster-domain",
    type: "string",
    default: () => "cluster.local",
    help: "Cluster DNS domain",
  },
  {
    name: "datastore-endpoint",
    type: "string",
    default: () => "",
    help: "Datastore (default: SQLite in <data-dir>/server/db/state.db)",
  },
  { name: "debug", type: "boolean", default: () => false, help: "Log at debug level" },
];

export type ConfigValues = Record<string, string | boolean | string[]>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function envName(flag: string): string {
  return `KNO_${flag.toUpperCase().replaceAll("-", "_")}`;
}

function coerce(spec: FlagSpec, value: unknown, from: string): string | boolean | string[] {
  if (spec.type === "boolean") {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0" || value === "") return false;
    throw new ConfigError(
      `${from}: "${spec.name}" must be true or false, not ${JSON.stringify(value)}`,
    );
  }
  if (spec.type === "list") {
    if (Array.isArray(value)) return value.map(String);
    return String(value).split(",").map((s) => s.trim()).filter(Boolean);
  }
  if (typeof value === "object" && value !== null) {
    throw new ConfigError(`${from}: "${spec.name}" must be a string`);
  }
  return String(value);
}

/** Parses argv (after the subcommand) into flag values, rejecting unknown flags. */
export function parseFlags(argv: string[], specs: FlagSpec[]): ConfigValues {
  const out: ConfigValues = {};
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    if (s.short) byName.set(s.short, s);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new ConfigError(`unexpected argument "${arg}"`);
    const spec = byName.get(m[1]!);
    if (!spec) throw new ConfigError(`unknown flag "${arg}"`);
    let value: string | undefined = m[2];
    if (spec.type === "boolean") {
      out[spec.name] = coerce(spec, value ?? "true", "flag");
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new ConfigError(`flag "--${spec.name}" needs a value`);
    }
    if (spec.type === "list") {
      out[spec.name] = [
        ...((out[spec.name] as string[] | undefined) ?? []),
        ...(coerce(spec, value, "flag") as string[]),
      ];
    } else out[spec.name] = coerce(spec, value, "flag");
  }
  return out;
}

/** Resolves the effective configuration: flags > KNO_* env > config file > defaults. */
export async function resolveConfig(
  argv: string[],
  specs: FlagSpec[],
  env: Record<string, string | undefined>,
  defaults: Defaults,
): Promise<ConfigValues> {
  const flags = parseFlags(argv, specs);
  const fromEnv: ConfigValues = {};
  for (const s of specs) {
    const v = env[envName(s.name)];
    if (v !== undefined) fromEnv[s.name] = coerce(s, v, `environment ${envName(s.name)}`);
  }
  const configSpec = specs.find((s) => s.name === "config");
  const configPath =
    (flags.config ?? fromEnv.config ?? configSpec?.default(defaults) ?? "") as string;
  const fromFile: ConfigValues = {};
  if (configPath) {
    let text: string | undefined;
    try {
      text = await Deno.readTextFile(configPath);
    } catch (e) {
      const explicit = flags.config !== undefined || fromEnv.config !== undefined;
      if (!(e instanceof Deno.errors.NotFound) || explicit) {
        throw new ConfigError(`cannot read config file ${configPath}: ${(e as Error).message}`);
      }
    }
    if (text !== undefined) {
      let doc: unknown;
      const { parse: parseYaml } = await import("yaml");
      try {
        doc = parseYaml(text);
      } catch (e) {
        throw new ConfigError(
          `config file ${configPath} is not valid YAML: ${(e as Error).message.split("\n")[0]}`,
        );
      }
      if (doc !== null && doc !== undefined) {
        if (typeof doc !== "object" || Array.isArray(doc)) {
          throw new ConfigError(`config file ${configPath} must be a mapping of flag names`);
        }
        for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
          const s = specs.find((x) => x.name === k);
          if (!s || s.name === "config") {
            throw new ConfigError(`config file ${configPath}: unknown key "${k}"`);
          }
          fromFile[k] = coerce(s, v, `config file ${configPath}`);
        }
      }
    }
  }
  const out: ConfigValues = {};
  for (const s of specs) out[s.name] = s.default(defaults);
  return { ...out, ...fromFile, ...fromEnv, ...flags, config: configPath };
}

export function usage(command: string, specs: FlagSpec[]): string {
  const lines = [
    `Usage: kno ${command} [flags]`,
    "",
    "Flags (each also as env KNO_<NAME> and as a key in --config):",
  ];
  for (const s of specs) {
    const names = `${s.short ? `-${s.short}, ` : "    "}--${s.name}${
      s.type === "boolean" ? "" : " value"
    }`;
    lines.push(`  ${names.padEnd(36)} ${s.help} [$${envName(s.name)}]`);
  }
  return lines.join("\n");
}
