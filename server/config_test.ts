import assert from "node:assert/strict";
import { ConfigError, parseFlags, resolveConfig, SERVER_FLAGS, usage } from "./config.ts";

const USER = { root: false, home: "/home/u" };
const ROOT = { root: true, home: "/root" };

async function withConfigFile<T>(yaml: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "kno-config-" });
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(path, yaml);
    return await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("defaults follow k3s: per-user paths, or system paths as root", async () => {
  const user = await resolveConfig([], SERVER_FLAGS, {}, USER);
  assert.equal(user["data-dir"], "/home/u/.kno");
  assert.equal(user["write-kubeconfig"], "/home/u/.kube/kno.yaml");
  assert.equal(user.config, "");
  assert.equal(user["https-listen-port"], "6443");
  assert.equal(user["bind-address"], "0.0.0.0");
  assert.equal(user["write-kubeconfig-mode"], "0600");
  assert.equal(user["cluster-cidr"], "10.42.0.0/16");
  assert.equal(user["service-cidr"], "10.43.0.0/16");
  assert.equal(user["cluster-domain"], "cluster.local");
  assert.deepEqual(user["tls-san"], []);
  assert.equal(user["disable-agent"], false);
  assert.equal(user.debug, false);

  const rootDefault = (name: string) => SERVER_FLAGS.find((f) => f.name === name)!.default(ROOT);
  assert.equal(rootDefault("data-dir"), "/var/lib/kno");
  assert.equal(rootDefault("write-kubeconfig"), "/etc/kno/kno.yaml");
  assert.equal(rootDefault("config"), "/etc/kno/config.yaml");
  // A config file named explicitly must exist.
  await assert.rejects(
    resolveConfig(["--config", "/nonexistent/dir/x.yaml"], SERVER_FLAGS, {}, USER),
    ConfigError,
  );
});

Deno.test("flags win over KNO_* env, env over the config file, the file over defaults", async () => {
  await withConfigFile(
    "https-listen-port: 7000\ncluster-domain: file.local\nbind-address: 10.0.0.1\n",
    async (path) => {
      const env = { KNO_HTTPS_LISTEN_PORT: "8000", KNO_CLUSTER_DOMAIN: "env.local" };
      const cfg = await resolveConfig(
        ["--config", path, "--https-listen-port", "9000"],
        SERVER_FLAGS,
        env,
        USER,
      );
      assert.equal(cfg["https-listen-port"], "9000");
      assert.equal(cfg["cluster-domain"], "env.local");
      assert.equal(cfg["bind-address"], "10.0.0.1");
      assert.equal(cfg["service-cidr"], "10.43.0.0/16");
      assert.equal(cfg.config, path);

      // The config file can also come from the environment.
      const viaEnv = await resolveConfig([], SERVER_FLAGS, { KNO_CONFIG: path }, USER);
      assert.equal(viaEnv["https-listen-port"], "7000");
    },
  );
});

Deno.test("flags take --name value, --name=value and short forms", () => {
  const v = parseFlags(
    ["-d", "/data", "--bind-address=127.0.0.1", "-o", "/tmp/kc.yaml", "-t", "secret"],
    SERVER_FLAGS,
  );
  assert.deepEqual(v, {
    "data-dir": "/data",
    "bind-address": "127.0.0.1",
    "write-kubeconfig": "/tmp/kc.yaml",
    token: "secret",
  });
});

Deno.test("list flags repeat and split on commas, from flags, env and YAML lists", async () => {
  assert.deepEqual(
    parseFlags(["--tls-san", "a.example", "--tls-san=b.example,10.0.0.5"], SERVER_FLAGS)["tls-san"],
    ["a.example", "b.example", "10.0.0.5"],
  );
  const env = await resolveConfig([], SERVER_FLAGS, { KNO_TLS_SAN: "x.example, y.example" }, USER);
  assert.deepEqual(env["tls-san"], ["x.example", "y.example"]);
  await withConfigFile("tls-san:\n  - one.example\n  - 192.168.1.9\n", async (path) => {
    const cfg = await resolveConfig(["-c", path], SERVER_FLAGS, {}, USER);
    assert.deepEqual(cfg["tls-san"], ["one.example", "192.168.1.9"]);
  });
});

