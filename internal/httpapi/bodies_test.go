package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// helpers for bodies, roles and speaking engagements

// on returns the date n days from today, as the API writes it.
func (e *env) on(n int) string { return e.today.AddDays(n).String() }

// newBody creates a body as a coordinator and returns it.
func (e *env) newBody(fields map[string]any) pathway.Body {
	e.t.Helper()
	var b pathway.Body
	e.as(pathway.RoleCoordinator, "POST", path("/bodies"), fields).must(e.t, 201).decode(e.t, &b)
	return b
}

// person creates a participant whose consent was given on givenOn, with
// public_story too when public is set.
func (e *env) person(ref, name string, public bool, givenOn string, programIDs ...int64) pathway.Participant {
	e.t.Helper()
	b := e.participantBody(ref, name, programIDs...)
	scopes := []string{"tracking"}
	if public {
		scopes = append(scopes, "public_story")
	}
	b["consent"] = map[string]any{"given_on": givenOn, "method": "written", "scopes": scopes}
	var p pathway.Participant
	e.as(pathway.RoleStaff, "POST", path("/participants"), b).must(e.t, 201).decode(e.t, &p)
	return p
}

// roleBody is a POST /bodies/{id}/roles body; an empty ends leaves the term open.
func roleBody(participantID int64, title, starts, ends string) map[string]any {
	b := map[string]any{"participant_id": participantID, "title": title, "starts_on": starts}
	if ends != "" {
		b["ends_on"] = ends
	}
	return b
}

// postRole asks, as a coordinator, for a term in a body.
func (e *env) postRole(bodyID, participantID int64, title, starts, ends string) *response {
	e.t.Helper()
	return e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/roles", bodyID), roleBody(participantID, title, starts, ends))
}

// addRole gives a participant a term and returns it.
func (e *env) addRole(bodyID, participantID int64, title, starts, ends string) pathway.BodyRole {
	e.t.Helper()
	var r pathway.BodyRole
	e.postRole(bodyID, participantID, title, starts, ends).must(e.t, 201).decode(e.t, &r)
	return r
}

// rosterOf reads a body's roster as a coordinator; an empty asOf means today.
func (e *env) rosterOf(bodyID int64, asOf string) pathway.Roster {
	e.t.Helper()
	p := path("/bodies/%d", bodyID)
	if asOf != "" {
		p += "?as_of=" + asOf
	}
	var r pathway.Roster
	e.as(pathway.RoleCoordinator, "GET", p, nil).must(e.t, 200).decode(e.t, &r)
	return r
}

// holders lists the display names on a roster, sorted.
func holders(r pathway.Roster) []string {
	out := []string{}
	for _, role := range r.Roles {
		out = append(out, role.DisplayName)
	}
	slices.Sort(out)
	return out
}

// roleTitles lists the titles of roles in the order given.
func roleTitles(rs []pathway.BodyRole) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Title)
	}
	return out
}

// listRoles reads GET /roles with a query as a coordinator.
func (e *env) listRoles(query string) []pathway.BodyRole {
	e.t.Helper()
	var page struct {
		Items []pathway.BodyRole `json:"items"`
	}
	e.as(pathway.RoleCoordinator, "GET", path("/roles?%s", query), nil).must(e.t, 200).decode(e.t, &page)
	return page.Items
}

// talks reads a body's speaking engagements as a coordinator.
func (e *env) talks(bodyID int64) []pathway.SpeakingEngagement {
	e.t.Helper()
	var page struct {
		Items []pathway.SpeakingEngagement `json:"items"`
	}
	e.as(pathway.RoleCoordinator, "GET", path("/bodies/%d/speaking-engagements", bodyID), nil).must(e.t, 200).decode(e.t, &page)
	return page.Items
}

// suggestions reads GET /suggestions as staff.
func (e *env) suggestions() []pathway.Suggestion {
	e.t.Helper()
	var page struct {
		Items []pathway.Suggestion `json:"items"`
	}
	e.as(pathway.RoleStaff, "GET", path("/suggestions"), nil).must(e.t, 200).decode(e.t, &page)
	return page.Items
}

// sameDate compares dates by the day they name.
var sameDate = cmp.Comparer(func(a, b pathway.Date) bool { return a.String() == b.String() })

// auditCount counts the audit entries with an action, read through GET /audit.
func (e *env) auditCount(action string) int {
	e.t.Helper()
	var page struct {
		Items []pathway.AuditEntry `json:"items"`
	}
	q := url.Values{"action": {action}, "limit": {"100"}}
	e.as(pathway.RoleAdmin, "GET", path("/audit?%s", q.Encode()), nil).must(e.t, 200).decode(e.t, &page)
	return len(page.Items)
}

// wantProblem fails unless res has the status and, when field is set, a
// message for that field containing every one of wants.
func wantProblem(tb testing.TB, res *response, status int, field string, wants ...string) {
	tb.Helper()
	res.must(tb, status)
	if field == "" {
		return
	}
	msg := res.fieldMessage(tb, field)
	if msg == "" {
		tb.Fatalf("problem does not name field %q: %s", field, res.Body)
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			tb.Errorf("message for %s is %q, want it to mention %q", field, msg, w)
		}
	}
}

// Bodies

func TestBodyKindSetsTheDefaultRung(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name     string
		body     map[string]any
		wantRung pathway.Rung
	}{
		{"an advisory board is evidence of leading", map[string]any{"name": "Advisory", "kind": "advisory_board"}, pathway.Leader},
		{"a board of directors is evidence of leading", map[string]any{"name": "Board", "kind": "board_of_directors"}, pathway.Leader},
		{"being hired as staff is evidence of leading", map[string]any{"name": "Staff", "kind": "staff"}, pathway.Leader},
		{"a speakers bureau is evidence of contributing", map[string]any{"name": "Speakers", "kind": "speakers_bureau"}, pathway.Contributor},
		{"a committee is evidence of membership", map[string]any{"name": "Loans", "kind": "committee"}, pathway.Member},
		{"an explicit rung overrides the kind's default", map[string]any{"name": "Design panel", "kind": "committee", "rung": "contributor"}, pathway.Contributor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := e.newBody(tt.body)
			if b.Rung != tt.wantRung {
				t.Errorf("rung %s, want %s", b.Rung, tt.wantRung)
			}
			got := e.rosterOf(b.ID, "")
			if got.Rung != tt.wantRung {
				t.Errorf("GET gives rung %s, want %s", got.Rung, tt.wantRung)
			}
		})
	}
}

func TestBodyInputIsChecked(t *testing.T) {
	e := newEnv(t)
	e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board"})
	tests := []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"an unknown kind is refused", map[string]any{"name": "X", "kind": "fan_club"}, 422, "kind"},
		{"a kind is required", map[string]any{"name": "X"}, 422, "kind"},
		{"a blank name is refused", map[string]any{"name": "  ", "kind": "committee"}, 422, "name"},
		{"zero seats is refused (null means unlimited)", map[string]any{"name": "X", "kind": "committee", "seats": 0}, 422, "seats"},
		{"an unknown rung is refused", map[string]any{"name": "X", "kind": "committee", "rung": "boss"}, 422, "rung"},
		{"a zero term_limit is refused", map[string]any{"name": "X", "kind": "committee", "term_limit": 0}, 422, "term_limit"},
		{"a name already used, in any case, conflicts", map[string]any{"name": "advisory board", "kind": "committee"}, 409, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCount("bodies")
			wantProblem(t, e.as(pathway.RoleCoordinator, "POST", path("/bodies"), tt.body), tt.status, tt.field)
			if after := e.rowCount("bodies"); after != before {
				t.Errorf("bodies went from %d to %d", before, after)
			}
		})
	}
}

