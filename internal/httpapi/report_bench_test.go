package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// networkSizes are the populations the report benchmarks run at: a large
// organisation, twice that, and a network of organisations on one
// deployment. Each person has twenty placements on average, so the largest
// holds 2,000,000 placements.
var networkSizes = []int{25_000, 50_000, 100_000}

// placementsPerPerson is the average length of a person's rung history.
const placementsPerPerson = 20

// seedNetwork writes n participants with about placementsPerPerson dated
// placements each straight into the database file, in one transaction with
// prepared multi-row statements. Consent dates spread over three years
// before today (the network grew steadily); each history is a random walk
// on the ladder, mostly staying or stepping up one rung, sometimes down,
// rarely skipping; everyone is in one or two of the programs. The walk is
// seeded, so every run sees the same people.
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
	// Bulk loading is faster with the history's indexes built once at the
	// end, exactly as the migrations define them, than kept up row by row.
	var names, indexes []string
	rows, err := tx.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('placements', 'participants') AND sql IS NOT NULL`)
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
	enrollments := newBatch(`INSERT INTO enrollments (participant_id, program_id, enrolled_on) VALUES `, 3)
	placements := newBatch(`INSERT INTO placements (participant_id, rung, effective_on, note, recorded_by, recorded_at) VALUES `, 6)

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
		add(enrollments, id, programs[p], given.String())
		if rng.IntN(3) == 0 {
			add(enrollments, id, programs[(p+1+rng.IntN(len(programs)-1))%len(programs)], given.String())
		}
	}
	for _, bt := range []*batch{participants, consents, enrollments, placements} {
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

// reportBench is a server on a seeded network with a leadership token.
type reportBench struct {
	e        *env
	store    *sqlite.ReportStore
	programs []int64
}

func newReportBench(b *testing.B, n int) *reportBench {
	b.Helper()
	e := newEnv(b)
	rb := &reportBench{e: e, store: sqlite.NewReportStore(e.db)}
	ctx := context.Background()
	admin := pathway.Actor{UserID: e.users[pathway.RoleAdmin].ID, Email: "bench", Role: pathway.RoleAdmin}
	for i := range 20 {
		p := &pathway.Program{Name: fmt.Sprintf("Program %02d", i), Rung: pathway.Rungs[i%5]}
		if err := e.srv.Programs.CreateProgram(ctx, admin, p); err != nil {
			b.Fatal(err)
		}
		rb.programs = append(rb.programs, p.ID)
	}
	seedNetwork(b, e.db.Path, admin.UserID, rb.programs, n, e.today)
	return rb
}

// get serves one report request as leadership and fails unless it is 200.
func (rb *reportBench) get(b *testing.B, target string) {
	req := httptest.NewRequest("GET", target, nil)
	req.RemoteAddr = "192.0.2.10:5555"
	req.Header.Set("Authorization", "Bearer "+rb.e.tokens[pathway.RoleLeadership])
	rec := httptest.NewRecorder()
	rb.e.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: status %d: %s", target, rec.Code, rec.Body)
	}
}

// reportCPU adds the processor time per report, user and system, since
// start: on a shared machine it says what a report costs when wall time
// also counts other people's work. A report runs on one core, so on an
// otherwise idle machine its wall time is close to this.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU(b)-start)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
}

// BenchmarkReports times the reports leadership reads most, through the
// real router (bearer auth, suppression, JSON) and at store level (the raw
// counts alone), at each of networkSizes: the distribution of the current
// period (read from the maintained current rung) and of a past one (the
// rung of every person on a day), the by-program distribution, and
// movement over the current and the previous month.
//
//	go test ./internal/httpapi/ -run '^$' -bench BenchmarkReports -benchtime 20x -count 1
func BenchmarkReports(b *testing.B) {
	for _, n := range networkSizes {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			rb := newReportBench(b, n)
			ctx := context.Background()
			today := rb.e.today
			cur := today.Time().Format("2006-01")
			past := today.AddMonths(-6).Time().Format("2006-01")
			curP, _ := pathway.ParsePeriod(cur)
			pastP, _ := pathway.ParsePeriod(past)
			lastP := curP.Previous()
			for _, c := range []struct {
				name  string
				http  string
				store func() error
			}{
				{"distribution_current", "/api/v1/reports/distribution?period=" + cur, func() error {
					_, err := rb.store.RungCountsOn(ctx, today, 0)
					return err
				}},
				{"distribution_past", "/api/v1/reports/distribution?period=" + past, func() error {
					_, err := rb.store.RungCountsOn(ctx, pastP.End, 0)
					return err
				}},
				{"distribution_programs", "/api/v1/reports/distribution/programs?period=" + cur, func() error {
					_, err := rb.store.ProgramCountsOn(ctx, today)
					return err
				}},
				{"movement", "/api/v1/reports/movement?period=" + cur, func() error {
					_, err := rb.store.Movement(ctx, curP.Start, today)
					return err
				}},
				{"movement_past", "/api/v1/reports/movement?period=" + lastP.Label, func() error {
					_, err := rb.store.Movement(ctx, lastP.Start, lastP.End)
					return err
				}},
			} {
				b.Run("http/"+c.name, func(b *testing.B) {
					cpu := processCPU(b)
					for b.Loop() {
						rb.get(b, c.http)
					}
					reportCPU(b, cpu)
				})
				b.Run("store/"+c.name, func(b *testing.B) {
					cpu := processCPU(b)
					for b.Loop() {
						if err := c.store(); err != nil {
							b.Fatal(err)
						}
					}
					reportCPU(b, cpu)
				})
			}
		})
	}
}
