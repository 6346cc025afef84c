package httpapi_test

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
	"pathway/internal/report"
	"pathway/internal/suppress"
	"pathway/internal/suppress/attack"
)

// Report helpers

// reportNames are the anonymised reports that count people.
var reportNames = []string{"distribution", "distribution/programs", "movement", "roles", "capacity"}

// periods returns the period that holds today and the one before it.
func (e *env) periods() (cur, prev pathway.Period) {
	e.t.Helper()
	cur, err := pathway.ParsePeriod(e.today.Time().Format("2006-01"))
	if err != nil {
		e.t.Fatal(err)
	}
	return cur, cur.Previous()
}

// reportPath is the address of a report with its query.
func reportPath(name string, q url.Values) string {
	return path("/reports/%s?%s", name, q.Encode())
}

// getReport fetches a report's JSON as role and decodes it into v.
func (e *env) getReport(role pathway.Role, name string, q url.Values, v any) *response {
	e.t.Helper()
	res := e.as(role, "GET", reportPath(name, q), nil).must(e.t, http.StatusOK)
	res.decode(e.t, v)
	return res
}

// getCSV fetches a report as CSV (by ?format=csv, or by Accept when
// byAccept is set) and returns its rows, header first.
func (e *env) getCSV(role pathway.Role, name string, q url.Values, byAccept bool) [][]string {
	e.t.Helper()
	q = cloneValues(q)
	r := request{Method: "GET", Role: role}
	if byAccept {
		r.Header = http.Header{"Accept": {"text/csv"}}
	} else {
		q.Set("format", "csv")
	}
	r.Path = reportPath(name, q)
	res := e.call(r).must(e.t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		e.t.Fatalf("GET %s: Content-Type %q, want text/csv", r.Path, ct)
	}
	rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		e.t.Fatalf("GET %s: %v\n%s", r.Path, err, res.Body)
	}
	return rows
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

func periodQuery(p string, kv ...string) url.Values {
	q := url.Values{"period": {p}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

// show writes a published count: its value, or * when suppressed.
func show(c report.Count) string {
	switch {
	case c.Suppressed && c.Count == nil:
		return "*"
	case c.Count != nil && !c.Suppressed:
		return strconv.Itoa(*c.Count)
	}
	return fmt.Sprintf("invalid(%v,%v)", c.Count, c.Suppressed)
}

// rungLine writes five rung cells and a total as "a b c d e | total".
func rungLine(cells []report.RungCell, total report.Count) string {
	var parts []string
	for i, c := range cells {
		if c.Rung != pathway.Rungs[i] {
			return fmt.Sprintf("cell %d is %s, out of ladder order", i, c.Rung)
		}
		parts = append(parts, show(c.Count))
	}
	return strings.Join(parts, " ") + " | " + show(total)
}

// gridLines writes a movement report's transitions, one line per row (the
// five rungs before the period, then arrivals).
func gridLines(m report.Movement) []string {
	var out []string
	for i := 0; i+5 <= len(m.Transitions); i += 5 {
		var parts []string
		for _, tr := range m.Transitions[i : i+5] {
			parts = append(parts, show(tr.Count))
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// medians writes the median days before moving up per rung (- when none).
func medians(m report.Movement) string {
	var parts []string
	for _, s := range m.MedianDaysBefore {
		switch {
		case s.Suppressed:
			parts = append(parts, "*")
		case s.Days == nil:
			parts = append(parts, "-")
		default:
			parts = append(parts, strconv.Itoa(*s.Days))
		}
	}
	return strings.Join(parts, " ")
}

// capacityLines writes each capacity's scores and changes.
func capacityLines(c report.Capacity) []string {
	out := []string{"checked in " + show(c.CheckedIn) + ", compared " + show(c.Compared)}
	for _, row := range c.Capacities {
		var scores []string
		for _, s := range row.Scores {
			scores = append(scores, show(s.Count))
		}
		out = append(out, fmt.Sprintf("%s: %s | up %s same %s down %s", row.Capacity, strings.Join(scores, " "), show(row.Improved), show(row.Stayed), show(row.Declined)))
	}
	return out
}

// bodyLines writes each body's seats, counts of people and talks.
func bodyLines(r report.Roles) []string {
	var out []string
	for _, b := range r.Bodies {
		seats := "-"
		if b.Seats != nil {
			seats = strconv.Itoa(*b.Seats)
		}
		var talks []string
		for _, a := range b.SpeakingEngagements {
			talks = append(talks, fmt.Sprintf("%s %d", a.Audience, a.Count))
		}
		out = append(out, fmt.Sprintf("%s: seats %s filled %s held %s spoke %s talks [%s]", b.Name, seats, show(b.SeatsFilled), show(b.PeopleInPeriod), show(b.SpeakersInPeriod), strings.Join(talks, ", ")))
	}
	return out
}

// A hand-built community

// member is one person of the community, with what identifies them.
type member struct {
	id   int64
	name string
	ref  string
}

// community is a small organisation built through the API, whose every
// report count is known by hand. With p the period holding today, p1 the
// one before it and g sixty days before p1 began:
//
//	A (a1–a5) observers since g; all in program X, a3 and a4 also in Y.
//	  a1, a2, a5 sit on the advisory board (5 seats) and the speakers
//	  bureau from g+1; a3 sat on the board from g+1 to p1's first day.
//	  a1, a2, a5 spoke on p1's second day (city council); a1, a2 on its
//	  third (media). Self check-ins: a1, a2 scored 1,2,3 on g+1 and 2,2,2
//	  on p1's first day; a3, a4, a5 scored 1,2,3 on g+1.
//	B (b1–b3) observers since g, members from p's first day; in X. A staff
//	  check-in for b1 on g+1 scores 3,3,3.
//	C (c1, c2) leaders since g, contributors from p's first day; in Y.
//	D (d1, d2) followers since g, members from p1's first day; in no program.
//	E (e1, e2) consented on p's first day as followers; in Y.
type community struct {
	p, p1              pathway.Period
	g                  pathway.Date
	x, y               int64
	a, b, c, d, ee     []member
	board, bureau      int64
	names, refs, notes []string
}

func (e *env) buildCommunity() *community {
	e.t.Helper()
	cm := &community{}
	cm.p, cm.p1 = e.periods()
	cm.g = cm.p1.Start.AddDays(-60)
	cm.x = e.program("Tenant organizing circle", pathway.Member)
	cm.y = e.program("Youth voice council", pathway.Leader)
	n := 0
	join := func(group string, rung pathway.Rung, given pathway.Date, public bool, programs ...int64) member {
		n++
		m := member{name: fmt.Sprintf("Quillon Ashgrove %s%d", group, n), ref: fmt.Sprintf("CMS-QA-%s-%04d", group, 7100+n)}
		scopes := []string{"tracking"}
		if public {
			scopes = append(scopes, "public_story")
		}
		if programs == nil {
			programs = []int64{}
		}
		var p pathway.Participant
		e.as(pathway.RoleStaff, "POST", path("/participants"), map[string]any{
			"external_ref": m.ref, "display_name": m.name, "program_ids": programs, "rung": rung.String(),
			"consent": map[string]any{"given_on": given.String(), "method": "written", "scopes": scopes},
		}).must(e.t, 201).decode(e.t, &p)
		m.id = p.ID
		cm.names, cm.refs = append(cm.names, m.name), append(cm.refs, m.ref)
		return m
	}
	note := func(kind string, m member) string {
		s := fmt.Sprintf("%s note marigold-%d", kind, m.id)
		cm.notes = append(cm.notes, s)
		return s
	}
	place := func(m member, rung pathway.Rung, on pathway.Date) {
		e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", m.id), map[string]any{
			"rung": rung.String(), "effective_on": on.String(), "note": note("placement", m),
		}).must(e.t, 201)
	}
	checkin := func(m member, on pathway.Date, perspective string, scores ...int) {
		e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", m.id), map[string]any{
			"assessed_on": on.String(), "perspective": perspective,
			"self_advocacy": scores[0], "root_cause_analysis": scores[1], "leadership": scores[2], "note": note("check-in", m),
		}).must(e.t, 201)
	}
	for i := range 5 {
		if i == 2 || i == 3 {
			cm.a = append(cm.a, join("A", pathway.Observer, cm.g, true, cm.x, cm.y))
		} else {
			cm.a = append(cm.a, join("A", pathway.Observer, cm.g, true, cm.x))
		}
	}
	for range 3 {
		m := join("B", pathway.Observer, cm.g, false, cm.x)
		place(m, pathway.Member, cm.p.Start)
		cm.b = append(cm.b, m)
	}
	for range 2 {
		m := join("C", pathway.Leader, cm.g, false, cm.y)
		place(m, pathway.Contributor, cm.p.Start)
		cm.c = append(cm.c, m)
	}
	for range 2 {
		m := join("D", pathway.Follower, cm.g, false)
		place(m, pathway.Member, cm.p1.Start)
		cm.d = append(cm.d, m)
	}
	for range 2 {
		cm.ee = append(cm.ee, join("E", pathway.Follower, cm.p.Start, false, cm.y))
	}
	for _, m := range cm.a {
		e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", m.id), map[string]any{
			"occurred_on": cm.g.AddDays(2).String(), "activity": "Community meeting", "note": note("engagement", m),
		}).must(e.t, 201)
	}
	seats := 5
	cm.board = e.newBody(map[string]any{"name": "Community advisory board", "kind": "advisory_board", "seats": seats}).ID
	cm.bureau = e.newBody(map[string]any{"name": "Speakers bureau", "kind": "speakers_bureau"}).ID
	for _, i := range []int{0, 1, 4} {
		e.addRole(cm.board, cm.a[i].id, "Member", cm.g.AddDays(1).String(), "")
		e.addRole(cm.bureau, cm.a[i].id, "Speaker", cm.g.AddDays(1).String(), "")
	}
	e.addRole(cm.board, cm.a[2].id, "Member", cm.g.AddDays(1).String(), cm.p1.Start.String())
	talk := func(on pathway.Date, audience string, speakers ...member) {
		ids := []int64{}
		for _, s := range speakers {
			ids = append(ids, s.id)
		}
		e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/speaking-engagements", cm.bureau), map[string]any{
			"held_on": on.String(), "audience": audience, "topic": "Rent stabilisation", "speaker_ids": ids,
		}).must(e.t, 201)
	}
	talk(cm.p1.Start.AddDays(1), "city_council", cm.a[0], cm.a[1], cm.a[4])
	talk(cm.p1.Start.AddDays(2), "media", cm.a[0], cm.a[1])
	for _, m := range cm.a {
		checkin(m, cm.g.AddDays(1), "self", 1, 2, 3)
	}
	for _, m := range cm.a[:2] {
		checkin(m, cm.p1.Start, "self", 2, 2, 2)
	}
	checkin(cm.b[0], cm.g.AddDays(1), "staff", 3, 3, 3)
	return cm
}

