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
	// namedSet matches the start of named("set", [ in words.js.
	namedSet = regexp.MustCompile(`^named\("([a-z_]+)",\s*\[`)
)

// jsConst returns the values of `export const name = ...;` in src: an
// array literal's items, or the list given to named("set", [...]), in the
// order written, and the set's name ("" for an array).
func jsConst(t *testing.T, src, name string) (set string, values []string) {
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
	switch {
	case body[0] == '[':
	case strings.HasPrefix(body, "named("):
		m := namedSet.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("words.js: %s is not named(\"set\", [...])", name)
		}
		set, body = m[1], body[len(m[0]):]
	default:
		t.Fatalf("words.js: %s is neither an array nor named(\"set\", [...])", name)
	}
	for _, m := range quoted.FindAllStringSubmatch(body, -1) {
		values = append(values, m[1])
	}
	return set, values
}

func TestWebAppWordsCoverExactlyTheDomainsLists(t *testing.T) {
	b, err := FS.ReadFile("js/words.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	en, es := catalogue(t, "en"), catalogue(t, "es")
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
			set, got := jsConst(t, src, tc.name)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("words.js %s differs from the domain's list (-domain +words.js):\n%s", tc.name, diff)
			}
			if set == "" {
				set = "rung" // RUNG's words: a name and a meaning for each rung
			}
			for _, v := range tc.want {
				keys := []string{"words." + set + "." + v}
				if set == "rung" {
					keys = append(keys, keys[0]+".meaning")
				}
				for _, key := range keys {
					if en[key] == "" || es[key] == "" {
						t.Errorf("%q has no words in both catalogues (en %q, es %q)", key, en[key], es[key])
					}
				}
			}
		})
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