// Leadership reads no live count of people (rule 5): the list of bodies
// carries today's head-counts only for roles that read people's records.
func TestBodyListShowsHeadCountsOnlyToRolesThatSeePeople(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board", "seats": 3})
	open := e.newBody(map[string]any{"name": "Loan Committee", "kind": "committee"})
	ana := e.participant("CMS-ANA", "Ana Holder")
	ben := e.participant("CMS-BEN", "Ben Holder")
	e.addRole(board.ID, ana.ID, "Chair", e.on(-10), "")
	e.addRole(board.ID, ben.ID, "Member", e.on(-10), "")
	e.addRole(open.ID, ben.ID, "Member", e.on(-10), e.on(-1)) // ended: not counted today

	type counts struct {
		Name   string
		Seats  *int
		Filled int
		Open   *int
	}
	want := []counts{
		{"Advisory Board", ptr(3), 2, ptr(1)},
		{"Loan Committee", nil, 0, nil},
	}
	for _, role := range pathway.Roles {
		t.Run(string(role), func(t *testing.T) {
			res := e.as(role, "GET", path("/bodies"), nil).must(t, 200)
			var page struct {
				Items []pathway.Body `json:"items"`
			}
			res.decode(t, &page)
			var raw struct {
				Items []map[string]json.RawMessage `json:"items"`
			}
			res.decode(t, &raw)
			if len(raw.Items) != len(want) {
				t.Fatalf("%d bodies, want %d: %s", len(raw.Items), len(want), res.Body)
			}
			var got []counts
			for i, b := range page.Items {
				got = append(got, counts{b.Name, b.Seats, b.SeatsFilled, b.SeatsOpen})
				for _, key := range []string{"seats_filled", "seats_open"} {
					if _, ok := raw.Items[i][key]; ok != role.SeesPeople() {
						t.Errorf("%s: body %q has %s: %v, want %v", role, b.Name, key, ok, role.SeesPeople())
					}
				}
			}
			wanted := want
			if !role.SeesPeople() {
				wanted = []counts{{"Advisory Board", ptr(3), 0, nil}, {"Loan Committee", nil, 0, nil}}
			}
			if diff := cmp.Diff(wanted, got); diff != "" {
				t.Errorf("bodies (-want +got):\n%s", diff)
			}
			for _, s := range []string{"Ana Holder", "CMS-ANA", "Ben Holder", "CMS-BEN", "participant_id"} {
				if bytes.Contains(res.Body, []byte(s)) {
					t.Errorf("GET /bodies shows %q to %s: %s", s, role, res.Body)
				}
			}
		})
	}
	if pathway.RoleLeadership.SeesPeople() || !pathway.RoleCoordinator.SeesPeople() {
		t.Fatal("the test assumes leadership does not read people and coordinators do")
	}
}

func TestBodyUpdateKeepsSeatsAboveTheHolders(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board", "seats": 3})
	e.newBody(map[string]any{"name": "Speakers", "kind": "speakers_bureau"})
	ana := e.participant("CMS-ANA", "Ana")
	ben := e.participant("CMS-BEN", "Ben")
	e.addRole(board.ID, ana.ID, "Chair", e.on(-10), "")
	e.addRole(board.ID, ben.ID, "Member", e.on(30), e.on(60)) // a future term counts too

	tests := []struct {
		name   string
		patch  map[string]any
		status int
		field  string
		check  func(t *testing.T, b pathway.Body)
	}{
		{name: "fewer seats than are held now or later is refused", patch: map[string]any{"seats": 1}, status: 409, field: "seats"},
		{name: "another body's name conflicts", patch: map[string]any{"name": "speakers"}, status: 409, field: "name"},
		{name: "a blank name is refused", patch: map[string]any{"name": ""}, status: 422, field: "name"},
		{name: "seats down to what is held is accepted", patch: map[string]any{"seats": 2}, status: 200, check: func(t *testing.T, b pathway.Body) {
			if b.Seats == nil || *b.Seats != 2 || b.SeatsOpen == nil || *b.SeatsOpen != 1 {
				t.Errorf("seats %v open %v, want 2 and 1", b.Seats, b.SeatsOpen)
			}
		}},
		{name: "rename, rung and term settings are changed", patch: map[string]any{"name": "Community Advisory Board", "rung": "contributor", "term_months": 24, "term_limit": 2}, status: 200, check: func(t *testing.T, b pathway.Body) {
			got := []any{b.Name, b.Rung, *b.TermMonths, *b.TermLimit, b.Kind}
			want := []any{"Community Advisory Board", pathway.Contributor, 24, 2, pathway.AdvisoryBoard}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.as(pathway.RoleCoordinator, "PATCH", path("/bodies/%d", board.ID), tt.patch)
			wantProblem(t, res, tt.status, tt.field)
			if tt.check != nil {
				var b pathway.Body
				res.decode(t, &b)
				tt.check(t, b)
				tt.check(t, e.rosterOf(board.ID, "").Body)
			}
		})
	}
	e.as(pathway.RoleCoordinator, "PATCH", path("/bodies/999999"), map[string]any{"name": "Nobody"}).must(t, 404)
}

// Roles

func TestRoleRules(t *testing.T) {
	e := newEnv(t)
	full := e.newBody(map[string]any{"name": "Full Board", "kind": "advisory_board", "seats": 1})
	open := e.newBody(map[string]any{"name": "Open Committee", "kind": "committee"})
	bureau := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau"})
	holder := e.participant("CMS-1", "Holder")
	other := e.participant("CMS-2", "Other") // consent 365 days ago, tracking only
	public := e.person("CMS-3", "Public", true, e.on(-365))
	e.addRole(full.ID, holder.ID, "Chair", e.on(-10), "")
	e.addRole(open.ID, other.ID, "Member", e.on(-10), e.on(100))

	tests := []struct {
		name   string
		bodyID int64
		body   map[string]any
		status int
		field  string
		wants  []string
	}{
		{"a full body refuses another role with a clear message", full.ID, roleBody(other.ID, "Member", e.on(0), ""), 409, "starts_on", []string{"Full Board", "full", "1 seats"}},
		{"the same person cannot hold two overlapping terms in one body", open.ID, roleBody(other.ID, "Treasurer", e.on(50), e.on(200)), 409, "participant_id", []string{"already holds"}},
		{"a term that ends the day the other starts still overlaps", open.ID, roleBody(other.ID, "Treasurer", e.on(-40), e.on(-10)), 409, "participant_id", nil},
		{"ends_on before starts_on is invalid", open.ID, roleBody(holder.ID, "Member", e.on(0), e.on(-1)), 422, "ends_on", []string{e.on(0)}},
		{"a term cannot start before consent was given", open.ID, roleBody(holder.ID, "Member", e.on(-366), ""), 422, "starts_on", []string{"consent"}},
		{"an unknown participant is invalid", open.ID, roleBody(999999, "Member", e.on(0), ""), 422, "participant_id", nil},
		{"a title is required", open.ID, roleBody(holder.ID, " ", e.on(0), ""), 422, "title", nil},
		{"a starts_on that is not a date is invalid", open.ID, roleBody(holder.ID, "Member", "2024-02-30", ""), 422, "starts_on", nil},
		{"a speakers bureau role needs public_story consent", bureau.ID, roleBody(other.ID, "Speaker", e.on(0), ""), 422, "participant_id", []string{"public_story"}},
		{"a role in an unknown body is not found", 999999, roleBody(holder.ID, "Member", e.on(0), ""), 404, "", nil},
		{"a speakers bureau role with public_story consent is accepted", bureau.ID, roleBody(public.ID, "Speaker", e.on(0), ""), 201, "", nil},
		{"the same person may serve again once the first term is over", open.ID, roleBody(other.ID, "Treasurer", e.on(101), ""), 201, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCount("roles")
			res := e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/roles", tt.bodyID), tt.body)
			wantProblem(t, res, tt.status, tt.field, tt.wants...)
			wantRows := before
			if tt.status == 201 {
				wantRows++
				var r pathway.BodyRole
				res.decode(t, &r)
				got := []any{r.BodyID, r.ParticipantID, r.Title, r.StartsOn.String(), r.RecordedBy}
				want := []any{tt.bodyID, tt.body["participant_id"], tt.body["title"], tt.body["starts_on"], "coordinator@example.org"}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("role (-want +got):\n%s", diff)
				}
			}
			if after := e.rowCount("roles"); after != wantRows {
				t.Errorf("roles went from %d to %d, want %d", before, after, wantRows)
			}
		})
	}
}

func TestRoleEndDefaultsToTheBodyTermMonths(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Board", "kind": "board_of_directors", "term_months": 12})
	p := e.person("CMS-1", "Pat", false, "2020-01-01")
	tests := []struct {
		name     string
		starts   string
		ends     string
		wantEnds string
	}{
		{"a term without an end lasts the body's term_months, inclusive", "2022-01-15", "", "2023-01-14"},
		{"an explicit end wins over the default", "2023-03-01", "2023-06-30", "2023-06-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.addRole(board.ID, p.ID, "Director", tt.starts, tt.ends)
			if r.EndsOn == nil || r.EndsOn.String() != tt.wantEnds {
				t.Errorf("ends_on %v, want %s", r.EndsOn, tt.wantEnds)
			}
		})
	}
	open := e.newBody(map[string]any{"name": "Open", "kind": "committee"})
	if r := e.addRole(open.ID, p.ID, "Member", "2022-01-15", ""); r.EndsOn != nil {
		t.Errorf("a body without term_months gave an end %s; want an open-ended term", r.EndsOn)
	}
}

