/**
 * Access to the upstream Go sources in local bare git mirrors (never the network), and the
 * loading of one Go package (all its non-generated, non-test files) into lookup maps.
 */
import { GoFile, GoNamedType, GoStruct, parseGoFile } from "./go_parse.ts";

/** The upstream repositories the table is generated from. */
export type RepoKey = "api" | "apimachinery" | "apiextensions-apiserver" | "kube-aggregator";

export const REPOS: Record<
  RepoKey,
  { module: string; env: string; mirror: string; defPrefix: string }
> = {
  api: {
    module: "k8s.io/api",
    env: "KNO_UPSTREAM_API",
    mirror: "/work/.mirror/kubernetes+api/repo",
    defPrefix: "io.k8s.api",
  },
  apimachinery: {
    module: "k8s.io/apimachinery",
    env: "KNO_UPSTREAM_APIMACHINERY",
    mirror: "/work/.mirror/kubernetes+apimachinery/repo",
    defPrefix: "io.k8s.apimachinery",
  },
  "apiextensions-apiserver": {
    module: "k8s.io/apiextensions-apiserver",
    env: "KNO_UPSTREAM_APIEXTENSIONS",
    mirror: "/work/.mirror/kubernetes+apiextensions-apiserver/repo",
    defPrefix: "io.k8s.apiextensions-apiserver",
  },
  "kube-aggregator": {
    module: "k8s.io/kube-aggregator",
    env: "KNO_UPSTREAM_KUBE_AGGREGATOR",
    mirror: "/work/.mirror/kubernetes+kube-aggregator/repo",
    defPrefix: "io.k8s.kube-aggregator",
  },
};

/** Where the generator reads files from: git mirrors in production, a map in tests. */
export interface SourceTree {
  /** File names (not paths) directly inside `dir` of `repo`. */
  listDir(repo: RepoKey, dir: string): Promise<string[]>;
  readFile(repo: RepoKey, path: string): Promise<string>;
}

export class UpstreamError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UpstreamError";
  }
}

/** Reads `HEAD` of bare git mirrors with `git -C <mirror> …`. */
export class GitMirrors implements SourceTree {
  constructor(private readonly dirs: Record<RepoKey, string>) {}

  static fromEnv(): GitMirrors {
    const dirs = {} as Record<RepoKey, string>;
    for (const [key, repo] of Object.entries(REPOS) as [RepoKey, typeof REPOS[RepoKey]][]) {
      dirs[key] = Deno.env.get(repo.env) ?? repo.mirror;
    }
    return new GitMirrors(dirs);
  }

  async commit(repo: RepoKey): Promise<string> {
    return (await this.git(repo, ["rev-parse", "HEAD"])).trim();
  }

  async listDir(repo: RepoKey, dir: string): Promise<string[]> {
    const out = await this.git(repo, ["ls-tree", "--name-only", `HEAD:${dir}`]);
    return out.split("\n").filter((l) => l !== "");
  }

  readFile(repo: RepoKey, path: string): Promise<string> {
    return this.git(repo, ["show", `HEAD:${path}`]);
  }

  private async git(repo: RepoKey, args: string[]): Promise<string> {
    const dir = this.dirs[repo];
    const out = await new Deno.Command("git", {
      args: ["-C", dir, ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim();
      throw new UpstreamError(`git ${args.join(" ")} failed in "${dir}": ${err}`);
    }
    return new TextDecoder().decode(out.stdout);
  }
}

/** A declaration together with the imports of the file it was declared in. */
export interface Declared<T> {
  decl: T;
  imports: Map<string, string>;
}

export interface GoPackage {
  importPath: string;
  repo: RepoKey;
  dir: string;
  /** Definition name prefix, e.g. "io.k8s.api.core.v1". */
  defPrefix: string;
  structs: Map<string, Declared<GoStruct>>;
  namedTypes: Map<string, Declared<GoNamedType>>;
  consts: Map<string, string | number>;
  /** Named type → the string constants the package declares with that type, in source order
   * (the values of a `+enum` type). */
  typedStrings: Map<string, string[]>;
  /** Struct names in the order they appear in the package's `types*.go` files. */
  typesFileStructs: string[];
}

/** Splits an import path into its repository and directory; undefined for other modules. */
export function locateImport(importPath: string): { repo: RepoKey; dir: string } | undefined {
  for (const [key, repo] of Object.entries(REPOS) as [RepoKey, typeof REPOS[RepoKey]][]) {
    if (importPath.startsWith(repo.module + "/")) {
      return { repo: key, dir: importPath.slice(repo.module.length + 1) };
    }
  }
  return undefined;
}

function isSourceFile(name: string): boolean {
  return name.endsWith(".go") && !name.endsWith("_test.go") && !name.startsWith("zz_generated") &&
    name !== "generated.pb.go" && !name.endsWith("_generated.go");
}

/** Loads and caches Go packages by import path. */
export class PackageLoader {
  private readonly cache = new Map<string, Promise<GoPackage>>();

  constructor(private readonly tree: SourceTree) {}

  load(importPath: string): Promise<GoPackage> {
    let p = this.cache.get(importPath);
    if (!p) {
      p = this.read(importPath);
      this.cache.set(importPath, p);
    }
    return p;
  }

  private async read(importPath: string): Promise<GoPackage> {
    const where = locateImport(importPath);
    if (!where) throw new UpstreamError(`Import path "${importPath}" is not in a known mirror`);
    const { repo, dir } = where;
    const pkg: GoPackage = {
      importPath,
      repo,
      dir,
      defPrefix: `${REPOS[repo].defPrefix}.${dir.replaceAll("/", ".")}`,
      structs: new Map(),
      namedTypes: new Map(),
      consts: new Map(),
      typedStrings: new Map(),
      typesFileStructs: [],
    };
    const names = (await this.tree.listDir(repo, dir)).filter(isSourceFile).sort();
    const files: GoFile[] = [];
    for (const name of names) {
      const path = `${dir}/${name}`;
      let file: GoFile;
      try {
        file = parseGoFile(await this.tree.readFile(repo, path), path);
      } catch (cause) {
        throw new UpstreamError(`Cannot read "${path}" of ${repo}`, { cause });
      }
      const isTypes = /^types.*\.go$/.test(name);
      for (const s of file.structs) {
        pkg.structs.set(s.name, { decl: s, imports: file.imports });
        if (isTypes) pkg.typesFileStructs.push(s.name);
      }
      for (const t of file.namedTypes) {
        pkg.namedTypes.set(t.name, { decl: t, imports: file.imports });
      }
      for (const [k, v] of file.consts) pkg.consts.set(k, v);
      files.push(file);
    }
    for (const file of files) {
      for (const [name, type] of file.constTypes) {
        const v = file.consts.get(name) ?? await this.constRef(pkg, file, file.constRefs.get(name));
        if (typeof v !== "string") continue;
        const values = pkg.typedStrings.get(type) ?? [];
        values.push(v);
        pkg.typedStrings.set(type, values);
      }
    }
    return pkg;
  }

  /** The value of the constant `ref` ("Name" or "alias.Name") names from `file` of `pkg`. */
  private async constRef(
    pkg: GoPackage,
    file: GoFile,
    ref: string | undefined,
  ): Promise<string | number | undefined> {
    if (ref === undefined) return undefined;
    const dot = ref.indexOf(".");
    if (dot < 0) return pkg.consts.get(ref);
    const importPath = file.imports.get(ref.slice(0, dot));
    if (importPath === undefined || !locateImport(importPath)) return undefined;
    return (await this.load(importPath)).consts.get(ref.slice(dot + 1));
  }
}
