package static

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pathway/internal/pathway"
	"pathway/internal/words"
)

// glossarySets are the domain's closed sets whose words the product keeps
// the same everywhere: each set's name in the web app's catalogues
// (words.<set>.<value>) and how the server's catalogue keys a value of it.
var glossarySets = []struct {
	set    string
	values []string
	server func(value string) string // the server's key for a value
}{
	{"rung", apiValues(pathway.Rungs), serverValue("rung")},
	// A capacity is a field of the check-in form, so the server names it by
	// its label ("label.leadership" is the capacity, not the role).
	{"capacity", apiValues(pathway.Capacities), func(v string) string { return "label." + v }},
	{"strategy", apiValues(pathway.Strategies), serverValue("strategy")},
	{"role", apiValues(pathway.Roles), serverValue("role")},
	{"body_kind", apiValues(pathway.BodyKinds), serverValue("body_kind")},
	{"audience", apiValues(pathway.Audiences), serverValue("audience")},
	{"scope", apiValues(pathway.ConsentScopes), serverValue("scope")},
	{"consent_method", apiValues(pathway.ConsentMethods), serverValue("consent_method")},
}

// serverValue keys a value of a closed set the way the server's catalogue
// keys its values (value.import_kind.participants).
func serverValue(set string) func(string) string {
	return func(v string) string { return "value." + set + "." + v }
}

// serverQuotes are the server's messages that quote a closed set's words,
// as the form shows them, with the web app's key for those words.
var serverQuotes = map[string]string{
	"consent.tracking_required": "words.scope.tracking",
}

// webRepeats are other sections of the web app's catalogues that name a
// closed set's values again, each with the set whose words it repeats.
var webRepeats = map[string]string{
	"bodies.kind.":         "body_kind",
	"self.kind.":           "body_kind",
	"bodies.audience.":     "audience",
	"self.audience.":       "audience",
	"self.consent.method.": "consent_method",
	"self.staff.cap.":      "capacity",
}

func webCatalogues(t *testing.T) map[pathway.Language]map[string]string {
	t.Helper()
	out := map[pathway.Language]map[string]string{}
	for _, l := range pathway.Languages {
		out[l] = catalogue(t, string(l))
	}
	return out
}

func TestServerAndWebAppUseTheSameWordsForTheDomainsClosedSets(t *testing.T) {
	web := webCatalogues(t)
	compared := map[string]int{}
	for _, l := range pathway.Languages {
		server := words.Catalogue(l)
		for _, gs := range glossarySets {
			for _, v := range gs.values {
				sk, wk := gs.server(v), "words."+gs.set+"."+v
				said, ok := server[sk]
				if !ok {
					continue
				}
				compared[gs.set]++
				if shown := web[l][wk]; said != shown {
					t.Errorf("%s: the server says %q (%s) but the web app shows %q (%s)", l, said, sk, shown, wk)
				}
			}
		}
		for sk, wk := range serverQuotes {
			if shown := web[l][wk]; !strings.Contains(server[sk], "“"+shown+"”") {
				t.Errorf("%s: the server's %s quotes other words than the web app's %s %q: %q", l, sk, wk, shown, server[sk])
			}
		}
	}
	// The server names the capacities today; a test that compared nothing
	// would pass whatever either side wrote.
	if want := len(pathway.Capacities) * len(pathway.Languages); compared["capacity"] != want {
		t.Errorf("compared %d of the server's capacity words, want %d", compared["capacity"], want)
	}
}

func TestTheWebAppRepeatsAClosedSetsWordsAlikeInEveryLanguage(t *testing.T) {
	web := webCatalogues(t)
	en := web[pathway.English]
	for key, enText := range en {
		for prefix, set := range webRepeats {
			v, ok := strings.CutPrefix(key, prefix)
			if !ok || strings.Contains(v, ".") {
				continue
			}
			canon := "words." + set + "." + v
			if enText != en[canon] {
				continue // worded for its page in English too, so free in every language
			}
			for _, l := range pathway.Languages[1:] {
				if web[l][key] != web[l][canon] {
					t.Errorf("%s: %s says %q, but %s, the same words in English, says %q", l, key, web[l][key], canon, web[l][canon])
				}
			}
		}
	}
}

// commentLine is the start of a line of a Go comment.
var commentLine = regexp.MustCompile(`(?m)^\s*//`)

func TestTheServersGlossaryListsTheWebAppsSpanishWords(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "internal", "words", "es.go"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	end := strings.Index(src, "var spanish")
	if end < 0 {
		t.Fatal("es.go holds no var spanish")
	}
	glossary := strings.Join(strings.Fields(commentLine.ReplaceAllString(src[:end], " ")), " ")
	es := catalogue(t, "es")
	for _, gs := range glossarySets {
		for _, v := range gs.values {
			if entry := v + " " + es["words."+gs.set+"."+v]; !strings.Contains(glossary, entry) {
				t.Errorf("the glossary atop internal/words/es.go does not list %q", entry)
			}
		}
	}
}

// readmeRow is a row of README.md's table of words: | `value` (set) | English | Spanish |
var readmeRow = regexp.MustCompile("^\\| `([a-z_]+)`(?: \\(([a-z_]+)\\))? \\| ([^|]+) \\| ([^|]+) \\|$")

func TestTheReadmesTableOfWordsIsTheWebAppsWords(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	web := webCatalogues(t)
	_, table, ok := strings.Cut(string(b), "| API value | English | Spanish |\n|---|---|---|\n")
	if !ok {
		t.Fatal("README.md has no table of words")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	var rows [][]string
	for _, line := range strings.Split(table, "\n") {
		r := readmeRow.FindStringSubmatch(line)
		if r == nil {
			t.Errorf("README.md: not a row of the table of words: %s", line)
			continue
		}
		rows = append(rows, r)
	}
	for _, r := range rows {
		value, set, en, es := r[1], r[2], strings.TrimSpace(r[3]), strings.TrimSpace(r[4])
		var matched bool
		for _, gs := range glossarySets {
			if (set == "" || set == gs.set) && web[pathway.English]["words."+gs.set+"."+value] == en {
				matched = true
				if want := web[pathway.Spanish]["words."+gs.set+"."+value]; es != want {
					t.Errorf("README.md gives %s (%s) in Spanish as %q; the web app says %q", value, gs.set, es, want)
				}
			}
		}
		if !matched {
			t.Errorf("README.md's row for %s (%q) names no closed set's English words", value, en)
		}
	}
}
