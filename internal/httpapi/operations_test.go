package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"pathway/internal/app"
	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// holdLog begins a read on a connection of its own, as a long report or an
// outside sqlite3 shell would, and returns the function that lets go.
func (e *env) holdLog() (release func()) {
	e.t.Helper()
	outside, err := sql.Open("sqlite", "file:"+e.db.Path+"?_pragma=query_only(1)")
	if err != nil {
		e.t.Fatal(err)
	}
	held, err := outside.BeginTx(context.Background(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	var n int
	if err := held.QueryRow(`SELECT count(*) FROM participants`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	release = func() {
		_ = held.Rollback()
		_ = outside.Close()
	}
	e.t.Cleanup(release)
	return release
}

func TestWithdrawalSaysWhenTheScrubIsPendingAndTheScrubFinishes(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Advisory board", pathway.Leader)
	var bureau pathway.Body
	e.as(pathway.RoleCoordinator, "POST", path("/bodies"), map[string]any{"name": "Speakers bureau", "kind": "speakers_bureau"}).must(t, 201).decode(t, &bureau)
	gone, traces := e.traces("held", prog, bureau.ID)
	release := e.holdLog()

	var body struct {
		Scrub string `json:"scrub"`
	}
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", gone.ID), nil).must(t, 202).decode(t, &body)
	if body.Scrub != "pending" {
		t.Errorf(`body scrub %q, want "pending"`, body.Scrub)
	}
	if n := e.rowCount("scrub_pending"); n != 1 {
		t.Fatalf("%d scrub markers while the reader holds the log, want 1", n)
	}
	e.as(pathway.RoleAdmin, "GET", path("/participants/%d", gone.ID), nil).must(t, 404)
	if !bytes.Contains(e.fileBytes(), []byte(traces[0])) {
		t.Fatal("the name is not in the files while the reader holds the log: the test cannot catch a scrub that never comes")
	}

	release()
	deadline := time.Now().Add(10 * time.Second)
	for e.rowCount("scrub_pending") > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the scrub is still pending 10 s after the reader let go")
		}
		time.Sleep(20 * time.Millisecond)
	}
	raw := e.fileBytes()
	for _, s := range traces {
		if i := bytes.Index(raw, []byte(s)); i >= 0 {
			t.Errorf("%q remains at byte %d of the database files after the scrub", s, i)
		}
	}

	// With nobody holding the log, an erasure is clean at once.
	other := e.participant("CMS-CLEAN-1", "Clean At Once")
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", other.ID), nil).must(t, 204)
}

// readOnly returns e served from its database file opened without write
// access, as a read-only file or disk would leave it.
func (e *env) readOnly() *env {
	e.t.Helper()
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	ro := sqlite.NewDB(e.db.Path)
	ro.Location = time.UTC
	ro.ReadOnly = true
	if err := ro.Open(); err != nil {
		e.t.Fatalf("open a read-only database: %v", err)
	}
	e.t.Cleanup(func() { ro.Close() })
	v := *e
	v.db = ro
	v.srv = app.NewServer(ro, slog.New(slog.DiscardHandler), app.DefaultConfig)
	v.handler = v.srv.Handler()
	return &v
}

func TestAReadOnlyDatabaseServesReadsAndSaysWritesMustWait(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CMS-RO-1", "Read Only")
	ro := e.readOnly()

	// The token has never been used: noting its use is a write, and must
	// not cost the read.
	ro.as(pathway.RoleStaff, "GET", path("/me"), nil).must(t, 200)
	ro.as(pathway.RoleLeadership, "GET", path("/programs"), nil).must(t, 200)

	tests := []struct {
		name string
		req  request
	}{
		{"a change", request{Method: "POST", Path: path("/participants/%d/engagements", p.ID), Role: pathway.RoleStaff,
			Body: map[string]any{"occurred_on": e.today.String(), "activity": "Supper"}}},
		{"an audited read", request{Method: "GET", Path: path("/participants/%d", p.ID), Role: pathway.RoleStaff}},
		{"readiness", request{Method: "GET", Path: "/readyz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is 503 with Retry-After", func(t *testing.T) {
			res := ro.call(tt.req).must(t, 503)
			if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Errorf("Retry-After %q, want a number of seconds", res.Header.Get("Retry-After"))
			}
			if p := res.problem(t); p.Type != "urn:pathway:problem:"+pathway.EUNAVAILABLE {
				t.Errorf("problem type %q", p.Type)
			}
		})
	}
}

func TestMetricsCountRequestsByRouteAndNeverNameAnyone(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CMS-MET-5150", "Ottoline Metricsworth")
	e.as(pathway.RoleStaff, "GET", path("/participants/%d", p.ID), nil).must(t, 200)
	e.as(pathway.RoleStaff, "GET", path("/participants?q=Ottoline"), nil)
	e.as(pathway.RoleStaff, "GET", path("/participants/%d", p.ID+1000), nil).must(t, 404)

	res := e.as(pathway.RoleAdmin, "GET", "/metrics", nil).must(t, 200)
	body := string(res.Body)
	for _, want := range []string{
		`pathway_http_requests_total{method="GET",route="/api/v1/participants/:id",status="200"} 1`,
		`pathway_http_requests_total{method="GET",route="/api/v1/participants/:id",status="404"} 1`,
		`pathway_http_requests_total{method="POST",route="/api/v1/participants",status="201"} 1`,
		`pathway_http_request_duration_seconds_bucket{method="GET",route="/api/v1/participants/:id",le="0.5"}`,
		"pathway_write_queue_depth 0",
		"pathway_write_batches_total ",
		"pathway_write_batch_writes_total ",
		"pathway_write_last_batch_size ",
		`pathway_database_bytes{file="db"}`,
		`pathway_database_bytes{file="wal"}`,
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, never := range []string{"Ottoline", "Metricsworth", "CMS-MET-5150", fmt.Sprintf("/participants/%d", p.ID)} {
		if strings.Contains(body, never) {
			t.Errorf("/metrics holds %q", never)
		}
	}
	e.as(pathway.RoleStaff, "GET", "/metrics", nil).must(t, 403)
	e.call(request{Method: "GET", Path: "/metrics"}).must(t, 401)
}
