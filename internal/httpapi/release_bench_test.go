package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/release"
	"pathway/internal/sqlite"
)

// placementsPerPerson is the average length of a person's rung history in
// the network-scale benchmarks.
const placementsPerPerson = 20

// benchSizes are the populations the release benchmarks run at:
// PATHWAY_BENCH_PARTICIPANTS (comma-separated), by default a network-sized
// 100,000 people with 2,000,000 placements. The README's 1,000,000 figure
// is PATHWAY_BENCH_PARTICIPANTS=1000000 (about 1.5 GB on disk, minutes to
// seed).
func benchSizes(b *testing.B) []int {
	v := os.Getenv("PATHWAY_BENCH_PARTICIPANTS")
	if v == "" {
		return []int{100_000}
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("PATHWAY_BENCH_PARTICIPANTS: %q is not a count", f)
		}
		out = append(out, n)
	}
	return out
}

// seedNetwork writes n participants with about placementsPerPerson dated
// placements each straight into the database file, in one transaction with
// prepared multi-row statements. Consent dates spread over three years
// before today; each history is a random walk on the ladder, mostly staying
// or stepping up one rung, sometimes down, rarely skipping; everyone is
// enrolled in one or two programs from their consent day, some leave one
// later, and a third have capacity check-ins from both perspectives. The
// walk is seeded, so every run sees the same people.
func seedNetwork(tb testing.TB, path string, recordedBy int64, programs []int64, n int, today pathway.Date) int {
	tb.Helper()
	start := time.Now()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(0)&_pragma=temp_store(2)&_pragma=synchronous(0)&_txlock=immediate")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()

	// batch inserts rows of width columns, per statements of up to per rows.
	type batch struct {
		head  string
		width int
		per   int
		stmt  *sql.Stmt
		args  []any
	}
	values := func(width, rows int) string {
		row := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + ")"
		return strings.TrimSuffix(strings.Repeat(row+",", rows), ",")
	}
	newBatch := func(head string, width int) *batch {
		per := 32766 / width / 4
		st, err := tx.Prepare(head + values(width, per))
		if err != nil {
			tb.Fatal(err)
		}
		return &batch{head: head, width: width, per: per, stmt: st}
	}
	flush := func(bt *batch) {
		if len(bt.args) == 0 {
			return
		}
		rows := len(bt.args) / bt.width
		var err error
		if rows == bt.per {
			_, err = bt.stmt.Exec(bt.args...)
		} else {
			_, err = tx.Exec(bt.head+values(bt.width, rows), bt.args...)
		}
		if err != nil {
			tb.Fatal(err)
		}
		bt.args = bt.args[:0]
	}
	add := func(bt *batch, row ...any) {
		bt.args = append(bt.args, row...)
		if len(bt.args) == bt.width*bt.per {
			flush(bt)
		}
	}

	var firstID int64
	if err := tx.QueryRow(`SELECT coalesce(max(id), 0) + 1 FROM participants`).Scan(&firstID); err != nil {
		tb.Fatal(err)
	}
	// Bulk loading is faster with the indexes built once at the end,
	// exactly as the migrations define them, than kept up row by row.
	var names, indexes []string
	rows, err := tx.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('placements', 'participants', 'enrollments', 'capacity_checkins') AND sql IS NOT NULL`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			tb.Fatal(err)
		}
		names, indexes = append(names, name), append(indexes, def)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	rows.Close()
	for _, name := range names {
		if _, err := tx.Exec(`DROP INDEX ` + name); err != nil {
			tb.Fatal(err)
		}
	}
	participants := newBatch(`INSERT INTO participants (id, external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES `, 7)
	consents := newBatch(`INSERT INTO consents (participant_id, given_on, method, scopes, recorded_by, recorded_at) VALUES `, 6)
	enrollments := newBatch(`INSERT INTO enrollments (participant_id, program_id, enrolled_on, left_on) VALUES `, 4)
	placements := newBatch(`INSERT INTO placements (participant_id, rung, effective_on, note, recorded_by, recorded_at) VALUES `, 6)
	checkins := newBatch(`INSERT INTO capacity_checkins (participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, recorded_by, recorded_at) VALUES `, 8)

	rng := rand.New(rand.NewPCG(uint64(n), 2026))
	const days = 3 * 365
	first := today.AddDays(-days)
	total := 0
	dates := make([]int, 0, 4*placementsPerPerson)
	for i := range n {
		id := firstID + int64(i)
		// Earlier joiners have longer histories: the count of placements
		// grows with the time since consent, twenty on average.
		joined := rng.IntN(days - 1)
		span := days - joined
		count := 1 + int(float64(2*(placementsPerPerson-1))*float64(span)/days*(0.5+rng.Float64()))
		dates = dates[:0]
		for range count - 1 {
			dates = append(dates, joined+rng.IntN(span))
		}
		slices.Sort(dates)
		rung := 1
		if rng.IntN(4) == 0 {
			rung = 2
		}
		given := first.AddDays(joined)
		stamp := given.Time().Add(10 * time.Hour)
		add(placements, id, rung, given.String(), "", recordedBy, stamp.Format("2006-01-02T15:04:05.000000Z"))
		for j, d := range dates {
			switch x := rng.IntN(100); {
			case x < 30 && rung < 5:
				rung++
			case x < 33 && rung < 4:
				rung += 2
			case x < 48 && rung > 1:
				rung--
			}
			on := first.AddDays(d)
			stamp := on.Time().Add(time.Duration(11*60+j) * time.Minute)
			add(placements, id, rung, on.String(), "", recordedBy, stamp.Format("2006-01-02T15:04:05.000000Z"))
		}
		total += count
		now := given.Time().Add(10 * time.Hour).Format("2006-01-02T15:04:05.000000Z")
		add(participants, id, fmt.Sprintf("NET-%07d", i), fmt.Sprintf("Member %07d", i), rung, given.String(), now, now)
		add(consents, id, given.String(), "written", "tracking", recordedBy, now)
		p := rng.IntN(len(programs))
		add(enrollments, id, programs[p], given.String(), nil)
		if rng.IntN(3) == 0 {
			var left any
			if rng.IntN(2) == 0 {
				left = given.AddDays(rng.IntN(span)).String()
			}
			add(enrollments, id, programs[(p+1+rng.IntN(len(programs)-1))%len(programs)], given.String(), left)
		}
		if rng.IntN(3) == 0 {
			for _, persp := range []string{"self", "staff"} {
				on := given.AddDays(rng.IntN(span))
				add(checkins, id, on.String(), persp, 1+rng.IntN(4), 1+rng.IntN(4), 1+rng.IntN(4), recordedBy, now)
			}
		}
	}
	for _, bt := range []*batch{participants, consents, enrollments, placements, checkins} {
		flush(bt)
	}
	for _, def := range indexes {
		if _, err := tx.Exec(def); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("seeded %d participants and %d placements in %v", n, total, time.Since(start).Round(time.Millisecond))
	return total
}

// BenchmarkReleases times what issue 9 sets targets for, at each of
// benchSizes: computing every table of one month's release (the store's
// snapshot of raw counts, then noise and encoding), and serving a
// published table through the real router (bearer auth included), with
// its p99 over the run.
//
//	go test ./internal/httpapi/ -run '^$' -bench BenchmarkReleases -benchtime 5x -count 1
//	PATHWAY_BENCH_PARTICIPANTS=1000000 go test ./internal/httpapi/ -run '^$' -bench BenchmarkReleases/.*/compute -benchtime 3x -timeout 60m
func BenchmarkReleases(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			e := newEnv(b)
			ctx := context.Background()
			admin := pathway.Actor{UserID: e.users[pathway.RoleAdmin].ID, Email: "bench", Role: pathway.RoleAdmin}
			var programs []int64
			for i := range 20 {
				p := &pathway.Program{Name: fmt.Sprintf("Program %02d", i), Rung: pathway.Rungs[i%5]}
				if err := e.srv.Programs.CreateProgram(ctx, admin, p); err != nil {
					b.Fatal(err)
				}
				programs = append(programs, p.ID)
			}
			seedNetwork(b, e.db.Path, admin.UserID, programs, n, e.today)
			store := sqlite.NewReleaseStore(e.db)
			month := pathway.PeriodOf(pathway.PeriodMonth, e.today).Previous()
			b.Run("compute/month", func(b *testing.B) {
				cpu := processCPU(b)
				for b.Loop() {
					c, err := store.ReleaseCounts(ctx, month)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := release.Compute(release.Config{Epsilon: 1, K: 11}, c, time.Now(), "schedule"); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, cpu)
			})
			b.Run("serve/movement", func(b *testing.B) {
				if _, err := e.srv.Releases.Publish(ctx, admin, month.Label); err != nil && pathway.ErrorCode(err) != pathway.ECONFLICT {
					b.Fatal(err)
				}
				target := "/api/v1/reports/movement?period=" + month.Label
				get := func() time.Duration {
					req := httptest.NewRequest("GET", target, nil)
					req.RemoteAddr = "192.0.2.10:5555"
					req.Header.Set("Authorization", "Bearer "+e.tokens[pathway.RoleLeadership])
					rec := httptest.NewRecorder()
					start := time.Now()
					e.handler.ServeHTTP(rec, req)
					took := time.Since(start)
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s: status %d: %s", target, rec.Code, rec.Body)
					}
					return took
				}
				// The p99 is taken over a fixed 2,000 requests, whatever
				// -benchtime says, so it means the same in every run.
				took := make([]time.Duration, 2000)
				for i := range took {
					took[i] = get()
				}
				for b.Loop() {
					get()
				}
				sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
				b.ReportMetric(float64(took[len(took)*99/100])/float64(time.Millisecond), "p99-ms")
			})
		})
	}
}

// reportCPU adds the processor time per operation, user and system, since
// start: on a shared machine it says what the work costs when wall time
// also counts other people's work.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU(b)-start)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
}
