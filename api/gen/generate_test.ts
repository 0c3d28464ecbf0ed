import assert from "node:assert/strict";
import { silentLogger } from "../log.ts";
import type { Schema, SchemaTable } from "../schema/types.ts";
import { generateTable, serializeTable } from "./generate.ts";
import { GitMirrors, type RepoKey, REPOS, type SourceTree } from "./upstream.ts";
import { GenerateError } from "./resolve.ts";

/** An in-memory source tree: repo → path → file text. */
class MapTree implements SourceTree {
  constructor(private readonly files: Partial<Record<RepoKey, Record<string, string>>>) {}
  listDir(repo: RepoKey, dir: string): Promise<string[]> {
    const names = Object.keys(this.files[repo] ?? {})
      .filter((p) => p.startsWith(dir + "/") && !p.slice(dir.length + 1).includes("/"))
      .map((p) => p.slice(dir.length + 1));
    return Promise.resolve(names);
  }
  readFile(repo: RepoKey, path: string): Promise<string> {
    const text = this.files[repo]?.[path];
    return text === undefined ? Promise.reject(new Error(`no ${path}`)) : Promise.resolve(text);
  }
}

const META_GO = `package v1

import "time"

type TypeMeta struct {
	Kind string \`json:"kind,omitempty" protobuf:"bytes,1,opt,name=kind"\`
	APIVersion string \`json:"apiVersion,omitempty" protobuf:"bytes,2,opt,name=apiVersion"\`
}

type ObjectMeta struct {
	Name string \`json:"name,omitempty" protobuf:"bytes,1,opt,name=name"\`
	// +optional
	// +listType=set
	Finalizers []string \`json:"finalizers,omitempty" patchStrategy:"merge" protobuf:"bytes,14,rep,name=finalizers"\`
	CreationTimestamp Time \`json:"creationTimestamp,omitempty" protobuf:"bytes,8,opt,name=creationTimestamp"\`
}

type ListMeta struct {
	ResourceVersion string \`json:"resourceVersion,omitempty" protobuf:"bytes,2,opt,name=resourceVersion"\`
}
`;

const TIME_GO = `package v1

import "time"

type Time struct {
	time.Time \`protobuf:"-"\`
}
`;

const WIDGETS_GO = `package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	otherv1 "k8s.io/api/other/v1alpha1"
)

type Widget struct {
	metav1.TypeMeta \`json:",inline"\`
	metav1.ObjectMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`
	Spec WidgetSpec \`json:"spec" protobuf:"bytes,2,opt,name=spec"\`
	Status WidgetStatus \`json:"status,omitempty" protobuf:"bytes,3,opt,name=status"\`
}

type WidgetList struct {
	metav1.TypeMeta \`json:",inline"\`
	metav1.ListMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`
	Items []Widget \`json:"items" protobuf:"bytes,2,rep,name=items"\`
}

type WidgetSpec struct {
	// +optional
	Replicas *int32 \`json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"\`
	// +default=ref(ModeFast)
	Mode Mode \`json:"mode,omitempty" protobuf:"bytes,2,opt,name=mode,casttype=Mode"\`
	// +default=0
	Weight int64 \`json:"weight,omitempty" protobuf:"varint,3,opt,name=weight"\`
	Data map[string][]byte \`json:"data,omitempty" protobuf:"bytes,4,rep,name=data"\`
	WidgetSource \`json:",inline" protobuf:"bytes,5,opt,name=source"\`
	// +listType=map
	// +listMapKey=port
	// +listMapKey=protocol
	Ports []WidgetPort \`json:"ports,omitempty" patchStrategy:"merge" patchMergeKey:"port" protobuf:"bytes,6,rep,name=ports"\`
	Extra map[string]ExtraValue \`json:"extra,omitempty" protobuf:"bytes,7,rep,name=extra"\`
	Ratio float64 \`json:"ratio" protobuf:"fixed64,8,opt,name=ratio"\`
	Thing *otherv1.Thing \`json:"thing,omitempty" protobuf:"bytes,9,opt,name=thing"\`
	Internal string \`json:"-"\`
	cache string
}

type WidgetSource struct {
	// +optional
	Disk *DiskSource \`json:"disk,omitempty" protobuf:"bytes,1,opt,name=disk"\`
	Path string \`json:"path" protobuf:"bytes,2,opt,name=path"\`
}

// +structType=atomic
type DiskSource struct {
	Size int32 \`json:"size" protobuf:"varint,1,opt,name=size"\`
}

type WidgetPort struct {
	Port int32 \`json:"port" protobuf:"varint,1,opt,name=port"\`
	// +default="TCP"
	Protocol string \`json:"protocol,omitempty" protobuf:"bytes,2,opt,name=protocol"\`
}

type WidgetStatus struct {
	Ready bool \`json:"ready" protobuf:"varint,1,opt,name=ready"\`
	Since metav1.Time \`json:"since,omitempty" protobuf:"bytes,2,opt,name=since"\`
}

type TokenReview struct {
	metav1.TypeMeta \`json:",inline"\`
	metav1.ObjectMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`
}