// communityReports are the reports a test of the community reads.
type communityReports struct {
	cur, prev, inX report.Distribution
	programs       report.ProgramDistribution
	moves, moves1  report.Movement
	roles          report.Roles
	self, staff    report.Capacity
}

func (e *env) communityReports(cm *community) communityReports {
	e.t.Helper()
	var r communityReports
	lead := pathway.RoleLeadership
	e.getReport(lead, "distribution", periodQuery(cm.p.Label), &r.cur)
	e.getReport(lead, "distribution", periodQuery(cm.p1.Label), &r.prev)
	e.getReport(lead, "distribution", periodQuery(cm.p.Label, "program_id", fmt.Sprint(cm.x)), &r.inX)
	e.getReport(lead, "distribution/programs", periodQuery(cm.p.Label), &r.programs)
	e.getReport(lead, "movement", periodQuery(cm.p.Label), &r.moves)
	e.getReport(lead, "movement", periodQuery(cm.p1.Label), &r.moves1)
	e.getReport(lead, "roles", periodQuery(cm.p1.Label), &r.roles)
	e.getReport(lead, "capacity", periodQuery(cm.p1.Label), &r.self)
	e.getReport(lead, "capacity", periodQuery(cm.p1.Label, "perspective", "staff"), &r.staff)
	return r
}

