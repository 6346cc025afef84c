// Package csvimport reads a case-management system's CSV export into
// Pathway's import rows and runs imports, in the foreground for the command
// line and in the background for the API.
package csvimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"pathway/internal/pathway"
	"pathway/internal/words"
)

// A column a kind of import reads, and whether every file must have it.
type column struct {
	name     string
	required bool
}

// columns lists the columns of each kind, in the order the docs give them.
var columns = map[pathway.ImportKind][]column{
	pathway.ImportParticipants: {
		{"external_ref", true}, {"display_name", true}, {"programs", false},
		{"consent_given_on", true}, {"consent_method", true}, {"consent_scopes", true},
		{"rung", false}, {"rung_effective_on", false},
	},
	pathway.ImportEngagements: {
		{"external_ref", true}, {"occurred_on", true}, {"activity", true},
		{"program", false}, {"strategy", false}, {"note", false},
	},
}

// Columns returns the names of the columns a kind of import reads.
func Columns(kind pathway.ImportKind) []string {
	var out []string
	for _, c := range columns[kind] {
		out = append(out, c.name)
	}
	return out
}

// File is a CSV export whose header has been matched to Pathway's columns.
type File struct {
	Kind    pathway.ImportKind
	index   map[string]int // Pathway column → position in a record
	records [][]string     // the rows after the header, in order
	rows    []int          // the spreadsheet row of each record
}

// Len is how many rows follow the header.
func (f *File) Len() int { return len(f.records) }

// headerKey is how header names compare: trimmed, case-insensitive.
func headerKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ParseColumnMap reads a map parameter, "display_name:Client Name,external_ref:Client ID".
func ParseColumnMap(s string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, pair := range strings.Split(s, ",") {
		ours, theirs, ok := strings.Cut(pair, ":")
		ours, theirs = headerKey(ours), strings.TrimSpace(theirs)
		if !ok || ours == "" || theirs == "" {
			return nil, pathway.Invalid("map", "import.map_format")
		}
		if _, dup := out[ours]; dup {
			return nil, pathway.Invalid("map", "import.map_twice", ours)
		}
		out[ours] = theirs
	}
	return out, nil
}

// Read checks the options and the whole file's shape and matches its header
// to the kind's columns. A column Pathway does not know is an error rather
// than ignored, so that no data Pathway must not hold comes in unseen.
func Read(data []byte, o pathway.ImportOptions) (*File, error) {
	cols, ok := columns[o.Kind]
	if !ok {
		return nil, pathway.Invalid("kind", "import.kind")
	}
	known := map[string]bool{}
	for _, c := range cols {
		known[c.name] = true
	}
	// The file's name for each Pathway column.
	theirs := map[string]string{}
	for ours, t := range o.Columns {
		if !known[ours] {
			return nil, pathway.Invalid("map", "import.map_unknown", ours, o.Kind, strings.Join(Columns(o.Kind), ", "))
		}
		theirs[headerKey(t)] = ours
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = 0
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, pathway.Invalid("file", "import.file_empty")
	} else if err != nil {
		return nil, csvError(err, 1)
	}
	f := &File{Kind: o.Kind, index: map[string]int{}}
	var unknown []string
	for i, h := range header {
		k := headerKey(h)
		name, mapped := theirs[k]
		if !mapped {
			name = k
			if _, remapped := o.Columns[k]; remapped {
				name = "" // the column has another name in this file
			}
		}
		if !known[name] {
			unknown = append(unknown, fmt.Sprintf("%q", strings.TrimSpace(h)))
		} else {
			if _, dup := f.index[name]; dup {
				return nil, pathway.Invalid(name, "import.column_twice", name)
			}
			f.index[name] = i
		}
	}
	perr := &pathway.Error{Code: pathway.EINVALID, Message: "import.header_mismatch", Args: []any{o.Kind}}
	if len(unknown) > 0 {
		perr.Fields = append(perr.Fields, pathway.FieldError{Field: "header", Message: "import.header_unknown", Args: []any{strings.Join(unknown, ", "), strings.Join(Columns(o.Kind), ", ")}})
	}
	for _, c := range cols {
		if _, ok := f.index[c.name]; c.required && !ok {
			perr.Fields = append(perr.Fields, pathway.FieldError{Field: c.name, Message: "import.column_missing", Args: []any{o.Kind, c.name}})
		}
	}
	if len(perr.Fields) > 0 {
		return nil, perr
	}
	// A spreadsheet shows each record as one row, even one whose quoted
	// cells span lines, and each blank line as an empty row, which the
	// CSV reader skips: count both so row numbers match what people see.
	row, end := 1, endLine(1, header)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, csvError(err, row+1)
		}
		start, _ := r.FieldPos(0)
		row += 1 + max(0, start-end-1)
		end = endLine(start, rec)
		f.records = append(f.records, rec)
		f.rows = append(f.rows, row)
	}
	return f, nil
}

// endLine is the line a record that starts on line start ends on.
func endLine(start int, rec []string) int {
	for _, cell := range rec {
		start += strings.Count(cell, "\n")
	}
	return start
}

