package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// importFile writes a CSV export of three people into the test's folder.
func importFile(t *testing.T, extra string) string {
	t.Helper()
	given := time.Now().UTC().AddDate(0, 0, -30).Format("2006-01-02")
	csv := "external_ref,display_name,consent_given_on,consent_method,consent_scopes,rung\n" +
		"CM-1,Ana," + given + ",written,tracking,follower\n" +
		"CM-2,Ben," + given + ",verbal,tracking,\n" +
		"CM-3,Cy," + given + ",electronic,tracking,leader\n" + extra
	name := filepath.Join(t.TempDir(), "export.csv")
	if err := os.WriteFile(name, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestImportCommandImportsOnceAndReportsErrorsByRow(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pathway.db")
	mustCommand(t, "a long enough password\n", "user", "add", "--db", db, "--email", "admin@example.org", "--role", "admin", "--password-stdin")
	file := importFile(t, "")

	out := mustCommand(t, "", "import", "--db", db, "--kind", "participants", "--dry-run", file)
	if !strings.Contains(out, "3 rows checked (dry run, nothing written): 3 created, 0 updated, 0 unchanged, 0 errors") {
		t.Errorf("dry run said %q", out)
	}
	out = mustCommand(t, "", "import", "--db", db, "--kind", "participants", file)
	if !strings.Contains(out, "3 rows imported: 3 created, 0 updated, 0 unchanged, 0 errors") {
		t.Errorf("first import said %q", out)
	}
	csv, _ := os.ReadFile(file)
	out = mustCommand(t, string(csv), "import", "--db", db, "--kind", "participants", "-")
	if !strings.Contains(out, "0 created, 0 updated, 3 unchanged") {
		t.Errorf("the same file from standard input said %q", out)
	}

	bad := importFile(t, "CM-4,Dee,2001-13-01,written,tracking,\n")
	stdout, stderr, err := command(t, "", "import", "--db", db, "--kind", "participants", bad)
	if err == nil {
		t.Fatal("an import with a bad row succeeded")
	}
	if !strings.Contains(stderr, "row 5, consent_given_on: “Date consent was given” must be a date written YYYY-MM-DD.") {
		t.Errorf("stderr %q does not name row 5", stderr)
	}
	if !strings.Contains(stdout, "0 created, 0 updated, 0 unchanged, 1 errors") || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("aborted import: stdout %q, error %v", stdout, err)
	}
	stdout, _, err = command(t, "", "import", "--db", db, "--kind", "participants", "--on-error", "skip", bad)
	if err == nil || !strings.Contains(stdout, "0 created, 0 updated, 3 unchanged, 1 errors") {
		t.Errorf("skipping import: stdout %q, error %v", stdout, err)
	}
	if _, _, err := command(t, "", "import", "--db", db, "--kind", "people", file); err == nil {
		t.Error("an unknown kind was accepted")
	}
}

func TestProgressLineShowsRowsRateAndTimeLeft(t *testing.T) {
	got := progressLine(2500, 10000, 2*time.Second)
	for _, want := range []string{"[#######.......................]", "2500/10000 rows", "1250 rows/s", "6s left"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if b := newProgressBar(&syncBuffer{}); b.on {
		t.Error("a progress bar draws on something that is not a terminal")
	}
}