func TestRoleSeatLimitHoldsUnderConcurrentRequests(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "One Seat", "kind": "advisory_board", "seats": 1})
	const n = 10
	people := make([]pathway.Participant, n)
	for i := range people {
		people[i] = e.participant(fmt.Sprintf("CMS-%d", i), fmt.Sprintf("Person %d", i))
	}
	codes := make([]int, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range people {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			codes[i] = e.postRole(board.ID, people[i].ID, "Member", e.on(0), "").Code
		}()
	}
	start.Done()
	done.Wait()

	tally := map[int]int{}
	for _, c := range codes {
		tally[c]++
	}
	if diff := cmp.Diff(map[int]int{201: 1, 409: n - 1}, tally); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	r := e.rosterOf(board.ID, "")
	if len(r.Roles) != 1 || r.SeatsFilled != 1 || r.SeatsOpen == nil || *r.SeatsOpen != 0 {
		t.Errorf("roster has %d roles, %d filled, %v open; want 1, 1, 0", len(r.Roles), r.SeatsFilled, r.SeatsOpen)
	}
	if got := e.rowCount("roles"); got != 1 {
		t.Errorf("%d roles stored, want 1", got)
	}
}

func TestRoleSeatMustBeFreeForTheWholeTerm(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "One Seat", "kind": "advisory_board", "seats": 1})
	first := e.participant("CMS-A", "Ada")
	firstRole := e.addRole(board.ID, first.ID, "Chair", e.on(-10), e.on(30))

	// The cases run in order: each accepted term is on the books for the next.
	tests := []struct {
		name   string
		starts string
		ends   string
		status int
	}{
		{"a future term overlapping the holder's last days is refused", e.on(20), e.on(60), 409},
		{"a term starting on the holder's last day is refused (ends are inclusive)", e.on(30), e.on(60), 409},
		{"an open-ended term while the seat is held is refused", e.on(0), "", 409},
		{"a term starting the day after the holder's ends is accepted", e.on(31), e.on(90), 201},
		{"a term wholly before the holder's is accepted", e.on(-100), e.on(-11), 201},
		{"a term spanning two held periods is refused", e.on(-20), e.on(40), 409},
		{"an open-ended term after every other term is accepted", e.on(91), "", 201},
		{"no term fits after an open-ended one", e.on(400), e.on(500), 409},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.participant(fmt.Sprintf("CMS-%d", i), fmt.Sprintf("Person %d", i))
			res := e.postRole(board.ID, p.ID, "Member", tt.starts, tt.ends)
			if tt.status == 409 {
				wantProblem(t, res, 409, "starts_on", "full")
			} else {
				res.must(t, tt.status)
			}
		})
	}

	patches := []struct {
		name   string
		endsOn string
		status int
	}{
		{"extending a term into the next holder's is refused", e.on(31), 409},
		{"extending within the free days is accepted (a term does not block itself)", e.on(30), 200},
		{"ending a term early is accepted", e.on(0), 200},
	}
	for _, tt := range patches {
		t.Run(tt.name, func(t *testing.T) {
			res := e.as(pathway.RoleCoordinator, "PATCH", path("/roles/%d", firstRole.ID), map[string]any{"ends_on": tt.endsOn})
			res.must(t, tt.status)
		})
	}
	if got := holders(e.rosterOf(board.ID, e.on(15))); len(got) != 0 {
		t.Errorf("after ending the first term today, day +15 has holders %v; want none", got)
	}
	if got := holders(e.rosterOf(board.ID, e.on(50))); !slices.Equal(got, []string{"Person 3"}) {
		t.Errorf("day +50 holders %v, want [Person 3]", got)
	}
}

func TestRoleSeatOccupancyIsThePeakNotTheSum(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Two Seats", "kind": "advisory_board", "seats": 2})
	a, b := e.participant("CMS-A", "A"), e.participant("CMS-B", "B")
	e.addRole(board.ID, a.ID, "Member", e.on(0), e.on(10))
	e.addRole(board.ID, b.ID, "Member", e.on(20), e.on(30))
	tests := []struct {
		name   string
		starts string
		ends   string
		status int
	}{
		{"a term over two holders who never overlap fits in the second seat", e.on(5), e.on(25), 201},
		{"another such term finds both seats taken on some day", e.on(5), e.on(25), 409},
		{"a term inside the gap between the two holders fits", e.on(11), e.on(19), 201},
		{"a term over the last day of the first holder does not", e.on(10), e.on(12), 409},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.participant(fmt.Sprintf("CMS-%d", i), fmt.Sprintf("Person %d", i))
			e.postRole(board.ID, p.ID, "Member", tt.starts, tt.ends).must(t, tt.status)
		})
	}
}

func TestRosterAsOfAnswersFromTheDatedHistory(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board"})
	ana := e.person("CMS-ANA", "Ana", false, e.on(-2000))
	ben := e.person("CMS-BEN", "Ben", false, e.on(-2000))
	cleo := e.person("CMS-CLEO", "Cleo", false, e.on(-2000))
	// Ana serves, is re-appointed the next day, leaves, and comes back.
	e.addRole(board.ID, ana.ID, "Member", e.on(-1000), e.on(-801))
	e.addRole(board.ID, ana.ID, "Chair", e.on(-800), e.on(-601))
	e.addRole(board.ID, ana.ID, "Member again", e.on(-300), e.on(65))
	e.addRole(board.ID, ben.ID, "Member", e.on(-900), e.on(-200))
	e.addRole(board.ID, cleo.ID, "Member", e.on(-100), "")

	tests := []struct {
		name string
		asOf string
		want []string
	}{
		{"before anyone served the roster is empty", e.on(-1001), []string{}},
		{"the first day of the first term counts", e.on(-1000), []string{"Ana"}},
		{"the last day of a term counts", e.on(-801), []string{"Ana", "Ben"}},
		{"a re-appointment the next day continues the seat", e.on(-800), []string{"Ana", "Ben"}},
		{"someone who left is off the roster", e.on(-500), []string{"Ben"}},
		{"someone who returned is back on it", e.on(-250), []string{"Ana", "Ben"}},
		{"the day after a term ends it is gone", e.on(-199), []string{"Ana"}},
		{"without as_of the roster is today's", "", []string{"Ana", "Cleo"}},
		{"a future day shows who will serve", e.on(100), []string{"Cleo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.rosterOf(board.ID, tt.asOf)
			if diff := cmp.Diff(tt.want, holders(r)); diff != "" {
				t.Errorf("holders (-want +got):\n%s", diff)
			}
			if r.SeatsFilled != len(tt.want) {
				t.Errorf("seats_filled %d, want %d", r.SeatsFilled, len(tt.want))
			}
			wantAsOf := tt.asOf
			if wantAsOf == "" {
				wantAsOf = e.today.String()
			}
			if r.AsOf.String() != wantAsOf {
				t.Errorf("as_of %s, want %s", r.AsOf, wantAsOf)
			}
		})
	}

	t.Run("every term is its own row in the person's history", func(t *testing.T) {
		want := []string{"Member", "Chair", "Member again"}
		if diff := cmp.Diff(want, roleTitles(e.listRoles(fmt.Sprintf("participant_id=%d", ana.ID)))); diff != "" {
			t.Errorf("GET /roles (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, roleTitles(e.getParticipant(ana.ID).Roles)); diff != "" {
			t.Errorf("GET /participants/{id} roles (-want +got):\n%s", diff)
		}
		var p pathway.Participant
		e.as(pathway.RoleCoordinator, "GET", path("/participants/%d", ana.ID), nil).must(t, 200).decode(t, &p)
		if len(p.Roles) != 3 || p.Roles[0].BodyName != "Advisory Board" {
			t.Errorf("a coordinator sees roles %+v", p.Roles)
		}
	})
	t.Run("an as_of that is not a date is invalid", func(t *testing.T) {
		wantProblem(t, e.as(pathway.RoleCoordinator, "GET", path("/bodies/%d?as_of=2024-13-01", board.ID), nil), 422, "as_of")
	})
	t.Run("an unknown body is not found", func(t *testing.T) {
		e.as(pathway.RoleCoordinator, "GET", path("/bodies/999999"), nil).must(t, 404)
	})
}

func TestRoleTermLimitCountsConsecutiveTerms(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Board", "kind": "board_of_directors", "term_limit": 2})
	p := e.person("CMS-1", "Pat", false, e.on(-3000))

	// In order; every accepted term stays on the books.
	tests := []struct {
		name   string
		starts string
		ends   string
		status int
	}{
		{"a first term is accepted", e.on(-2000), e.on(-1636), 201},
		{"a second consecutive term is accepted", e.on(-1635), e.on(-1271), 201},
		{"a third consecutive term is refused", e.on(-1270), e.on(-906), 409},
		{"a break shorter than a year still counts as consecutive", e.on(-1271 + 300), e.on(-700), 409},
		{"a break of more than a year resets the count", e.on(-1271 + 400), e.on(-507), 201},
		{"the new run allows a second term", e.on(-506), e.on(-142), 201},
		{"and refuses a third", e.on(-141), e.on(200), 409},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.postRole(board.ID, p.ID, "Director", tt.starts, tt.ends)
			if tt.status == 409 {
				wantProblem(t, res, 409, "starts_on", "limit is 2")
			} else {
				res.must(t, tt.status)
			}
		})
	}
	if got := len(e.listRoles(fmt.Sprintf("participant_id=%d", p.ID))); got != 4 {
		t.Errorf("%d terms stored, want 4", got)
	}
}

