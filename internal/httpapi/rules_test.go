package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"pathway/internal/pathway"
	"pathway/internal/sqlite/sqlitetest"
)

// helpers

// historyTables are the tables a participant write can touch.
var historyTables = []string{"participants", "consents", "placements", "enrollments", "engagements", "capacity_checkins", "audit_log"}

// rowCounts reads the number of rows of each table straight from the
// database file, on a connection of its own, so that counting writes no
// audit entry of its own.
func (e *env) rowCounts(tables ...string) map[string]int {
	e.t.Helper()
	// Audited reads answered so far are counted too, though their entries
	// may still wait in the read log.
	if err := e.db.FlushReads(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+e.db.Path+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	out := make(map[string]int, len(tables))
	for _, table := range tables {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			e.t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// rowCount is rowCounts for one table.
func (e *env) rowCount(table string) int {
	e.t.Helper()
	return e.rowCounts(table)[table]
}

// fileBytes returns the raw bytes of the database file and its write-ahead log.
func (e *env) fileBytes() []byte {
	e.t.Helper()
	var all []byte
	for _, name := range []string{e.db.Path, e.db.Path + "-wal"} {
		b, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			e.t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// newAccount creates an account through the API as admin and issues it a token.
func (e *env) newAccount(email string, role pathway.Role, programIDs ...int64) (pathway.User, string) {
	e.t.Helper()
	if programIDs == nil {
		programIDs = []int64{}
	}
	var u pathway.User
	e.as(pathway.RoleAdmin, "POST", path("/users"), map[string]any{
		"email": email, "role": string(role), "password": sqlitetest.Password, "program_ids": programIDs,
	}).must(e.t, 201).decode(e.t, &u)
	var issued struct {
		Token    string           `json:"token"`
		APIToken pathway.APIToken `json:"api_token"`
	}
	e.as(pathway.RoleAdmin, "POST", path("/tokens"), map[string]any{"email": email, "name": "test"}).must(e.t, 201).decode(e.t, &issued)
	if issued.Token == "" {
		e.t.Fatal("POST /tokens gave no token")
	}
	return u, issued.Token
}

// getParticipant reads a participant as admin.
func (e *env) getParticipant(id int64) pathway.Participant {
	e.t.Helper()
	var p pathway.Participant
	e.as(pathway.RoleAdmin, "GET", path("/participants/%d", id), nil).must(e.t, 200).decode(e.t, &p)
	return p
}

// lastAudit returns the newest audit entry, read through GET /audit.
func (e *env) lastAudit() pathway.AuditEntry {
	e.t.Helper()
	var page struct {
		Items []pathway.AuditEntry `json:"items"`
	}
	e.as(pathway.RoleAdmin, "GET", path("/audit?limit=1"), nil).must(e.t, 200).decode(e.t, &page)
	if len(page.Items) != 1 {
		e.t.Fatalf("GET /audit?limit=1 gave %d entries", len(page.Items))
	}
	return page.Items[0]
}

// wantField fails unless res is a problem with the status naming field.
func wantField(tb testing.TB, res *response, status int, field string) {
	tb.Helper()
	res.must(tb, status)
	if res.fieldMessage(tb, field) == "" {
		tb.Errorf("problem does not name field %q: %s", field, res.Body)
	}
}

func ptr[T any](v T) *T { return &v }

// Rule 1: consent first.

func TestCreateParticipantRequiresConsent(t *testing.T) {
	e := newEnv(t)
	e.participant("ref-taken", "Already Followed")
	tomorrow := e.today.AddDays(1).String()

	tests := []struct {
		name   string
		edit   func(b map[string]any)
		status int
		field  string
	}{
		{"consent with tracking scope is accepted", func(b map[string]any) {}, 201, ""},
		{"no consent is refused", func(b map[string]any) { delete(b, "consent") }, 422, "consent"},
		{"null consent is refused", func(b map[string]any) { b["consent"] = nil }, 422, "consent"},
		{"scopes without tracking are refused", func(b map[string]any) {
			b["consent"].(map[string]any)["scopes"] = []string{"public_story"}
		}, 422, "consent.scopes"},
		{"empty scopes are refused", func(b map[string]any) {
			b["consent"].(map[string]any)["scopes"] = []string{}
		}, 422, "consent.scopes"},
		{"unknown scope is refused", func(b map[string]any) {
			b["consent"].(map[string]any)["scopes"] = []string{"tracking", "everything"}
		}, 422, "consent.scopes[1]"},
		{"consent given in the future is refused", func(b map[string]any) {
			b["consent"].(map[string]any)["given_on"] = tomorrow
		}, 422, "consent.given_on"},
		{"consent without a date is refused", func(b map[string]any) {
			delete(b["consent"].(map[string]any), "given_on")
		}, 422, "consent.given_on"},
		{"consent with an unknown method is refused", func(b map[string]any) {
			b["consent"].(map[string]any)["method"] = "implied"
		}, 422, "consent.method"},
		{"second participant with the same external_ref conflicts", func(b map[string]any) {
			b["external_ref"] = "ref-taken"
		}, 409, "external_ref"},
		{"enrolment in an unknown program is refused", func(b map[string]any) {
			b["program_ids"] = []int64{999999}
		}, 422, "program_ids"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := e.participantBody(fmt.Sprintf("ref-%d", i), "Consent Case")
			tt.edit(body)
			before := e.rowCounts(historyTables...)
			res := e.as(pathway.RoleStaff, "POST", path("/participants"), body)
			after := e.rowCounts(historyTables...)
			if tt.status == 201 {
				res.must(t, 201)
				var p pathway.Participant
				res.decode(t, &p)
				if p.Consent.RecordedBy != e.users[pathway.RoleStaff].Email || !p.Consent.Has(pathway.ScopeTracking) {
					t.Errorf("consent = %+v, want tracking recorded by the staff member", p.Consent)
				}
				want := map[string]int{"participants": 1, "consents": 1, "placements": 1, "audit_log": 1}
				for table, n := range want {
					if got := after[table] - before[table]; got != n {
						t.Errorf("%s grew by %d, want %d", table, got, n)
					}
				}
				return
			}
			wantField(t, res, tt.status, tt.field)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("a refused participant changed stored rows (-before +after):\n%s", diff)
			}
		})
	}
}

// Rule 4: history is kept, not rewritten.

func TestPlacementDatesAndRungAreChecked(t *testing.T) {
	e := newEnv(t)
	p := e.participant("ref-1", "Dated Person") // consent given a year ago
	consentDay := e.today.AddDays(-365)

	tests := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"placement today is accepted", map[string]any{"rung": "follower", "effective_on": e.today.String()}, 201, ""},
		{"placement on the consent day is accepted", map[string]any{"rung": "member", "effective_on": consentDay.String()}, 201, ""},
		{"placement in the future is refused", map[string]any{"rung": "member", "effective_on": e.today.AddDays(1).String()}, 422, "effective_on"},
		{"placement before consent is refused", map[string]any{"rung": "member", "effective_on": consentDay.AddDays(-1).String()}, 422, "effective_on"},
		{"unknown rung is refused", map[string]any{"rung": "champion", "effective_on": e.today.String()}, 422, "rung"},
		{"missing rung is refused", map[string]any{"effective_on": e.today.String()}, 422, "rung"},
		{"badly written date is refused", map[string]any{"rung": "member", "effective_on": "2024-02-30"}, 422, "effective_on"},
		{"client cannot set who recorded", map[string]any{"rung": "member", "effective_on": e.today.String(), "recorded_by": "someone@else.org"}, 422, "recorded_by"},
		{"client cannot set when it was recorded", map[string]any{"rung": "member", "effective_on": e.today.String(), "recorded_at": "2020-01-01T00:00:00Z"}, 422, "recorded_at"},
		{"overlong note is refused", map[string]any{"rung": "member", "effective_on": e.today.String(), "note": strings.Repeat("n", 501)}, 422, "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCounts(historyTables...)
			res := e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), tt.body)
			after := e.rowCounts(historyTables...)
			if tt.status == 201 {
				res.must(t, 201)
				if got := after["placements"] - before["placements"]; got != 1 {
					t.Errorf("placements grew by %d, want 1", got)
				}
				return
			}
			wantField(t, res, tt.status, tt.field)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("a refused placement changed stored rows (-before +after):\n%s", diff)
			}
		})
	}
}