Deno.test("booleans accept bare flags, =true/=false, 1/0 and YAML booleans; other values fail", async () => {
  assert.equal(parseFlags(["--disable-agent"], SERVER_FLAGS)["disable-agent"], true);
  assert.equal(parseFlags(["--disable-agent=false"], SERVER_FLAGS)["disable-agent"], false);
  assert.equal(parseFlags(["--debug=1"], SERVER_FLAGS).debug, true);
  // A bare boolean flag does not swallow the next argument.
  assert.deepEqual(parseFlags(["--debug", "--token", "x"], SERVER_FLAGS), {
    debug: true,
    token: "x",
  });
  const env = await resolveConfig([], SERVER_FLAGS, { KNO_DISABLE_AGENT: "1" }, USER);
  assert.equal(env["disable-agent"], true);
  await withConfigFile("disable-agent: true\ndebug: false\n", async (path) => {
    const cfg = await resolveConfig(["--config", path], SERVER_FLAGS, {}, USER);
    assert.equal(cfg["disable-agent"], true);
    assert.equal(cfg.debug, false);
    const flagWins = await resolveConfig(
      ["--config", path, "--disable-agent=false"],
      SERVER_FLAGS,
      {},
      USER,
    );
    assert.equal(flagWins["disable-agent"], false);
  });
  assert.throws(() => parseFlags(["--debug=yes"], SERVER_FLAGS), ConfigError);
  await assert.rejects(
    resolveConfig([], SERVER_FLAGS, { KNO_DEBUG: "maybe" }, USER),
    (e: unknown) => e instanceof ConfigError && /KNO_DEBUG/.test(e.message),
  );
});

Deno.test("unknown flags, stray arguments and missing values are ConfigErrors", () => {
  assert.throws(
    () => parseFlags(["--no-such-flag", "x"], SERVER_FLAGS),
    (e: unknown) => e instanceof ConfigError && /unknown flag "--no-such-flag"/.test(e.message),
  );
  assert.throws(() => parseFlags(["stray"], SERVER_FLAGS), ConfigError);
  assert.throws(
    () => parseFlags(["--token"], SERVER_FLAGS),
    (e: unknown) => e instanceof ConfigError && /needs a value/.test(e.message),
  );
});

Deno.test("config files with unknown keys, bad YAML or a non-mapping are refused", async () => {
  for (
    const [yaml, why] of [
      ["no-such-key: 1\n", /unknown key "no-such-key"/],
      ["config: /other.yaml\n", /unknown key "config"/],
      ["token: [unclosed\n", /not valid YAML/],
      ["- a\n- b\n", /mapping/],
      ["bind-address:\n  nested: map\n", /must be a string/],
    ] as const
  ) {
    await withConfigFile(yaml, async (path) => {
      await assert.rejects(
        resolveConfig(["--config", path], SERVER_FLAGS, {}, USER),
        (e: unknown) => e instanceof ConfigError && why.test(e.message),
        yaml,
      );
    });
  }
  // An empty file is an empty mapping.
  await withConfigFile("", async (path) => {
    const cfg = await resolveConfig(["--config", path], SERVER_FLAGS, {}, USER);
    assert.equal(cfg["https-listen-port"], "6443");
  });
});

Deno.test("usage lists every flag with its env var", () => {
  const text = usage("server", SERVER_FLAGS);
  for (const f of SERVER_FLAGS) {
    assert.ok(text.includes(`--${f.name}`), f.name);
    assert.ok(text.includes(`$KNO_${f.name.toUpperCase().replaceAll("-", "_")}`), f.name);
  }
});