func TestRoleListFindsTermsEndingSoon(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Board", "kind": "advisory_board"})
	other := e.newBody(map[string]any{"name": "Other", "kind": "committee"})
	mk := func(body int64, title, starts, ends string) {
		p := e.participant("CMS-"+title, title)
		e.addRole(body, p.ID, title, starts, ends)
	}
	mk(board.ID, "ends in 10", e.on(-100), e.on(10))
	mk(board.ID, "ends in 45", e.on(-100), e.on(45))
	mk(board.ID, "ended", e.on(-100), e.on(-5))
	mk(board.ID, "open-ended", e.on(-100), "")
	mk(board.ID, "future", e.on(20), e.on(25))
	mk(board.ID, "ends today", e.on(-100), e.on(0))
	mk(other.ID, "elsewhere ends in 5", e.on(-100), e.on(5))

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"terms ending within 30 days, soonest first", fmt.Sprintf("body_id=%d&ending_within_days=30", board.ID), []string{"ends today", "ends in 10", "future"}},
		{"active terms ending within 30 days", fmt.Sprintf("body_id=%d&active=true&ending_within_days=30", board.ID), []string{"ends today", "ends in 10"}},
		{"active terms, open-ended last", fmt.Sprintf("body_id=%d&active=true", board.ID), []string{"ends today", "ends in 10", "ends in 45", "open-ended"}},
		{"inactive terms are the past and the future", fmt.Sprintf("body_id=%d&active=false", board.ID), []string{"ended", "future"}},
		{"without body_id every body's terms are listed", "ending_within_days=7", []string{"ends today", "elsewhere ends in 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, roleTitles(e.listRoles(tt.query))); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a bad filter is invalid", func(t *testing.T) {
		wantProblem(t, e.as(pathway.RoleCoordinator, "GET", path("/roles?active=maybe"), nil), 422, "active")
		wantProblem(t, e.as(pathway.RoleCoordinator, "GET", path("/roles?ending_within_days=-1"), nil), 422, "ending_within_days")
	})
}

func TestRoleTermIsEndedOrExtended(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Board", "kind": "advisory_board"})
	p := e.participant("CMS-1", "Pat")
	r := e.addRole(board.ID, p.ID, "Member", e.on(-30), e.on(30))
	tests := []struct {
		name     string
		roleID   int64
		patch    map[string]any
		status   int
		field    string
		wantEnds string
		wantText string
	}{
		{name: "a term is ended today", roleID: r.ID, patch: map[string]any{"ends_on": e.on(0)}, status: 200, wantEnds: e.on(0), wantText: "Member"},
		{name: "a term is extended and retitled", roleID: r.ID, patch: map[string]any{"ends_on": e.on(365), "title": "Chair"}, status: 200, wantEnds: e.on(365), wantText: "Chair"},
		{name: "an end before the start is invalid", roleID: r.ID, patch: map[string]any{"ends_on": e.on(-31)}, status: 422, field: "ends_on"},
		{name: "a blank title is invalid", roleID: r.ID, patch: map[string]any{"title": ""}, status: 422, field: "title"},
		{name: "an unknown role is not found", roleID: 999999, patch: map[string]any{"ends_on": e.on(0)}, status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.as(pathway.RoleCoordinator, "PATCH", path("/roles/%d", tt.roleID), tt.patch)
			wantProblem(t, res, tt.status, tt.field)
			if tt.status != 200 {
				return
			}
			var got pathway.BodyRole
			res.decode(t, &got)
			stored := e.listRoles(fmt.Sprintf("participant_id=%d", p.ID))
			for _, g := range []pathway.BodyRole{got, stored[0]} {
				if g.EndsOn == nil || g.EndsOn.String() != tt.wantEnds || g.Title != tt.wantText {
					t.Errorf("role ends %v titled %q, want %s and %q", g.EndsOn, g.Title, tt.wantEnds, tt.wantText)
				}
			}
		})
	}
}

// Speaking engagements

