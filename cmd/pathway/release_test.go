package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

func TestReleasePublishesAClosedPeriodOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pathway.db")
	today := pathway.DateOf(time.Now(), time.UTC)
	open := pathway.PeriodOf(pathway.PeriodMonth, today)
	closed := open.Previous()
	for _, tt := range []struct {
		name    string
		args    []string
		want    string // in stdout on success, in the error otherwise
		wantErr bool
	}{
		{"publishes a closed month", []string{"--period", closed.Label}, "Published the release of " + closed.Label + " (" + closed.Start.String() + " to " + closed.End.String() + "): ε 1 in 6 tables", false},
		{"refuses the open month", []string{"--period", open.Label}, open.Label + " is not over yet", true},
		{"refuses the open year", []string{"--period", today.Time().Format("2006")}, "is not over yet", true},
		{"refuses a second publish", []string{"--period", closed.Label}, closed.Label + " is already published; a release is never recomputed", true},
		{"refuses a period it cannot read", []string{"--period", "2026-13"}, "must be a month (YYYY-MM), a quarter (YYYY-Qn) or a year (YYYY)", true},
		{"refuses ε 0", []string{"--period", closed.Previous().Label, "--release-epsilon", "0"}, "--release-epsilon: must be a positive number", true},
		{"refuses a budget below one release", []string{"--period", closed.Previous().Label, "--privacy-budget", "0.5"}, "--privacy-budget: must be at least --release-epsilon", true},
		{"asks for the period", nil, "say which period with --period", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"release", "--db", db, "--timezone", "UTC"}, tt.args...)
			stdout, stderr, err := command(t, "", args...)
			switch {
			case tt.wantErr && err == nil:
				t.Fatalf("succeeded, want an error saying %q; stdout: %s", tt.want, stdout)
			case tt.wantErr && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q, want it to say %q", err, tt.want)
			case !tt.wantErr && err != nil:
				t.Fatalf("got %v, want success; stderr: %s", err, stderr)
			case !tt.wantErr && !strings.Contains(stdout, tt.want):
				t.Errorf("stdout %q, want it to say %q", stdout, tt.want)
			}
		})
	}

	// Only the one closed month was stored; every refusal left nothing.
	d, err := openDB(db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rs, err := sqlite.NewReleaseStore(d).ListReleases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Period.Label+" by "+r.PublishedBy)
	}
	if diff := cmp.Diff([]string{closed.Label + " by command line"}, got); diff != "" {
		t.Errorf("stored releases (-want +got):\n%s", diff)
	}
}
