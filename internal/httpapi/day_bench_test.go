package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pathway/internal/app"
	"pathway/internal/demo"
	"pathway/internal/pathway"
	"pathway/internal/secret"
	"pathway/internal/sqlite/sqlitetest"
)

// dayBench is the demo organisation (300 people over two years) behind the
// real router, with last month's release published and an admin's token,
// which reaches every route of the mix.
type dayBench struct {
	handler http.Handler
	token   string
	ids     []int64
	period  string
	body    string
}

func newDayBench(b *testing.B) *dayBench {
	b.Helper()
	db := sqlitetest.MustOpen(b)
	srv := app.NewServer(db, slog.New(slog.DiscardHandler), app.DefaultConfig)
	b.Cleanup(func() { srv.Close() })
	ctx := context.Background()
	today := pathway.DateOf(time.Now(), time.UTC)
	if _, err := demo.Load(ctx, app.DemoServices(srv), demo.Options{Today: today, Seed: 1, PasswordHash: sqlitetest.PasswordHash(b)}); err != nil {
		b.Fatal(err)
	}
	system := pathway.Actor{Email: "bench", Role: pathway.RoleAdmin}
	d := &dayBench{
		handler: srv.Handler(),
		period:  time.Now().UTC().AddDate(0, -1, 0).Format("2006-01"),
		body:    fmt.Sprintf(`{"occurred_on":%q,"activity":"community meeting","strategy":"organizing","note":"came with a neighbour"}`, today.AddDays(-1)),
	}
	if _, err := srv.Releases.Publish(ctx, system, d.period); err != nil {
		b.Fatal(err)
	}
	u := &pathway.User{Email: "day@example.org", Role: pathway.RoleAdmin}
	if err := srv.Users.CreateUser(ctx, system, u, sqlitetest.PasswordHash(b)); err != nil {
		b.Fatal(err)
	}
	d.token = secret.NewToken(secret.TokenPrefix)
	if _, err := srv.Users.CreateToken(ctx, system, u.Email, "bench", secret.HashToken(d.token)); err != nil {
		b.Fatal(err)
	}
	ps, _, err := srv.Participants.ListParticipants(ctx, system, pathway.ParticipantFilter{Limit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range ps {
		d.ids = append(d.ids, p.ID)
	}
	return d
}

// request is one of the mix's requests, chosen by n.
type dayRequest struct {
	method, target, body string
	want                 int
}

func (d *dayBench) one(n int64) dayRequest {
	return dayRequest{"GET", fmt.Sprintf("/api/v1/participants/%d", d.ids[n%int64(len(d.ids))]), "", http.StatusOK}
}

func (d *dayBench) list(n int64) dayRequest {
	return dayRequest{"GET", "/api/v1/participants?limit=50&rung=" + pathway.Rungs[n%5].String(), "", http.StatusOK}
}

func (d *dayBench) release(int64) dayRequest {
	return dayRequest{"GET", "/api/v1/releases/" + d.period, "", http.StatusOK}
}

func (d *dayBench) suggestions(int64) dayRequest {
	return dayRequest{"GET", "/api/v1/suggestions", "", http.StatusOK}
}

func (d *dayBench) write(n int64) dayRequest {
	return dayRequest{"POST", fmt.Sprintf("/api/v1/participants/%d/engagements", d.ids[n%int64(len(d.ids))]), d.body, http.StatusCreated}
}

// mixed is the mix, spread evenly over every hundred requests:
// 25 lists of 50, 20 single participants, 10 releases, 5 suggestions and
// 40 engagements logged.
func (d *dayBench) mixed(n int64) dayRequest {
	switch k := (n * 37) % 100; {
	case k < 25:
		return d.list(n)
	case k < 45:
		return d.one(n)
	case k < 55:
		return d.release(n)
	case k < 60:
		return d.suggestions(n)
	default:
		return d.write(n)
	}
}

func (d *dayBench) serve(b *testing.B, r dayRequest) bool {
	var body *strings.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(r.method, r.target, body)
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(r.method, r.target, nil)
	}
	req.RemoteAddr = "192.0.2.10:5555"
	req.Header.Set("Authorization", "Bearer "+d.token)
	rec := httptest.NewRecorder()
	d.handler.ServeHTTP(rec, req)
	if rec.Code != r.want {
		b.Errorf("%s %s: status %d, want %d: %s", r.method, r.target, rec.Code, r.want, rec.Body)
		return false
	}
	return true
}

// BenchmarkDay runs each path of the day through the real router
// in-process, from clientsPerCPU concurrent clients per core, on the demo
// organisation: one participant, a list of 50 by rung, a month's release,
// suggestions, an engagement logged, and the mix of them all. Each reports
// wall-clock requests/s and the processor time per request of the whole
// process, which stays meaningful on a shared machine.
func BenchmarkDay(b *testing.B) {
	d := newDayBench(b)
	for _, c := range []struct {
		name string
		next func(int64) dayRequest
	}{
		{"one", d.one},
		{"list50", d.list},
		{"release", d.release},
		{"suggestions", d.suggestions},
		{"write", d.write},
		{"mixed", d.mixed},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n atomic.Int64
			b.ReportAllocs()
			cpu := startCPU(b)
			b.SetParallelism(clientsPerCPU)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if !d.serve(b, c.next(n.Add(1))) {
						return
					}
				}
			})
			b.StopTimer()
			perOp := float64(processCPU(b)-cpu.start) / float64(b.N) / float64(time.Microsecond)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			b.ReportMetric(perOp, "cpu-µs/req")
			b.ReportMetric(2e6/perOp, "req/s@2cpu")
		})
	}
}