type Orphan struct {
	metav1.TypeMeta \`json:",inline"\`
	metav1.ObjectMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`
}

// +enum
type Mode string

const (
	ModeFast Mode = "Fast"
	ModeSlow = Mode("Slow")
	ModeOther = Mode(otherv1.ThingMode)
	ModeFastAgain Mode = "Fast"
	Untyped = "NotAMode"
)

// +protobuf.nullable=true
type ExtraValue []string
`;

const OTHER_GO = `package v1alpha1

const ThingMode = "Thing"

type Thing struct {
	// +required
	Label string \`json:"label,omitempty" protobuf:"bytes,1,opt,name=label"\`
}
`;

function fixtureTree(extra: Record<string, string> = {}): MapTree {
  return new MapTree({
    api: {
      "widgets/v1/types.go": WIDGETS_GO + (extra.widgets ?? ""),
      "widgets/v1/types_test.go": "package v1\n\ntype Ignored struct {\n}\n",
      "widgets/v1/zz_generated.deepcopy.go": "package v1\n\ntype AlsoIgnored struct {\n}\n",
      "other/v1alpha1/types.go": OTHER_GO,
    },
    apimachinery: {
      "pkg/apis/meta/v1/types.go": META_GO,
      "pkg/apis/meta/v1/time.go": TIME_GO,
    },
  });
}

const PACKAGES = [{
  importPath: "k8s.io/api/widgets/v1",
  group: "widgets.example.io",
  version: "v1",
}];
const W = "io.k8s.api.widgets.v1";

async function fixtureTable(
  overlay: Record<string, Record<string, unknown>> = {},
): Promise<SchemaTable> {
  return await generateTable({
    tree: fixtureTree(),
    log: silentLogger,
    packages: PACKAGES,
    overlay,
  });
}

function props(table: SchemaTable, name: string): Record<string, Schema> {
  const p = table.definitions[name]?.properties;
  assert.ok(p, `${name} has properties`);
  return p;
}

Deno.test("structs become definitions with Go field order, proto numbers and required", async () => {
  const t = await fixtureTable();
  const spec = props(t, `${W}.WidgetSpec`);
  assert.deepEqual(Object.keys(spec), [
    "replicas",
    "mode",
    "weight",
    "data",
    "disk",
    "path",
    "ports",
    "extra",
    "ratio",
    "thing",
  ]);
  assert.deepEqual(spec.replicas, {
    type: "integer",
    format: "int32",
    "x-kno-proto-type": "int32",
    "x-kno-proto": 1,
  });
  assert.deepEqual(spec.ratio, {
    type: "number",
    format: "double",
    "x-kno-proto-type": "double",
    "x-kno-proto": 8,
  });
  assert.deepEqual(t.definitions[`${W}.WidgetSpec`]?.required, ["path", "ratio"]);
  assert.deepEqual(t.definitions[`${W}.Widget`]?.required, ["spec"], "status never required");
  assert.deepEqual(t.definitions["io.k8s.api.other.v1alpha1.Thing"]?.required, ["label"]);
});

Deno.test("scalars with omitempty are omit-zero; marker defaults resolve constants", async () => {
  const spec = props(await fixtureTable(), `${W}.WidgetSpec`);
  assert.equal(spec.mode?.["x-kno-omit-zero"], true);
  assert.equal(spec.mode?.default, "Fast");
  assert.equal(spec.mode?.["x-kno-proto-type"], "string");
  // +enum: the type's string constants, typed or converted (also from another package), sorted
  // and each once; untyped constants are not the type's.
  assert.deepEqual(spec.mode?.enum, ["Fast", "Slow", "Thing"]);
  assert.equal(spec.weight?.default, undefined, "a zero default on an omit-zero field is dropped");
  assert.equal(spec.replicas?.["x-kno-omit-zero"], undefined);
  assert.deepEqual(spec.data?.additionalProperties, {
    type: "string",
    format: "byte",
    "x-kno-proto-type": "bytes",
  });
});

Deno.test("inline structs flatten with proto-via; TypeMeta flattens bare", async () => {
  const t = await fixtureTable();
  const spec = props(t, `${W}.WidgetSpec`);
  assert.deepEqual(spec.disk?.["x-kno-proto-via"], [5]);
  assert.equal(spec.disk?.["x-kno-proto"], 1);
  assert.equal(spec.disk?.$ref, `#/components/schemas/${W}.DiskSource`);
  assert.deepEqual(spec.path?.["x-kno-proto-via"], [5]);
  assert.equal(t.definitions[`${W}.DiskSource`]?.["x-kubernetes-struct-type"], "atomic");
  const widget = props(t, `${W}.Widget`);
  assert.deepEqual(widget.apiVersion, { type: "string" });
  assert.deepEqual(widget.kind, { type: "string" });
  assert.equal(widget.metadata?.["x-kno-proto"], 1);
});

Deno.test("list maps, patch strategies, wrapped map values and cross-package refs", async () => {
  const t = await fixtureTable();
  const spec = props(t, `${W}.WidgetSpec`);
  assert.equal(spec.ports?.["x-kubernetes-list-type"], "map");
  assert.deepEqual(spec.ports?.["x-kubernetes-list-map-keys"], ["port", "protocol"]);
  assert.equal(spec.ports?.["x-kubernetes-patch-strategy"], "merge");
  assert.equal(spec.ports?.["x-kubernetes-patch-merge-key"], "port");
  assert.equal(props(t, `${W}.WidgetPort`).protocol?.default, "TCP");
  const extra = spec.extra?.additionalProperties as Schema;
  assert.equal(extra.type, "array");
  assert.equal(extra["x-kno-proto"], 1);
  assert.equal(spec.thing?.$ref, "#/components/schemas/io.k8s.api.other.v1alpha1.Thing");
  const meta = props(t, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  assert.equal(meta.finalizers?.["x-kubernetes-patch-strategy"], "merge");
  assert.equal(meta.finalizers?.["x-kubernetes-list-type"], "set");
  assert.deepEqual(t.definitions["io.k8s.apimachinery.pkg.apis.meta.v1.Time"], {
    type: "string",
    format: "date-time",
    "x-kno-codec": "time",
  });
  assert.equal(t.definitions[`${W}.Ignored`], undefined);
  assert.equal(t.definitions[`${W}.AlsoIgnored`], undefined);
});

Deno.test("kinds: list siblings and list-less review types, tagged with their GVK", async () => {
  const t = await fixtureTable();
  const own = t.kinds.filter((k) =>
    k.group === "widgets.example.io" && k.kind !== "DeleteOptions" &&
    k.kind !== "WatchEvent"
  );
  assert.deepEqual(own, [
    {
      group: "widgets.example.io",
      version: "v1",
      kind: "Widget",
      definition: `${W}.Widget`,
      listDefinition: `${W}.WidgetList`,
    },
    {
      group: "widgets.example.io",
      version: "v1",
      kind: "TokenReview",
      definition: `${W}.TokenReview`,
    },
  ]);
  assert.deepEqual(t.definitions[`${W}.WidgetList`]?.["x-kubernetes-group-version-kind"], [
    { group: "widgets.example.io", version: "v1", kind: "WidgetList" },
  ]);
  assert.ok(t.kinds.some((k) => k.group === "widgets.example.io" && k.kind === "DeleteOptions"));
  assert.equal(t.definitions[`${W}.Orphan`]?.["x-kubernetes-group-version-kind"], undefined);
});

Deno.test("the defaults overlay lands on properties; unknown names are refused", async () => {
  const t = await fixtureTable({ [`${W}.WidgetSpec`]: { replicas: 1, disk: { size: 1 } } });
  const spec = props(t, `${W}.WidgetSpec`);
  assert.equal(spec.replicas?.default, 1);
  assert.deepEqual(spec.disk?.default, { size: 1 });
  await assert.rejects(() => fixtureTable({ [`${W}.Nope`]: { a: 1 } }), GenerateError);
  await assert.rejects(() => fixtureTable({ [`${W}.WidgetSpec`]: { nope: 1 } }), GenerateError);
});

Deno.test("serialized tables parse back to the same table", async () => {
  const t = await fixtureTable();
  t.sources = { "kubernetes/api": "0".repeat(40) };
  const back = JSON.parse(serializeTable(t)) as SchemaTable;
  assert.deepEqual(back.kinds, t.kinds);
  assert.deepEqual(back.sources, t.sources);
  assert.deepEqual(Object.keys(back.definitions), Object.keys(t.definitions));
  assert.deepEqual(back.definitions[`${W}.WidgetSpec`], t.definitions[`${W}.WidgetSpec`]);
});

async function mirrorsAtRecordedCommits(): Promise<GitMirrors | undefined> {
  try {
    const mirrors = GitMirrors.fromEnv();
    const text = await Deno.readTextFile(new URL("../schema/table.json", import.meta.url));
    const sources = (JSON.parse(text) as SchemaTable).sources ?? {};
    for (const key of Object.keys(REPOS) as RepoKey[]) {
      if (sources[`kubernetes/${key}`] !== await mirrors.commit(key)) return undefined;
    }
    return mirrors;
  } catch {
    return undefined;
  }
}

const mirrors = await mirrorsAtRecordedCommits();

Deno.test({
  name: "table.json is what the generator writes from the recorded upstream commits",
  ignore: mirrors === undefined,
  async fn() {
    const text = await Deno.readTextFile(new URL("../schema/table.json", import.meta.url));
    const recorded = JSON.parse(text) as SchemaTable;
    const table = await generateTable({
      tree: mirrors!,
      log: silentLogger,
      sources: recorded.sources,
    });
    assert.equal(serializeTable(table), text);
  },
});

Deno.test("an unknown package import is refused loudly", async () => {
  const tree = fixtureTree({ widgets: '\ntype Bad struct {\n\tX nope.Thing `json:"x"`\n}\n' });
  await assert.rejects(
    () => generateTable({ tree, log: silentLogger, packages: PACKAGES, overlay: {} }),
    GenerateError,
  );
});
