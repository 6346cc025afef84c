package static

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// apiValues returns the API value of each member of a closed set, in order.
func apiValues[T any](set []T) []string {
	out := make([]string, len(set))
	for i, v := range set {
		out[i] = fmt.Sprint(v)
	}
	return out
}

var (
	// quoted matches a double-quoted JavaScript string without escapes.
	quoted = regexp.MustCompile(`"([^"\\]*)"`)
	// objectKey matches a key of an object literal whose value is a string.
	objectKey = regexp.MustCompile(`(?:^|[{,\n])\s*([a-z_]+):\s*"`)
)

// jsConst returns the text of `export const name = ...;` in src: an array
// literal's items, or an object literal's keys, in the order written.
func jsConst(t *testing.T, src, name string) []string {
	t.Helper()
	start := strings.Index(src, "export const "+name+" = ")
	if start < 0 {
		t.Fatalf("words.js exports no %s", name)
	}
	body := src[start+len("export const "+name+" = "):]
	end := strings.Index(body, ";\n")
	if end < 0 {
		t.Fatalf("words.js: %s does not end", name)
	}
	body = body[:end]
	var out []string
	switch body[0] {
	case '[':
		for _, m := range quoted.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
	case '{':
		for _, m := range objectKey.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
	default:
		t.Fatalf("words.js: %s is neither an array nor an object", name)
	}
	return out
}

func TestWebAppWordsCoverExactlyTheDomainsLists(t *testing.T) {
	b, err := FS.ReadFile("js/words.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for _, tc := range []struct {
		name string // the export in words.js
		want []string
	}{
		{"RUNGS", apiValues(pathway.Rungs)},
		{"ROLES", apiValues(pathway.Roles)},
		{"BODY_KINDS", apiValues(pathway.BodyKinds)},
		{"AUDIENCES", apiValues(pathway.Audiences)},
		{"STRATEGIES", apiValues(pathway.Strategies)},
		{"CAPACITIES", apiValues(pathway.Capacities)},
		{"CONSENT_METHODS", apiValues(pathway.ConsentMethods)},
		{"SCOPES", apiValues(pathway.ConsentScopes)},
		{"PERSPECTIVES", apiValues(pathway.Perspectives)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, jsConst(t, src, tc.name)); diff != "" {
				t.Errorf("words.js %s differs from the domain's list (-domain +words.js):\n%s", tc.name, diff)
			}
		})
	}
	// RUNG holds each rung's words; its keys are the rungs too.
	var rungKeys []string
	start := strings.Index(src, "export const RUNG = {")
	body := src[start:]
	body = body[:strings.Index(body, "};\n")]
	for _, m := range regexp.MustCompile(`(?m)^\s+([a-z_]+):\s*\{`).FindAllStringSubmatch(body, -1) {
		rungKeys = append(rungKeys, m[1])
	}
	if diff := cmp.Diff(apiValues(pathway.Rungs), rungKeys); diff != "" {
		t.Errorf("words.js RUNG differs from the domain's rungs (-domain +words.js):\n%s", diff)
	}
}

func TestWebAppSpellsRungsOnlyInWords(t *testing.T) {
	list := `"` + strings.Join(apiValues(pathway.Rungs), `", "`) + `"`
	entries, err := FS.ReadDir("js")
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"app.js"}
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "words.js" {
			files = append(files, "js/"+e.Name())
		}
	}
	for _, f := range files {
		b, err := FS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), list) {
			t.Errorf("%s spells out the rung list; import RUNGS from words.js", f)
		}
	}
}

func TestWebAppReadsEveryAbilityTheServerSends(t *testing.T) {
	b, err := FS.ReadFile("app.js")
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, m := range regexp.MustCompile(`has\("([a-z_]+)"\)`).FindAllStringSubmatch(string(b), -1) {
		read = append(read, m[1])
	}
	if diff := cmp.Diff(apiValues(pathway.Abilities), read); diff != "" {
		t.Errorf("app.js reads abilities differently from the domain's list (-domain +app.js):\n%s", diff)
	}
}
