package httpapi_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/app"
	"pathway/internal/pathway"
	"pathway/internal/release"
	"pathway/internal/sqlite"
)

// Releases (issue 9): what leadership reads of people is computed once per
// closed period with differential privacy, stored, and served unchanged.

// withConfig is e served by a server whose releases are made with cfg.
func (e *env) withConfig(cfg app.Config) *env {
	v := *e
	v.srv = app.NewServer(e.db, slog.New(slog.DiscardHandler), cfg)
	v.handler = v.srv.Handler()
	return &v
}

// lastMonth is the latest closed month: the harness's today is the real one.
func (e *env) lastMonth() pathway.Period {
	return pathway.PeriodOf(pathway.PeriodMonth, e.today).Previous()
}

// publish publishes the release of label as an admin.
func (e *env) publish(label string) {
	e.t.Helper()
	e.as(pathway.RoleAdmin, "POST", path("/releases"), map[string]any{"period": label}).must(e.t, 201)
}

// releaseList is GET /releases as leadership reads it.
type releaseList struct {
	Items []struct {
		Period string `json:"period"`
	} `json:"items"`
	Budget  pathway.Budget   `json:"budget"`
	Budgets []pathway.Budget `json:"budgets"`
}

func (e *env) releases() releaseList {
	e.t.Helper()
	var l releaseList
	e.as(pathway.RoleLeadership, "GET", path("/releases"), nil).must(e.t, 200).decode(e.t, &l)
	return l
}

// tableAddresses are every address that serves a table of the release of
// label, in JSON and in CSV, with the release itself and the list.
func tableAddresses(label string, programIDs ...int64) []string {
	var out []string
	queries := []string{"distribution", "distribution/programs", "movement", "roles", "capacity", "capacity?perspective=self", "capacity?perspective=staff"}
	for _, id := range programIDs {
		queries = append(queries, fmt.Sprintf("distribution?program_id=%d", id))
	}
	for _, q := range queries {
		sep := "?"
		if strings.Contains(q, "?") {
			sep = "&"
		}
		for _, format := range []string{"json", "csv"} {
			out = append(out, path("/reports/%s%speriod=%s&format=%s", q, sep, label, format))
		}
	}
	return append(out, path("/releases/%s", label), path("/releases"))
}

// fetchRelease reads every address of the release of label as leadership.
func (e *env) fetchRelease(label string, programIDs ...int64) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, a := range tableAddresses(label, programIDs...) {
		out[a] = string(e.as(pathway.RoleLeadership, "GET", a, nil).must(e.t, 200).Body)
	}
	return out
}

// rawCounts is what a release of p would be computed from now: its
// people by rung, by program and by capacity score.
func (e *env) rawCounts(p pathway.Period) []any {
	e.t.Helper()
	c, err := sqlite.NewReleaseStore(e.db).ReleaseCounts(context.Background(), p)
	if err != nil {
		e.t.Fatal(err)
	}
	return []any{c.Grid, c.ByProgram, c.NoProgram, c.Capacity}
}

