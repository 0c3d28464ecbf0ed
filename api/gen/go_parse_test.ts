import assert from "node:assert/strict";
import { parseGoFile } from "./go_parse.ts";
import { formatGoType, parseGoType } from "./go_types.ts";

const SOURCE = `/*
A block comment that mentions type Fake struct { and must be ignored.
*/

package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	_ "embed"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Widget is a test type.
// +structType=atomic
type Widget struct {
	metav1.TypeMeta \`json:",inline"\`
	// +optional
	metav1.ObjectMeta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`

	// A comment that is not attached.

	// +listType=map
	// +listMapKey=name
	Parts []Part \`json:"parts" protobuf:"bytes,2,rep,name=parts"\` // trailing
	Port *intstr.IntOrString \`json:"port,omitempty" protobuf:"bytes,3,opt,name=port"\`
	Labels map[string][]byte \`json:"labels,omitempty" protobuf:"bytes,4,rep,name=labels"\`
	A, B int32
	hidden string
	Callback func(x int) error
}

type Mode string

const (
	ModeA Mode = "A" // the first
	ModeB      = "B"
	Count      = 3
)

const Single = \`raw\`

type (
	Grouped struct{}
	Names []string
)

func (w *Widget) Method(x map[string]struct{}) {
	if x != nil {
		type inner struct { Y int }
	}
}

var table = map[string]int{
	"a": 1,
}
`;

Deno.test("parses imports, structs, named types and constants", () => {
  const f = parseGoFile(SOURCE, "widget.go");
  assert.equal(f.packageName, "v1");
  assert.equal(f.imports.get("metav1"), "k8s.io/apimachinery/pkg/apis/meta/v1");
  assert.equal(f.imports.get("intstr"), "k8s.io/apimachinery/pkg/util/intstr");
  assert.equal(f.imports.has("_"), false);
  assert.deepEqual(f.structs.map((s) => s.name), ["Widget", "Grouped"]);
  assert.deepEqual(f.namedTypes.map((t) => t.name), ["Mode", "Names"]);
  assert.equal(f.consts.get("ModeA"), "A");
  assert.equal(f.consts.get("ModeB"), "B");
  assert.equal(f.consts.get("Count"), 3);
  assert.equal(f.consts.get("Single"), "raw");
});

Deno.test("struct fields keep order, tags, embedding and attached comments", () => {
  const w = parseGoFile(SOURCE).structs[0];
  assert.ok(w);
  assert.ok(w.comments.includes("+structType=atomic"));
  assert.ok(w.comments.includes("+genclient"), "second-closest comment group is kept");
  assert.deepEqual(w.fields.map((f) => f.name), [
    "TypeMeta",
    "ObjectMeta",
    "Parts",
    "Port",
    "Labels",
    "A",
    "B",
    "hidden",
    "Callback",
  ]);
  const [typeMeta, objectMeta, parts, port, labels] = w.fields;
  assert.equal(typeMeta?.embedded, true);
  assert.equal(typeMeta?.tag, `json:",inline"`);
  assert.deepEqual(objectMeta?.comments, ["+optional"]);
  assert.equal(objectMeta?.embedded, true);
  assert.deepEqual(parts?.comments, ["+listType=map", "+listMapKey=name"]);
  assert.equal(formatGoType(parts!.type), "[]Part");
  assert.equal(formatGoType(port!.type), "*intstr.IntOrString");
  assert.equal(formatGoType(labels!.type), "map[string][]byte");
  assert.equal(w.fields[8]?.type.kind, "other");
});

Deno.test("go type expressions", () => {
  assert.deepEqual(parseGoType("map[ResourceName]resource.Quantity"), {
    kind: "map",
    key: { kind: "named", name: "ResourceName" },
    value: { kind: "named", pkg: "resource", name: "Quantity" },
  });
  assert.equal(formatGoType(parseGoType("*[][]byte")), "*[][]byte");
  assert.equal(formatGoType(parseGoType("[]interface{}")), "[]interface{}");
  assert.throws(() => parseGoType("chan int"));
});
