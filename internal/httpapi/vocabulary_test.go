package httpapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// values returns the API value of each member of a closed set, in order.
func values[T any](set []T) []string {
	out := make([]string, len(set))
	for i, v := range set {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// domainSets are the domain's closed sets under their api.yaml schema names.
var domainSets = map[string][]string{
	"Rung":            values(pathway.Rungs),
	"Strategy":        values(pathway.Strategies),
	"ConsentMethod":   values(pathway.ConsentMethods),
	"ConsentScope":    values(pathway.ConsentScopes),
	"Role":            values(pathway.Roles),
	"Perspective":     values(pathway.Perspectives),
	"Ability":         values(pathway.Abilities),
	"BodyKind":        values(pathway.BodyKinds),
	"Audience":        values(pathway.Audiences),
	"Capacity":        values(pathway.Capacities),
	"EvidenceKind":    values(pathway.EvidenceKinds),
	"PeriodKind":      values(pathway.PeriodKinds),
	"ChangeType":      values(pathway.ChangeTypes),
	"DeliveryOutcome": pathway.DeliveryOutcomes,
	"ImportKind":      values(pathway.ImportKinds),
	"ImportStatus":    values(pathway.ImportStatuses),
	"Language":        values(pathway.Languages),
	"ImportOnError":   pathway.ImportErrorPolicies,
	// The tables of a release, by name.
	"ReleaseTableName": pathway.ReleaseTables,
}

// transportSets are enums of api.yaml that belong to the API alone.
var transportSets = [][]string{
	{"json", "csv"},   // report formats
	{"true", "false"}, // a boolean query parameter
	// How a release was published, as the releases table allows; the
	// audit trail names the account.
	{"schedule", "admin", "command line"},
	{"added", "name", "last_engaged"}, // the orders of the participant list
}

func TestAPIEnumsAreTheDomainsLists(t *testing.T) {
	doc := loadDoc(t)
	for name, want := range domainSets {
		if name == "Capacity" || name == "EvidenceKind" {
			continue // the schema named Capacity is a score; these names appear inline
		}
		ref, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("api.yaml has no schema %s", name)
			continue
		}
		var got []string
		for _, v := range ref.Value.Enum {
			got = append(got, fmt.Sprint(v))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("schema %s enum differs from the domain's list (-domain +api.yaml):\n%s", name, diff)
		}
	}

	// Every other enum, wherever it is written, is one of the same lists.
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	known := slices.Collect(func(yield func([]string) bool) {
		for _, s := range domainSets {
			if !yield(s) {
				return
			}
		}
		for _, s := range transportSets {
			if !yield(s) {
				return
			}
		}
	})
	var found int
	walkEnums(tree, "", func(path string, enum []string) {
		found++
		enum = slices.DeleteFunc(enum, func(v string) bool { return v == "<nil>" }) // a nullable field
		if !slices.ContainsFunc(known, func(s []string) bool { return slices.Equal(s, enum) }) {
			t.Errorf("%s: enum %v is none of the domain's lists", path, enum)
		}
	})
	if found < len(domainSets) {
		t.Errorf("found only %d enums in api.yaml", found)
	}
}

// walkEnums calls fn with every enum in the document and where it is.
func walkEnums(node any, path string, fn func(path string, enum []string)) {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if list, ok := v.([]any); ok && k == "enum" {
				enum := make([]string, len(list))
				for i, e := range list {
					enum[i] = fmt.Sprint(e)
				}
				fn(path, enum)
				continue
			}
			walkEnums(v, path+"/"+strings.ReplaceAll(k, "/", "~1"), fn)
		}
	case []any:
		for i, v := range n {
			walkEnums(v, fmt.Sprintf("%s/%d", path, i), fn)
		}
	}
}

func TestAPIPasswordBoundsAreTheDomains(t *testing.T) {
	doc := loadDoc(t)
	for _, name := range []string{"UserCreate", "UserPatch"} {
		p := doc.Components.Schemas[name].Value.Properties["password"].Value
		if p.MinLength != pathway.MinPasswordLength || p.MaxLength == nil || *p.MaxLength != pathway.MaxPasswordLength {
			t.Errorf("%s.password length %d..%v, want %d..%d", name, p.MinLength, p.MaxLength, pathway.MinPasswordLength, pathway.MaxPasswordLength)
		}
	}
}