func TestReportsCountAHandBuiltCommunity(t *testing.T) {
	e := newEnv(t)
	e.srv.Reports.K = 2
	cm := e.buildCommunity()
	r := e.communityReports(cm)

	if r.cur.Period != cm.p.Label || r.cur.AsOf != e.today || r.cur.MinCellSize != 2 || r.cur.Reason != nil {
		t.Errorf("current distribution header = %+v, want period %s as of today %s, k 2, no reason", r.cur.Header, cm.p.Label, e.today)
	}
	if r.prev.AsOf != cm.p1.End {
		t.Errorf("previous distribution is as of %s, want its last day %s", r.prev.AsOf, cm.p1.End)
	}
	daysP1, daysP := cm.p1.Start.DaysSince(cm.g), cm.p.Start.DaysSince(cm.g)
	got := map[string]any{
		"distribution":          rungLine(r.cur.Cells, r.cur.Total),
		"previous distribution": rungLine(r.prev.Cells, r.prev.Total),
		"program X":             rungLine(r.inX.Cells, r.inX.Total),
		"program rows": []string{
			r.programs.Rows[0].Program + ": " + rungLine(r.programs.Rows[0].Cells, r.programs.Rows[0].Total),
			r.programs.Rows[1].Program + ": " + rungLine(r.programs.Rows[1].Cells, r.programs.Rows[1].Total),
			r.programs.Rows[2].Program + ": " + rungLine(r.programs.Rows[2].Cells, r.programs.Rows[2].Total),
		},
		"program totals":        rungLine(r.programs.Totals.Cells, r.programs.Totals.Total),
		"moves":                 gridLines(r.moves),
		"moves up/down/stayed":  []string{show(r.moves.Up), show(r.moves.Down), show(r.moves.Stayed), show(r.moves.Entered)},
		"moves margins":         []string{rungLine(r.moves.Previous.Cells, r.moves.Previous.Total), rungLine(r.moves.Current.Cells, r.moves.Current.Total)},
		"moves medians":         medians(r.moves),
		"moves below highest":   show(r.moves.BelowHighest),
		"moves p1":              gridLines(r.moves1),
		"moves p1 up/down/same": []string{show(r.moves1.Up), show(r.moves1.Down), show(r.moves1.Stayed), show(r.moves1.Entered)},
		"moves p1 medians":      medians(r.moves1),
		"moves p1 below":        show(r.moves1.BelowHighest),
		"roles":                 bodyLines(r.roles),
		"capacity self":         capacityLines(r.self),
	}
	want := map[string]any{
		"distribution":          "5 2 5 2 0 | 14",
		"previous distribution": "8 0 2 0 2 | 12",
		"program X":             "5 0 3 0 0 | 8",
		"program rows": []string{
			"Tenant organizing circle: 5 0 3 0 0 | 8",
			"Youth voice council: 2 2 0 2 0 | 6",
			"No program: 0 0 2 0 0 | 2",
		},
		"program totals": "5 2 5 2 0 | 14",
		"moves": []string{
			"5 0 3 0 0", // observers: a1–a5 stayed, b1–b3 became members
			"0 0 0 0 0",
			"0 0 2 0 0", // d1, d2 stayed members
			"0 0 0 0 0",
			"0 0 0 2 0", // c1, c2 became contributors
			"0 2 0 0 0", // e1, e2 arrived as followers
		},
		"moves up/down/stayed":  []string{"3", "2", "7", "2"},
		"moves margins":         []string{"8 0 2 0 2 | 12", "5 2 5 2 0 | 14"},
		"moves medians":         fmt.Sprintf("%d - - - -", daysP),
		"moves below highest":   "2",
		"moves p1":              []string{"8 0 0 0 0", "0 0 2 0 0", "0 0 0 0 0", "0 0 0 0 0", "0 0 0 0 2", "0 0 0 0 0"},
		"moves p1 up/down/same": []string{"2", "0", "10", "0"},
		"moves p1 medians":      fmt.Sprintf("- %d - - -", daysP1),
		"moves p1 below":        "0",
		"roles": []string{
			"Community advisory board: seats 5 filled 3 held 4 spoke 0 talks []",
			"Speakers bureau: seats - filled 3 held 3 spoke 3 talks [city_council 1, media 1]",
		},
		"capacity self": []string{
			"checked in 5, compared 2",
			"self_advocacy: 3 2 0 0 | up 2 same 0 down 0",
			"root_cause_analysis: 0 5 0 0 | up 0 same 2 down 0",
			"leadership: 0 2 3 0 | up 0 same 0 down 2",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
	if r.staff.Reason == nil || !slices.Equal(capacityLines(r.staff), []string{
		"checked in *, compared *",
		"self_advocacy: * * * * | up * same * down *",
		"root_cause_analysis: * * * * | up * same * down *",
		"leadership: * * * * | up * same * down *",
	}) {
		t.Errorf("one staff check-in: reason %v, %v; want every count hidden with a reason", r.staff.Reason, capacityLines(r.staff))
	}
}

func TestReportPeriodsAreChecked(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Neighbourhood food table", pathway.Observer)
	e.participant("CMS-PER-1", "Period Person", prog)
	cur, prev := e.periods()
	lead := pathway.RoleLeadership
	for _, name := range reportNames {
		for _, bad := range []string{"", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "26-01", "2026-1", "2026/01", "abcd-ef", "2026-01-01"} {
			q := url.Values{}
			if bad != "" {
				q.Set("period", bad)
			}
			wantField(t, e.as(lead, "GET", reportPath(name, q), nil), 422, "period")
		}
		next := cur.End.AddDays(1)
		nextQuarter := fmt.Sprintf("%d-Q%d", next.AddMonths(3).Time().Year(), (int(next.AddMonths(3).Time().Month())+2)/3)
		for _, future := range []string{next.Time().Format("2006-01"), nextQuarter, "2999-01"} {
			wantProblem(t, e.as(lead, "GET", reportPath(name, periodQuery(future)), nil), 422, "period", "not begun")
		}
	}
	wantField(t, e.as(lead, "GET", reportPath("distribution", periodQuery(cur.Label, "program_id", "999999")), nil), 422, "program_id")
	wantField(t, e.as(lead, "GET", reportPath("distribution", periodQuery(cur.Label, "program_id", "-3")), nil), 422, "program_id")
	e.as(lead, "GET", reportPath("distribution", periodQuery(cur.Label, "program_id", "x")), nil).must(t, 422)
	wantField(t, e.as(lead, "GET", reportPath("capacity", periodQuery(cur.Label, "perspective", "family")), nil), 422, "perspective")
	wantField(t, e.as(lead, "GET", reportPath("movement", periodQuery(cur.Label, "format", "xml")), nil), 422, "format")

	// A period's state is read on its last day, or today while it runs.
	quarter := fmt.Sprintf("%d-Q%d", e.today.Time().Year(), (int(e.today.Time().Month())+2)/3)
	lastQuarter, err := pathway.ParsePeriod(quarter)
	if err != nil {
		t.Fatal(err)
	}
	lastQuarter = lastQuarter.Previous()
	for label, want := range map[string]pathway.Date{cur.Label: e.today, quarter: e.today, prev.Label: prev.End, lastQuarter.Label: lastQuarter.End} {
		var d report.Distribution
		e.getReport(lead, "distribution", periodQuery(label), &d)
		if d.Period != label || d.AsOf != want {
			t.Errorf("period %s: got period %s as of %s, want as of %s", label, d.Period, d.AsOf, want)
		}
	}
}

func TestReportsAreForLeadershipAndAdminOnly(t *testing.T) {
	e := newEnv(t)
	cur, _ := e.periods()
	for _, name := range append(slices.Clone(reportNames), "ladder") {
		q := periodQuery(cur.Label)
		for _, role := range []pathway.Role{pathway.RoleLeadership, pathway.RoleAdmin} {
			e.as(role, "GET", reportPath(name, q), nil).must(t, 200)
		}
		for _, role := range []pathway.Role{pathway.RoleStaff, pathway.RoleCoordinator} {
			e.as(role, "GET", reportPath(name, q), nil).must(t, 403)
			e.call(request{Method: "GET", Path: reportPath(name, periodQuery(cur.Label, "format", "csv")), Role: role}).must(t, 403)
		}
		e.call(request{Method: "GET", Path: reportPath(name, q)}).must(t, 401)
	}
}

// allHidden fails unless every count in a report's JSON is suppressed.
func allHidden(t *testing.T, what string, body []byte) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["suppressed"]; ok {
				n++
				if _, median := v["days"]; median && v["days"] != nil || !median && (s != true || v["count"] != nil) {
					t.Errorf("%s shows a count of a small population: %v", what, v)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	if n == 0 {
		t.Errorf("%s has no counts", what)
	}
}

func TestReportOfASmallPopulationIsWhollySuppressedWithAReason(t *testing.T) {
	e := newEnv(t) // k = 11
	cur, prev := e.periods()
	g := prev.Start.AddDays(-30)
	x := e.program("Tenant organizing circle", pathway.Member)
	// Six people: four observers in X, two followers, one of whom becomes a
	// member this period and another arrives; two check in.
	var ids []int64
	for i := range 6 {
		given, rung := g, pathway.Observer
		if i >= 4 {
			rung = pathway.Follower
		}
		if i == 5 {
			given = cur.Start
		}
		b := e.participantBody(fmt.Sprintf("CMS-SMALL-%d", i), fmt.Sprintf("Small Person %d", i), x)
		b["rung"], b["consent"].(map[string]any)["given_on"] = rung.String(), given.String()
		var p pathway.Participant
		e.as(pathway.RoleStaff, "POST", path("/participants"), b).must(t, 201).decode(t, &p)
		ids = append(ids, p.ID)
	}
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", ids[4]), map[string]any{"rung": "member", "effective_on": cur.Start.String()}).must(t, 201)
	for _, id := range ids[:2] {
		for _, on := range []pathway.Date{g, prev.Start} {
			e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", id), map[string]any{
				"assessed_on": on.String(), "perspective": "self", "self_advocacy": 2, "root_cause_analysis": 3, "leadership": 1,
			}).must(t, 201)
		}
	}
	lead := pathway.RoleLeadership
	for _, c := range []struct {
		name string
		q    url.Values
	}{
		{"distribution", periodQuery(cur.Label)},
		{"distribution", periodQuery(prev.Label)},
		{"distribution", periodQuery(cur.Label, "program_id", fmt.Sprint(x))},
		{"distribution/programs", periodQuery(cur.Label)},
		{"movement", periodQuery(cur.Label)},
		{"capacity", periodQuery(cur.Label)},
	} {
		res := e.as(lead, "GET", reportPath(c.name, c.q), nil).must(t, 200)
		var h struct {
			Reason *string `json:"reason"`
		}
		res.decode(t, &h)
		if h.Reason == nil || *h.Reason == "" {
			t.Errorf("%s %v of fewer than 11 people gives no reason", c.name, c.q)
		}
		allHidden(t, fmt.Sprintf("%s %v", c.name, c.q), res.Body)
		// The CSV hides the same: every count empty.
		for _, row := range e.getCSV(lead, c.name, c.q, false)[1:] {
			if row[5] != "" || row[6] != "true" {
				if !strings.HasPrefix(row[2], "median") || row[5] != "" {
					t.Errorf("%s %v CSV shows %v", c.name, c.q, row)
				}
			}
		}
	}
	var pd report.ProgramDistribution
	e.getReport(lead, "distribution/programs", periodQuery(cur.Label), &pd)
	for _, row := range pd.Rows {
		if row.Reason == nil && row.Total.Count != nil && *row.Total.Count > 0 {
			t.Errorf("row %s of fewer than 11 people gives no reason", row.Program)
		}
	}
}

// counts lists every transition count of a movement report.
func counts(m report.Movement) []report.Count {
	var out []report.Count
	for _, tr := range m.Transitions {
		out = append(out, tr.Count)
	}
	return out
}

func TestReportHidesASmallRungWithAComplement(t *testing.T) {
	e := newEnv(t)
	e.srv.Reports.K = 5
	cur, _ := e.periods()
	rungs := map[pathway.Rung]int{pathway.Observer: 8, pathway.Follower: 3, pathway.Member: 6, pathway.Leader: 7}
	n := 0
	for rung, count := range rungs {
		for range count {
			n++
			b := e.participantBody(fmt.Sprintf("CMS-K-%d", n), fmt.Sprintf("Rung Person %d", n))
			b["rung"] = rung.String()
			e.as(pathway.RoleStaff, "POST", path("/participants"), b).must(t, 201)
		}
	}
	var d report.Distribution
	e.getReport(pathway.RoleLeadership, "distribution", periodQuery(cur.Label), &d)
	// Three followers are hidden; members, the smallest other count, are
	// hidden with them, so the total (shown) pins neither: 9 >= k.
	if got, want := rungLine(d.Cells, d.Total), "8 * * 0 7 | 24"; got != want {
		t.Errorf("distribution = %q, want %q", got, want)
	}
	hidden := []bool{}
	for _, c := range d.Cells {
		hidden = append(hidden, c.Suppressed)
	}
	hidden = append(hidden, d.Total.Suppressed)
	if err := suppress.Check(5, suppress.Vector([]int{8, 3, 6, 0, 7}), suppress.Result{Suppressed: hidden}); err != nil {
		t.Errorf("published pattern breaks a rule: %v", err)
	}
	rows := e.getCSV(pathway.RoleLeadership, "distribution", periodQuery(cur.Label), false)
	var csvLine []string
	for _, row := range rows[1:] {
		if row[6] == "true" {
			csvLine = append(csvLine, row[4]+"=*")
		} else {
			csvLine = append(csvLine, row[4]+"="+row[5])
		}
	}
	if want := []string{"observer=8", "follower=*", "member=*", "contributor=0", "leader=7", "total=24"}; !slices.Equal(csvLine, want) {
		t.Errorf("CSV = %v, want %v", csvLine, want)
	}
}

// csvCell is one CSV row keyed by section, group and item.
type csvCell struct{ Count, Suppressed string }

// csvCells indexes a report's CSV rows after checking the header and that
// every row names the report's period and as-of day.
func csvCells(t *testing.T, rows [][]string, h report.Header) map[[3]string]csvCell {
	t.Helper()
	if len(rows) == 0 || !slices.Equal(rows[0], report.CSVHeader) {
		t.Fatalf("CSV header = %v, want %v", rows[0], report.CSVHeader)
	}
	out := map[[3]string]csvCell{}
	for _, r := range rows[1:] {
		if r[0] != h.Period || r[1] != h.AsOf.String() {
			t.Errorf("CSV row %v is not for %s as of %s", r, h.Period, h.AsOf)
		}
		k := [3]string{r[2], r[3], r[4]}
		if _, dup := out[k]; dup {
			t.Errorf("CSV repeats %v", k)
		}
		out[k] = csvCell{r[5], r[6]}
	}
	return out
}

// jsonCells lists what the CSV of a report must hold, read from its JSON.
func jsonCells(rep any) map[[3]string]csvCell {
	out := map[[3]string]csvCell{}
	add := func(section, group, item string, c report.Count) {
		v := ""
		if c.Count != nil {
			v = strconv.Itoa(*c.Count)
		}
		out[[3]string{section, group, item}] = csvCell{v, strconv.FormatBool(c.Suppressed)}
	}
	plain := func(n int) report.Count { return report.Count{Count: &n} }
	rungs := func(section, group string, cells []report.RungCell, total report.Count) {
		for _, c := range cells {
			add(section, group, c.Rung.String(), c.Count)
		}
		add(section, group, "total", total)
	}
	switch r := rep.(type) {
	case *report.Distribution:
		group := "all programs"
		if r.ProgramID != nil {
			group = fmt.Sprintf("program %d", *r.ProgramID)
		}
		rungs("distribution", group, r.Cells, r.Total)
	case *report.ProgramDistribution:
		for _, row := range r.Rows {
			rungs("distribution by program", row.Program, row.Cells, row.Total)
		}
		rungs("distribution by program", "all participants", r.Totals.Cells, r.Totals.Total)
	case *report.Movement:
		for _, tr := range r.Transitions {
			from := "entered"
			if tr.From != nil {
				from = tr.From.String()
			}
			add("transitions", "from "+from, "to "+tr.To.String(), tr.Count)
		}
		add("summary", "", "up", r.Up)
		add("summary", "", "down", r.Down)
		add("summary", "", "stayed", r.Stayed)
		add("summary", "", "entered", r.Entered)
		add("summary", "", "below highest rung reached", r.BelowHighest)
		rungs("previous", "", r.Previous.Cells, r.Previous.Total)
		rungs("current", "", r.Current.Cells, r.Current.Total)
		for _, s := range r.MedianDaysBefore {
			add("median days before moving up", "", s.Rung.String(), report.Count{Count: s.Days, Suppressed: s.Suppressed})
		}
	case *report.Roles:
		for _, b := range r.Bodies {
			if b.Seats != nil {
				add("bodies", b.Name, "seats", plain(*b.Seats))
			}
			add("bodies", b.Name, "seats filled", b.SeatsFilled)
			add("bodies", b.Name, "people in period", b.PeopleInPeriod)
			add("bodies", b.Name, "speakers in period", b.SpeakersInPeriod)
			for _, a := range b.SpeakingEngagements {
				add("speaking engagements", b.Name, string(a.Audience), plain(a.Count))
			}
		}
	case *report.Capacity:
		add("capacity", string(r.Perspective), "checked in", r.CheckedIn)
		add("capacity", string(r.Perspective), "compared", r.Compared)
		for _, row := range r.Capacities {
			for _, s := range row.Scores {
				add(string(row.Capacity), "latest score", strconv.Itoa(s.Score), s.Count)
			}
			add(string(row.Capacity), "since first check-in", "improved", row.Improved)
			add(string(row.Capacity), "since first check-in", "stayed", row.Stayed)
			add(string(row.Capacity), "since first check-in", "declined", row.Declined)
		}
	}
	return out
}

func TestReportCSVCarriesTheSameCellsAsJSON(t *testing.T) {
	e := newEnv(t)
	e.srv.Reports.K = 3 // some cells of the community hidden, some shown
	cm := e.buildCommunity()
	hidden := 0
	for _, c := range []struct {
		name string
		q    url.Values
		rep  any
	}{
		{"distribution", periodQuery(cm.p.Label), &report.Distribution{}},
		{"distribution", periodQuery(cm.p1.Label), &report.Distribution{}},
		{"distribution", periodQuery(cm.p.Label, "program_id", fmt.Sprint(cm.y)), &report.Distribution{}},
		{"distribution/programs", periodQuery(cm.p.Label), &report.ProgramDistribution{}},
		{"movement", periodQuery(cm.p.Label), &report.Movement{}},
		{"movement", periodQuery(cm.p1.Label), &report.Movement{}},
		{"roles", periodQuery(cm.p1.Label), &report.Roles{}},
		{"capacity", periodQuery(cm.p1.Label), &report.Capacity{}},
		{"capacity", periodQuery(cm.p1.Label, "perspective", "staff"), &report.Capacity{}},
	} {
		res := e.getReport(pathway.RoleLeadership, c.name, c.q, c.rep)
		var h struct {
			report.Header
		}
		res.decode(t, &h)
		want := jsonCells(c.rep)
		for _, cell := range want {
			if cell.Suppressed == "true" {
				hidden++
			}
		}
		for _, byAccept := range []bool{false, true} {
			got := csvCells(t, e.getCSV(pathway.RoleLeadership, c.name, c.q, byAccept), h.Header)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %v (Accept: %v): CSV differs from JSON (-json +csv):\n%s", c.name, c.q, byAccept, diff)
			}
		}
	}
	if hidden == 0 {
		t.Error("no cell is suppressed, so the comparison proves nothing")
	}
}

