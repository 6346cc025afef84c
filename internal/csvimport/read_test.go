package csvimport_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/csvimport"
	"pathway/internal/pathway"
)

func TestRowsAreNumberedAsASpreadsheetShowsThem(t *testing.T) {
	csv := "external_ref,occurred_on,activity,note\n" +
		"CM-1,2026-01-02,Rally,\n" + // row 2
		"\n" + // row 3: blank
		"CM-2,not a date,Rally,\n" + // row 4
		"CM-3,2026-01-02,Rally,\"two\nlines\"\n" + // row 5, over two lines
		"CM-4,2026-13-01,Rally,\n" // row 6
	f, err := csvimport.Read([]byte(csv), pathway.ImportOptions{Kind: pathway.ImportEngagements})
	if err != nil {
		t.Fatal(err)
	}
	_, errs := f.EngagementRows()
	var rows []int
	for _, e := range errs {
		rows = append(rows, e.Row)
	}
	if diff := cmp.Diff([]int{4, 6}, rows); diff != "" {
		t.Errorf("rows of the bad dates (-want +got):\n%s", diff)
	}
}

func TestHeaderNamesMatchLooselyAndUnknownOnesAreNamed(t *testing.T) {
	tests := []struct {
		name    string
		header  string
		columns map[string]string
		field   string // "" when the header is accepted
	}{
		{"case, spaces and a byte-order mark", "\ufeff External_Ref ,OCCURRED_ON,Activity", nil, ""},
		{"a mapped name", "Client ID,occurred_on,activity", map[string]string{"external_ref": "client id"}, ""},
		{"an unknown column", "external_ref,occurred_on,activity,Diagnosis", nil, "header"},
		{"a required column missing", "external_ref,activity", nil, "occurred_on"},
		{"a column twice", "external_ref,occurred_on,activity,Activity", nil, "activity"},
		{"a map to a column Pathway does not have", "external_ref,occurred_on,activity", map[string]string{"birth_date": "DOB"}, "map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := csvimport.Read([]byte(tt.header+"\n"), pathway.ImportOptions{Kind: pathway.ImportEngagements, Columns: tt.columns})
			var fields []string
			for _, fe := range pathway.ErrorFields(err) {
				fields = append(fields, fe.Field)
			}
			if tt.field == "" && err != nil {
				t.Errorf("refused: %v", err)
			} else if tt.field != "" && !cmp.Equal(fields, []string{tt.field}) {
				t.Errorf("fields at fault %v, want %s (%v)", fields, tt.field, err)
			}
		})
	}
}
