package release_test

import (
	"testing"

	"pathway/internal/release"
)

func TestCSVCellsThatASpreadsheetWouldRunAreNeutralised(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"an equals sign", "=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"a plus", "+1+1", "'+1+1"},
		{"a minus", "-1+1", "'-1+1"},
		{"an at sign", "@SUM(A1)", "'@SUM(A1)"},
		{"a tab first", "\t=1", "'\t=1"},
		{"a tab before plain text", "\tnote", "'\tnote"},
		{"a carriage return first", "\r=1", "'\r=1"},
		{"a space before the formula", " =1+1", "' =1+1"},
		{"a no-break space before the formula", "\u00a0=1+1", "'\u00a0=1+1"},
		{"a newline before the formula", "\n=1+1", "'\n=1+1"},
		{"a zero-width space before the formula", "\u200b=1+1", "'\u200b=1+1"},
		{"a byte-order mark before the formula", "\ufeff@SUM(A1)", "'\ufeff@SUM(A1)"},
		{"a full-width equals sign", "＝1+1", "'＝1+1"},
		{"spaces and a full-width equals sign", "  ＝1+1", "'  ＝1+1"},
		{"a name", "Ana García", "Ana García"},
		{"a name after a space", " Ana", " Ana"},
		{"a formula character inside", "Ana = chair", "Ana = chair"},
		{"only spaces", "   ", "   "},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := release.SafeCSVCell(tt.in); got != tt.want {
				t.Errorf("SafeCSVCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
