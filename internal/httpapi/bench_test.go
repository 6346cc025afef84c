package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"pathway/internal/app"
	"pathway/internal/pathway"
	"pathway/internal/secret"
	"pathway/internal/sqlite"
	"pathway/internal/sqlite/sqlitetest"
)

// bench is a server as main builds it, on a fresh SQLite file, with one
// staff account reached by bearer token. Logs are JSON, as in production,
// written nowhere.
type bench struct {
	db      *sqlite.DB
	handler http.Handler
	actor   pathway.Actor
	token   string
	today   pathway.Date
}

func newBench(b *testing.B) *bench {
	b.Helper()
	db := sqlitetest.MustOpen(b)
	srv := app.NewServer(db, slog.New(slog.DiscardHandler), app.DefaultConfig)
	ctx := context.Background()
	u := &pathway.User{Email: "staff@example.org", Role: pathway.RoleStaff}
	if err := srv.Users.CreateUser(ctx, pathway.Actor{Email: "bench"}, u, sqlitetest.PasswordHash(b)); err != nil {
		b.Fatal(err)
	}
	token := secret.NewToken(secret.TokenPrefix)
	if _, err := srv.Users.CreateToken(ctx, pathway.Actor{Email: "bench"}, u.Email, "bench", secret.HashToken(token)); err != nil {
		b.Fatal(err)
	}
	return &bench{
		db:      db,
		handler: srv.Handler(),
		actor:   pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role},
		token:   token,
		today:   pathway.DateOf(time.Now(), time.UTC),
	}
}

// serve sends one request through the router and fails unless it gets want.
func (e *bench) serve(b *testing.B, method, target, body string, want int) bool {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	req.RemoteAddr = "192.0.2.10:5555"
	req.Header.Set("Authorization", "Bearer "+e.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Errorf("%s %s: status %d, want %d: %s", method, target, rec.Code, want, rec.Body)
		return false
	}
	return true
}

// participants creates n participants through the store and returns their ids.
func (e *bench) participants(b *testing.B, n int) []int64 {
	b.Helper()
	ps := sqlite.NewParticipantService(e.db)
	ids := make([]int64, n)
	for i := range ids {
		p, err := ps.CreateParticipant(context.Background(), e.actor, pathway.NewParticipant{
			ExternalRef: fmt.Sprintf("CMS-%d", i),
			DisplayName: fmt.Sprintf("Person %d", i),
			Consent:     pathway.Consent{GivenOn: e.today.AddDays(-30), Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
			Rung:        pathway.Observer,
		})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = p.ID
	}
	return ids
}

// BenchmarkLogEngagement logs engagements with POST
// /api/v1/participants/{id}/engagements: bearer auth, binding, validation,
// the store's transaction with its audit entry, and the JSON answer. The
// handler case calls the router directly; the loopback case adds net/http
// and a TCP connection per client goroutine on 127.0.0.1.
// clientsPerCPU is how many concurrent clients per core the write
// benchmarks model: several staff and an integration writing at once.
const clientsPerCPU = 8

func BenchmarkLogEngagement(b *testing.B) {
	e := newBench(b)
	ids := e.participants(b, 100)
	body := fmt.Sprintf(`{"occurred_on":%q,"activity":"community meeting","strategy":"organizing","note":"came with a neighbour"}`, e.today)

	b.Run("handler", func(b *testing.B) {
		var n atomic.Int64
		b.ReportAllocs()
		cpu := startCPU(b)
		b.SetParallelism(clientsPerCPU)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				id := ids[int(n.Add(1))%len(ids)]
				if !e.serve(b, "POST", fmt.Sprintf("/api/v1/participants/%d/engagements", id), body, http.StatusCreated) {
					return
				}
			}
		})
		cpu.report(b)
	})

	b.Run("loopback", func(b *testing.B) {
		ts := httptest.NewServer(e.handler)
		defer ts.Close()
		client := ts.Client()
		client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
		var n atomic.Int64
		b.ReportAllocs()
		cpu := startCPU(b)
		b.SetParallelism(clientsPerCPU)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				id := ids[int(n.Add(1))%len(ids)]
				req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/participants/%d/engagements", ts.URL, id), strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+e.token)
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					b.Errorf("status %d, want 201", res.StatusCode)
					return
				}
			}
		})
		cpu.report(b)
	})
}