// backdateEnrolments dates every enrolment of a participant from day on.
// The API enrols people on the day they are enrolled, so a history that
// reaches into a closed period is written straight into the file.
func (e *env) backdateEnrolments(participantID int64, day pathway.Date) {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE enrollments SET enrolled_on = ? WHERE participant_id = ?`, day.String(), participantID); err != nil {
		e.t.Fatal(err)
	}
}

func TestAReleaseIsServedUnchangedAfterLaterChanges(t *testing.T) {
	e := newEnv(t)
	p := e.lastMonth()
	housing := e.program("Housing circle", pathway.Follower)
	council := e.program("Tenant council", pathway.Member)
	var people []pathway.Participant
	for i := range 30 {
		body := e.participantBody(fmt.Sprintf("CMS-U%02d", i), fmt.Sprintf("Unchanged %02d", i), housing)
		body["rung"] = pathway.Rungs[i%3].String()
		var pp pathway.Participant
		e.as(pathway.RoleStaff, "POST", path("/participants"), body).must(t, 201).decode(t, &pp)
		e.backdateEnrolments(pp.ID, e.today.AddDays(-365))
		people = append(people, pp)
	}
	e.publish(p.Label)
	before := e.fetchRelease(p.Label, housing, council)

	// Each change moves what a period would be computed from now: the
	// released one for an erasure or a backdated placement, and at least
	// the open month for an enrolment change (dated enrolments keep a past
	// period's programs; undated ones would move it too).
	open := pathway.PeriodOf(pathway.PeriodMonth, e.today)
	changes := []struct {
		name   string
		moves  pathway.Period
		change func()
	}{
		{"an erasure", p, func() {
			e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", people[0].ID), nil).must(t, 204)
		}},
		{"a placement backdated into the period", p, func() {
			e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", people[1].ID), map[string]any{
				"rung": "leader", "effective_on": p.Start.AddDays(3).String(),
			}).must(t, 201)
		}},
		{"an enrolment change", open, func() {
			e.as(pathway.RoleStaff, "PATCH", path("/participants/%d", people[2].ID), map[string]any{"program_ids": []int64{council}}).must(t, 200)
		}},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			raw := e.rawCounts(c.moves)
			c.change()
			// The change reaches what would be computed now, so a count
			// made for the request would differ...
			if diff := cmp.Diff(raw, e.rawCounts(c.moves)); diff == "" {
				t.Fatalf("%s left the raw counts of %s as they were; the test proves nothing", c.name, c.moves.Label)
			}
			// ...but the published one is served byte for byte as before.
			if diff := cmp.Diff(before, e.fetchRelease(p.Label, housing, council)); diff != "" {
				t.Errorf("after %s the release reads differently (-before +after):\n%s", c.name, diff)
			}
		})
	}
}

func TestLeadershipNeverReadsAnOpenOrFuturePeriod(t *testing.T) {
	e := newEnv(t)
	for i := range 15 {
		e.participant(fmt.Sprintf("CMS-O%02d", i), fmt.Sprintf("Open %02d", i))
	}
	var unpublishable []pathway.Period
	for _, kind := range pathway.PeriodKinds {
		open := pathway.PeriodOf(kind, e.today)
		unpublishable = append(unpublishable, open, open.Next())
	}
	before := e.rowCounts("releases", "release_tables")
	for _, p := range unpublishable {
		t.Run(p.Label, func(t *testing.T) {
			res := e.as(pathway.RoleAdmin, "POST", path("/releases"), map[string]any{"period": p.Label}).must(t, 422)
			if msg := res.fieldMessage(t, "period"); !strings.Contains(msg, "not over yet") {
				t.Errorf("publishing %s: period message %q does not say it is not over", p.Label, msg)
			}
			for _, a := range tableAddresses(p.Label) {
				if strings.HasSuffix(a, "/releases") {
					continue
				}
				res := e.as(pathway.RoleLeadership, "GET", a, nil).must(t, 404)
				if d := res.problem(t).Detail; !strings.Contains(d, "will be published on "+p.DueOn(app.DefaultConfig.ReleaseAfterDays).String()) {
					t.Errorf("GET %s: 404 detail %q does not say when it will be published", a, d)
				}
				if bytes.Contains(res.Body, []byte(`"count"`)) {
					t.Errorf("GET %s: an unpublished period answers with a count: %s", a, res.Body)
				}
			}
		})
	}
	if diff := cmp.Diff(before, e.rowCounts("releases", "release_tables")); diff != "" {
		t.Errorf("refused releases stored rows (-before +after):\n%s", diff)
	}
	if l := e.releases(); len(l.Items) != 0 || l.Budget.Spent != 0 {
		t.Errorf("after refused releases GET /releases lists %v and spent %v", l.Items, l.Budget.Spent)
	}
}

func TestAPeriodIsPublishedOnce(t *testing.T) {
	e := newEnv(t)
	for i := range 15 {
		e.participant(fmt.Sprintf("CMS-T%02d", i), fmt.Sprintf("Twice %02d", i))
	}
	p := e.lastMonth()
	e.publish(p.Label)
	first := e.fetchRelease(p.Label)
	spent := e.releases().Budgets
	res := e.as(pathway.RoleAdmin, "POST", path("/releases"), map[string]any{"period": p.Label}).must(t, 409)
	if msg := res.fieldMessage(t, "period"); !strings.Contains(msg, "already published") {
		t.Errorf("second publish: period message %q", msg)
	}
	if diff := cmp.Diff(first, e.fetchRelease(p.Label)); diff != "" {
		t.Errorf("a refused second publish changed the release (-first +now):\n%s", diff)
	}
	if diff := cmp.Diff(spent, e.releases().Budgets); diff != "" {
		t.Errorf("a refused second publish spent budget (-before +after):\n%s", diff)
	}
}

func TestThePrivacyBudgetRefusesAReleaseThatWouldExceedIt(t *testing.T) {
	base := newEnv(t)
	e := base.withConfig(app.Config{MinCellSize: 11, ReleaseEpsilon: 1, PrivacyBudget: 1.5, ReleaseAfterDays: 10})
	for i := range 15 {
		e.participant(fmt.Sprintf("CMS-B%02d", i), fmt.Sprintf("Budget %02d", i))
	}
	year := e.today.Time().Year() - 1
	e.publish(strconv.Itoa(year))
	before := e.rowCounts("releases", "release_tables")

	res := e.as(pathway.RoleAdmin, "POST", path("/releases"), map[string]any{"period": fmt.Sprintf("%d-03", year)}).must(t, 422)
	want := fmt.Sprintf("Publishing this would spend ε 1.00, but %d has only 0.50 of its 1.50 left. Nothing was published.", year)
	if msg := res.fieldMessage(t, "period"); msg != want {
		t.Errorf("refusal says %q, want %q", msg, want)
	}
	if diff := cmp.Diff(before, e.rowCounts("releases", "release_tables")); diff != "" {
		t.Errorf("a refused release stored rows (-before +after):\n%s", diff)
	}
	l := e.releases()
	if len(l.Items) != 1 || l.Items[0].Period != strconv.Itoa(year) {
		t.Errorf("releases listed %+v, want only %d", l.Items, year)
	}
	i := slices.IndexFunc(l.Budgets, func(b pathway.Budget) bool { return b.Year == year })
	if i < 0 {
		t.Fatalf("no budget for %d in %+v", year, l.Budgets)
	}
	if diff := cmp.Diff(pathway.Budget{Year: year, Spent: 1, Limit: 1.5}, l.Budgets[i]); diff != "" {
		t.Errorf("budget of %d (-want +got):\n%s", year, diff)
	}
	if diff := cmp.Diff(pathway.Budget{Year: e.today.Time().Year(), Spent: 0, Limit: 1.5}, l.Budget); diff != "" {
		t.Errorf("this year's budget (-want +got):\n%s", diff)
	}

	// Another year has a budget of its own.
	e.publish(strconv.Itoa(year - 1))
}

// tableJSON is what every published table carries, read loosely enough to
// check any of them.
type tableJSON struct {
	release.Header
	Cells       []release.RungCell    `json:"cells"`
	Total       *release.Total        `json:"total"`
	Rows        []release.ProgramRow  `json:"rows"`
	Transitions []release.Transition  `json:"transitions"`
	Up          *release.Total        `json:"up"`
	Down        *release.Total        `json:"down"`
	Stayed      *release.Total        `json:"stayed"`
	Entered     *release.Total        `json:"entered"`
	Previous    *release.RungTotals   `json:"previous"`
	Current     *release.RungTotals   `json:"current"`
	Bodies      []release.BodyRow     `json:"bodies"`
	Capacities  []release.CapacityRow `json:"capacities"`
	Perspective pathway.Perspective   `json:"perspective"`
}

// releaseJSON is GET /releases/{period}.
type releaseJSON struct {
	Period  string  `json:"period"`
	Epsilon float64 `json:"epsilon"`
	Method  string  `json:"method"`
	K       int     `json:"min_cell_size"`
	Ledger  []struct {
		Table    string  `json:"table"`
		Epsilon  float64 `json:"epsilon"`
		Bound    string  `json:"contribution_bound"`
		Margin95 int     `json:"margin_95"`
	} `json:"ledger"`
	Tables map[string]tableJSON `json:"tables"`
}

// population enrols n people on the rungs in shares, with self check-ins,
// all followed since a year ago, and returns how many stand on each rung.
func (e *env) population(n int, shares [5]int, programs ...int64) pathway.RungCounts {
	e.t.Helper()
	var truth pathway.RungCounts
	total := 0
	for _, s := range shares {
		total += s
	}
	for i := range n {
		r, acc := pathway.Observer, 0
		for j, s := range shares {
			acc += s
			if i*total < acc*n {
				r = pathway.Rungs[j]
				break
			}
		}
		truth.Add(r)
		body := e.participantBody(fmt.Sprintf("CMS-P%03d", i), fmt.Sprintf("Person %03d", i), programs...)
		body["rung"] = r.String()
		var p pathway.Participant
		e.as(pathway.RoleStaff, "POST", path("/participants"), body).must(e.t, 201).decode(e.t, &p)
		if len(programs) > 0 {
			e.backdateEnrolments(p.ID, e.today.AddDays(-365))
		}
		e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", p.ID), map[string]any{
			"assessed_on": e.today.AddDays(-300).String(), "perspective": "self",
			"self_advocacy": 1 + i%4, "root_cause_analysis": 1 + i%2, "leadership": 1,
		}).must(e.t, 201)
	}
	return truth
}

// checkSum holds a published total to the published cells it sums: it is
// at least the cells shown and at most that plus k-1 for each cell shown
// as fewer than k; shown as fewer than k itself, the shown cells stay
// under k.
func checkSum(t *testing.T, what string, k int, total release.Count, parts []release.Count) {
	t.Helper()
	shown, hidden := 0, 0
	for _, c := range parts {
		if c.Count == nil {
			hidden++
		} else {
			shown += *c.Count
		}
	}
	if total.Count == nil {
		if shown > k-1 {
			t.Errorf("%s reads fewer than %d, but its cells shown add up to %d", what, k, shown)
		}
		return
	}
	if *total.Count < shown || *total.Count > shown+(k-1)*hidden {
		t.Errorf("%s is %d; its cells show %d and hide %d, so it must be within [%d, %d]", what, *total.Count, shown, hidden, shown, shown+(k-1)*hidden)
	}
}

// checkCount holds one published count to k.
func checkCount(t *testing.T, what string, k int, c release.Count) {
	t.Helper()
	switch {
	case c.Count == nil && !c.FewerThanK:
		t.Errorf("%s has no count and is not fewer than k", what)
	case c.Count != nil && c.FewerThanK:
		t.Errorf("%s shows %d and says fewer than k", what, *c.Count)
	case c.Count != nil && *c.Count < k:
		t.Errorf("%s shows %d, below k = %d", what, *c.Count, k)
	}
}

func rungCounts(cells []release.RungCell) []release.Count {
	out := make([]release.Count, len(cells))
	for i, c := range cells {
		out[i] = c.Count
	}
	return out
}

func TestPublishedTablesSayHowTheyWereMadeAndAddUp(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Housing circle", pathway.Follower)
	e.population(200, [5]int{90, 55, 40, 12, 3}, prog)
	board := e.newBody(map[string]any{"name": "Constituent advisory board", "kind": "advisory_board"})
	var page struct{ Items []pathway.Participant }
	e.as(pathway.RoleStaff, "GET", path("/participants?limit=40"), nil).must(t, 200).decode(t, &page)
	for _, pp := range page.Items {
		e.addRole(board.ID, pp.ID, "Member", e.on(-200), "")
	}
	p := e.lastMonth()
	e.publish(p.Label)
	var rel releaseJSON
	e.as(pathway.RoleLeadership, "GET", path("/releases/%s", p.Label), nil).must(t, 200).decode(t, &rel)
	const k = pathway.DefaultMinCellSize
	if rel.Epsilon != app.DefaultConfig.ReleaseEpsilon || rel.Method != release.Method || rel.K != k {
		t.Errorf("release says ε %v, method %q, k %d", rel.Epsilon, rel.Method, rel.K)
	}
	var ledger float64
	for _, l := range rel.Ledger {
		ledger += l.Epsilon
		tab, ok := rel.Tables[l.Table]
		if !ok {
			t.Errorf("the ledger names %s, which the release lacks", l.Table)
			continue
		}
		h := tab.Header
		want := release.Header{
			Period: p.Label, Kind: p.Kind, StartsOn: p.Start, EndsOn: p.End, PublishedAt: h.PublishedAt,
			Method: release.Method, Epsilon: rel.Epsilon * release.Shares[l.Table], ReleaseEpsilon: rel.Epsilon,
			MinCellSize: k, Bound: l.Bound, Margin95: l.Margin95,
		}
		if diff := cmp.Diff(want, h, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }),
			cmp.Comparer(func(a, b pathway.Date) bool { return a == b })); diff != "" {
			t.Errorf("%s header (-want +got):\n%s", l.Table, diff)
		}
		if l.Margin95 <= 0 || l.Bound == "" {
			t.Errorf("%s: margin %d, bound %q", l.Table, l.Margin95, l.Bound)
		}
	}
	if len(rel.Ledger) != len(pathway.ReleaseTables) || math.Abs(ledger-rel.Epsilon) > 1e-9 {
		t.Errorf("the ledger has %d tables spending %v, want %d spending %v", len(rel.Ledger), ledger, len(pathway.ReleaseTables), rel.Epsilon)
	}

	for name, tab := range rel.Tables {
		t.Run(name, func(t *testing.T) {
			n := 0
			count := func(what string, c release.Count) {
				n++
				checkCount(t, what, k, c)
			}
			sum := func(what string, total release.Total, parts []release.Count) {
				count(what, total.Count)
				checkSum(t, what, k, total.Count, parts)
				if total.Margin95 < tab.Margin95 {
					t.Errorf("%s: margin %d is below one cell's %d", what, total.Margin95, tab.Margin95)
				}
			}
			for _, c := range tab.Cells {
				count("cell "+c.Rung.String(), c.Count)
			}
			if tab.Total != nil {
				sum("total", *tab.Total, rungCounts(tab.Cells))
			}
			for _, r := range tab.Rows {
				for _, c := range r.Cells {
					count(r.Program+" "+c.Rung.String(), c.Count)
				}
				sum(r.Program+" total", r.Total, rungCounts(r.Cells))
			}
			if len(tab.Transitions) > 0 {
				var up, down, stayed, entered []release.Count
				var from, to [5][]release.Count
				var all []release.Count
				for _, tr := range tab.Transitions {
					count(fmt.Sprintf("from %v to %s", tr.From, tr.To), tr.Count)
					all = append(all, tr.Count)
					to[tr.To-1] = append(to[tr.To-1], tr.Count)
					switch {
					case tr.From == nil:
						entered = append(entered, tr.Count)
						continue
					case tr.To > *tr.From:
						up = append(up, tr.Count)
					case tr.To < *tr.From:
						down = append(down, tr.Count)
					default:
						stayed = append(stayed, tr.Count)
					}
					from[*tr.From-1] = append(from[*tr.From-1], tr.Count)
				}
				sum("up", *tab.Up, up)
				sum("down", *tab.Down, down)
				sum("stayed", *tab.Stayed, stayed)
				sum("entered", *tab.Entered, entered)
				var before []release.Count
				for i, c := range tab.Previous.Cells {
					count("before "+c.Rung.String(), c.Count)
					checkSum(t, "before "+c.Rung.String(), k, c.Count, from[i])
					before = append(before, from[i]...)
				}
				sum("before, in all", tab.Previous.Total, before)
				for i, c := range tab.Current.Cells {
					count("at the end "+c.Rung.String(), c.Count)
					checkSum(t, "at the end "+c.Rung.String(), k, c.Count, to[i])
				}
				sum("at the end, in all", tab.Current.Total, all)
			}
			for _, b := range tab.Bodies {
				count(b.Name+" seats filled", b.SeatsFilled)
				count(b.Name+" speakers", b.SpeakersInPeriod)
			}
			for _, c := range tab.Capacities {
				var scores []release.Count
				for _, s := range c.Scores {
					count(fmt.Sprintf("%s score %d", c.Capacity, s.Score), s.Count)
					scores = append(scores, s.Count)
				}
				sum(string(c.Capacity)+" checked in", c.Total, scores)
			}
			if n == 0 {
				t.Errorf("%s: no count was checked", name)
			}
		})
	}

	// The CSV of every table carries the same counts with their margin,
	// method and ε.
	for _, name := range []string{"distribution", "distribution/programs", "movement", "roles", "capacity"} {
		t.Run(name+" as CSV", func(t *testing.T) {
			res := e.as(pathway.RoleLeadership, "GET", path("/reports/%s?period=%s&format=csv", name, p.Label), nil).must(t, 200)
			rows, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			header := []string{"period", "section", "group", "item", "count", "fewer_than_k", "margin_95", "epsilon", "release_epsilon", "method"}
			if diff := cmp.Diff(header, rows[0]); diff != "" {
				t.Fatalf("CSV header (-want +got):\n%s", diff)
			}
			table := name
			if name == "capacity" {
				table = pathway.TableCapacitySelf
			}
			tab := rel.Tables[table]
			if len(rows) < 2 && name != "roles" {
				t.Fatalf("the CSV has no counts:\n%s", res.Body)
			}
			for _, r := range rows[1:] {
				if r[0] != p.Label {
					t.Errorf("row %v: period %q", r, r[0])
				}
				switch {
				case r[4] == "" && r[5] != "true", r[4] != "" && r[5] != "false":
					t.Errorf("row %v: count %q with fewer_than_k %q", r, r[4], r[5])
				case r[4] != "":
					if n, err := strconv.Atoi(r[4]); err != nil || n < 0 || (n < k && !strings.HasPrefix(r[3], "talks to ")) {
						t.Errorf("row %v: count %q is not a whole number of at least k = %d", r, r[4], k)
					}
				}
				if m, err := strconv.Atoi(r[6]); err != nil || m < tab.Margin95 {
					t.Errorf("row %v: margin_95 %q, want at least the table's %d", r, r[6], tab.Margin95)
				}
				// A rung before the period sums the 5 transitions from it, a
				// rung at the end the 6 into it: their error is that of a sum.
				if sums := map[string]int{"before the period": 5, "at the end": 6}[r[2]]; name == "movement" && sums > 0 && r[3] != "total" {
					want := release.SumMargin95(sums, release.Scale(1, 1, tab.Epsilon))
					if m, _ := strconv.Atoi(r[6]); m != want {
						t.Errorf("row %v: margin_95 %q, but a sum of %d noised transitions has a margin of %d", r, r[6], sums, want)
					}
				}
				if eps, err := strconv.ParseFloat(r[7], 64); err != nil || math.Abs(eps-tab.Epsilon) > 1e-9 {
					t.Errorf("row %v: epsilon %q, want the table's %v", r, r[7], tab.Epsilon)
				}
				if eps, err := strconv.ParseFloat(r[8], 64); err != nil || eps != rel.Epsilon {
					t.Errorf("row %v: release_epsilon %q, want %v", r, r[8], rel.Epsilon)
				}
				if r[9] != release.Method {
					t.Errorf("row %v: method %q", r, r[9])
				}
			}
		})
	}
}

func TestReleasesAreNoisedButCloseToTheTruth(t *testing.T) {
	shares := [5]int{80, 50, 40, 20, 10}
	var csvs [2]string
	var dists [2]release.Distribution
	var truth pathway.RungCounts
	for i := range csvs {
		e := newEnv(t)
		truth = e.population(200, shares)
		p := e.lastMonth()
		e.publish(p.Label)
		var b strings.Builder
		for _, name := range []string{"distribution", "distribution/programs", "movement", "roles", "capacity", "capacity?perspective=staff"} {
			sep := "?"
			if strings.Contains(name, "?") {
				sep = "&"
			}
			b.Write(e.as(pathway.RoleLeadership, "GET", path("/reports/%s%speriod=%s&format=csv", name, sep, p.Label), nil).must(t, 200).Body)
		}
		csvs[i] = b.String()
		e.as(pathway.RoleLeadership, "GET", path("/reports/distribution?period=%s", p.Label), nil).must(t, 200).decode(t, &dists[i])
	}
	// The CSVs hold no publication time, so two releases of the same data
	// can differ only by their noise.
	if csvs[0] == csvs[1] {
		t.Errorf("two releases of the same 200 people in two databases are identical; is there any noise?\n%s", csvs[0])
	}
	// Each shown count is near the truth: more than five margins of 95 %
	// away happens with a chance of about 20⁻⁵ a cell.
	for i, d := range dists {
		for j, c := range d.Cells {
			if c.Count.Count == nil {
				// Hidden although five margins above k: a chance of 20⁻⁵.
				if truth[j] >= d.MinCellSize+5*d.Margin95 {
					t.Errorf("release %d: %s reads fewer than k, but %d people stand there", i, c.Rung, truth[j])
				}
				continue
			}
			if diff := math.Abs(float64(*c.Count.Count - truth[j])); diff > 5*float64(d.Margin95) {
				t.Errorf("release %d: %s shows %d, %d people stand there: off by more than five margins of %d", i, c.Rung, *c.Count.Count, truth[j], d.Margin95)
			}
		}
		if got := d.Total.Count.Count; got == nil || math.Abs(float64(*got-truth.Sum())) > 5*float64(d.Total.Margin95) {
			t.Errorf("release %d: total %+v, truth %d, margin %d", i, d.Total, truth.Sum(), d.Total.Margin95)
		}
	}
}

// TestNoLiveCountOfPeopleReachesLeadership reads everything leadership may
// read, changes who is followed, where they stand and what they hold
// today, and reads it all again: nothing may have moved, or the difference
// of two reads would tell leadership about a person.
func TestNoLiveCountOfPeopleReachesLeadership(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Housing circle", pathway.Follower)
	board := e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board", "seats": 5})
	var people []pathway.Participant
	for i := range 12 {
		people = append(people, e.participant(fmt.Sprintf("CMS-L%02d", i), fmt.Sprintf("Live %02d", i), prog))
	}
	p := e.lastMonth()
	e.publish(p.Label)

	concrete := map[string]string{
		"/api/v1/programs/:id":     path("/programs/%d", prog),
		"/api/v1/releases/:period": path("/releases/%s", p.Label),
	}
	var addresses []string
	for key, callers := range accessMatrix {
		method, route, _ := strings.Cut(key, " ")
		if method != "GET" || !slices.Contains(callers, byLeadership) {
			continue
		}
		a, ok := concrete[route]
		if !ok {
			if strings.Contains(route, ":") {
				t.Fatalf("no address to read %s at", route)
			}
			a = route
		}
		if strings.HasPrefix(route, "/api/v1/reports/") && route != "/api/v1/reports/ladder" {
			a += "?period=" + p.Label
		}
		addresses = append(addresses, a)
	}
	slices.Sort(addresses)
	read := func() map[string]string {
		out := map[string]string{}
		for _, a := range addresses {
			out[a] = string(e.as(pathway.RoleLeadership, "GET", a, nil).must(t, 200).Body)
		}
		return out
	}
	before := read()

	e.participant("CMS-L-NEW", "Arrived today", prog)
	e.addRole(board.ID, people[0].ID, "Member", e.on(0), "")
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", people[1].ID), map[string]any{"rung": "leader", "effective_on": e.on(0)}).must(t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", people[2].ID), nil).must(t, 204)
	e.as(pathway.RoleStaff, "PATCH", path("/participants/%d", people[3].ID), map[string]any{"program_ids": []int64{}}).must(t, 200)

	if diff := cmp.Diff(before, read()); diff != "" {
		t.Errorf("what leadership reads moved with today's changes (-before +after):\n%s", diff)
	}
	if len(addresses) < 10 {
		t.Errorf("only %d addresses were read: %v", len(addresses), addresses)
	}
}

// TestPublishesAtOnceCannotSlipPastTheRules sends publishes together: the
// store checks "already published" and the budget in the transaction that
// writes, so exactly one of a period's publishes wins, and two periods of
// one year cannot both fit a budget that holds one.
func TestPublishesAtOnceCannotSlipPastTheRules(t *testing.T) {
	e := newEnv(t).withConfig(app.Config{MinCellSize: 11, ReleaseEpsilon: 1, PrivacyBudget: 1.5, ReleaseAfterDays: 10})
	for i := range 15 {
		e.participant(fmt.Sprintf("CMS-C%02d", i), fmt.Sprintf("Concurrent %02d", i))
	}
	year := e.today.Time().Year() - 1
	race := func(labels ...string) []int {
		codes := make([]int, len(labels))
		var wg sync.WaitGroup
		for i, label := range labels {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = e.as(pathway.RoleAdmin, "POST", path("/releases"), map[string]any{"period": label}).Code
			}()
		}
		wg.Wait()
		slices.Sort(codes)
		return codes
	}
	y := strconv.Itoa(year)
	if diff := cmp.Diff([]int{201, 409, 409, 409}, race(y, y, y, y)); diff != "" {
		t.Errorf("four publishes of %s at once (-want +got):\n%s", y, diff)
	}
	prev := strconv.Itoa(year - 1)
	if diff := cmp.Diff([]int{201, 422}, race(prev+"-Q1", prev+"-Q2")); diff != "" {
		t.Errorf("two releases of %s at once with room for one (-want +got):\n%s", prev, diff)
	}
	l := e.releases()
	if len(l.Items) != 2 {
		t.Errorf("stored releases %+v, want two", l.Items)
	}
	for _, b := range l.Budgets {
		if b.Spent > b.Limit {
			t.Errorf("%d spent %v of %v", b.Year, b.Spent, b.Limit)
		}
	}
}