func TestPlacementIsStampedByTheServer(t *testing.T) {
	e := newEnv(t)
	p := e.participant("ref-1", "Stamped Person")
	start := time.Now().UTC().Add(-time.Second)
	var pl pathway.Placement
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), map[string]any{
		"rung": "contributor", "effective_on": e.today.AddDays(-3).String(), "note": "joined the speakers bureau",
	}).must(t, 201).decode(t, &pl)
	end := time.Now().UTC().Add(time.Second)

	want := pathway.Placement{
		ParticipantID: p.ID, Rung: pathway.Contributor, EffectiveOn: e.today.AddDays(-3),
		Note: "joined the speakers bureau", RecordedBy: e.users[pathway.RoleStaff].Email,
	}
	if diff := cmp.Diff(want, pl, cmpopts.IgnoreFields(pathway.Placement{}, "ID", "RecordedAt", "RecordedByID"), cmp.AllowUnexported(pathway.Date{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("placement (-want +got):\n%s", diff)
	}
	if pl.ID == 0 || pl.RecordedAt.Before(start) || pl.RecordedAt.After(end) {
		t.Errorf("id %d recorded_at %s, want an id and a time between %s and %s", pl.ID, pl.RecordedAt, start, end)
	}
	var list struct {
		Items []pathway.Placement `json:"items"`
	}
	e.as(pathway.RoleStaff, "GET", path("/participants/%d/placements", p.ID), nil).must(t, 200).decode(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != pl.ID || !list.Items[0].RecordedAt.Equal(pl.RecordedAt) || list.Items[0].RecordedBy != want.RecordedBy {
		t.Errorf("stored history %+v does not hold the stamped placement %+v first", list.Items, pl)
	}
}

func TestCurrentRungIsTheLatestEffectivePlacement(t *testing.T) {
	e := newEnv(t)
	p := e.participant("ref-1", "Moving Person") // observer since consent, a year ago
	steps := []struct {
		name        string
		rung        string
		effectiveOn pathway.Date
		wantCurrent pathway.Rung
	}{
		{"a new placement becomes current", "member", e.today.AddDays(-10), pathway.Member},
		{"a backdated placement recorded later does not override a later-effective one", "follower", e.today.AddDays(-100), pathway.Member},
		{"a move down the ladder is current when it is latest", "observer", e.today.AddDays(-5), pathway.Observer},
		{"on the same effective date the later recorded wins", "leader", e.today.AddDays(-5), pathway.Leader},
		{"and again the other way", "contributor", e.today.AddDays(-5), pathway.Contributor},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), map[string]any{"rung": s.rung, "effective_on": s.effectiveOn.String()}).must(t, 201)
			if got := e.getParticipant(p.ID).CurrentRung; got != s.wantCurrent {
				t.Errorf("current rung %s, want %s", got, s.wantCurrent)
			}
			var page struct {
				Items []pathway.Participant `json:"items"`
			}
			e.as(pathway.RoleStaff, "GET", path("/participants?rung=%s", s.wantCurrent), nil).must(t, 200).decode(t, &page)
			if len(page.Items) != 1 || page.Items[0].ID != p.ID {
				t.Errorf("filter by rung %s found %d participants, want this one", s.wantCurrent, len(page.Items))
			}
		})
	}
	var list struct {
		Items []pathway.Placement `json:"items"`
	}
	e.as(pathway.RoleStaff, "GET", path("/participants/%d/placements", p.ID), nil).must(t, 200).decode(t, &list)
	var got []string
	for _, pl := range list.Items {
		got = append(got, pl.EffectiveOn.String()+" "+pl.Rung.String())
	}
	want := []string{
		e.today.AddDays(-5).String() + " contributor",
		e.today.AddDays(-5).String() + " leader",
		e.today.AddDays(-5).String() + " observer",
		e.today.AddDays(-10).String() + " member",
		e.today.AddDays(-100).String() + " follower",
		e.today.AddDays(-365).String() + " observer",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history is not newest effective first, later recorded first on ties (-want +got):\n%s", diff)
	}
}

