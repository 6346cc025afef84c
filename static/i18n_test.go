package static

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	// catalogueEntry is one line of a catalogue: "key": "text",
	catalogueEntry = regexp.MustCompile(`^\s*"([a-z0-9_.-]+)":\s*"((?:[^"\\]|\\.)*)",\s*$`)
	// placeholder is a {name} the text fills in.
	placeholder = regexp.MustCompile(`\{(\w+)\}`)
	// lookup is a call of t or tn with a literal key.
	lookup = regexp.MustCompile(`\bt(n?)\(\s*"([a-z0-9_.-]+)"`)
)

// catalogue reads static/js/i18n/<lang>.js: one entry a line, comments,
// blank lines and the export around them; anything else fails the test, so
// the format stays one a test can read.
func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := FS.ReadFile("js/i18n/" + lang + ".js")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for i, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "", strings.HasPrefix(trimmed, "//"), trimmed == "export default {", trimmed == "};":
			continue
		}
		m := catalogueEntry.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s.js:%d: not a `\"key\": \"text\",` line: %s", lang, i+1, trimmed)
			continue
		}
		if _, dup := out[m[1]]; dup {
			t.Errorf("%s.js:%d: %q is there twice", lang, i+1, m[1])
		}
		if strings.TrimSpace(m[2]) == "" {
			t.Errorf("%s.js:%d: %q has no text", lang, i+1, m[1])
		}
		out[m[1]] = m[2]
	}
	return out
}

func placeholders(text string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestCataloguesHoldTheSameKeysAndPlaceholders(t *testing.T) {
	en, es := catalogue(t, "en"), catalogue(t, "es")
	for key, text := range en {
		other, ok := es[key]
		if !ok {
			t.Errorf("%q is in English but not in Spanish", key)
			continue
		}
		if a, b := placeholders(text), placeholders(other); !slices.Equal(a, b) {
			t.Errorf("%q fills in %v in English but %v in Spanish", key, a, b)
		}
	}
	for key := range es {
		if _, ok := en[key]; !ok {
			t.Errorf("%q is in Spanish but not in English", key)
		}
	}
}

func TestEveryKeyTheCodeLooksUpIsInTheCatalogue(t *testing.T) {
	en := catalogue(t, "en")
	err := fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".js") || strings.HasPrefix(path, "js/i18n/") {
			return err
		}
		b, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lookup.FindAllStringSubmatch(string(b), -1) {
			key := m[2]
			if m[1] == "n" {
				key += ".other"
			}
			if _, ok := en[key]; !ok {
				t.Errorf("%s looks up %q, which no catalogue holds", path, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// auditCall is the server writing an audit entry with a literal action.
var auditCall = regexp.MustCompile(`\.audit\("([a-z_]+\.[a-z_.]+)"`)

// serverAuditActions reads every action the server's code writes to the
// audit log, from the Go source beside this package.
func serverAuditActions(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("../internal", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range auditCall.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestEveryAuditActionReadsAsASentenceAndCanBeFilteredOn(t *testing.T) {
	actions := serverAuditActions(t)
	if len(actions) < 20 {
		t.Fatalf("found only %d audit actions in the server's code; has the way it writes them changed?", len(actions))
	}
	en := catalogue(t, "en")
	admin, err := FS.ReadFile("js/admin.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range actions {
		if _, ok := en["admin.audit.action."+a]; !ok {
			t.Errorf("the audit log shows %q with no sentence: add admin.audit.action.%s to the catalogues", a, a)
		}
		if _, ok := en["admin.audit.filter.action."+a]; !ok {
			t.Errorf("the audit filter has no words for %q: add admin.audit.filter.action.%s", a, a)
		}
		if !strings.Contains(string(admin), `"`+a+`"`) {
			t.Errorf("admin.js's ACTIONS does not offer %q in the audit filter", a)
		}
	}
}
