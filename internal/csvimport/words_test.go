package csvimport_test

import (
	"testing"

	"pathway/internal/csvimport"
	"pathway/internal/pathway"
	"pathway/internal/words"
)

func TestEveryColumnHasALabelInEveryLanguage(t *testing.T) {
	for _, kind := range pathway.ImportKinds {
		for _, c := range csvimport.Columns(kind) {
			for _, l := range words.Langs {
				if words.Label(l, c) == words.Text(l, "label.unknown") {
					t.Errorf("column %s of an import of %s has no label in %s", c, kind, l)
				}
			}
		}
	}
}