func TestDeletePlacementOnlyByRecorderOrAdminNeverTheLast(t *testing.T) {
	e := newEnv(t)
	_, otherStaff := e.newAccount("other.staff@example.org", pathway.RoleStaff)
	p := e.participant("ref-1", "Corrected Person")
	other := e.participant("ref-2", "Someone Else")
	var first struct {
		Items []pathway.Placement `json:"items"`
	}
	e.as(pathway.RoleStaff, "GET", path("/participants/%d/placements", p.ID), nil).must(t, 200).decode(t, &first)
	if len(first.Items) != 1 {
		t.Fatalf("a new participant has %d placements, want 1", len(first.Items))
	}
	firstID := first.Items[0].ID
	add := func(rung string) int64 {
		var pl pathway.Placement
		e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), map[string]any{"rung": rung, "effective_on": e.today.String()}).must(t, 201).decode(t, &pl)
		return pl.ID
	}
	byRecorder, byAdmin := add("member"), add("leader")

	tests := []struct {
		name        string
		token       string
		role        pathway.Role
		participant int64
		placement   int64
		status      int
		wantCurrent pathway.Rung
	}{
		{"another staff member may not delete it", otherStaff, "", p.ID, byRecorder, 403, pathway.Leader},
		{"leadership may not delete it", "", pathway.RoleLeadership, p.ID, byRecorder, 403, pathway.Leader},
		{"a placement is only found under its own participant", "", pathway.RoleStaff, other.ID, byRecorder, 404, pathway.Leader},
		{"an admin may delete it", "", pathway.RoleAdmin, p.ID, byAdmin, 204, pathway.Member},
		{"the recorder may delete it", "", pathway.RoleStaff, p.ID, byRecorder, 204, pathway.Observer},
		{"a deleted placement is gone", "", pathway.RoleStaff, p.ID, byRecorder, 404, pathway.Observer},
		{"the last placement may not be deleted by its recorder", "", pathway.RoleStaff, p.ID, firstID, 409, pathway.Observer},
		{"the last placement may not be deleted by an admin", "", pathway.RoleAdmin, p.ID, firstID, 409, pathway.Observer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCounts(historyTables...)
			res := e.call(request{Method: "DELETE", Path: path("/participants/%d/placements/%d", tt.participant, tt.placement), Role: tt.role, Token: tt.token}).must(t, tt.status)
			after := e.rowCounts(historyTables...)
			if tt.status == 204 {
				if len(res.Body) != 0 {
					t.Errorf("204 with a body: %s", res.Body)
				}
				want := map[string]int{"placements": -1, "audit_log": 1}
				for table, n := range want {
					if got := after[table] - before[table]; got != n {
						t.Errorf("%s changed by %d, want %d", table, got, n)
					}
				}
				a := e.lastAudit()
				wantEntry := pathway.AuditEntry{
					UserID: ptr(e.users[tt.role].ID), User: e.users[tt.role].Email, Action: "placement.delete",
					Entity: "placement", EntityID: ptr(tt.placement), RemoteAddr: "192.0.2.10",
				}
				if diff := cmp.Diff(wantEntry, a, cmpopts.IgnoreFields(pathway.AuditEntry{}, "ID", "At")); diff != "" {
					t.Errorf("audit entry (-want +got):\n%s", diff)
				}
			} else if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("a refused deletion changed stored rows (-before +after):\n%s", diff)
			}
			if got := e.getParticipant(p.ID).CurrentRung; got != tt.wantCurrent {
				t.Errorf("current rung %s, want %s", got, tt.wantCurrent)
			}
		})
	}
}

// Engagements and capacity check-ins.

func TestEngagementRules(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Speakers bureau", pathway.Contributor)
	p := e.participant("ref-1", "Engaged Person")
	valid := func() map[string]any {
		return map[string]any{
			"occurred_on": e.today.AddDays(-2).String(), "activity": "Spoke to the city council",
			"program_id": prog, "strategy": "advocacy", "note": "asked for a follow-up",
		}
	}
	with := func(k string, v any) map[string]any {
		b := valid()
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"a valid engagement is recorded", valid(), 201, ""},
		{"an engagement without a program is recorded", with("program_id", nil), 201, ""},
		{"an unknown program is refused", with("program_id", 999999), 422, "program_id"},
		{"an engagement in the future is refused", with("occurred_on", e.today.AddDays(1).String()), 422, "occurred_on"},
		{"an engagement before consent is refused", with("occurred_on", e.today.AddDays(-366).String()), 422, "occurred_on"},
		{"an engagement without a date is refused", with("occurred_on", nil), 422, "occurred_on"},
		{"a blank activity is refused", with("activity", "   "), 422, "activity"},
		{"an unknown strategy is refused", with("strategy", "fame"), 422, "strategy"},
		{"an overlong note is refused", with("note", strings.Repeat("n", 501)), 422, "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCounts(historyTables...)
			res := e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), tt.body)
			after := e.rowCounts(historyTables...)
			if tt.status == 201 {
				res.must(t, 201)
				var got pathway.Engagement
				res.decode(t, &got)
				want := pathway.Engagement{
					ParticipantID: p.ID, OccurredOn: e.today.AddDays(-2), Activity: "Spoke to the city council",
					Strategy: ptr(pathway.Advocacy), Note: "asked for a follow-up", RecordedBy: e.users[pathway.RoleStaff].Email,
				}
				if _, ok := tt.body["program_id"]; ok {
					want.ProgramID = ptr(prog)
				}
				if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(pathway.Engagement{}, "ID", "RecordedAt"), cmp.AllowUnexported(pathway.Date{})); diff != "" {
					t.Errorf("engagement (-want +got):\n%s", diff)
				}
				if got := after["engagements"] - before["engagements"]; got != 1 {
					t.Errorf("engagements grew by %d, want 1", got)
				}
				return
			}
			wantField(t, res, tt.status, tt.field)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("a refused engagement changed stored rows (-before +after):\n%s", diff)
			}
		})
	}
}

func TestCapacityCheckinRules(t *testing.T) {
	e := newEnv(t)
	p := e.participant("ref-1", "Growing Person")
	valid := func() map[string]any {
		return map[string]any{
			"assessed_on": e.today.String(), "perspective": "self",
			"self_advocacy": 1, "root_cause_analysis": 4, "leadership": 2, "note": "named the rent policy",
		}
	}
	with := func(k string, v any) map[string]any {
		b := valid()
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"a valid check-in is recorded", valid(), 201, ""},
		{"self_advocacy below 1 is refused", with("self_advocacy", 0), 422, "self_advocacy"},
		{"self_advocacy above 4 is refused", with("self_advocacy", 5), 422, "self_advocacy"},
		{"root_cause_analysis below 1 is refused", with("root_cause_analysis", 0), 422, "root_cause_analysis"},
		{"root_cause_analysis above 4 is refused", with("root_cause_analysis", 5), 422, "root_cause_analysis"},
		{"leadership below 1 is refused", with("leadership", -1), 422, "leadership"},
		{"leadership above 4 is refused", with("leadership", 40), 422, "leadership"},
		{"a missing score is refused", with("leadership", nil), 422, "leadership"},
		{"a fractional score is refused", with("self_advocacy", 2.5), 422, "self_advocacy"},
		{"an unknown perspective is refused", with("perspective", "funder"), 422, "perspective"},
		{"a check-in in the future is refused", with("assessed_on", e.today.AddDays(1).String()), 422, "assessed_on"},
		{"a check-in before consent is refused", with("assessed_on", e.today.AddDays(-366).String()), 422, "assessed_on"},
		{"an overlong note is refused", with("note", strings.Repeat("n", 501)), 422, "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCounts(historyTables...)
			res := e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", p.ID), tt.body)
			after := e.rowCounts(historyTables...)
			if tt.status == 201 {
				res.must(t, 201)
				var got pathway.CapacityCheckin
				res.decode(t, &got)
				want := pathway.CapacityCheckin{
					ParticipantID: p.ID, AssessedOn: e.today, Perspective: pathway.PerspectiveSelf,
					SelfAdvocacy: 1, RootCauseAnalysis: 4, Leadership: 2, Note: "named the rent policy",
					RecordedBy: e.users[pathway.RoleStaff].Email,
				}
				if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(pathway.CapacityCheckin{}, "ID", "RecordedAt"), cmp.AllowUnexported(pathway.Date{})); diff != "" {
					t.Errorf("check-in (-want +got):\n%s", diff)
				}
				if got := after["capacity_checkins"] - before["capacity_checkins"]; got != 1 {
					t.Errorf("capacity_checkins grew by %d, want 1", got)
				}
				return
			}
			wantField(t, res, tt.status, tt.field)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("a refused check-in changed stored rows (-before +after):\n%s", diff)
			}
		})
	}
}

