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

// releaseDay is "today" in the release store tests.
var releaseDay = pathway.NewDate(2026, 5, 20)

// openReleaseDB opens a fresh, migrated database file whose clock reads
// noon on releaseDay, with one account to record history.
func openReleaseDB(tb testing.TB) (*DB, int64) {
	tb.Helper()
	db := NewDB(filepath.Join(tb.TempDir(), "pathway.db"))
	db.Location = time.UTC
	db.Now = func() time.Time { return releaseDay.Time().Add(12 * time.Hour) }
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	res, err := db.writer.Exec(`INSERT INTO users (email, role, password_hash, created_at) VALUES ('staff@example.org', 'staff', 'x', '2024-01-01T00:00:00.000000Z')`)
	if err != nil {
		tb.Fatal(err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		tb.Fatal(err)
	}
	return db, id
}

// A made-up population, written straight into the file and modelled person
// by person.

type histPlacement struct {
	on   pathway.Date
	rec  string // recorded_at
	id   int64
	rung pathway.Rung
}

// span is a dated stay: an enrolment or a role. to is nil while open.
type span struct {
	of   int64 // program or body
	from pathway.Date
	to   *pathway.Date
}

// overlaps reports whether the stay meets the days start to end.
func (s span) overlaps(start, end pathway.Date) bool {
	return !s.from.After(end) && (s.to == nil || !s.to.Before(start))
}

type checkin struct {
	id          int64
	on          pathway.Date
	perspective pathway.Perspective
	scores      [3]int
}

type histPerson struct {
	id         int64
	consent    pathway.Date
	placements []histPlacement // in store order once written
	enrolments []span
	roles      []span
	checkins   []checkin
}

// rungOn is the latest placement on or before day: the later recorded, then
// the higher id, winning a tie.
func (p histPerson) rungOn(day pathway.Date) pathway.Rung {
	var r pathway.Rung
	for _, pl := range p.placements {
		if !pl.on.After(day) {
			r = pl.rung
		}
	}
	return r
}

// firstOf returns the ids of the programs or bodies a person was in during
// start to end, those they joined first (earliest start, then lowest id),
// at most n.
func firstOf(spans []span, start, end pathway.Date, n int) []int64 {
	first := map[int64]pathway.Date{}
	for _, s := range spans {
		if !s.overlaps(start, end) {
			continue
		}
		if d, ok := first[s.of]; !ok || s.from.Before(d) {
			first[s.of] = s.from
		}
	}
	ids := make([]int64, 0, len(first))
	for id := range first {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		return cmp.Or(cmp.Compare(first[a].String(), first[b].String()), cmp.Compare(a, b))
	})
	return ids[:min(n, len(ids))]
}

type talk struct {
	id       int64
	body     int64
	on       pathway.Date
	audience pathway.Audience
	speakers []int // people, by index
}

type population struct {
	people   []histPerson
	programs []int64
	bodies   []pathway.Body // by name, as the store lists them
	talks    []talk
}

var stamps = []string{"T09:00:00.000000Z", "T09:00:00.000000Z", "T15:30:00.000000Z"}

// randomSpans returns up to max stays in ids from consent to releaseDay,
// some ended, some open, some overlapping, at most one open per id.
func randomSpans(rng *rand.Rand, consent pathway.Date, ids []int64, maxN int) []span {
	days := releaseDay.DaysSince(consent) + 1
	var out []span
	open := map[int64]bool{}
	for range rng.IntN(maxN + 1) {
		s := span{of: ids[rng.IntN(len(ids))], from: consent.AddDays(rng.IntN(days))}
		if open[s.of] || rng.IntN(2) == 0 {
			to := s.from.AddDays(rng.IntN(200))
			s.to = &to
		} else {
			open[s.of] = true
		}
		out = append(out, s)
	}
	return out
}