// reportBodies fetches every report, JSON and CSV, for the periods given.
func (e *env) reportBodies(periods ...string) map[string][]byte {
	e.t.Helper()
	out := map[string][]byte{}
	for _, p := range periods {
		for _, name := range reportNames {
			queries := []url.Values{periodQuery(p)}
			if name == "capacity" {
				queries = append(queries, periodQuery(p, "perspective", "staff"))
			}
			for _, q := range queries {
				out[name+"?"+q.Encode()] = e.as(pathway.RoleLeadership, "GET", reportPath(name, q), nil).must(e.t, 200).Body
				q.Set("format", "csv")
				out[name+"?"+q.Encode()] = e.as(pathway.RoleLeadership, "GET", reportPath(name, q), nil).must(e.t, 200).Body
			}
		}
	}
	out["ladder"] = e.as(pathway.RoleLeadership, "GET", path("/reports/ladder?format=csv"), nil).must(e.t, 200).Body
	return out
}

func TestReportsNeverCarryNamesRefsOrNotes(t *testing.T) {
	for _, k := range []int{2, 11} {
		e := newEnv(t)
		e.srv.Reports.K = k
		cm := e.buildCommunity()
		quarter := fmt.Sprintf("%d-Q%d", e.today.Time().Year(), (int(e.today.Time().Month())+2)/3)
		bodies := e.reportBodies(cm.p.Label, cm.p1.Label, quarter)
		identifying := slices.Concat(cm.names, cm.refs, cm.notes, []string{"Quillon", "Ashgrove", "CMS-QA", "marigold"})
		for what, body := range bodies {
			for _, s := range identifying {
				if bytes.Contains(body, []byte(s)) {
					t.Errorf("k=%d: %s carries %q", k, what, s)
				}
			}
			for _, key := range []string{`"participant_id"`, `"external_ref"`, `"display_name"`, `"note"`, `"speaker_ids"`} {
				if bytes.Contains(body, []byte(key)) {
					t.Errorf("k=%d: %s has a field %s", k, what, key)
				}
			}
		}
	}
}

