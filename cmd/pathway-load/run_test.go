package main

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pathway/internal/app"
	"pathway/internal/demo"
	"pathway/internal/pathway"
	"pathway/internal/secret"
	"pathway/internal/sqlite/sqlitetest"
)

// The load command runs the mix against a real server (the real
// router over TCP on 127.0.0.1) with no errors, and the writes it counts
// as answered are stored.
func TestTheMixedLoadRunsAgainstARealServerWithoutErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a demo organisation")
	}
	db := sqlitetest.MustOpen(t)
	srv := app.NewServer(db, slog.New(slog.DiscardHandler), app.DefaultConfig)
	ctx := context.Background()
	today := pathway.DateOf(time.Now(), time.UTC)
	if _, err := demo.Load(ctx, app.DemoServices(srv), demo.Options{Participants: 40, Today: today, Seed: 1, PasswordHash: sqlitetest.PasswordHash(t)}); err != nil {
		t.Fatal(err)
	}
	system := pathway.Actor{Email: "test", Role: pathway.RoleAdmin}
	lastMonth := time.Now().UTC().AddDate(0, -1, 0).Format("2006-01")
	if _, err := srv.Releases.Publish(ctx, system, lastMonth); err != nil {
		t.Fatal(err)
	}
	admin := &pathway.User{Email: "load@example.org", Role: pathway.RoleAdmin}
	if err := srv.Users.CreateUser(ctx, system, admin, sqlitetest.PasswordHash(t)); err != nil {
		t.Fatal(err)
	}
	token := secret.NewToken(secret.TokenPrefix)
	if _, err := srv.Users.CreateToken(ctx, system, admin.Email, "load", secret.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	raw, err := sql.Open("sqlite", "file:"+db.Path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var before int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM engagements`).Scan(&before); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	err = run(ctx, []string{"-url", ts.URL, "-token", token, "-workload", "mixed", "-duration", "700ms", "-warmup", "0", "-connections", "4"}, &out, &errOut)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	t.Log(out.String())
	report := out.String()
	all := lineOf(t, report, "all")
	if !strings.Contains(all, "non-2xx 0  transport errors 0") {
		t.Errorf("the mixed load had errors:\n%s", report)
	}
	for _, name := range []string{"list50", "one", "release", "suggestions", "write"} {
		if !strings.Contains(report, "  "+name+" ") {
			t.Errorf("the report has no line for %s:\n%s", name, report)
		}
	}
	var after int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM engagements`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if written := requestsOf(t, lineOf(t, report, "  write")); after-before != written {
		t.Errorf("%d engagements stored, and the report counts %d writes answered 2xx", after-before, written)
	}
}

func TestTheRawComparisonWritesToAScratchFileAndRemovesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raw.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-target", "raw", "-db", path, "-workload", "writes", "-duration", "200ms", "-warmup", "0", "-connections", "8"}, &out, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	all := lineOf(t, out.String(), "all")
	if requestsOf(t, all) == 0 || !strings.Contains(all, "non-2xx 0  transport errors 0") {
		t.Errorf("raw writes: %s", all)
	}
	if matches, _ := filepath.Glob(path + "*"); len(matches) != 0 {
		t.Errorf("the scratch files are left: %v", matches)
	}
}

func TestBadFlagsAreRefused(t *testing.T) {
	for _, args := range [][]string{
		{"-connections", "0"},
		{"-duration", "0s"},
		{"-target", "mysql"},
		{"-target", "raw"}, // no -db
		{"stray"},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), args, &out, &out); err == nil {
			t.Errorf("pathway-load %s ran", strings.Join(args, " "))
		}
	}
}

// lineOf returns the report's line that starts with name and a space.
func lineOf(t *testing.T, report, name string) string {
	t.Helper()
	for l := range strings.SplitSeq(report, "\n") {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	t.Fatalf("no line %q in:\n%s", name, report)
	return ""
}

var requestsRE = regexp.MustCompile(`^\s*\S+\s+(\d+) req`)

// requestsOf reads the request count of a report line, less its errors.
func requestsOf(t *testing.T, line string) int {
	t.Helper()
	m := requestsRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no request count in %q", line)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