func TestSpeakingEngagementRules(t *testing.T) {
	e := newEnv(t)
	bureau := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau"})
	board := e.newBody(map[string]any{"name": "Board", "kind": "advisory_board"})
	ana := e.person("CMS-ANA", "Ana", true, e.on(-365))
	ben := e.person("CMS-BEN", "Ben", true, e.on(-365))
	cleo := e.person("CMS-CLEO", "Cleo", true, e.on(-365))
	dan := e.person("CMS-DAN", "Dan", true, e.on(-365))
	e.addRole(bureau.ID, ana.ID, "Speaker", e.on(-100), "")
	e.addRole(bureau.ID, ben.ID, "Speaker", e.on(-100), e.on(-20))
	e.addRole(bureau.ID, cleo.ID, "Speaker", e.on(-100), "")
	e.addRole(board.ID, dan.ID, "Member", e.on(-100), "") // a role, but not in the bureau
	eve := e.person("CMS-EVE", "Eve", true, e.on(-365))
	e.addRole(bureau.ID, eve.ID, "Speaker", e.on(-5), "") // a member today, not ten days ago
	// Cleo later narrows her consent to tracking only.
	e.as(pathway.RoleStaff, "PUT", path("/participants/%d/consent", cleo.ID), map[string]any{
		"given_on": e.on(-1), "method": "verbal", "scopes": []string{"tracking"},
	}).must(t, 200)

	talk := func(heldOn string, speakers ...int64) map[string]any {
		if speakers == nil {
			speakers = []int64{}
		}
		return map[string]any{"held_on": heldOn, "audience": "city_council", "topic": "Rent stabilisation", "speaker_ids": speakers}
	}
	withAudience := func(b map[string]any, a string) map[string]any { b["audience"] = a; return b }

	tests := []struct {
		name   string
		bodyID int64
		body   map[string]any
		status int
		field  string
		wants  []string
	}{
		{"a speaker whose term ended before the talk is named", bureau.ID, talk(e.on(-10), ana.ID, ben.ID), 422, "speaker_ids[1]", []string{"Ben", "was not a member of Speakers Bureau on " + e.on(-10)}},
		{"a speaker with no role in this bureau is named", bureau.ID, talk(e.on(-10), dan.ID), 422, "speaker_ids[0]", []string{"Dan", "not a member"}},
		{"a speaker who is a member today but was not on the talk's date is refused", bureau.ID, talk(e.on(-10), eve.ID), 422, "speaker_ids[0]", []string{"Eve", e.on(-10)}},
		{"a speaker without public_story consent is named", bureau.ID, talk(e.on(-10), ana.ID, cleo.ID), 422, "speaker_ids[1]", []string{fmt.Sprint(cleo.ID), "public_story"}},
		{"an unknown speaker is named", bureau.ID, talk(e.on(-10), 999999), 422, "speaker_ids[0]", nil},
		{"a talk before the speaker's term is refused", bureau.ID, talk(e.on(-101), ana.ID), 422, "speaker_ids[0]", nil},
		{"a talk cannot be in the future", bureau.ID, talk(e.on(1), ana.ID), 422, "held_on", nil},
		{"at least one speaker is needed", bureau.ID, talk(e.on(-10)), 422, "speaker_ids", nil},
		{"a speaker is listed once", bureau.ID, talk(e.on(-10), ana.ID, ana.ID), 422, "speaker_ids", nil},
		{"an unknown audience is refused", bureau.ID, withAudience(talk(e.on(-10), ana.ID), "podcast"), 422, "audience", nil},
		{"only a speakers bureau has speaking engagements", board.ID, talk(e.on(-10), dan.ID), 422, "", nil},
		{"an unknown body is not found", 999999, talk(e.on(-10), ana.ID), 404, "", nil},
		{"speakers with active roles and public_story are recorded", bureau.ID, withAudience(talk(e.on(-30), ana.ID, ben.ID), "media"), 201, "", nil},
		{"a talk on a speaker's first day counts", bureau.ID, talk(e.on(-100), ana.ID), 201, "", nil},
		{"a talk on a speaker's last day counts: ends_on is included", bureau.ID, talk(e.on(-20), ben.ID), 201, "", nil},
		{"a talk today counts", bureau.ID, withAudience(talk(e.on(0), ana.ID), "state_legislature"), 201, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCounts("speaking_engagements", "speakers")
			res := e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/speaking-engagements", tt.bodyID), tt.body)
			wantProblem(t, res, tt.status, tt.field, tt.wants...)
			if tt.status != 201 {
				if diff := cmp.Diff(before, e.rowCounts("speaking_engagements", "speakers")); diff != "" {
					t.Errorf("a refused talk changed rows (-before +after):\n%s", diff)
				}
				return
			}
			var got pathway.SpeakingEngagement
			res.decode(t, &got)
			ids := tt.body["speaker_ids"].([]int64)
			if got.SpeakerCount != len(ids) || len(got.Speakers) != len(ids) || got.HeldOn.String() != tt.body["held_on"] || string(got.Audience) != tt.body["audience"] {
				t.Errorf("recorded %+v for %v", got, tt.body)
			}
		})
	}

	t.Run("the list is newest first with the speakers' names", func(t *testing.T) {
		type row struct {
			HeldOn   string
			Audience pathway.Audience
			Count    int
			Speakers []pathway.Speaker
		}
		var got []row
		for _, s := range e.talks(bureau.ID) {
			got = append(got, row{s.HeldOn.String(), s.Audience, s.SpeakerCount, s.Speakers})
		}
		want := []row{
			{e.on(0), "state_legislature", 1, []pathway.Speaker{{ParticipantID: ana.ID, DisplayName: "Ana"}}},
			{e.on(-20), "city_council", 1, []pathway.Speaker{{ParticipantID: ben.ID, DisplayName: "Ben"}}},
			{e.on(-30), "media", 2, []pathway.Speaker{{ParticipantID: ana.ID, DisplayName: "Ana"}, {ParticipantID: ben.ID, DisplayName: "Ben"}}},
			{e.on(-100), "city_council", 1, []pathway.Speaker{{ParticipantID: ana.ID, DisplayName: "Ana"}}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("speaking engagements (-want +got):\n%s", diff)
		}
	})
}

// Suggestions