func TestWithdrawalRemovesThePersonFromEveryReport(t *testing.T) {
	e := newEnv(t)
	e.srv.Reports.K = 2
	cm := e.buildCommunity()
	before := e.communityReports(cm)
	gone := cm.a[4] // an observer in X, on the board and the bureau, a speaker, checked in
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", gone.id), nil).must(t, 204)
	after := e.communityReports(cm)

	type view struct {
		Cur, Prev, InX, X string
		Moves             []string
		Stayed            string
		Margins           []string
		Roles             []string
		Self              []string
	}
	of := func(r communityReports) view {
		return view{
			Cur: rungLine(r.cur.Cells, r.cur.Total), Prev: rungLine(r.prev.Cells, r.prev.Total), InX: rungLine(r.inX.Cells, r.inX.Total),
			X:     rungLine(r.programs.Rows[0].Cells, r.programs.Rows[0].Total),
			Moves: gridLines(r.moves), Stayed: show(r.moves.Stayed),
			Margins: []string{rungLine(r.moves.Previous.Cells, r.moves.Previous.Total), rungLine(r.moves.Current.Cells, r.moves.Current.Total)},
			Roles:   bodyLines(r.roles), Self: capacityLines(r.self),
		}
	}
	want := of(before)
	want.Cur, want.Prev, want.InX, want.X = "4 2 5 2 0 | 13", "7 0 2 0 2 | 11", "4 0 3 0 0 | 7", "4 0 3 0 0 | 7"
	want.Moves[0], want.Stayed = "4 0 3 0 0", "6"
	want.Margins = []string{"7 0 2 0 2 | 11", "4 2 5 2 0 | 13"}
	want.Roles = []string{
		"Community advisory board: seats 5 filled 2 held 3 spoke 0 talks []",
		"Speakers bureau: seats - filled 2 held 2 spoke 2 talks [city_council 1, media 1]",
	}
	want.Self = []string{
		"checked in 4, compared 2",
		"self_advocacy: 2 2 0 0 | up 2 same 0 down 0",
		"root_cause_analysis: 0 4 0 0 | up 0 same 2 down 0",
		"leadership: 0 2 2 0 | up 0 same 0 down 2",
	}
	if diff := cmp.Diff(want, of(after)); diff != "" {
		t.Errorf("reports after withdrawal (-want +got):\n%s", diff)
	}
}