// Rule 2: withdrawal erases.

// traces records a participant with a distinctive name, external_ref and a
// note on each kind of history, and returns the participant and every
// string that identifies them.
func (e *env) traces(tag string, programID, bureauID int64) (pathway.Participant, []string) {
	e.t.Helper()
	name := "Zephyrine Quillfeather " + tag
	ref := "CMS-ZQ-" + tag + "-7731"
	p := e.participant(ref, name, programID)
	// Move what is written so far from the log into the database file, so
	// the scan covers both.
	if err := e.db.Checkpoint(e.t.Context()); err != nil {
		e.t.Fatal(err)
	}
	renamed := name + " Renamed"
	e.as(pathway.RoleStaff, "PATCH", path("/participants/%d", p.ID), map[string]any{"display_name": renamed}).must(e.t, 200)
	// An earlier, ended time in the program besides the open one.
	e.as(pathway.RoleStaff, "PATCH", path("/participants/%d/enrolments/%d", p.ID, p.Enrolments[0].ID), map[string]any{"enrolled_on": e.today.AddDays(-100).String()}).must(e.t, 200)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/enrolments", p.ID), map[string]any{
		"program_id": programID, "enrolled_on": e.today.AddDays(-300).String(), "left_on": e.today.AddDays(-200).String(),
	}).must(e.t, 201)
	notes := []string{
		"placement note marigold " + tag,
		"engagement note tamarind " + tag,
		"check-in note juniper " + tag,
	}
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), map[string]any{"rung": "member", "effective_on": e.today.String(), "note": notes[0]}).must(e.t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), map[string]any{"occurred_on": e.today.String(), "activity": "Community meeting", "program_id": programID, "note": notes[1]}).must(e.t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", p.ID), map[string]any{"assessed_on": e.today.String(), "perspective": "staff", "self_advocacy": 2, "root_cause_analysis": 2, "leadership": 3, "note": notes[2]}).must(e.t, 201)
	e.as(pathway.RoleStaff, "PUT", path("/participants/%d/consent", p.ID), map[string]any{"given_on": e.today.AddDays(-30).String(), "method": "verbal", "scopes": []string{"tracking", "public_story"}}).must(e.t, 200)
	e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/roles", bureauID), map[string]any{"participant_id": p.ID, "title": "Speaker", "starts_on": e.today.AddDays(-10).String()}).must(e.t, 201)
	e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/speaking-engagements", bureauID), map[string]any{"held_on": e.today.String(), "audience": "city_council", "topic": "Rent relief", "speaker_ids": []int64{p.ID}}).must(e.t, 201)
	return p, append([]string{name, renamed, ref}, notes...)
}

func TestWithdrawalErasesEveryTrace(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Advisory board", pathway.Leader)
	var bureau pathway.Body
	e.as(pathway.RoleCoordinator, "POST", path("/bodies"), map[string]any{"name": "Speakers bureau", "kind": "speakers_bureau"}).must(t, 201).decode(t, &bureau)
	keep, keepTraces := e.traces("keep", prog, bureau.ID)
	gone, goneTraces := e.traces("gone", prog, bureau.ID)
	erasureTables := append(slices.Clone(historyTables), "roles", "speakers", "speaking_engagements", "placement_evidence")
	before := e.rowCounts(erasureTables...)

	raw := e.fileBytes()
	for _, s := range append(goneTraces, keepTraces...) {
		if !bytes.Contains(raw, []byte(s)) {
			t.Fatalf("before withdrawal the scan does not find %q: it could not catch a leak", s)
		}
	}

	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", gone.ID), nil).must(t, 204)
	after := e.rowCounts(erasureTables...)
	// Everything of theirs goes; the talk they gave stays, without them.
	wantChange := map[string]int{
		"participants": -1, "consents": -2, "placements": -2, "enrollments": -2, "engagements": -1,
		"capacity_checkins": -1, "roles": -1, "speakers": -1, "speaking_engagements": 0, "placement_evidence": 0,
		"audit_log": 1,
	}
	gotChange := map[string]int{}
	for table := range after {
		gotChange[table] = after[table] - before[table]
	}
	if diff := cmp.Diff(wantChange, gotChange); diff != "" {
		t.Errorf("rows changed by withdrawal (-want +got):\n%s", diff)
	}
	actor := e.users[pathway.RoleStaff]
	if diff := cmp.Diff(pathway.AuditEntry{
		UserID: ptr(actor.ID), User: actor.Email, Action: "participant.erase", Entity: "participant", EntityID: ptr(gone.ID), RemoteAddr: "192.0.2.10",
	}, e.lastAudit(), cmpopts.IgnoreFields(pathway.AuditEntry{}, "ID", "At")); diff != "" {
		t.Errorf("erasure audit entry (-want +got):\n%s", diff)
	}
	var talks struct {
		Items []pathway.SpeakingEngagement `json:"items"`
	}
	e.as(pathway.RoleCoordinator, "GET", path("/bodies/%d/speaking-engagements", bureau.ID), nil).must(t, 200).decode(t, &talks)
	for _, talk := range talks.Items {
		for _, sp := range talk.Speakers {
			if sp.ParticipantID == gone.ID {
				t.Errorf("talk %d still lists the erased speaker", talk.ID)
			}
		}
		if talk.SpeakerCount != 1 {
			t.Errorf("talk %d speaker_count %d, want 1 kept", talk.ID, talk.SpeakerCount)
		}
	}

	for _, p := range []string{"/participants/%d", "/participants/%d/placements", "/participants/%d/engagements", "/participants/%d/capacity-checkins"} {
		e.as(pathway.RoleAdmin, "GET", path(p, gone.ID), nil).must(t, 404)
	}
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", gone.ID), nil).must(t, 404)
	e.getParticipant(keep.ID)

	raw = e.fileBytes()
	for _, s := range goneTraces {
		if i := bytes.Index(raw, []byte(s)); i >= 0 {
			t.Errorf("%q remains in the database files at byte %d after withdrawal", s, i)
		}
	}
	for _, s := range keepTraces {
		if !bytes.Contains(raw, []byte(s)) {
			t.Errorf("withdrawing one participant lost %q of another", s)
		}
	}
	var page struct {
		Items []pathway.AuditEntry `json:"items"`
	}
	e.as(pathway.RoleAdmin, "GET", path("/audit?entity=participant&entity_id=%d&limit=500", gone.ID), nil).must(t, 200).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Action != "participant.erase" {
		t.Errorf("audit trail of the erased participant = %+v, want only the participant.erase entry to name them", page.Items)
	}
}