// csvError explains a file that is not CSV at a row.
func csvError(err error, row int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pathway.Invalid(fmt.Sprintf("row %d", row), "import.row_unreadable", row)
	}
	return pathway.Invalid(fmt.Sprintf("row %d", row), "import.row_unreadable", row)
}

// get returns a record's trimmed value of a column, "" when absent.
func (f *File) get(rec []string, name string) string {
	i, ok := f.index[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// has reports whether the file has a column.
func (f *File) has(name string) bool { _, ok := f.index[name]; return ok }

// rowErrors collects the problems of rows as they are read.
type rowErrors []pathway.ImportError

// add reports the message key of a cell's column, in English: the report is
// kept, and read later by whoever asks.
func (e *rowErrors) add(row int, field, key string, args ...any) {
	*e = append(*e, pathway.ImportError{Row: row, Field: field, Message: words.FieldText(words.English, field, key, args...)})
}

// splitList reads a ;-separated cell.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ";") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// ParticipantRows reads the rows of a participant import. A row with a
// value that cannot be read is reported and left out.
func (f *File) ParticipantRows() ([]pathway.ParticipantRow, []pathway.ImportError) {
	var out []pathway.ParticipantRow
	var errs rowErrors
	for i, rec := range f.records {
		n := f.rows[i]
		bad := len(errs)
		row := pathway.ParticipantRow{Row: n, ExternalRef: f.get(rec, "external_ref"), DisplayName: f.get(rec, "display_name"), Programs: splitList(f.get(rec, "programs")), HasPrograms: f.has("programs")}
		checkText(&errs, n, "external_ref", row.ExternalRef, 100, true)
		checkText(&errs, n, "display_name", row.DisplayName, 100, true)
		var err error
		if row.Consent.GivenOn, err = pathway.ParseDate(f.get(rec, "consent_given_on")); err != nil {
			errs.add(n, "consent_given_on", "import.cell_date")
		}
		if row.Consent.Method, err = pathway.ParseConsentMethod(f.get(rec, "consent_method")); err != nil {
			errs.add(n, "consent_method", "import.cell_oneof", strings.Join(names(pathway.ConsentMethods), ", "))
		}
		for _, sc := range splitList(f.get(rec, "consent_scopes")) {
			scope, err := pathway.ParseConsentScope(sc)
			if err != nil {
				errs.add(n, "consent_scopes", "import.cell_scope", sc, strings.Join(names(pathway.ConsentScopes), ", "))
				continue
			}
			if !slices.Contains(row.Consent.Scopes, scope) {
				row.Consent.Scopes = append(row.Consent.Scopes, scope)
			}
		}
		if s := f.get(rec, "rung"); s != "" {
			if row.Rung, err = pathway.ParseRung(strings.ToLower(s)); err != nil {
				errs.add(n, "rung", "import.cell_oneof", strings.Join(names(pathway.Rungs), ", "))
			}
		}
		if s := f.get(rec, "rung_effective_on"); s != "" {
			if row.RungEffectiveOn, err = pathway.ParseDate(s); err != nil {
				errs.add(n, "rung_effective_on", "import.cell_date")
			}
		}
		if len(errs) == bad {
			out = append(out, row)
		}
	}
	return out, errs
}

// EngagementRows reads the rows of an engagement import.
func (f *File) EngagementRows() ([]pathway.EngagementRow, []pathway.ImportError) {
	var out []pathway.EngagementRow
	var errs rowErrors
	for i, rec := range f.records {
		n := f.rows[i]
		bad := len(errs)
		row := pathway.EngagementRow{Row: n, ExternalRef: f.get(rec, "external_ref"), Activity: f.get(rec, "activity"), Program: f.get(rec, "program"), Note: f.get(rec, "note")}
		checkText(&errs, n, "external_ref", row.ExternalRef, 100, true)
		checkText(&errs, n, "activity", row.Activity, 200, true)
		checkText(&errs, n, "note", row.Note, pathway.MaxNoteLength, false)
		var err error
		if row.OccurredOn, err = pathway.ParseDate(f.get(rec, "occurred_on")); err != nil {
			errs.add(n, "occurred_on", "import.cell_date")
		}
		if s := f.get(rec, "strategy"); s != "" {
			st, err := pathway.ParseStrategy(strings.ToLower(s))
			if err != nil {
				errs.add(n, "strategy", "import.cell_oneof", strings.Join(names(pathway.Strategies), ", "))
			}
			row.Strategy = &st
		}
		if len(errs) == bad {
			out = append(out, row)
		}
	}
	return out, errs
}

// checkText enforces a cell's presence and length in characters.
func checkText(errs *rowErrors, row int, field, v string, max int, required bool) {
	if required && v == "" {
		errs.add(row, field, "field.required")
	} else if n := len([]rune(v)); n > max {
		errs.add(row, field, "field.max_chars", max)
	}
}

// names lists the API values of a closed set.
func names[T any](set []T) []string {
	out := make([]string, len(set))
	for i, v := range set {
		out[i] = fmt.Sprint(v)
	}
	return out
}
