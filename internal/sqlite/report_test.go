package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// reportDay is "today" in the report store tests.
var reportDay = pathway.NewDate(2026, 5, 20)

// openReportDB opens a fresh, migrated database file whose clock reads noon
// on reportDay, with one account to record history.
func openReportDB(tb testing.TB) (*DB, int64) {
	tb.Helper()
	db := NewDB(filepath.Join(tb.TempDir(), "pathway.db"))
	db.Location = time.UTC
	db.Now = func() time.Time { return reportDay.Time().Add(12 * time.Hour) }
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	res, err := db.writer.Exec(`INSERT INTO users (email, role, password_hash, created_at) VALUES ('staff@example.org', 'staff', 'x', '2025-01-01T00:00:00.000000Z')`)
	if err != nil {
		tb.Fatal(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		tb.Fatal(err)
	}
	return db, id
}

// histPlacement is one dated placement of a made-up history.
type histPlacement struct {
	on   pathway.Date
	rec  string // recorded_at
	id   int64
	rung pathway.Rung
}

// less orders placements as the store does: by effective date, then
// recording time, then id.
func (a histPlacement) less(b histPlacement) bool {
	return cmp.Or(cmp.Compare(a.on.String(), b.on.String()), cmp.Compare(a.rec, b.rec), cmp.Compare(a.id, b.id)) < 0
}

// histPerson is a participant of a made-up population.
type histPerson struct {
	id         int64
	consent    pathway.Date
	placements []histPlacement // in store order once written
	programs   []int64
}

// rungOn is the model's answer: the latest placement on or before day.
func (p histPerson) rungOn(day pathway.Date) pathway.Rung {
	var r pathway.Rung
	for _, pl := range p.placements {
		if !pl.on.After(day) {
			r = pl.rung
		}
	}
	return r
}

// peakOn is the highest rung placed on or before day.
func (p histPerson) peakOn(day pathway.Date) pathway.Rung {
	var r pathway.Rung
	for _, pl := range p.placements {
		if !pl.on.After(day) {
			r = max(r, pl.rung)
		}
	}
	return r
}

// seedHistories writes a random population straight into the file: each
// person's consent, first placement on the consent day, later placements
// (moves up and down, re-recordings of the same rung, ties on one day that
// the recording time or the id break), and enrollments. Placements go in
// shuffled, so ids do not follow dates.
func seedHistories(tb testing.TB, db *DB, userID int64, rng *rand.Rand, n int, programs []int64) []histPerson {
	tb.Helper()
	first := reportDay.AddDays(-260)
	people := make([]histPerson, n)
	type pending struct {
		person int
		pl     histPlacement
	}
	var all []pending
	stamps := []string{"T09:00:00.000000Z", "T09:00:00.000000Z", "T15:30:00.000000Z"}
	for i := range people {
		p := &people[i]
		p.consent = first.AddDays(rng.IntN(261))
		span := reportDay.DaysSince(p.consent) + 1
		rung := pathway.Rung(1 + rng.IntN(3))
		all = append(all, pending{i, histPlacement{on: p.consent, rec: p.consent.String() + stamps[0], rung: rung}})
		for range rng.IntN(6) {
			switch x := rng.IntN(10); {
			case x < 4 && rung < 5:
				rung++
			case x < 5 && rung < 4:
				rung += 2
			case x < 7 && rung > 1:
				rung--
			}
			on := p.consent.AddDays(rng.IntN(span))
			all = append(all, pending{i, histPlacement{on: on, rec: on.String() + stamps[rng.IntN(len(stamps))], rung: rung}})
		}
		for _, prog := range programs {
			if rng.IntN(3) == 0 {
				p.programs = append(p.programs, prog)
			}
		}
	}
	rng.Shuffle(len(all), func(a, b int) { all[a], all[b] = all[b], all[a] })
	tx, err := db.writer.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	const now = "2026-05-20T12:00:00.000000Z"
	for i := range people {
		p := &people[i]
		res, err := tx.Exec(`INSERT INTO participants (external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?)`,
			fmt.Sprintf("CMS-R-%d", i), fmt.Sprintf("Report Person %d", i), p.consent.String(), now, now)
		if err != nil {
			tb.Fatal(err)
		}
		if p.id, err = res.LastInsertId(); err != nil {
			tb.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO consents (participant_id, given_on, method, scopes, recorded_by, recorded_at) VALUES (?, ?, 'written', 'tracking', ?, ?)`, p.id, p.consent.String(), userID, now); err != nil {
			tb.Fatal(err)
		}
		for _, prog := range p.programs {
			if _, err := tx.Exec(`INSERT INTO enrollments (participant_id, program_id, enrolled_on) VALUES (?, ?, ?)`, p.id, prog, p.consent.String()); err != nil {
				tb.Fatal(err)
			}
		}
	}
	for _, a := range all {
		p := &people[a.person]
		res, err := tx.Exec(`INSERT INTO placements (participant_id, rung, effective_on, note, recorded_by, recorded_at) VALUES (?, ?, ?, 'a note', ?, ?)`,
			p.id, int(a.pl.rung), a.pl.on.String(), userID, a.pl.rec)
		if err != nil {
			tb.Fatal(err)
		}
		if a.pl.id, err = res.LastInsertId(); err != nil {
			tb.Fatal(err)
		}
		p.placements = append(p.placements, a.pl)
	}
	for i := range people {
		p := &people[i]
		slices.SortFunc(p.placements, func(a, b histPlacement) int {
			if a.less(b) {
				return -1
			}
			return 1
		})
		if _, err := tx.Exec(`UPDATE participants SET current_rung = ? WHERE id = ?`, int(p.rungOn(reportDay)), p.id); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return people
}

// addPrograms creates n programs and returns their ids.
func addPrograms(tb testing.TB, db *DB, n int) []int64 {
	tb.Helper()
	var ids []int64
	for i := range n {
		res, err := db.writer.Exec(`INSERT INTO programs (name, rung, created_at, updated_at) VALUES (?, ?, '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')`, fmt.Sprintf("Program %d", i), 1+i%5)
		if err != nil {
			tb.Fatal(err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// modelMovement is what Movement must count, worked out person by person.
func modelMovement(people []histPerson, start, end pathway.Date) pathway.MovementCounts {
	var mc pathway.MovementCounts
	before := start.AddDays(-1)
	for _, p := range people {
		if p.consent.After(end) {
			continue
		}
		to := p.rungOn(end)
		if to == 0 {
			continue
		}
		if from := p.rungOn(before); from == 0 {
			mc.Entered.Add(to)
		} else {
			mc.From[from-1].Add(to)
		}
		if to < p.peakOn(end) {
			mc.BelowPeak++
		}
		for i, x := range p.placements {
			if i == 0 || x.on.Before(start) || x.on.After(end) || x.rung <= p.placements[i-1].rung {
				continue
			}
			left := p.placements[i-1].rung
			arrived := i - 1
			for arrived > 0 && p.placements[arrived-1].rung == left {
				arrived--
			}
			mc.DaysBeforeUp[left-1] = append(mc.DaysBeforeUp[left-1], x.on.DaysSince(p.placements[arrived].on))
		}
	}
	return mc
}

func TestReportStoreCountsFollowTheDatedHistory(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(6) {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			db, userID := openReportDB(t)
			programs := addPrograms(t, db, 3)
			people := seedHistories(t, db, userID, rng, 40+rng.IntN(120), programs)
			s := NewReportStore(db)
			if got := s.Today(); got != reportDay {
				t.Fatalf("Today() = %s, want %s", got, reportDay)
			}

			days := []pathway.Date{reportDay, reportDay.AddDays(-1), pathway.NewDate(2026, 4, 30), pathway.NewDate(2026, 3, 31), pathway.NewDate(2025, 12, 31), pathway.NewDate(2025, 9, 1)}
			for _, day := range days {
				var want, none pathway.RungCounts
				byProgram := map[int64]pathway.RungCounts{}
				for _, p := range people {
					r := p.rungOn(day)
					if r == 0 || p.consent.After(day) {
						continue
					}
					want.Add(r)
					if len(p.programs) == 0 {
						none.Add(r)
					}
					for _, prog := range p.programs {
						c := byProgram[prog]
						c.Add(r)
						byProgram[prog] = c
					}
				}
				got, err := s.RungCountsOn(ctx, day, 0)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("RungCountsOn(%s) = %v, want %v", day, got, want)
				}
				for _, prog := range programs {
					got, err := s.RungCountsOn(ctx, day, prog)
					if err != nil {
						t.Fatal(err)
					}
					if got != byProgram[prog] {
						t.Errorf("RungCountsOn(%s, program %d) = %v, want %v", day, prog, got, byProgram[prog])
					}
				}
				pc, err := s.ProgramCountsOn(ctx, day)
				if err != nil {
					t.Fatal(err)
				}
				if pc.All != want || pc.None != none {
					t.Errorf("ProgramCountsOn(%s): all %v none %v, want %v and %v", day, pc.All, pc.None, want, none)
				}
				for prog, c := range byProgram {
					if pc.ByProgram[prog] != c {
						t.Errorf("ProgramCountsOn(%s) program %d = %v, want %v", day, prog, pc.ByProgram[prog], c)
					}
				}
				if len(pc.Programs) != len(programs) {
					t.Errorf("ProgramCountsOn(%s) lists %d programs, want %d", day, len(pc.Programs), len(programs))
				}
			}

			for _, label := range []string{"2026-05", "2026-04", "2026-03", "2026-Q2", "2026-Q1", "2025-Q4"} {
				p, err := pathway.ParsePeriod(label)
				if err != nil {
					t.Fatal(err)
				}
				end := p.AsOf(reportDay)
				got, err := s.Movement(ctx, p.Start, end)
				if err != nil {
					t.Fatal(err)
				}
				want := modelMovement(people, p.Start, end)
				for i := range got.DaysBeforeUp {
					slices.Sort(got.DaysBeforeUp[i])
					slices.Sort(want.DaysBeforeUp[i])
				}
				if diff := gocmp.Diff(want, *got, gocmp.AllowUnexported(), gocmp.Transformer("nilToEmpty", func(s []int) []int {
					if s == nil {
						return []int{}
					}
					return s
				})); diff != "" {
					t.Errorf("Movement(%s) (-want +got):\n%s", label, diff)
				}
			}
		})
	}
}

func TestReportDaysBeforeMovingUpCountFromArrivalNotFromReRecording(t *testing.T) {
	ctx := context.Background()
	db, userID := openReportDB(t)
	people := []struct {
		consent string
		history [][2]string // effective_on, rung
	}{
		// Arrived on follower on 01-10, re-recorded there on 04-01, up on 05-05: 115 days.
		{"2026-01-10", [][2]string{{"2026-01-10", "2"}, {"2026-04-01", "2"}, {"2026-05-05", "3"}}},
		// Down to observer on 03-01, back up to follower on 05-02: 62 days on observer.
		{"2026-02-01", [][2]string{{"2026-02-01", "2"}, {"2026-03-01", "1"}, {"2026-05-02", "2"}}},
		// Up twice in the period: follower 05-01 (from observer since 04-20), member 05-11.
		{"2026-04-20", [][2]string{{"2026-04-20", "1"}, {"2026-05-01", "2"}, {"2026-05-11", "3"}}},
		// A move up before the period does not count.
		{"2026-01-05", [][2]string{{"2026-01-05", "1"}, {"2026-04-30", "2"}}},
	}
	for i, p := range people {
		res, err := db.writer.Exec(`INSERT INTO participants (external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES (?, 'x', ?, ?, '', '')`, fmt.Sprint("R", i), p.history[len(p.history)-1][1], p.consent)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		for _, h := range p.history {
			if _, err := db.writer.Exec(`INSERT INTO placements (participant_id, rung, effective_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)`, id, h[1], h[0], userID, h[0]+"T09:00:00.000000Z"); err != nil {
				t.Fatal(err)
			}
		}
	}
	mc, err := NewReportStore(db).Movement(ctx, pathway.NewDate(2026, 5, 1), reportDay)
	if err != nil {
		t.Fatal(err)
	}
	for i := range mc.DaysBeforeUp {
		slices.Sort(mc.DaysBeforeUp[i])
	}
	want := [5][]int{{11, 62}, {10, 115}}
	if diff := gocmp.Diff(want, mc.DaysBeforeUp, gocmp.Transformer("nilToEmpty", func(s []int) []int {
		if s == nil {
			return []int{}
		}
		return s
	})); diff != "" {
		t.Errorf("days before moving up (-want +got):\n%s", diff)
	}
}

// TestReportQueryPlans holds the query plans the reports' speed rests on (see
// README "Report speed"), on a database that has never been analysed, as
// a new installation's is: the rung on a day is one seek in the covering
// index placements_asof, today's rungs come from the covering index
// participants_current, the highest rung reached from placements_peak, and
// a period's placements from the covering index placements_effective.
func TestReportQueryPlans(t *testing.T) {
	db, userID := openReportDB(t)
	programs := addPrograms(t, db, 2)
	seedHistories(t, db, userID, rand.New(rand.NewPCG(1, 1)), 50, programs)
	plan := func(q string, args ...any) string {
		t.Helper()
		rows, err := db.reader.Query(`EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatalf("explain %s: %v", q, err)
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, detail)
		}
		return strings.Join(lines, "\n")
	}
	day, start := "2026-04-30", "2026-04-01"
	for _, c := range []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		{"rung on a past day", fmt.Sprintf(rungCountsOn, ""), []any{day}, []string{
			"SEARCH pl USING COVERING INDEX placements_asof (participant_id=? AND effective_on<?)",
		}},
		{"rungs today", fmt.Sprintf(rungCountsNow, ""), []any{day}, []string{
			"SCAN p USING COVERING INDEX participants_current",
		}},
		{"program rungs today", programCountsNow, []any{day}, []string{
			"SEARCH e USING COVERING INDEX enrollments_participant (participant_id=?)",
		}},
		{"program rungs on a past day", programCountsOn, []any{day}, []string{
			"SEARCH pl USING COVERING INDEX placements_asof (participant_id=? AND effective_on<?)",
			"SEARCH e USING COVERING INDEX enrollments_participant (participant_id=?)",
		}},
		{"rungs and highest rungs at a past end", fmt.Sprintf(movementEnd, rungOnParam(2)), []any{start, day}, []string{
			"SEARCH pl USING COVERING INDEX placements_asof (participant_id=? AND effective_on<?)",
			"SEARCH pl USING COVERING INDEX placements_peak (participant_id=? AND rung>?)",
		}},
		{"rungs and highest rungs today", fmt.Sprintf(movementEnd, `p.current_rung`), []any{start, day}, []string{
			"SEARCH pl USING COVERING INDEX placements_peak (participant_id=? AND rung>?)",
		}},
		{"moves in a period", movementSteps, []any{start, day}, []string{
			"SEARCH x USING COVERING INDEX placements_effective (effective_on>? AND effective_on<?)",
			"SEARCH pr USING COVERING INDEX placements_asof (participant_id=? AND effective_on<?)",
			"SEARCH y USING COVERING INDEX placements_asof (participant_id=? AND effective_on<?)",
			"SEARCH a USING COVERING INDEX placements_asof (participant_id=?",
		}},
	} {
		got := plan(c.query, c.args...)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: plan lacks %q:\n%s", c.name, w, got)
			}
		}
		for _, bad := range []string{"SCAN pl", "SCAN placements", "SCAN x", "SCAN a", "SCAN y", "SCAN e", "AUTOMATIC"} {
			if strings.Contains(got+"\n", bad+"\n") || strings.Contains(got, bad+" ") {
				t.Errorf("%s: plan reads a table or index whole (%s):\n%s", c.name, bad, got)
			}
		}
	}
}

func TestReportIndexesMigrateDownAndUp(t *testing.T) {
	db, _ := openReportDB(t)
	indexes := func() []string {
		t.Helper()
		rows, err := db.writer.Query(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('participants_current', 'placements_peak', 'placements_effective') ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
		return out
	}
	want := []string{"participants_current", "placements_effective", "placements_peak"}
	if got := indexes(); !slices.Equal(got, want) {
		t.Fatalf("indexes after migrating up = %v, want %v", got, want)
	}
	// Step down to the schema before the report-speed migration (4).
	for {
		v, _, err := db.Version()
		if err != nil {
			t.Fatal(err)
		}
		if v <= 3 {
			break
		}
		if err := db.Migrate("down"); err != nil {
			t.Fatal(err)
		}
	}
	if got := indexes(); !slices.Equal(got, []string{"placements_effective"}) {
		t.Errorf("indexes below migration 4 = %v, want only the earlier placements_effective", got)
	}
	if err := db.Migrate("up"); err != nil {
		t.Fatal(err)
	}
	if got := indexes(); !slices.Equal(got, want) {
		t.Errorf("indexes after migrating up again = %v, want %v", got, want)
	}
}