// Rule 6: every identifiable read and every write is audited.

func TestEveryWriteAndIdentifiableReadIsAudited(t *testing.T) {
	e := newEnv(t)
	var progID, partID, placementID, userID, tokenID int64
	const name, ref = "Odalys Brightwater", "CMS-OB-4411"
	notes := []string{"placement note saffron", "engagement note cardamom", "check-in note fennel"}
	staff := e.users[pathway.RoleStaff]
	admin := e.users[pathway.RoleAdmin]

	steps := []struct {
		name   string
		do     func(t *testing.T) *response
		who    pathway.User
		action string
		entity string
		id     func() *int64
	}{
		{"creating a program", func(t *testing.T) *response {
			var p pathway.Program
			r := e.as(pathway.RoleAdmin, "POST", path("/programs"), map[string]any{"name": "Tenant union", "rung": "member"}).must(t, 201)
			r.decode(t, &p)
			progID = p.ID
			return r
		}, admin, "program.create", "program", func() *int64 { return &progID }},
		{"changing a program", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "PATCH", path("/programs/%d", progID), map[string]any{"description": "Renters organising together"}).must(t, 200)
		}, staff, "program.update", "program", func() *int64 { return &progID }},
		{"creating a participant", func(t *testing.T) *response {
			var p pathway.Participant
			r := e.as(pathway.RoleStaff, "POST", path("/participants"), e.participantBody(ref, name, progID)).must(t, 201)
			r.decode(t, &p)
			partID = p.ID
			return r
		}, staff, "participant.create", "participant", func() *int64 { return &partID }},
		{"reading a participant", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "GET", path("/participants/%d", partID), nil).must(t, 200)
		}, staff, "participant.read", "participant", func() *int64 { return &partID }},
		{"a coordinator reading a participant", func(t *testing.T) *response {
			return e.as(pathway.RoleCoordinator, "GET", path("/participants/%d", partID), nil).must(t, 200)
		}, e.users[pathway.RoleCoordinator], "participant.read", "participant", func() *int64 { return &partID }},
		{"listing participants", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "GET", path("/participants?q=odalys"), nil).must(t, 200)
		}, staff, "participant.list", "participant", func() *int64 { return nil }},
		{"changing a participant", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "PATCH", path("/participants/%d", partID), map[string]any{"program_ids": []int64{}}).must(t, 200)
		}, staff, "participant.update", "participant", func() *int64 { return &partID }},
		{"renewing consent", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "PUT", path("/participants/%d/consent", partID), map[string]any{"given_on": e.today.String(), "method": "electronic", "scopes": []string{"tracking"}}).must(t, 200)
		}, staff, "consent.update", "participant", func() *int64 { return &partID }},
		{"recording a placement", func(t *testing.T) *response {
			var pl pathway.Placement
			r := e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", partID), map[string]any{"rung": "follower", "effective_on": e.today.String(), "note": notes[0]}).must(t, 201)
			r.decode(t, &pl)
			placementID = pl.ID
			return r
		}, staff, "placement.create", "participant", func() *int64 { return &partID }},
		{"reading placements", func(t *testing.T) *response {
			return e.as(pathway.RoleCoordinator, "GET", path("/participants/%d/placements", partID), nil).must(t, 200)
		}, e.users[pathway.RoleCoordinator], "placement.list", "participant", func() *int64 { return &partID }},
		{"deleting a placement", func(t *testing.T) *response {
			return e.as(pathway.RoleAdmin, "DELETE", path("/participants/%d/placements/%d", partID, placementID), nil).must(t, 204)
		}, admin, "placement.delete", "placement", func() *int64 { return &placementID }},
		{"recording an engagement", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", partID), map[string]any{"occurred_on": e.today.String(), "activity": "Rally", "note": notes[1]}).must(t, 201)
		}, staff, "engagement.create", "participant", func() *int64 { return &partID }},
		{"reading engagements", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "GET", path("/participants/%d/engagements", partID), nil).must(t, 200)
		}, staff, "engagement.list", "participant", func() *int64 { return &partID }},
		{"recording a check-in", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", partID), map[string]any{"assessed_on": e.today.String(), "perspective": "self", "self_advocacy": 3, "root_cause_analysis": 3, "leadership": 3, "note": notes[2]}).must(t, 201)
		}, staff, "checkin.create", "participant", func() *int64 { return &partID }},
		{"reading check-ins", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "GET", path("/participants/%d/capacity-checkins", partID), nil).must(t, 200)
		}, staff, "checkin.list", "participant", func() *int64 { return &partID }},
		{"creating an account", func(t *testing.T) *response {
			var u pathway.User
			r := e.as(pathway.RoleAdmin, "POST", path("/users"), map[string]any{"email": "new.staff@example.org", "role": "staff", "password": sqlitetest.Password}).must(t, 201)
			r.decode(t, &u)
			userID = u.ID
			return r
		}, admin, "user.create", "user", func() *int64 { return &userID }},
		{"changing an account", func(t *testing.T) *response {
			return e.as(pathway.RoleAdmin, "PATCH", path("/users/%d", userID), map[string]any{"program_ids": []int64{progID}}).must(t, 200)
		}, admin, "user.update", "user", func() *int64 { return &userID }},
		{"issuing a token", func(t *testing.T) *response {
			var issued struct {
				APIToken pathway.APIToken `json:"api_token"`
			}
			r := e.as(pathway.RoleAdmin, "POST", path("/tokens"), map[string]any{"email": "new.staff@example.org", "name": "integration"}).must(t, 201)
			r.decode(t, &issued)
			tokenID = issued.APIToken.ID
			return r
		}, admin, "token.create", "api_token", func() *int64 { return &tokenID }},
		{"revoking a token", func(t *testing.T) *response {
			return e.as(pathway.RoleAdmin, "DELETE", path("/tokens/%d", tokenID), nil).must(t, 204)
		}, admin, "token.revoke", "api_token", func() *int64 { return &tokenID }},
		{"signing in", func(t *testing.T) *response {
			return e.call(request{Method: "POST", Path: path("/session"), Body: map[string]any{"email": staff.Email, "password": sqlitetest.Password}}).must(t, 201)
		}, staff, "session.login", "user", func() *int64 { return &staff.ID }},
		{"a wrong password", func(t *testing.T) *response {
			return e.call(request{Method: "POST", Path: path("/session"), Body: map[string]any{"email": staff.Email, "password": "not the password at all"}}).must(t, 401)
		}, staff, "session.login_failed", "user", func() *int64 { return &staff.ID }},
		{"withdrawing consent", func(t *testing.T) *response {
			return e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", partID), nil).must(t, 204)
		}, staff, "participant.erase", "participant", func() *int64 { return &partID }},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := e.rowCount("audit_log")
			s.do(t)
			if got := e.rowCount("audit_log") - before; got != 1 {
				t.Errorf("audit grew by %d entries, want 1", got)
			}
			want := pathway.AuditEntry{UserID: ptr(s.who.ID), User: s.who.Email, Action: s.action, Entity: s.entity, EntityID: s.id(), RemoteAddr: "192.0.2.10"}
			got := e.lastAudit()
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(pathway.AuditEntry{}, "ID", "At")); diff != "" {
				t.Errorf("audit entry (-want +got):\n%s", diff)
			}
			if time.Since(got.At) > time.Minute || got.At.After(time.Now().Add(time.Second)) {
				t.Errorf("audit entry at %s, want now", got.At)
			}
		})
	}

	res := e.as(pathway.RoleAdmin, "GET", path("/audit?limit=500"), nil).must(t, 200)
	var page struct {
		Items []pathway.AuditEntry `json:"items"`
	}
	res.decode(t, &page)
	if len(page.Items) < len(steps) {
		t.Fatalf("GET /audit gave %d entries, want at least %d", len(page.Items), len(steps))
	}
	for _, s := range append([]string{name, ref, strings.ToLower(name), "Odalys", "Brightwater", "OB-4411"}, notes...) {
		if bytes.Contains(bytes.ToLower(res.Body), bytes.ToLower([]byte(s))) {
			t.Errorf("the audit trail holds %q", s)
		}
	}
}

