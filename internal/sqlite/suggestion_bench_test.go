package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
	"pathway/internal/sqlite/sqlitetest"
)

// An organisation at the size DOMAIN.md plans for: 50,000 participants and
// a few million engagements over a decade.
const (
	orgParticipants = 50_000
	orgEngagements  = 3_000_000
	orgYears        = 10
)

// seedOrganisation writes an organisation straight into the database file:
// orgParticipants people spread over the ladder's lower rungs, ten programs
// on every rung, orgEngagements engagements spread evenly over orgYears
// (most in programs), a board with a role for one person in fifty, and a
// dismissal for one in twenty. The numbers are seeded, so every run sees
// the same organisation.
func seedOrganisation(tb testing.TB, db *sqlite.DB, recordedBy int64, today pathway.Date) {
	tb.Helper()
	start := time.Now()
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(0)&_pragma=synchronous(0)&_txlock=immediate")
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	tx, err := conn.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			tb.Fatal(err)
		}
	}
	// rows inserts many rows of width columns, 500 to a statement.
	rows := func(head string, width int, each func(add func(...any))) {
		row := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + ")"
		var args []any
		flush := func() {
			if len(args) == 0 {
				return
			}
			n := len(args) / width
			exec(head+strings.TrimSuffix(strings.Repeat(row+",", n), ","), args...)
			args = args[:0]
		}
		each(func(v ...any) {
			args = append(args, v...)
			if len(args) == 500*width {
				flush()
			}
		})
		flush()
	}
	at := func(d pathway.Date) string { return d.String() + "T12:00:00.000000Z" }
	r := rand.New(rand.NewPCG(11, 2026))
	first := today.AddDays(-365 * orgYears)

	for i := range 10 {
		exec(`INSERT INTO programs (name, description, beneficiaries, rung, strategies, created_at, updated_at) VALUES (?, '', '', ?, '', ?, ?)`,
			fmt.Sprintf("Program %d", i), i%5+1, at(first), at(first))
	}
	exec(`INSERT INTO bodies (name, kind, description, seats, rung, created_at, updated_at) VALUES ('Board', 'advisory_board', '', NULL, 5, ?, ?)`, at(first), at(first))
	rows(`INSERT INTO participants (external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES `, 6, func(add func(...any)) {
		for i := range orgParticipants {
			rung := []int{1, 1, 1, 2, 2, 3, 4}[r.IntN(7)]
			add(fmt.Sprintf("CMS-%06d", i), fmt.Sprintf("Person %d", i), rung, first.String(), at(first), at(first))
		}
	})
	// The engagements load faster with their indexes built once at the
	// end, exactly as the migrations define them.
	var indexes []string
	iq, err := tx.Query(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'engagements' AND sql IS NOT NULL`)
	if err != nil {
		tb.Fatal(err)
	}
	for iq.Next() {
		var q string
		if err := iq.Scan(&q); err != nil {
			tb.Fatal(err)
		}
		indexes = append(indexes, q)
	}
	iq.Close()
	for _, q := range indexes {
		exec(`DROP INDEX ` + strings.Fields(q)[2])
	}
	rows(`INSERT INTO engagements (participant_id, occurred_on, activity, program_id, strategy, note, recorded_by, recorded_at) VALUES `, 8, func(add func(...any)) {
		days := 365 * orgYears
		for i := range orgEngagements {
			on := first.AddDays(i * days / orgEngagements)
			var program any
			if r.IntN(5) > 0 {
				program = r.IntN(10) + 1
			}
			add(r.IntN(orgParticipants)+1, on.String(), "Community meeting", program, nil, "", recordedBy, at(on))
		}
	})
	for _, q := range indexes {
		exec(q)
	}
	rows(`INSERT INTO roles (body_id, participant_id, title, starts_on, ends_on, recorded_by, recorded_at) VALUES `, 7, func(add func(...any)) {
		for i := 0; i < orgParticipants; i += 50 {
			on := today.AddDays(-r.IntN(700))
			add(1, i+1, "Member", on.String(), nil, recordedBy, at(on))
		}
	})
	rows(`INSERT INTO suggestion_dismissals (participant_id, dismissed_at, dismissed_by, reason) VALUES `, 4, func(add func(...any)) {
		for i := 0; i < orgParticipants; i += 20 {
			add(i+1, at(today.AddDays(-r.IntN(90))), recordedBy, "")
		}
	})
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("seeded %d participants and %d engagements in %s", orgParticipants, orgEngagements, time.Since(start).Round(time.Second))
}

// BenchmarkOrganisationSuggestions lists the suggestions of a whole
// organisation of 50,000 participants (issue 14's goal: under 20 ms), as
// the suggestions screen asks for them: the first page, a page further on,
// and the largest page the API gives. Each listing is one audited read
// through the store, with its audit entry committed.
func BenchmarkOrganisationSuggestions(b *testing.B) {
	db := sqlitetest.MustOpen(b)
	users := sqlitetest.Accounts(b, sqlite.NewUserService(db))
	admin := users[pathway.RoleAdmin]
	a := pathway.Actor{UserID: admin.ID, Email: admin.Email, Role: admin.Role}
	today := pathway.DateOf(time.Now(), time.UTC)
	seedOrganisation(b, db, admin.ID, today)
	svc := sqlite.NewSuggestionService(db)
	ctx := context.Background()

	all, _, err := svc.Suggestions(ctx, a, pathway.SuggestionFilter{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d suggestions in all", len(all))
	if len(all) < 1000 {
		b.Fatalf("only %d suggestions: the seed does not exercise the query", len(all))
	}
	middle := all[len(all)/2].ParticipantID
	for _, bc := range []struct {
		name string
		f    pathway.SuggestionFilter
	}{
		{"first page", pathway.SuggestionFilter{Limit: 25}},
		{"a middle page", pathway.SuggestionFilter{Limit: 25, After: middle}},
		{"a page of 100, the most the API gives", pathway.SuggestionFilter{Limit: 100, After: middle}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cpu0 := processCPU(b)
			for b.Loop() {
				if _, _, err := svc.Suggestions(ctx, a, bc.f); err != nil {
					b.Fatal(err)
				}
			}
			// On a shared machine the processor time says what a listing
			// costs when the wall clock cannot.
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}

	// The worst case for walking participants: nobody left to suggest, as
	// when staff have dismissed every suggestion, so a page reads everyone.
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`INSERT INTO suggestion_dismissals (participant_id, dismissed_at, dismissed_by) SELECT id, ?, ? FROM participants WHERE true
ON CONFLICT (participant_id) DO UPDATE SET dismissed_at = excluded.dismissed_at`, "9999-12-31T00:00:00.000000Z", admin.ID); err != nil {
		b.Fatal(err)
	}
	b.Run("nobody left to suggest", func(b *testing.B) {
		cpu0 := processCPU(b)
		for b.Loop() {
			ss, _, err := svc.Suggestions(ctx, a, pathway.SuggestionFilter{Limit: 25})
			if err != nil {
				b.Fatal(err)
			}
			if len(ss) != 0 {
				b.Fatalf("%d suggestions after dismissing all", len(ss))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		b.ReportMetric(float64(processCPU(b)-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	})
}