func TestSuggestionsFollowRecentEvidence(t *testing.T) {
	e := newEnv(t)
	workshop := e.program("Workshop leads", pathway.Leader)
	meetings := e.program("Community meetings", pathway.Follower)
	board := e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board"})
	loans := e.newBody(map[string]any{"name": "Loan Committee", "kind": "committee"})
	progs := []int64{workshop, meetings}

	engage := func(p pathway.Participant, program int64, daysAgo int, activity string) pathway.Engagement {
		var eng pathway.Engagement
		e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), map[string]any{
			"occurred_on": e.on(-daysAgo), "activity": activity, "program_id": program,
		}).must(t, 201).decode(t, &eng)
		return eng
	}
	withRung := func(ref, name, rung string) pathway.Participant {
		b := e.participantBody(ref, name, progs...)
		b["rung"] = rung
		var p pathway.Participant
		e.as(pathway.RoleStaff, "POST", path("/participants"), b).must(t, 201).decode(t, &p)
		return p
	}

	onBoard := e.participant("CMS-1", "On the board", progs...)
	boardRole := e.addRole(board.ID, onBoard.ID, "Chair", e.on(-5), "")

	recent := e.participant("CMS-2", "Recent workshop", progs...)
	recentEng := engage(recent, workshop, 89, "Ran a tenants' rights workshop")

	old := e.participant("CMS-3", "Old workshop", progs...)
	engage(old, workshop, 91, "Ran a workshop long ago")

	already := withRung("CMS-4", "Already contributing", "contributor")
	engage(already, meetings, 3, "Came to a meeting")

	pastRole := e.participant("CMS-5", "Left the board", progs...)
	e.addRole(board.ID, pastRole.ID, "Member", e.on(-200), e.on(-1))

	both := e.participant("CMS-6", "Committee and workshop", progs...)
	loanRole := e.addRole(loans.ID, both.ID, "Member", e.on(-40), "")
	bothEng := engage(both, workshop, 10, "Co-led a workshop")

	futureRole := e.participant("CMS-7", "Starts next month", progs...)
	e.addRole(board.ID, futureRole.ID, "Member", e.on(30), "")

	want := []pathway.Suggestion{
		{ParticipantID: onBoard.ID, DisplayName: "On the board", CurrentRung: pathway.Observer, SuggestedRung: pathway.Leader, Evidence: []pathway.Evidence{
			{Kind: "role", ID: boardRole.ID, Rung: pathway.Leader, On: e.today.AddDays(-5), What: "Advisory Board: Chair"},
		}},
		{ParticipantID: recent.ID, DisplayName: "Recent workshop", CurrentRung: pathway.Observer, SuggestedRung: pathway.Leader, Evidence: []pathway.Evidence{
			{Kind: "engagement", ID: recentEng.ID, Rung: pathway.Leader, On: e.today.AddDays(-89), What: "Workshop leads: Ran a tenants' rights workshop"},
		}},
		{ParticipantID: both.ID, DisplayName: "Committee and workshop", CurrentRung: pathway.Observer, SuggestedRung: pathway.Leader, Evidence: []pathway.Evidence{
			{Kind: "engagement", ID: bothEng.ID, Rung: pathway.Leader, On: e.today.AddDays(-10), What: "Workshop leads: Co-led a workshop"},
			{Kind: "role", ID: loanRole.ID, Rung: pathway.Member, On: e.today.AddDays(-40), What: "Loan Committee: Member"},
		}},
	}
	t.Run("evidence from active roles and engagements in the last 90 days points up", func(t *testing.T) {
		if diff := cmp.Diff(want, e.suggestions(), sameDate); diff != "" {
			t.Errorf("suggestions (-want +got):\n%s", diff)
		}
	})
	t.Run("a suggestion moves nobody", func(t *testing.T) {
		if got := e.getParticipant(onBoard.ID).CurrentRung; got != pathway.Observer {
			t.Errorf("current rung %s after listing suggestions, want observer", got)
		}
	})

	accept := func(p pathway.Participant, evidence ...map[string]any) *response {
		return e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), map[string]any{
			"rung": "leader", "effective_on": e.on(0), "evidence": evidence,
		})
	}
	t.Run("evidence must be the participant's own", func(t *testing.T) {
		before := e.rowCounts("placements", "placement_evidence")
		wantProblem(t, accept(onBoard, map[string]any{"kind": "role", "id": loanRole.ID}), 422, "evidence[0].id")
		wantProblem(t, accept(onBoard, map[string]any{"kind": "engagement", "id": recentEng.ID}), 422, "evidence[0].id")
		wantProblem(t, accept(onBoard, map[string]any{"kind": "hunch", "id": boardRole.ID}), 422, "evidence[0].kind")
		if diff := cmp.Diff(before, e.rowCounts("placements", "placement_evidence")); diff != "" {
			t.Errorf("refused placements changed rows (-before +after):\n%s", diff)
		}
	})
	t.Run("an accepted placement keeps its evidence and ends the suggestion", func(t *testing.T) {
		var pl pathway.Placement
		accept(onBoard, map[string]any{"kind": "role", "id": boardRole.ID}).must(t, 201).decode(t, &pl)
		if diff := cmp.Diff(want[0].Evidence, pl.Evidence, sameDate); diff != "" {
			t.Errorf("placement evidence (-want +got):\n%s", diff)
		}
		var page struct {
			Items []pathway.Placement `json:"items"`
		}
		e.as(pathway.RoleStaff, "GET", path("/participants/%d/placements", onBoard.ID), nil).must(t, 200).decode(t, &page)
		if len(page.Items) != 2 || page.Items[0].ID != pl.ID {
			t.Fatalf("placements %+v, want the accepted one first of two", page.Items)
		}
		if diff := cmp.Diff(want[0].Evidence, page.Items[0].Evidence, sameDate); diff != "" {
			t.Errorf("stored evidence (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]pathway.Evidence{}, page.Items[1].Evidence, sameDate); diff != "" {
			t.Errorf("the first placement gained evidence (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want[1:], e.suggestions(), sameDate); diff != "" {
			t.Errorf("suggestions after accepting (-want +got):\n%s", diff)
		}
	})
	t.Run("a placement may rest on several pieces of evidence", func(t *testing.T) {
		var pl pathway.Placement
		accept(both, map[string]any{"kind": "engagement", "id": bothEng.ID}, map[string]any{"kind": "role", "id": loanRole.ID}).must(t, 201).decode(t, &pl)
		if diff := cmp.Diff(want[2].Evidence, pl.Evidence, sameDate); diff != "" {
			t.Errorf("placement evidence (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want[1:2], e.suggestions(), sameDate); diff != "" {
			t.Errorf("suggestions after accepting (-want +got):\n%s", diff)
		}
	})
}

// Erasure

func TestBodyErasureFreesSeatsAndKeepsSpeakerCounts(t *testing.T) {
	e := newEnv(t)
	bureau := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau", "seats": 2})
	erased := e.person("CMS-ERASED-7731", "Erased Speaker", true, e.on(-365))
	stays := e.person("CMS-STAYS", "Staying Speaker", true, e.on(-365))
	waiting := e.person("CMS-WAITING", "Waiting Speaker", true, e.on(-365))
	e.addRole(bureau.ID, erased.ID, "Speaker", e.on(-100), "")
	e.addRole(bureau.ID, stays.ID, "Speaker", e.on(-100), "")
	for _, speakers := range [][]int64{{erased.ID}, {erased.ID, stays.ID}} {
		e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/speaking-engagements", bureau.ID), map[string]any{
			"held_on": e.on(-10 * len(speakers)), "audience": "funders", "topic": "Our stories", "speaker_ids": speakers,
		}).must(t, 201)
	}
	wantProblem(t, e.postRole(bureau.ID, waiting.ID, "Speaker", e.on(0), ""), 409, "starts_on", "full")

	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", erased.ID), nil).must(t, 204)

	t.Run("the erased person's seat is free", func(t *testing.T) {
		r := e.rosterOf(bureau.ID, "")
		if diff := cmp.Diff([]string{"Staying Speaker"}, holders(r)); diff != "" {
			t.Errorf("holders (-want +got):\n%s", diff)
		}
		if r.SeatsOpen == nil || *r.SeatsOpen != 1 {
			t.Errorf("seats_open %v, want 1", r.SeatsOpen)
		}
		if got := holders(e.rosterOf(bureau.ID, e.on(-50))); !slices.Equal(got, []string{"Staying Speaker"}) {
			t.Errorf("past roster %v still shows the erased person", got)
		}
		e.postRole(bureau.ID, waiting.ID, "Speaker", e.on(0), "").must(t, 201)
	})
	t.Run("speaker counts stay and the erased speaker leaves the list", func(t *testing.T) {
		type row struct {
			Count    int
			Speakers []pathway.Speaker
		}
		var got []row
		for _, s := range e.talks(bureau.ID) {
			got = append(got, row{s.SpeakerCount, s.Speakers})
		}
		want := []row{{1, []pathway.Speaker{}}, {2, []pathway.Speaker{{ParticipantID: stays.ID, DisplayName: "Staying Speaker"}}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("speaking engagements (-want +got):\n%s", diff)
		}
	})
	t.Run("no listing names the erased person", func(t *testing.T) {
		for _, p := range []string{
			path("/bodies/%d", bureau.ID),
			path("/bodies/%d?as_of=%s", bureau.ID, e.on(-50)),
			path("/bodies/%d/roster.csv?as_of=%s", bureau.ID, e.on(-50)),
			path("/bodies/%d/speaking-engagements", bureau.ID),
			path("/roles"),
			path("/suggestions"),
		} {
			res := e.as(pathway.RoleAdmin, "GET", p, nil).must(t, 200)
			for _, s := range []string{"Erased Speaker", "CMS-ERASED-7731"} {
				if bytes.Contains(res.Body, []byte(s)) {
					t.Errorf("GET %s still shows %q", p, s)
				}
			}
		}
		if bytes.Contains(e.fileBytes(), []byte("CMS-ERASED-7731")) {
			t.Error("the database files still hold the erased external_ref")
		}
	})
}

// Roster export

func TestRosterCSV(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board"})
	ana := e.person("CMS-ANA", "Ana Public", true, e.on(-365))
	quinn := e.person("CMS-QUINN", "Quinn Private", false, e.on(-365))
	rae := e.person("CMS-RAE", "@Rae", true, e.on(-365))
	old := e.person("CMS-OLD", "Old Member", true, e.on(-365))
	e.addRole(board.ID, ana.ID, "Chair", e.on(-50), "")
	e.addRole(board.ID, quinn.ID, `=HYPERLINK("http://example.com","x")`, e.on(-40), "")
	e.addRole(board.ID, rae.ID, "+1 member", e.on(-30), e.on(30))
	e.addRole(board.ID, old.ID, "-Treasurer", e.on(-300), e.on(-45))

	read := func(t *testing.T, query string) (*response, [][]string) {
		res := e.call(request{Method: "GET", Path: path("/bodies/%d/roster.csv%s", board.ID, query), Role: pathway.RoleCoordinator}).must(t, 200)
		rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatalf("roster.csv is not CSV: %v\n%s", err, res.Body)
		}
		return res, rows
	}
	header := []string{"participant", "title", "starts_on", "ends_on"}
	tests := []struct {
		name  string
		query string
		want  [][]string
	}{
		{"today's roster: names with public_story, the unnamed-member words without, formulas neutralised", "", [][]string{
			header,
			{"'@Rae", "'+1 member", e.on(-30), e.on(30)},
			{"Ana Public", "Chair", e.on(-50), ""},
			{"Member without public-story consent", `'=HYPERLINK("http://example.com","x")`, e.on(-40), ""},
		}},
		{"as_of gives that day's holders", "?as_of=" + e.on(-48), [][]string{
			header,
			{"Old Member", "'-Treasurer", e.on(-300), e.on(-45)},
			{"Ana Public", "Chair", e.on(-50), ""},
		}},
		{"an empty roster is the header alone", "?as_of=" + e.on(-365), [][]string{header}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, rows := read(t, tt.query)
			if diff := cmp.Diff(tt.want, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
				t.Errorf("Content-Type %q, want text/csv", ct)
			}
			if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
				t.Errorf("Content-Disposition %q, want an attachment", cd)
			}
			if bytes.Contains(res.Body, []byte("Quinn Private")) || bytes.Contains(res.Body, []byte("CMS-QUINN")) {
				t.Error("the name or reference of someone without public_story consent is in the export")
			}
		})
	}

	t.Run("the export is audited as body.roster", func(t *testing.T) {
		read(t, "")
		if n := e.auditCount("body.roster"); n != len(tests)+1 {
			t.Errorf("%d body.roster entries after %d exports, want one each", n, len(tests)+1)
		}
		var page struct {
			Items []pathway.AuditEntry `json:"items"`
		}
		q := url.Values{"action": {"body.roster"}, "limit": {"1"}}
		e.as(pathway.RoleAdmin, "GET", path("/audit?%s", q.Encode()), nil).must(t, 200).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].EntityID == nil {
			t.Fatalf("audit entries %+v", page.Items)
		}
		got := page.Items[0]
		want := []any{"body.roster", "body", board.ID, "coordinator@example.org", "192.0.2.10"}
		if diff := cmp.Diff(want, []any{got.Action, got.Entity, *got.EntityID, got.User, got.RemoteAddr}); diff != "" {
			t.Errorf("audit entry (-want +got):\n%s", diff)
		}
	})
	t.Run("only coordinators and admins export", func(t *testing.T) {
		for _, role := range []pathway.Role{pathway.RoleStaff, pathway.RoleLeadership} {
			before := e.auditCount("body.roster")
			res := e.as(role, "GET", path("/bodies/%d/roster.csv", board.ID), nil).must(t, 403)
			if bytes.Contains(res.Body, []byte("Ana")) || bytes.Contains(res.Body, []byte("CMS-")) {
				t.Errorf("the refusal to %s names someone: %s", role, res.Body)
			}
			if after := e.auditCount("body.roster"); after != before {
				t.Errorf("a refused export wrote %d body.roster audit entries", after-before)
			}
		}
		e.as(pathway.RoleAdmin, "GET", path("/bodies/%d/roster.csv", board.ID), nil).must(t, 200)
		e.as(pathway.RoleCoordinator, "GET", path("/bodies/999999/roster.csv"), nil).must(t, 404)
	})
	t.Run("the roster the screen draws names people as the CSV does", func(t *testing.T) {
		_, rows := read(t, "")
		csvNames := []string{}
		for _, row := range rows[1:] {
			csvNames = append(csvNames, strings.TrimPrefix(row[0], "'"))
		}
		screenNames := []string{}
		for _, r := range e.rosterOf(board.ID, "").Roles {
			name := pathway.UnnamedMember
			if r.PublicName != nil {
				name = *r.PublicName
			}
			screenNames = append(screenNames, name)
		}
		if diff := cmp.Diff(csvNames, screenNames); diff != "" {
			t.Errorf("the roster's public names differ from the CSV's (-csv +roster):\n%s", diff)
		}
		for _, r := range e.rosterOf(board.ID, "").Roles {
			if (r.PublicName != nil) != (r.ParticipantID != quinn.ID) {
				t.Errorf("%s has public_name %v; want a name only with public_story consent", r.DisplayName, r.PublicName)
			}
		}
	})
}