// Caseload scoping.

func TestStaffCaseloadLimitsWhoTheySee(t *testing.T) {
	e := newEnv(t)
	progA := e.program("Program A", pathway.Member)
	progB := e.program("Program B", pathway.Follower)
	inA := e.participant("ref-a", "In A", progA)
	inB := e.participant("ref-b", "In B", progB)
	inBoth := e.participant("ref-ab", "In Both", progA, progB)
	inNone := e.participant("ref-none", "In None")

	scoped, scopedToken := e.newAccount("scoped.staff@example.org", pathway.RoleStaff)
	var u pathway.User
	e.as(pathway.RoleAdmin, "PATCH", path("/users/%d", scoped.ID), map[string]any{"program_ids": []int64{progA}}).must(t, 200).decode(t, &u)
	if diff := cmp.Diff([]int64{progA}, u.ProgramIDs); diff != "" {
		t.Fatalf("caseload after PATCH (-want +got):\n%s", diff)
	}

	listIDs := func(token string, role pathway.Role, query string) []int64 {
		var page struct {
			Items []pathway.Participant `json:"items"`
		}
		e.call(request{Method: "GET", Path: path("/participants%s", query), Token: token, Role: role}).must(t, 200).decode(t, &page)
		ids := []int64{}
		for _, p := range page.Items {
			ids = append(ids, p.ID)
		}
		return ids
	}
	lists := []struct {
		name  string
		token string
		role  pathway.Role
		query string
		want  []int64
	}{
		{"scoped staff list only their programs' participants", scopedToken, "", "", []int64{inA.ID, inBoth.ID}},
		{"scoped staff filtering by another program see only those also in theirs", scopedToken, "", fmt.Sprintf("?program_id=%d", progB), []int64{inBoth.ID}},
		{"scoped staff searching by name see only their caseload", scopedToken, "", "?q=in%20b", []int64{inBoth.ID}},
		{"unassigned staff see everyone", "", pathway.RoleStaff, "", []int64{inA.ID, inB.ID, inBoth.ID, inNone.ID}},
		{"admins see everyone", "", pathway.RoleAdmin, "", []int64{inA.ID, inB.ID, inBoth.ID, inNone.ID}},
	}
	for _, tt := range lists {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, listIDs(tt.token, tt.role, tt.query)); diff != "" {
				t.Errorf("participant ids (-want +got):\n%s", diff)
			}
		})
	}

	// A placement on someone outside the caseload, to try to delete.
	var pl pathway.Placement
	e.as(pathway.RoleAdmin, "POST", path("/participants/%d/placements", inB.ID), map[string]any{"rung": "member", "effective_on": e.today.String()}).must(t, 201).decode(t, &pl)

	for _, outside := range []pathway.Participant{inB, inNone} {
		requests := []struct {
			name   string
			method string
			path   string
			body   any
		}{
			{"read", "GET", "/participants/%d", nil},
			{"read placements", "GET", "/participants/%d/placements", nil},
			{"read engagements", "GET", "/participants/%d/engagements", nil},
			{"read check-ins", "GET", "/participants/%d/capacity-checkins", nil},
			{"change", "PATCH", "/participants/%d", map[string]any{"display_name": "Renamed"}},
			{"place", "POST", "/participants/%d/placements", map[string]any{"rung": "leader", "effective_on": e.today.String()}},
			{"delete a placement", "DELETE", "/participants/%d/placements/" + fmt.Sprint(pl.ID), nil},
			{"log an engagement", "POST", "/participants/%d/engagements", map[string]any{"occurred_on": e.today.String(), "activity": "Rally"}},
			{"record a check-in", "POST", "/participants/%d/capacity-checkins", map[string]any{"assessed_on": e.today.String(), "perspective": "staff", "self_advocacy": 1, "root_cause_analysis": 1, "leadership": 1}},
			{"renew consent", "PUT", "/participants/%d/consent", map[string]any{"given_on": e.today.String(), "method": "verbal", "scopes": []string{"tracking"}}},
			{"withdraw", "POST", "/participants/%d/consent/withdrawal", nil},
		}
		for _, r := range requests {
			t.Run(fmt.Sprintf("scoped staff cannot %s %s", r.name, outside.DisplayName), func(t *testing.T) {
				before := e.rowCounts(historyTables...)
				e.call(request{Method: r.method, Path: path(r.path, outside.ID), Body: r.body, Token: scopedToken}).must(t, 404)
				if diff := cmp.Diff(before, e.rowCounts(historyTables...)); diff != "" {
					t.Errorf("a refused request changed stored rows (-before +after):\n%s", diff)
				}
			})
		}
	}
	if got := e.getParticipant(inB.ID); got.DisplayName != "In B" || got.CurrentRung != pathway.Member {
		t.Errorf("participant outside the caseload was changed: %+v", got)
	}

	t.Run("scoped staff read someone in their caseload", func(t *testing.T) {
		e.call(request{Method: "GET", Path: path("/participants/%d", inBoth.ID), Token: scopedToken}).must(t, 200)
		e.call(request{Method: "POST", Path: path("/participants/%d/placements", inA.ID), Body: map[string]any{"rung": "member", "effective_on": e.today.String()}, Token: scopedToken}).must(t, 201)
	})
	t.Run("scoped staff cannot enrol someone only outside their caseload", func(t *testing.T) {
		before := e.rowCount("participants")
		wantField(t, e.call(request{Method: "POST", Path: path("/participants"), Body: e.participantBody("ref-new", "New", progB), Token: scopedToken}), 422, "program_ids")
		if e.rowCount("participants") != before {
			t.Error("a refused participant was stored")
		}
	})
	t.Run("scoped staff cannot move someone out of their caseload", func(t *testing.T) {
		wantField(t, e.call(request{Method: "PATCH", Path: path("/participants/%d", inA.ID), Body: map[string]any{"program_ids": []int64{progB}}, Token: scopedToken}), 422, "program_ids")
		if diff := cmp.Diff([]int64{progA}, e.getParticipant(inA.ID).ProgramIDs); diff != "" {
			t.Errorf("enrolments changed (-want +got):\n%s", diff)
		}
	})
	t.Run("unassigned staff read anyone", func(t *testing.T) {
		e.as(pathway.RoleStaff, "GET", path("/participants/%d", inNone.ID), nil).must(t, 200)
	})
	t.Run("rung counts cover only the caseload", func(t *testing.T) {
		// inA was placed on member above; inBoth is still an observer.
		type counts struct {
			Rungs []struct {
				Rung  pathway.Rung `json:"rung"`
				Count int          `json:"count"`
			} `json:"rungs"`
			Total int `json:"total"`
		}
		var scopedCounts, allCounts counts
		e.call(request{Method: "GET", Path: path("/participants/counts"), Token: scopedToken}).must(t, 200).decode(t, &scopedCounts)
		e.as(pathway.RoleStaff, "GET", path("/participants/counts"), nil).must(t, 200).decode(t, &allCounts)
		if scopedCounts.Total != 2 || scopedCounts.Rungs[0].Count != 1 || scopedCounts.Rungs[2].Count != 1 {
			t.Errorf("scoped counts = %+v, want one observer and one member", scopedCounts)
		}
		if allCounts.Total != 4 {
			t.Errorf("unassigned staff count %d participants, want 4", allCounts.Total)
		}
	})
}