// seedPopulation writes n people with placements, dated enrolments, roles,
// talks and check-ins. Rows go in shuffled, so ids do not follow dates.
func seedPopulation(tb testing.TB, db *DB, userID int64, rng *rand.Rand, n int) *population {
	tb.Helper()
	const now = "2026-05-20T12:00:00.000000Z"
	pop := &population{}
	tx, err := db.writer.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) int64 {
		tb.Helper()
		res, err := tx.Exec(q, args...)
		if err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	for i := range 4 {
		pop.programs = append(pop.programs, exec(`INSERT INTO programs (name, rung, created_at, updated_at) VALUES (?, ?, ?, ?)`, fmt.Sprintf("Program %d", i), 1+i%5, now, now))
	}
	var bodyIDs []int64
	for i, kind := range []pathway.BodyKind{pathway.SpeakersBureau, pathway.AdvisoryBoard, pathway.Committee} {
		// Names run against ids, so the store's order by name is not id order.
		id := exec(`INSERT INTO bodies (id, name, kind, rung, created_at, updated_at) VALUES (?, ?, ?, 4, ?, ?)`, 10-i, fmt.Sprintf("Body %c", 'A'+i), string(kind), now, now)
		bodyIDs = append(bodyIDs, id)
	}
	first := releaseDay.AddDays(-520)
	pop.people = make([]histPerson, n)
	type pending struct {
		person int
		pl     histPlacement
	}
	var all []pending
	for i := range pop.people {
		p := &pop.people[i]
		p.consent = first.AddDays(rng.IntN(521))
		days := releaseDay.DaysSince(p.consent) + 1
		rung := pathway.Rung(1 + rng.IntN(3))
		all = append(all, pending{i, histPlacement{on: p.consent, rec: p.consent.String() + stamps[0], rung: rung}})
		for range rng.IntN(6) {
			switch x := rng.IntN(10); {
			case x < 4 && rung < 5:
				rung++
			case x < 7 && rung > 1:
				rung--
			}
			on := p.consent.AddDays(rng.IntN(days))
			all = append(all, pending{i, histPlacement{on: on, rec: on.String() + stamps[rng.IntN(len(stamps))], rung: rung}})
		}
		p.enrolments = randomSpans(rng, p.consent, pop.programs, 4)
		p.roles = randomSpans(rng, p.consent, bodyIDs, 4)
		for range rng.IntN(4) {
			c := checkin{on: p.consent.AddDays(rng.IntN(days)), perspective: pathway.Perspectives[rng.IntN(2)]}
			for j := range c.scores {
				c.scores[j] = 1 + rng.IntN(4)
			}
			p.checkins = append(p.checkins, c)
		}
	}
	rng.Shuffle(len(all), func(a, b int) { all[a], all[b] = all[b], all[a] })
	for i := range pop.people {
		p := &pop.people[i]
		p.id = exec(`INSERT INTO participants (external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?)`,
			fmt.Sprintf("CMS-R-%d", i), fmt.Sprintf("Release Person %d", i), p.consent.String(), now, now)
		exec(`INSERT INTO consents (participant_id, given_on, method, scopes, recorded_by, recorded_at) VALUES (?, ?, 'written', 'tracking,public_story', ?, ?)`, p.id, p.consent.String(), userID, now)
	}
	for _, a := range all {
		p := &pop.people[a.person]
		a.pl.id = exec(`INSERT INTO placements (participant_id, rung, effective_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)`, p.id, int(a.pl.rung), a.pl.on.String(), userID, a.pl.rec)
		p.placements = append(p.placements, a.pl)
	}
	date := func(d *pathway.Date) any {
		if d == nil {
			return nil
		}
		return d.String()
	}
	for i := range pop.people {
		p := &pop.people[i]
		slices.SortFunc(p.placements, func(a, b histPlacement) int {
			return cmp.Or(cmp.Compare(a.on.String(), b.on.String()), cmp.Compare(a.rec, b.rec), cmp.Compare(a.id, b.id))
		})
		exec(`UPDATE participants SET current_rung = ? WHERE id = ?`, int(p.rungOn(releaseDay)), p.id)
		for _, e := range p.enrolments {
			exec(`INSERT INTO enrollments (participant_id, program_id, enrolled_on, left_on) VALUES (?, ?, ?, ?)`, p.id, e.of, e.from.String(), date(e.to))
		}
		for _, r := range p.roles {
			exec(`INSERT INTO roles (body_id, participant_id, title, starts_on, ends_on, recorded_by, recorded_at) VALUES (?, ?, 'Member', ?, ?, ?, ?)`, r.of, p.id, r.from.String(), date(r.to), userID, now)
		}
		for j := range p.checkins {
			c := &p.checkins[j]
			c.id = exec(`INSERT INTO capacity_checkins (participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				p.id, c.on.String(), string(c.perspective), c.scores[0], c.scores[1], c.scores[2], userID, now)
		}
	}
	// Talks: most speakers hold a role in the body, some do not.
	for range 60 {
		t := talk{body: bodyIDs[rng.IntN(len(bodyIDs))], on: first.AddDays(rng.IntN(521)), audience: pathway.Audiences[rng.IntN(len(pathway.Audiences))]}
		for range 1 + rng.IntN(4) {
			i := rng.IntN(n)
			if !slices.Contains(t.speakers, i) {
				t.speakers = append(t.speakers, i)
			}
		}
		t.id = exec(`INSERT INTO speaking_engagements (body_id, held_on, audience, topic, speaker_count, recorded_by, recorded_at) VALUES (?, ?, ?, 'A story', ?, ?, ?)`,
			t.body, t.on.String(), string(t.audience), len(t.speakers), userID, now)
		for _, i := range t.speakers {
			exec(`INSERT INTO speakers (speaking_engagement_id, participant_id) VALUES (?, ?)`, t.id, pop.people[i].id)
		}
		pop.talks = append(pop.talks, t)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	rows, err := db.reader.Query(`SELECT ` + bodyColumns + `, 0 FROM bodies b ORDER BY b.name`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBody(rows)
		if err != nil {
			tb.Fatal(err)
		}
		pop.bodies = append(pop.bodies, *b)
	}
	return pop
}

// bodyCounts is what the roles table counts of one body.
type bodyCounts struct {
	ID                     int64
	HoldingAtEnd, Speakers int
	Talks                  map[pathway.Audience]int
}

// modelCounts is what ReleaseCounts must read for p, worked out person by
// person with the contribution bounds applied.
func (pop *population) modelCounts(p pathway.Period) (pathway.MovementGrid, map[int64]pathway.RungCounts, pathway.RungCounts, []bodyCounts, map[pathway.Perspective][]pathway.CapacityScores) {
	var grid pathway.MovementGrid
	byProgram := map[int64]pathway.RungCounts{}
	var none pathway.RungCounts
	before := p.Start.AddDays(-1)
	bodies := map[int64]*bodyCounts{}
	var out []bodyCounts
	for _, b := range pop.bodies {
		bodies[b.ID] = &bodyCounts{ID: b.ID, Talks: map[pathway.Audience]int{}}
	}
	spoke := map[[2]int64]bool{} // person id, body id
	for _, t := range pop.talks {
		if t.on.Before(p.Start) || t.on.After(p.End) {
			continue
		}
		bodies[t.body].Talks[t.audience]++
		for _, i := range t.speakers {
			spoke[[2]int64{pop.people[i].id, t.body}] = true
		}
	}
	capacity := map[pathway.Perspective]*[3][4]int{}
	for _, per := range pathway.Perspectives {
		capacity[per] = &[3][4]int{}
	}
	for _, person := range pop.people {
		if to := person.rungOn(p.End); to != 0 && !person.consent.After(p.End) {
			if from := person.rungOn(before); from == 0 {
				grid.Entered.Add(to)
			} else {
				grid.From[from-1].Add(to)
			}
			progs := firstOf(person.enrolments, p.Start, p.End, pathway.ProgramsPerPerson)
			if len(progs) == 0 {
				none.Add(to)
			}
			for _, id := range progs {
				c := byProgram[id]
				c.Add(to)
				byProgram[id] = c
			}
		}
		for _, id := range firstOf(person.roles, p.Start, p.End, pathway.BodiesPerPerson) {
			if slices.ContainsFunc(person.roles, func(r span) bool { return r.of == id && r.overlaps(p.End, p.End) }) {
				bodies[id].HoldingAtEnd++
			}
			if spoke[[2]int64{person.id, id}] {
				bodies[id].Speakers++
			}
		}
		for _, per := range pathway.Perspectives {
			var latest *checkin
			for i, c := range person.checkins {
				if c.perspective != per || c.on.After(p.End) {
					continue
				}
				if latest == nil || c.on.After(latest.on) || (c.on == latest.on && c.id > latest.id) {
					latest = &person.checkins[i]
				}
			}
			if latest != nil {
				for j, s := range latest.scores {
					capacity[per][j][s-1]++
				}
			}
		}
	}
	for _, b := range pop.bodies {
		out = append(out, *bodies[b.ID])
	}
	scores := map[pathway.Perspective][]pathway.CapacityScores{}
	for _, per := range pathway.Perspectives {
		for j, c := range pathway.Capacities {
			scores[per] = append(scores[per], pathway.CapacityScores{Capacity: c, ByScore: capacity[per][j]})
		}
	}
	return grid, byProgram, none, out, scores
}

func TestReleaseCountsBoundEachPersonsContribution(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(4) {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 9))
			db, userID := openReleaseDB(t)
			pop := seedPopulation(t, db, userID, rng, 60+rng.IntN(120))
			s := NewReleaseStore(db)
			if got := s.Today(); got != releaseDay {
				t.Fatalf("Today() = %s, want %s", got, releaseDay)
			}
			for _, label := range []string{"2026-04", "2026-03", "2026-02", "2026-Q1", "2025-Q4", "2025-Q2", "2025"} {
				p, err := pathway.ParsePeriod(label)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.ReleaseCounts(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				grid, byProgram, none, bodies, capacity := pop.modelCounts(p)
				if diff := gocmp.Diff(grid, got.Grid); diff != "" {
					t.Errorf("%s movement grid (-model +store):\n%s", label, diff)
				}
				if diff := gocmp.Diff(byProgram, got.ByProgram); diff != "" {
					t.Errorf("%s people per program (-model +store):\n%s", label, diff)
				}
				if diff := gocmp.Diff(none, got.NoProgram); diff != "" {
					t.Errorf("%s people in no program (-model +store):\n%s", label, diff)
				}
				var gotBodies []bodyCounts
				for _, b := range got.Bodies {
					gotBodies = append(gotBodies, bodyCounts{ID: b.Body.ID, HoldingAtEnd: b.HoldingAtEnd, Speakers: b.Speakers, Talks: b.Talks})
				}
				if diff := gocmp.Diff(bodies, gotBodies); diff != "" {
					t.Errorf("%s body head-counts (-model +store):\n%s", label, diff)
				}
				if diff := gocmp.Diff(capacity, got.Capacity); diff != "" {
					t.Errorf("%s capacity scores (-model +store):\n%s", label, diff)
				}
				if len(got.Programs) != len(pop.programs) {
					t.Errorf("%s lists %d programs, want %d", label, len(got.Programs), len(pop.programs))
				}
				// The bounds themselves: nobody counts more often than they
				// may, so the noise scaled to them hides anyone.
				var inPrograms int
				for _, c := range got.ByProgram {
					inPrograms += c.Sum()
				}
				if followed := got.Grid.AtEnd().Sum(); inPrograms+got.NoProgram.Sum() > pathway.ProgramsPerPerson*followed {
					t.Errorf("%s: %d program counts for %d people", label, inPrograms+got.NoProgram.Sum(), followed)
				}
			}
		})
	}
}

// TestReleaseQueryPlans holds the plans a release's speed rests on, on a
// database that has never been analysed, as a new installation's is: the
// rung on a day is one backward seek in the covering index placements_asof,
// never a scan of the placements.
func TestReleaseQueryPlans(t *testing.T) {
	db, userID := openReleaseDB(t)
	seedPopulation(t, db, userID, rand.New(rand.NewPCG(1, 1)), 50)
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
	before, start, end := "2026-03-31", "2026-04-01", "2026-04-30"
	for _, c := range []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		{"everyone's rung before and at the end", releasePeople, []any{before, end}, []string{
			"SEARCH pl USING COVERING INDEX placements_asof (participant_id=? AND effective_on<?)",
		}},
		{"enrolments in the period", releaseEnrolments, []any{start, end}, []string{
			"SCAN enrollments USING COVERING INDEX enrollments_participant",
		}},
		{"latest check-ins", releaseCapacity, []any{end}, []string{
			"SEARCH c2 USING COVERING INDEX capacity_checkins_report (perspective=? AND participant_id=? AND assessed_on<?)",
		}},
	} {
		got := plan(c.query, c.args...)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: plan lacks %q:\n%s", c.name, w, got)
			}
		}
		for _, bad := range []string{"SCAN pl", "SCAN placements"} {
			if strings.Contains(got+"\n", bad+"\n") || strings.Contains(got, bad+" ") {
				t.Errorf("%s: plan reads the placements whole (%s):\n%s", c.name, bad, got)
			}
		}
	}
}