// Access

func TestBodyRoutesAccess(t *testing.T) {
	e := newEnv(t)
	bureau := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau"})
	p := e.person("CMS-SECRET-REF", "Secret Name", true, e.on(-365))
	role := e.addRole(bureau.ID, p.ID, "Speaker", e.on(-30), "")
	e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/speaking-engagements", bureau.ID), map[string]any{
		"held_on": e.on(-1), "audience": "school", "topic": "Our stories", "speaker_ids": []int64{p.ID},
	}).must(t, 201)

	var (
		all     = []pathway.Role{pathway.RoleAdmin, pathway.RoleStaff, pathway.RoleCoordinator, pathway.RoleLeadership}
		readers = []pathway.Role{pathway.RoleAdmin, pathway.RoleStaff, pathway.RoleCoordinator}
		writers = []pathway.Role{pathway.RoleAdmin, pathway.RoleCoordinator}
	)
	// Bodies that allowed callers send are refused as invalid, so that no
	// call changes what the next one sees.
	bad := map[string]any{"name": ""}
	tests := []struct {
		name    string
		method  string
		path    string
		body    any
		allowed []pathway.Role
	}{
		{"everyone sees the list of bodies and their counts", "GET", path("/bodies"), nil, all},
		{"coordinators and admins create bodies", "POST", path("/bodies"), bad, writers},
		{"a roster names people: never leadership", "GET", path("/bodies/%d", bureau.ID), nil, readers},
		{"a past roster names people too", "GET", path("/bodies/%d?as_of=%s", bureau.ID, e.on(-10)), nil, readers},
		{"coordinators and admins change bodies", "PATCH", path("/bodies/%d", bureau.ID), bad, writers},
		{"the roster export is for coordinators and admins", "GET", path("/bodies/%d/roster.csv", bureau.ID), nil, writers},
		{"coordinators and admins give roles", "POST", path("/bodies/%d/roles", bureau.ID), map[string]any{}, writers},
		{"coordinators and admins end or extend terms", "PATCH", path("/roles/%d", role.ID), map[string]any{"title": ""}, writers},
		{"the role list names people: never leadership", "GET", path("/roles?ending_within_days=30"), nil, readers},
		{"coordinators and admins record talks", "POST", path("/bodies/%d/speaking-engagements", bureau.ID), map[string]any{}, writers},
		{"the talk list names speakers: never leadership", "GET", path("/bodies/%d/speaking-engagements", bureau.ID), nil, readers},
		{"suggestions name people: never leadership", "GET", path("/suggestions"), nil, readers},
		{"a participant's roles are never shown to leadership", "GET", path("/participants/%d", p.ID), nil, readers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, who := range all {
				res := e.call(request{Method: tt.method, Path: tt.path, Body: tt.body, Role: who})
				allowed := slices.Contains(tt.allowed, who)
				switch {
				case allowed && (res.Code == 401 || res.Code == 403):
					t.Errorf("%s was refused with %d: %s", who, res.Code, res.Body)
				case !allowed && res.Code != 403:
					t.Errorf("%s got %d, want 403: %s", who, res.Code, res.Body)
				}
				if who == pathway.RoleLeadership {
					for _, s := range []string{"Secret Name", "CMS-SECRET-REF", `"participant_id"`} {
						if bytes.Contains(res.Body, []byte(s)) {
							t.Errorf("leadership sees %q: %s", s, res.Body)
						}
					}
				}
			}
			if res := e.call(request{Method: tt.method, Path: tt.path, Body: tt.body}); res.Code != 401 {
				t.Errorf("without credentials: %d, want 401", res.Code)
			}
		})
	}
	if got := e.rosterOf(bureau.ID, ""); got.Name != "Speakers Bureau" || len(got.Roles) != 1 || got.Roles[0].Title != "Speaker" {
		t.Errorf("the access checks changed the body: %+v", got)
	}
}