// Consistency over random populations

// randPerson is one participant seeded straight into the file.
type randPerson struct {
	consent    pathway.Date
	placements []randPlacement // in store order: date, recording time, id
	programs   []int           // indices into the programs
}

type randPlacement struct {
	on   pathway.Date
	rec  string
	rung pathway.Rung
}

// rungOn is the person's rung on day: their latest placement then.
func (p randPerson) rungOn(day pathway.Date) pathway.Rung {
	var r pathway.Rung
	for _, pl := range p.placements {
		if !pl.on.After(day) {
			r = pl.rung
		}
	}
	return r
}

// seedRandomPopulation writes people with consents, dated placements
// (moves up and down, re-recordings, several on one day) and enrollments
// straight into the database file in one transaction.
func (e *env) seedRandomPopulation(rng *rand.Rand, programs []int64) []randPerson {
	e.t.Helper()
	cur, prev := e.periods()
	first := prev.Start.AddDays(-150)
	span := e.today.DaysSince(first) + 1
	var size int
	switch rng.IntN(3) {
	case 0:
		size = 5 + rng.IntN(30)
	case 1:
		size = 30 + rng.IntN(80)
	default:
		size = 80 + rng.IntN(220)
	}
	weights := make([]int, 5)
	for i := range weights {
		weights[i] = rng.IntN(6)
	}
	weights[rng.IntN(5)] += 3
	pick := func() pathway.Rung {
		sum := 0
		for _, w := range weights {
			sum += w
		}
		n := rng.IntN(sum)
		for i, w := range weights {
			if n < w {
				return pathway.Rung(i + 1)
			}
			n -= w
		}
		return pathway.Observer
	}
	arrivals := rng.IntN(30) // percent who consent during the current period
	moves := rng.IntN(4)
	people := make([]randPerson, size)
	for i := range people {
		p := &people[i]
		if rng.IntN(100) < arrivals {
			p.consent = cur.Start.AddDays(rng.IntN(e.today.DaysSince(cur.Start) + 1))
		} else {
			p.consent = first.AddDays(rng.IntN(span))
		}
		rung := pick()
		p.placements = append(p.placements, randPlacement{p.consent, p.consent.String() + "T08:00:00.000000Z", rung})
		left := e.today.DaysSince(p.consent) + 1
		for range rng.IntN(moves + 1) {
			switch x := rng.IntN(10); {
			case x < 4 && rung < 5:
				rung++
			case x < 6 && rung > 1:
				rung--
			case x < 7:
				rung = pick()
			}
			on := p.consent.AddDays(rng.IntN(left))
			p.placements = append(p.placements, randPlacement{on, on.String() + fmt.Sprintf("T%02d:00:00.000000Z", 9+rng.IntN(3)), rung})
		}
		slices.SortStableFunc(p.placements, func(a, b randPlacement) int {
			return strings.Compare(a.on.String()+a.rec, b.on.String()+b.rec)
		})
		for j := range programs {
			if rng.IntN(4) == 0 {
				p.programs = append(p.programs, j)
			}
		}
	}
	db, err := sql.Open("sqlite", "file:"+e.db.Path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		e.t.Fatal(err)
	}
	defer tx.Rollback()
	staff := e.users[pathway.RoleStaff].ID
	const now = "2026-01-01T00:00:00.000000Z"
	for i, p := range people {
		last := p.placements[len(p.placements)-1].rung
		res, err := tx.Exec(`INSERT INTO participants (external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			fmt.Sprintf("CMS-RND-%d", i), fmt.Sprintf("Random Person %d", i), int(last), p.consent.String(), now, now)
		if err != nil {
			e.t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := tx.Exec(`INSERT INTO consents (participant_id, given_on, method, scopes, recorded_by, recorded_at) VALUES (?, ?, 'verbal', 'tracking', ?, ?)`, id, p.consent.String(), staff, now); err != nil {
			e.t.Fatal(err)
		}
		for _, pl := range p.placements {
			if _, err := tx.Exec(`INSERT INTO placements (participant_id, rung, effective_on, note, recorded_by, recorded_at) VALUES (?, ?, ?, '', ?, ?)`, id, int(pl.rung), pl.on.String(), staff, pl.rec); err != nil {
				e.t.Fatal(err)
			}
		}
		for _, j := range p.programs {
			if _, err := tx.Exec(`INSERT INTO enrollments (participant_id, program_id, enrolled_on) VALUES (?, ?, ?)`, id, programs[j], p.consent.String()); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		e.t.Fatal(err)
	}
	return people
}

// truth is the raw counts behind one period's reports: people by rung
// before (row 5: arrived) and at the end, and per rung and in all for each
// program then for no program.
type truth struct {
	grid [6][5]int
	rows [][6]int
}

func truthOf(people []randPerson, nPrograms int, before, end pathway.Date) truth {
	tr := truth{rows: make([][6]int, nPrograms+1)}
	for _, p := range people {
		to := p.rungOn(end)
		if to == 0 {
			continue
		}
		from := 5
		if r := p.rungOn(before); r != 0 {
			from = int(r) - 1
		}
		tr.grid[from][to-1]++
		rows := p.programs
		if len(rows) == 0 {
			rows = []int{nPrograms}
		}
		for _, i := range rows {
			tr.rows[i][to-1]++
			tr.rows[i][5]++
		}
	}
	return tr
}

// published is what a reader can fetch about one period.
type published struct {
	current, previous report.Distribution
	programs          report.ProgramDistribution
	byProgram         []report.Distribution
	movement          report.Movement
}

// The combined view lays cells out as the movement report does (a 6x5
// grid with its margins, then the previous total, up, down and stayed),
// followed by the program rows, six cells each. Cells the reports share
// are one cell: the current distribution is the grid's column totals, the
// previous one its first five row totals.
var movementGrid = suppress.GridLayout{Rows: 6, Cols: 5}

const (
	prevTotalCell = 42 + iota
	upCell
	downCell
	stayedCell
	programBase
)

func curCell(j int) int { return movementGrid.Index(6, j) }

func prevCell(i int) int {
	if i == 5 {
		return prevTotalCell
	}
	return movementGrid.Index(i, 5)
}

// combinedTable returns every count a reader of the reports can relate,
// with every relation the reports declare. A report that shows nothing
// but the totals it shares (blank) adds no relation of its own, so only
// the distributions' lines stand for it. A program column of nobody (a
// shown total of zero) is left out: every reader knows its cells are zero.
func combinedTable(tr truth, movementBlank, programsBlank bool) suppress.Table {
	g := movementGrid
	grid := make([][]int, 6)
	for i := range grid {
		grid[i] = tr.grid[i][:]
	}
	t := suppress.Grid(grid)
	if movementBlank {
		t.Lines = nil
	}
	var ups, downs, stays int
	var prevParts, upParts, downParts, stayParts []int
	for i := range 5 {
		prevParts = append(prevParts, g.Index(i, 5))
		for j := range 5 {
			idx, v := g.Index(i, j), tr.grid[i][j]
			switch {
			case j > i:
				upParts, ups = append(upParts, idx), ups+v
			case j < i:
				downParts, downs = append(downParts, idx), downs+v
			default:
				stayParts, stays = append(stayParts, idx), stays+v
			}
		}
	}
	t.Counts = append(t.Counts, ups+downs+stays, ups, downs, stays)
	t.Lines = append(t.Lines, suppress.Line{Parts: prevParts, Total: prevTotalCell})
	if movementBlank {
		t.Lines = append(t.Lines, suppress.Line{Parts: []int{curCell(0), curCell(1), curCell(2), curCell(3), curCell(4)}, Total: curCell(5)})
	} else {
		t.Lines = append(t.Lines,
			suppress.Line{Parts: upParts, Total: upCell},
			suppress.Line{Parts: downParts, Total: downCell},
			suppress.Line{Parts: stayParts, Total: stayedCell},
			suppress.Line{Parts: []int{upCell, downCell, stayedCell}, Total: prevTotalCell},
			suppress.Line{Parts: []int{prevTotalCell, g.Index(5, 5)}, Total: curCell(5)},
		)
	}
	for i, row := range tr.rows {
		parts := make([]int, 5)
		for j, v := range row {
			t.Counts = append(t.Counts, v)
			if j < 5 {
				parts[j] = programBase + 6*i + j
			}
		}
		if !programsBlank {
			t.Lines = append(t.Lines, suppress.Line{Parts: parts, Total: programBase + 6*i + 5})
		}
	}
	for j := 0; j < 6 && !programsBlank; j++ {
		var parts []int
		sum := 0
		for i, row := range tr.rows {
			parts = append(parts, programBase+6*i+j)
			sum += row[j]
		}
		if sum == t.Counts[curCell(j)] && sum > 0 {
			t.Lines = append(t.Lines, suppress.Line{Parts: parts, Total: curCell(j)})
		}
	}
	t.Population = 0
	return t
}

// cellView collects what the reports publish of each cell of the combined
// table, failing on any cell two reports publish differently (b).
type cellView struct {
	t      *testing.T
	shown  []*int
	hidden []bool
	seen   []string // the report that published the cell first
}

func (v *cellView) see(cell int, c report.Count, where string) {
	v.t.Helper()
	if c.Suppressed != (c.Count == nil) {
		v.t.Errorf("%s: count %v with suppressed %v", where, c.Count, c.Suppressed)
	}
	if v.seen[cell] == "" {
		v.seen[cell], v.shown[cell], v.hidden[cell] = where, c.Count, c.Suppressed
		return
	}
	if v.hidden[cell] != c.Suppressed || (c.Count == nil) != (v.shown[cell] == nil) || (c.Count != nil && *c.Count != *v.shown[cell]) {
		v.t.Errorf("(b) %s publishes %s, but %s publishes %s", where, show(c), v.seen[cell], show(report.Count{Count: v.shown[cell], Suppressed: v.hidden[cell]}))
	}
}

func (v *cellView) rungs(at func(int) int, cells []report.RungCell, total report.Count, where string) {
	v.t.Helper()
	if len(cells) != 5 {
		v.t.Fatalf("%s has %d rung cells", where, len(cells))
	}
	for j, c := range cells {
		if c.Rung != pathway.Rungs[j] {
			v.t.Errorf("%s cell %d is %s, out of ladder order", where, j, c.Rung)
		}
		v.see(at(j), c.Count, where+" "+c.Rung.String())
	}
	v.see(at(5), total, where+" total")
}

func collect(t *testing.T, pub published, nRows int) *cellView {
	t.Helper()
	n := programBase + 6*nRows
	v := &cellView{t: t, shown: make([]*int, n), hidden: make([]bool, n), seen: make([]string, n)}
	v.rungs(curCell, pub.current.Cells, pub.current.Total, "distribution")
	v.rungs(prevCell, pub.previous.Cells, pub.previous.Total, "previous distribution")
	v.rungs(curCell, pub.programs.Totals.Cells, pub.programs.Totals.Total, "by-program totals")
	if len(pub.programs.Rows) != nRows {
		t.Fatalf("by-program report has %d rows, want %d", len(pub.programs.Rows), nRows)
	}
	for i, row := range pub.programs.Rows {
		at := func(j int) int { return programBase + 6*i + j }
		v.rungs(at, row.Cells, row.Total, "by-program row "+row.Program)
		if i < len(pub.byProgram) {
			v.rungs(at, pub.byProgram[i].Cells, pub.byProgram[i].Total, "distribution of "+row.Program)
		}
	}
	m := pub.movement
	v.rungs(curCell, m.Current.Cells, m.Current.Total, "movement current")
	v.rungs(prevCell, m.Previous.Cells, m.Previous.Total, "movement previous")
	if len(m.Transitions) != 30 {
		t.Fatalf("movement has %d transitions, want 30", len(m.Transitions))
	}
	for k, tr := range m.Transitions {
		i, j := k/5, k%5
		if tr.To != pathway.Rungs[j] || (i < 5) != (tr.From != nil) || (tr.From != nil && *tr.From != pathway.Rungs[i]) {
			t.Fatalf("movement transition %d is out of order", k)
		}
		v.see(movementGrid.Index(i, j), tr.Count, fmt.Sprintf("movement transition %d", k))
	}
	v.see(movementGrid.Index(5, 5), m.Entered, "movement entered")
	v.see(upCell, m.Up, "movement up")
	v.see(downCell, m.Down, "movement down")
	v.see(stayedCell, m.Stayed, "movement stayed")
	return v
}

// movementBlank reports whether the movement report shows nothing but the
// totals of the two distributions, and says why.
func movementBlank(m report.Movement) bool {
	if m.Reason == nil {
		return false
	}
	for _, c := range append([]report.Count{m.Up, m.Down, m.Stayed, m.Entered}, counts(m)...) {
		if !c.Suppressed {
			return false
		}
	}
	return true
}

// programsBlank reports whether the by-program report shows nothing but
// its totals row, and says why.
func programsBlank(p report.ProgramDistribution) bool {
	if p.Reason == nil {
		return false
	}
	for _, row := range p.Rows {
		for _, c := range append([]report.Count{row.Total}, cellCounts(row.Cells)...) {
			if !c.Suppressed {
				return false
			}
		}
	}
	return true
}

func cellCounts(cells []report.RungCell) []report.Count {
	var out []report.Count
	for _, c := range cells {
		out = append(out, c.Count)
	}
	return out
}

// checkCombined asserts (a) every shown count is the true one, (c) every
// line of the reports together obeys the complementary suppression rules
// (suppress.Check), and (d) no reader who combines the reports and even
// guesses the hidden zeros can pin a small count, by linear arithmetic or
// by bounding cells with the lines and non-negativity.
func checkCombined(t *testing.T, k int, tr truth, pub published, v *cellView) {
	t.Helper()
	tab := combinedTable(tr, movementBlank(pub.movement), programsBlank(pub.programs))
	for i, c := range tab.Counts {
		if v.seen[i] == "" {
			t.Fatalf("cell %d is in no report", i)
		}
		if v.shown[i] != nil && *v.shown[i] != c {
			t.Errorf("(a) %s shows %d, the true count is %d", v.seen[i], *v.shown[i], c)
		}
	}
	r := suppress.Result{Suppressed: v.hidden}
	if !slices.Contains(v.hidden, false) {
		r.Reason = suppress.ReasonNoSafeCell
	}
	if err := suppress.Check(k, tab, r); err != nil {
		if !errors.Is(err, suppress.ErrDisclosure) {
			t.Fatalf("check: %v", err)
		}
		t.Errorf("(c) the reports together break a suppression rule: %v", err)
	}
	known := make([]bool, len(tab.Counts))
	for i, h := range v.hidden {
		known[i] = !h || tab.Counts[i] == 0
	}
	lo, hi := attack.Bounds(tab, known)
	solved := attack.Solved(tab, known)
	for i, c := range tab.Counts {
		if lo[i] > c || hi[i] < c {
			t.Fatalf("bounds [%d, %d] of %s exclude its count %d", lo[i], hi[i], v.seen[i], c)
		}
		if c < 1 || c >= k {
			continue
		}
		if solved[i] {
			t.Errorf("(d) k=%d: combining the reports' lines gives %s = %d", k, v.seen[i], c)
		}
		if lo[i] == hi[i] {
			t.Errorf("(d) k=%d: bounding the reports' lines pins %s to %d", k, v.seen[i], c)
		}
	}
}

// checkWholeHidden asserts that populations under k come back wholly
// suppressed with a reason: the whole table, and each program's row.
func checkWholeHidden(t *testing.T, k int, tr truth, pub published) {
	t.Helper()
	whole := func(where string, reason *string, cells []report.RungCell, total report.Count) {
		t.Helper()
		if reason == nil {
			t.Errorf("%s: fewer than k=%d people but no reason", where, k)
		}
		for _, c := range append(cellCounts(cells), total) {
			if !c.Suppressed {
				t.Errorf("%s: fewer than k=%d people but shows %s", where, k, show(c))
			}
		}
	}
	cur, prev := 0, 0
	for i, row := range tr.grid {
		for _, n := range row {
			cur += n
			if i < 5 {
				prev += n
			}
		}
	}
	if cur > 0 && cur < k {
		whole("distribution", pub.current.Reason, pub.current.Cells, pub.current.Total)
	}
	if prev > 0 && prev < k {
		whole("previous distribution", pub.previous.Reason, pub.previous.Cells, pub.previous.Total)
	}
	for i, row := range pub.programs.Rows {
		if n := tr.rows[i][5]; n > 0 && n < k {
			whole("by-program row "+row.Program, row.Reason, row.Cells, row.Total)
			if i < len(pub.byProgram) {
				whole("distribution of "+row.Program, pub.byProgram[i].Reason, pub.byProgram[i].Cells, pub.byProgram[i].Total)
			}
		}
	}
}

func TestReportsStayConsistentOverRandomPopulations(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 6
	}
	var blank, arrivals int
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 2026))
			e := newEnv(t)
			k := []int{2, 3, 5, 11}[rng.IntN(4)]
			e.srv.Reports.K = k
			var programs []int64
			for i := range rng.IntN(4) {
				programs = append(programs, e.program(fmt.Sprintf("Program %c", 'A'+i), pathway.Rungs[rng.IntN(5)]))
			}
			people := e.seedRandomPopulation(rng, programs)
			cur, prev := e.periods()
			lead := pathway.RoleLeadership
			var pub published
			e.getReport(lead, "distribution", periodQuery(cur.Label), &pub.current)
			e.getReport(lead, "distribution", periodQuery(prev.Label), &pub.previous)
			e.getReport(lead, "distribution/programs", periodQuery(cur.Label), &pub.programs)
			e.getReport(lead, "movement", periodQuery(cur.Label), &pub.movement)
			for _, row := range pub.programs.Rows {
				if row.ProgramID != nil {
					var d report.Distribution
					e.getReport(lead, "distribution", periodQuery(cur.Label, "program_id", fmt.Sprint(*row.ProgramID)), &d)
					pub.byProgram = append(pub.byProgram, d)
				}
			}
			// Rows come in the ladder's order of programs; map them back.
			order := make([]int, len(programs))
			for i, row := range pub.programs.Rows[:len(programs)] {
				order[i] = slices.Index(programs, *row.ProgramID)
			}
			for i := range people {
				for j, p := range people[i].programs {
					people[i].programs[j] = slices.Index(order, p)
				}
			}
			tr := truthOf(people, len(programs), cur.Start.AddDays(-1), e.today)
			v := collect(t, pub, len(programs)+1)
			checkCombined(t, k, tr, pub, v)
			checkWholeHidden(t, k, tr, pub)
			entered := 0
			for _, n := range tr.grid[5] {
				entered += n
			}
			// The one relation the checks leave out: arrivals are the current
			// total less the previous one, so with both totals shown a count
			// of arrivals under k is known however movement hides it.
			if entered > 0 && entered < k && !pub.current.Total.Suppressed && !pub.previous.Total.Suppressed {
				arrivals++
			}
			if movementBlank(pub.movement) {
				blank++
			}
			if t.Failed() {
				t.Logf("k=%d people=%d grid=%v rows=%v", k, len(people), tr.grid, tr.rows)
			}
		})
	}
	t.Logf("%d populations, %d movement reports show only the shared totals; in %d, fewer than k arrivals follow from the two distributions' totals", seeds, blank, arrivals)
}