// Rule 7: bad input gets a clear error and changes nothing.

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	p := e.participant("ref-1", "Careful Person")
	big := `{"external_ref":"big","display_name":"` + strings.Repeat("x", 1<<20+1) + `"}`
	tests := []struct {
		name        string
		method      string
		path        string
		body        any
		contentType string
		status      int
		field       string
	}{
		{"malformed JSON is a bad request", "POST", "/participants", `{"external_ref": "x",`, "", 400, ""},
		{"broken JSON syntax is a bad request", "POST", "/participants", `{"external_ref" "x"}`, "", 400, ""},
		{"an empty body is a bad request", "POST", "/participants", "", "", 400, ""},
		{"two JSON values are a bad request", "POST", "/participants", `{} {}`, "", 400, ""},
		{"a JSON array is a bad request", "POST", "/participants", `[]`, "", 400, ""},
		{"a form body is an unsupported media type", "POST", "/participants", `external_ref=x`, "application/x-www-form-urlencoded", 415, ""},
		{"text/plain is an unsupported media type", "POST", "/participants/%d/placements", `{"rung":"member","effective_on":"2024-01-01"}`, "text/plain", 415, ""},
		{"an unknown field is named", "POST", "/participants", map[string]any{"external_ref": "x", "display_name": "X", "home_address": "1 Main St", "consent": map[string]any{"given_on": "2024-01-01", "method": "written", "scopes": []string{"tracking"}}}, "", 422, "home_address"},
		{"an unknown field on a placement is named", "POST", "/participants/%d/placements", map[string]any{"rung": "member", "effective_on": e.today.String(), "diagnosis": "x"}, "", 422, "diagnosis"},
		{"a string for program_ids is named", "POST", "/participants", map[string]any{"external_ref": "x", "display_name": "X", "program_ids": "1", "consent": map[string]any{"given_on": "2024-01-01", "method": "written", "scopes": []string{"tracking"}}}, "", 422, "program_ids"},
		{"a string for a score is named", "POST", "/participants/%d/capacity-checkins", map[string]any{"assessed_on": e.today.String(), "perspective": "self", "self_advocacy": "4", "root_cause_analysis": 1, "leadership": 1}, "", 422, "self_advocacy"},
		{"a number for a nested string is named", "POST", "/participants", map[string]any{"external_ref": "x", "display_name": "X", "consent": map[string]any{"given_on": 20240101, "method": "written", "scopes": []string{"tracking"}}}, "", 422, "consent.given_on"},
		{"a body over 1 MiB is too large", "POST", "/participants", big, "", 413, ""},
		{"an overlong display name is named", "POST", "/participants", map[string]any{"external_ref": "x", "display_name": strings.Repeat("x", 101), "consent": map[string]any{"given_on": "2024-01-01", "method": "written", "scopes": []string{"tracking"}}}, "", 422, "display_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.path
			if strings.Contains(target, "%d") {
				target = fmt.Sprintf(target, p.ID)
			}
			r := request{Method: tt.method, Path: path("%s", target), Body: tt.body, Role: pathway.RoleStaff}
			if tt.body == "" {
				r.Body = []byte{}
				r.Header = http.Header{"Content-Type": {"application/json"}}
			}
			if tt.contentType != "" {
				r.Header = http.Header{"Content-Type": {tt.contentType}}
			}
			before := e.rowCounts(historyTables...)
			res := e.call(r)
			after := e.rowCounts(historyTables...)
			res.must(t, tt.status)
			prob := res.problem(t)
			if prob.Status != tt.status || prob.Detail == "" || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("problem %+v with Content-Type %q, want status %d, a detail and problem JSON", prob, res.Header.Get("Content-Type"), tt.status)
			}
			if tt.field != "" && res.fieldMessage(t, tt.field) == "" {
				t.Errorf("problem does not name field %q: %s", tt.field, res.Body)
			}
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("refused input changed stored rows (-before +after):\n%s", diff)
			}
		})
	}
}