func TestBodyReadsKeepToAStaffCaseload(t *testing.T) {
	e := newEnv(t)
	progA := e.program("Program A", pathway.Leader)
	progB := e.program("Program B", pathway.Follower)
	bureau := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau"})
	mine := e.person("CMS-MINE", "In My Caseload", true, e.on(-365), progA)
	theirs := e.person("CMS-THEIRS", "Outside My Caseload", true, e.on(-365), progB)
	for _, p := range []pathway.Participant{mine, theirs} {
		e.addRole(bureau.ID, p.ID, "Speaker", e.on(-30), "")
	}
	e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/speaking-engagements", bureau.ID), map[string]any{
		"held_on": e.on(-1), "audience": "conference", "topic": "Our stories", "speaker_ids": []int64{mine.ID, theirs.ID},
	}).must(t, 201)
	_, token := e.newAccount("scoped.staff@example.org", pathway.RoleStaff)
	_, scopedToken := e.newAccount("scoped.staff2@example.org", pathway.RoleStaff, progA)

	get := func(token, p string, v any) {
		t.Helper()
		e.call(request{Method: "GET", Path: p, Token: token}).must(t, 200).decode(t, v)
	}
	names := func(token string) map[string][]string {
		out := map[string][]string{}
		var r pathway.Roster
		get(token, path("/bodies/%d", bureau.ID), &r)
		out["roster"] = holders(r)
		var roles struct {
			Items []pathway.BodyRole `json:"items"`
		}
		get(token, path("/roles?body_id=%d", bureau.ID), &roles)
		out["roles"] = []string{}
		for _, r := range roles.Items {
			out["roles"] = append(out["roles"], r.DisplayName)
		}
		var talks struct {
			Items []pathway.SpeakingEngagement `json:"items"`
		}
		get(token, path("/bodies/%d/speaking-engagements", bureau.ID), &talks)
		out["speakers"] = []string{}
		for _, s := range talks.Items[0].Speakers {
			out["speakers"] = append(out["speakers"], s.DisplayName)
		}
		var sugg struct {
			Items []pathway.Suggestion `json:"items"`
		}
		get(token, path("/suggestions"), &sugg)
		out["suggestions"] = []string{}
		for _, s := range sugg.Items {
			out["suggestions"] = append(out["suggestions"], s.DisplayName)
		}
		return out
	}
	tests := []struct {
		name  string
		token string
		want  map[string][]string
	}{
		{"staff with a caseload see only its people in bodies", scopedToken, map[string][]string{
			"roster": {"In My Caseload"}, "roles": {"In My Caseload"}, "speakers": {"In My Caseload"}, "suggestions": {"In My Caseload"},
		}},
		{"staff without a caseload see everyone", token, map[string][]string{
			"roster": {"In My Caseload", "Outside My Caseload"}, "roles": {"In My Caseload", "Outside My Caseload"},
			"speakers": {"In My Caseload", "Outside My Caseload"}, "suggestions": {"In My Caseload", "Outside My Caseload"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, names(tt.token)); diff != "" {
				t.Errorf("names seen (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBodyWritesAndNamingReadsAreAudited(t *testing.T) {
	e := newEnv(t)
	bureau := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau"})
	p := e.person("CMS-1", "Pat", true, e.on(-365))
	role := e.addRole(bureau.ID, p.ID, "Speaker", e.on(-30), "")
	var talk pathway.SpeakingEngagement

	tests := []struct {
		name     string
		method   string
		path     func() string
		body     any
		status   int
		action   string
		entity   string
		entityID func() int64 // nil: none
		decode   any
	}{
		{"creating a body", "POST", func() string { return path("/bodies") }, map[string]any{"name": "Board", "kind": "advisory_board"}, 201, "body.create", "body", nil, nil},
		{"changing a body", "PATCH", func() string { return path("/bodies/%d", bureau.ID) }, map[string]any{"seats": 5}, 200, "body.update", "body", func() int64 { return bureau.ID }, nil},
		{"reading a roster", "GET", func() string { return path("/bodies/%d", bureau.ID) }, nil, 200, "body.roster", "body", func() int64 { return bureau.ID }, nil},
		{"ending a term", "PATCH", func() string { return path("/roles/%d", role.ID) }, map[string]any{"ends_on": e.on(0)}, 200, "role.update", "role", func() int64 { return role.ID }, nil},
		{"giving a role", "POST", func() string { return path("/bodies/%d/roles", bureau.ID) }, roleBody(p.ID, "Speaker", e.on(10), ""), 201, "role.create", "role", nil, nil},
		{"listing terms", "GET", func() string { return path("/roles") }, nil, 200, "role.list", "role", nil, nil},
		{"recording a talk", "POST", func() string { return path("/bodies/%d/speaking-engagements", bureau.ID) }, map[string]any{"held_on": e.on(-1), "audience": "school", "topic": "Our stories", "speaker_ids": []int64{p.ID}}, 201, "speaking_engagement.create", "speaking_engagement", func() int64 { return talk.ID }, &talk},
		{"listing talks", "GET", func() string { return path("/bodies/%d/speaking-engagements", bureau.ID) }, nil, 200, "speaking_engagement.list", "body", func() int64 { return bureau.ID }, nil},
		{"listing suggestions", "GET", func() string { return path("/suggestions") }, nil, 200, "suggestion.list", "participant", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.as(pathway.RoleCoordinator, tt.method, tt.path(), tt.body).must(t, tt.status)
			if tt.decode != nil {
				res.decode(t, tt.decode)
			}
			a := e.lastAudit()
			got := []any{a.Action, a.Entity, a.User, a.RemoteAddr}
			want := []any{tt.action, tt.entity, "coordinator@example.org", "192.0.2.10"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("audit entry (-want +got):\n%s", diff)
			}
			if tt.entityID != nil && (a.EntityID == nil || *a.EntityID != tt.entityID()) {
				t.Errorf("audit entity_id %v, want %d", a.EntityID, tt.entityID())
			}
		})
	}
	t.Run("a refused write leaves no audit entry", func(t *testing.T) {
		before := e.rowCount("audit_log")
		e.postRole(bureau.ID, p.ID, "Speaker", e.on(-10), "").must(t, 409)
		if after := e.rowCount("audit_log"); after != before {
			t.Errorf("audit_log went from %d to %d", before, after)
		}
	})
}

func TestScopedStaffSeeNoTraceOfPeopleOutsideTheirCaseload(t *testing.T) {
	e := newEnv(t)
	progA := e.program("Program A", pathway.Leader)
	progB := e.program("Program B", pathway.Follower)
	board := e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board", "seats": 9})
	bureau := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau"})
	mine := e.person("CMS-MINE", "In My Caseload", true, e.on(-365), progA)
	theirs := e.person("CMS-THEIRS", "Outside My Caseload", true, e.on(-365), progB)
	other := e.person("CMS-OTHER", "Also Outside", true, e.on(-365), progB)
	e.addRole(board.ID, mine.ID, "Member", e.on(-100), "")
	e.addRole(board.ID, theirs.ID, "Member", e.on(-100), "")
	e.addRole(board.ID, other.ID, "Member", e.on(-50), e.on(-20)) // a hidden term that ended
	for _, p := range []pathway.Participant{mine, theirs} {
		e.addRole(bureau.ID, p.ID, "Speaker", e.on(-30), "")
	}
	talk := func(topic string, speakers ...int64) {
		e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/speaking-engagements", bureau.ID), map[string]any{
			"held_on": e.on(-1), "audience": "city_council", "topic": topic, "speaker_ids": speakers,
		}).must(t, 201)
	}
	talk("Together", mine.ID, theirs.ID)
	talk("Only theirs", theirs.ID)
	scoped, scopedToken := e.newAccount("scoped@example.org", pathway.RoleStaff, progA)
	get := func(p string, v any) {
		t.Helper()
		e.call(request{Method: "GET", Path: p, Token: scopedToken}).must(t, 200).decode(t, v)
	}

	t.Run("seats filled count only visible people", func(t *testing.T) {
		for _, asOf := range []string{"", e.on(-30), e.on(-10)} {
			var r pathway.Roster
			get(path("/bodies/%d?as_of=%s", board.ID, asOf), &r)
			if r.SeatsFilled != len(r.Roles) || r.SeatsFilled != 1 {
				t.Errorf("as of %q: seats_filled %d with %d roles listed, want 1 and 1", asOf, r.SeatsFilled, len(r.Roles))
			}
		}
		var list struct {
			Items []pathway.Body `json:"items"`
		}
		get(path("/bodies"), &list)
		for _, b := range list.Items {
			if b.ID == board.ID && b.SeatsFilled != 1 {
				t.Errorf("the body list says %d seats filled, want the 1 visible", b.SeatsFilled)
			}
		}
	})
	t.Run("talks list only visible speakers and count only them", func(t *testing.T) {
		var talks struct {
			Items []pathway.SpeakingEngagement `json:"items"`
		}
		get(path("/bodies/%d/speaking-engagements", bureau.ID), &talks)
		var topics []string
		for _, tk := range talks.Items {
			topics = append(topics, tk.Topic)
			if tk.SpeakerCount != len(tk.Speakers) {
				t.Errorf("talk %q: speaker_count %d with %d speakers listed", tk.Topic, tk.SpeakerCount, len(tk.Speakers))
			}
		}
		if diff := cmp.Diff([]string{"Together"}, topics); diff != "" {
			t.Errorf("talks seen (-want +got):\n%s", diff)
		}
	})
	t.Run("a clash with a hidden external_ref does not say it exists, and is audited", func(t *testing.T) {
		before := e.auditCount("participant.ref_refused")
		hidden := e.call(request{Method: "POST", Path: path("/participants"), Body: e.participantBody("CMS-THEIRS", "Someone", progA), Token: scopedToken}).must(t, 409)
		p := hidden.problem(t)
		if p.Detail != "This case-management ID cannot be used." || strings.Contains(string(hidden.Body), "already") {
			t.Errorf("the refusal says %s", hidden.Body)
		}
		patched := e.call(request{Method: "PATCH", Path: path("/participants/%d", mine.ID), Body: map[string]any{"external_ref": "CMS-OTHER"}, Token: scopedToken}).must(t, 409)
		if patched.problem(t).Detail != p.Detail {
			t.Errorf("a patch onto a hidden external_ref says %s", patched.Body)
		}
		if got := e.auditCount("participant.ref_refused") - before; got != 2 {
			t.Errorf("%d refusals audited, want 2", got)
		}
		var entries struct {
			Items []pathway.AuditEntry `json:"items"`
		}
		e.as(pathway.RoleAdmin, "GET", path("/audit?action=participant.ref_refused&user_id=%d", scoped.ID), nil).must(t, 200).decode(t, &entries)
		if len(entries.Items) != 2 {
			t.Errorf("the audit trail holds %d refusals by the scoped account, want 2", len(entries.Items))
		}
		// A clash with someone the account may see still says so.
		visible := e.call(request{Method: "POST", Path: path("/participants"), Body: e.participantBody("CMS-MINE", "Someone", progA), Token: scopedToken}).must(t, 409)
		if visible.fieldMessage(t, "external_ref") == "" || visible.problem(t).Detail == p.Detail {
			t.Errorf("a clash with a visible participant says %s", visible.Body)
		}
	})
}