// cpuClock measures the processor time the whole process spends, user and
// system, so that a run on a shared machine still says what a write costs.
type cpuClock struct{ start time.Duration }

// startCPU resets the benchmark timer and starts the clock.
func startCPU(b *testing.B) cpuClock {
	b.ResetTimer()
	return cpuClock{start: processCPU(b)}
}

// report adds writes/s (wall clock), CPU-µs/write, and the writes/s that
// two fully available cores would sustain at that cost.
func (c cpuClock) report(b *testing.B) {
	b.StopTimer()
	perOp := float64(processCPU(b)-c.start) / float64(b.N) / float64(time.Microsecond)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
	b.ReportMetric(perOp, "cpu-µs/write")
	b.ReportMetric(2e6/perOp, "writes/s@2cpu")
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// seedParticipants inserts n participants, spread over programs and rungs,
// straight into the file in one transaction with prepared statements: what
// the API would take minutes to do. Participant i is named "Person i", is
// on rung i%5+1 and is enrolled in programs[i%len(programs)].
func seedParticipants(b *testing.B, path string, recordedBy int64, programs []int64, n int, today pathway.Date) {
	b.Helper()
	start := time.Now()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	prepare := func(q string) *sql.Stmt {
		st, err := tx.Prepare(q)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	insParticipant := prepare(`INSERT INTO participants (external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
	insEnrollment := prepare(`INSERT INTO enrollments (participant_id, program_id, enrolled_on) VALUES (?, ?, ?)`)
	insConsent := prepare(`INSERT INTO consents (participant_id, given_on, method, scopes, recorded_by, recorded_at) VALUES (?, ?, 'written', 'tracking', ?, ?)`)
	insPlacement := prepare(`INSERT INTO placements (participant_id, rung, effective_on, note, recorded_by, recorded_at) VALUES (?, ?, ?, '', ?, ?)`)
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	given := today.AddDays(-365).String()
	for i := range n {
		rung := i%5 + 1
		res, err := insParticipant.Exec(fmt.Sprintf("CMS-%07d", i), fmt.Sprintf("Person %07d", i), rung, given, now, now)
		if err != nil {
			b.Fatal(err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := insEnrollment.Exec(id, programs[i%len(programs)], given); err != nil {
			b.Fatal(err)
		}
		if _, err := insConsent.Exec(id, given, recordedBy, now); err != nil {
			b.Fatal(err)
		}
		if _, err := insPlacement.Exec(id, rung, given, recordedBy, now); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA optimize`); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d participants in %v", n, time.Since(start).Round(time.Millisecond))
}

// BenchmarkListParticipants lists at 100,000 participants: the first page,
// a rung, a program (a fifth of everyone), and a name search that matches
// one person, which reads every row.
func BenchmarkListParticipants(b *testing.B) {
	const n = 100_000
	e := newBench(b)
	ctx := context.Background()
	programs := make([]int64, 5)
	for i := range programs {
		p := &pathway.Program{Name: fmt.Sprintf("Program %d", i), Rung: pathway.Rungs[i]}
		if err := sqlite.NewProgramService(e.db).CreateProgram(ctx, pathway.Actor{Email: "bench", Role: pathway.RoleAdmin}, p); err != nil {
			b.Fatal(err)
		}
		programs[i] = p.ID
	}
	seedParticipants(b, e.db.Path, e.actor.UserID, programs, n, e.today)

	for _, c := range []struct {
		name  string
		query url.Values
	}{
		{"first_page", url.Values{}},
		{"rung", url.Values{"rung": {"leader"}}},
		{"program", url.Values{"program_id": {fmt.Sprint(programs[2])}}},
		{"q", url.Values{"q": {fmt.Sprintf("person %07d", n-7)}}},
	} {
		target := "/api/v1/participants?" + c.query.Encode()
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !e.serve(b, "GET", target, "", http.StatusOK) {
					return
				}
			}
		})
	}
}