// Pagination and filters.

type participantPage struct {
	Items      []pathway.Participant `json:"items"`
	NextCursor *string               `json:"next_cursor"`
}

func TestParticipantListPagesWithoutGapsOrRepeats(t *testing.T) {
	e := newEnv(t)
	want := map[int64]bool{}
	for i := range 120 {
		want[e.participant(fmt.Sprintf("ref-%03d", i), fmt.Sprintf("Person %03d", i)).ID] = true
	}
	seen := map[int64]bool{}
	var sizes []int
	var cursors []bool
	next := ""
	for page := 0; page < 10; page++ {
		q := "?limit=50"
		if next != "" {
			q += "&cursor=" + url.QueryEscape(next)
		}
		var pg participantPage
		e.as(pathway.RoleStaff, "GET", path("/participants%s", q), nil).must(t, 200).decode(t, &pg)
		sizes = append(sizes, len(pg.Items))
		cursors = append(cursors, pg.NextCursor != nil)
		var last int64
		for _, p := range pg.Items {
			if seen[p.ID] {
				t.Errorf("participant %d appears twice", p.ID)
			}
			if p.ID <= last {
				t.Errorf("participant %d after %d: not in id order", p.ID, last)
			}
			seen[p.ID], last = true, p.ID
		}
		if pg.NextCursor == nil {
			break
		}
		next = *pg.NextCursor
	}
	if diff := cmp.Diff([]int{50, 50, 20}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bool{true, true, false}, cursors); diff != "" {
		t.Errorf("next_cursor present (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("participants seen across pages (-want +got):\n%s", diff)
	}

	var exact participantPage
	e.as(pathway.RoleStaff, "GET", path("/participants?limit=120"), nil).must(t, 200).decode(t, &exact)
	if len(exact.Items) != 120 || exact.NextCursor != nil {
		t.Errorf("limit equal to the total gave %d items and cursor %v, want 120 and none", len(exact.Items), exact.NextCursor)
	}
	for _, q := range []string{"?limit=0", "?limit=201", "?limit=ten", "?cursor=not-a-cursor", "?rung=champion", "?program_id=-1"} {
		t.Run("refuses "+q, func(t *testing.T) {
			e.as(pathway.RoleStaff, "GET", path("/participants%s", q), nil).must(t, 422)
		})
	}
}

func TestParticipantListFilters(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Speakers bureau", pathway.Contributor)
	other := e.program("Food pantry", pathway.Observer)
	mk := func(ref, name, rung string, progs ...int64) int64 {
		b := e.participantBody(ref, name, progs...)
		if rung != "" {
			b["rung"] = rung
		}
		var p pathway.Participant
		e.as(pathway.RoleStaff, "POST", path("/participants"), b).must(t, 201).decode(t, &p)
		return p.ID
	}
	ana := mk("CMS-001", "Ana Lucía", "member", prog)
	bo := mk("CMS-002", "Bo 100% Ready", "", other)
	cy := mk("cms_003", "Cy Under_Score", "leader", prog, other)
	dee := mk("CMSX0Y4", "Dee", "member")
	ref := mk("ANA-REF-9", "Eve", "")

	tests := []struct {
		name  string
		query url.Values
		want  []int64
	}{
		{"no filter lists everyone", url.Values{}, []int64{ana, bo, cy, dee, ref}},
		{"rung filters by current rung", url.Values{"rung": {"member"}}, []int64{ana, dee}},
		{"program_id filters by enrolment", url.Values{"program_id": {fmt.Sprint(prog)}}, []int64{ana, cy}},
		{"filters combine", url.Values{"rung": {"member"}, "program_id": {fmt.Sprint(prog)}}, []int64{ana}},
		{"q matches display_name case-insensitively", url.Values{"q": {"ANA"}}, []int64{ana, ref}},
		{"q matches external_ref case-insensitively, punctuation aside", url.Values{"q": {"cms-00"}}, []int64{ana, bo, cy}},
		{"q percent sign is no wildcard", url.Values{"q": {"%"}}, []int64{}},
		{"q underscore is no wildcard", url.Values{"q": {"_"}}, []int64{}},
		{"q underscore does not match any one character", url.Values{"q": {"cms_00x"}}, []int64{}},
		{"q backslash is literal", url.Values{"q": {`\`}}, []int64{}},
		{"q with no match lists nobody", url.Values{"q": {"zzz"}}, []int64{}},
		{"program with nobody enrolled lists nobody", url.Values{"program_id": {"999999"}}, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pg participantPage
			e.as(pathway.RoleStaff, "GET", path("/participants?%s", tt.query.Encode()), nil).must(t, 200).decode(t, &pg)
			got := []int64{}
			for _, p := range pg.Items {
				got = append(got, p.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("participants (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuditAddressCannotBeForgedByHeaders(t *testing.T) {
	e := newEnv(t)
	p := e.participant("ref-1", "Watched Person")
	tests := []struct {
		name   string
		header string
	}{
		{"X-Forwarded-For does not change the address", "X-Forwarded-For"},
		{"X-Real-IP does not change the address", "X-Real-IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			h.Set(tt.header, "203.0.113.99")
			e.call(request{Method: "GET", Path: path("/participants/%d", p.ID), Role: pathway.RoleStaff, Header: h}).must(t, 200)
			if got := e.lastAudit(); got.Action != "participant.read" || got.RemoteAddr != "192.0.2.10" {
				t.Errorf("audit entry %s from %q, want participant.read from the connection's address 192.0.2.10", got.Action, got.RemoteAddr)
			}
		})
	}
}

// Rule 7 for query strings: a value of the wrong type names its parameter.
func TestAQueryValueOfTheWrongTypeNamesItsParameter(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, path, field string
		role              pathway.Role
	}{
		{"participant filter", "/participants?program_id=x", "program_id", pathway.RoleStaff},
		{"page size", "/participants?limit=ten", "limit", pathway.RoleStaff},
		{"terms ending soon", "/roles?ending_within_days=soon", "ending_within_days", pathway.RoleCoordinator},
		{"audit filter", "/audit?entity_id=abc", "entity_id", pathway.RoleAdmin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantField(t, e.as(tc.role, "GET", path("%s", tc.path), nil), 422, tc.field)
		})
	}
}
