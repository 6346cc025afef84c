package report_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"pathway/internal/pathway"
	"pathway/internal/report"
	"pathway/internal/suppress"
	"pathway/internal/suppress/attack"
)

// The reports under test cover period "2026-05", read on today, and the
// previous period "2026-04", whose as-of day is the day before the period.
var (
	today  = pathway.NewDate(2026, 5, 20)
	before = pathway.NewDate(2026, 4, 30)
)

const (
	period     = "2026-05"
	prevPeriod = "2026-04"
)

// person is one participant of a made-up population: their rung the day
// before the period (0: they arrived during it), at its end, and the
// programs (indices) they are enrolled in.
type person struct {
	from, to pathway.Rung
	programs []int
}

// population is a fake pathway.ReportStore over a list of people.
type population struct {
	people   []person
	programs []pathway.Program
}

var _ pathway.ReportStore = (*population)(nil)

func (p *population) Today() pathway.Date { return today }

// rungOn returns a person's rung on day, 0 when not followed then.
func (p *population) rungOn(x person, day pathway.Date) (pathway.Rung, error) {
	switch day {
	case today:
		return x.to, nil
	case before:
		return x.from, nil
	}
	return 0, fmt.Errorf("fake store: no data for %s", day)
}

func (p *population) RungCountsOn(_ context.Context, day pathway.Date, programID int64) (pathway.RungCounts, error) {
	var c pathway.RungCounts
	for _, x := range p.people {
		r, err := p.rungOn(x, day)
		if err != nil {
			return c, err
		}
		if r != 0 && (programID == 0 || slices.ContainsFunc(x.programs, func(i int) bool { return p.programs[i].ID == programID })) {
			c.Add(r)
		}
	}
	return c, nil
}

func (p *population) ProgramCountsOn(_ context.Context, day pathway.Date) (*pathway.ProgramCounts, error) {
	pc := &pathway.ProgramCounts{Programs: p.programs, ByProgram: map[int64]pathway.RungCounts{}}
	for _, x := range p.people {
		r, err := p.rungOn(x, day)
		if err != nil {
			return nil, err
		}
		if r == 0 {
			continue
		}
		pc.All.Add(r)
		if len(x.programs) == 0 {
			pc.None.Add(r)
		}
		for _, i := range x.programs {
			c := pc.ByProgram[p.programs[i].ID]
			c.Add(r)
			pc.ByProgram[p.programs[i].ID] = c
		}
	}
	return pc, nil
}

func (p *population) Movement(_ context.Context, start, end pathway.Date) (*pathway.MovementCounts, error) {
	if start.AddDays(-1) != before || end != today {
		return nil, fmt.Errorf("fake store: no movement from %s to %s", start, end)
	}
	mc := &pathway.MovementCounts{}
	for _, x := range p.people {
		if x.from == 0 {
			mc.Entered.Add(x.to)
		} else {
			mc.From[x.from-1].Add(x.to)
		}
		if x.to < x.from {
			mc.BelowPeak++
		}
	}
	return mc, nil
}

func (p *population) BodyCountsIn(context.Context, pathway.Date, pathway.Date) ([]pathway.BodyCounts, error) {
	return nil, nil
}

func (p *population) CapacityCountsOn(context.Context, pathway.Date, pathway.Perspective) ([]pathway.CapacityCounts, error) {
	return nil, nil
}

// randomPopulation makes a population whose rungs, moves and programs are
// skewed at random, so that small cells turn up in every report.
func randomPopulation(rng *rand.Rand) *population {
	p := &population{}
	for i := range rng.IntN(5) {
		p.programs = append(p.programs, pathway.Program{ID: int64(10 + i), Name: fmt.Sprintf("Program %d", i)})
	}
	var size int
	switch rng.IntN(4) {
	case 0:
		size = rng.IntN(25)
	case 1:
		size = 20 + rng.IntN(60)
	default:
		size = rng.IntN(250)
	}
	weights := func() []int {
		w := make([]int, 5)
		for i := range w {
			if rng.IntN(3) > 0 {
				w[i] = rng.IntN(10)
			}
		}
		w[rng.IntN(5)]++
		return w
	}
	pick := func(w []int) pathway.Rung {
		sum := 0
		for _, v := range w {
			sum += v
		}
		n := rng.IntN(sum)
		for i, v := range w {
			if n < v {
				return pathway.Rung(i + 1)
			}
			n -= v
		}
		panic("unreachable")
	}
	start, end := weights(), weights()
	entered, stay := rng.IntN(40), 30+rng.IntN(70)
	progWeight := make([]int, len(p.programs))
	for i := range progWeight {
		progWeight[i] = rng.IntN(10)
	}
	for range size {
		x := person{to: pick(end)}
		if rng.IntN(100) >= entered {
			x.from = pick(start)
			if rng.IntN(100) < stay {
				x.to = x.from
			}
		}
		for i, w := range progWeight {
			if rng.IntN(12) < w {
				x.programs = append(x.programs, i)
			}
		}
		p.people = append(p.people, x)
	}
	return p
}

// published is what a reader can fetch about one period.
type published struct {
	current, previous *report.Distribution
	programs          *report.ProgramDistribution
	byProgram         []*report.Distribution // one per program, in the order of programs.Rows
	movement          *report.Movement
}

func fetch(t *testing.T, s *report.Service, pop *population) published {
	t.Helper()
	ctx := context.Background()
	var pub published
	var err error
	if pub.current, err = s.Distribution(ctx, period, 0); err != nil {
		t.Fatalf("distribution: %v", err)
	}
	if pub.previous, err = s.Distribution(ctx, prevPeriod, 0); err != nil {
		t.Fatalf("previous distribution: %v", err)
	}
	if pub.programs, err = s.DistributionByProgram(ctx, period); err != nil {
		t.Fatalf("distribution by program: %v", err)
	}
	for _, prog := range pop.programs {
		d, err := s.Distribution(ctx, period, prog.ID)
		if err != nil {
			t.Fatalf("distribution of program %d: %v", prog.ID, err)
		}
		pub.byProgram = append(pub.byProgram, d)
	}
	if pub.movement, err = s.Movement(ctx, period); err != nil {
		t.Fatalf("movement: %v", err)
	}
	return pub
}

// truth is the raw counts behind one period's reports.
type truth struct {
	grid [6][5]int // people by rung before (row 5: arrived) and at the end
	rows [][6]int  // people per rung and in all, per program then in no program
}

func truthOf(pop *population) truth {
	var tr truth
	tr.rows = make([][6]int, len(pop.programs)+1)
	for _, x := range pop.people {
		from := 5
		if x.from != 0 {
			from = int(x.from) - 1
		}
		to := int(x.to) - 1
		tr.grid[from][to]++
		rows := x.programs
		if len(rows) == 0 {
			rows = []int{len(pop.programs)}
		}
		for _, i := range rows {
			tr.rows[i][to]++
			tr.rows[i][5]++
		}
	}
	return tr
}

// The combined view lays cells out as the movement report does (a 6x5
// grid with its margins, then the previous total, up, down and stayed),
// followed by the program rows, six cells each. The cells the reports
// share are one cell here: the current distribution is the grid's column
// totals, the previous one its first five row totals.
var mg = suppress.GridLayout{Rows: 6, Cols: 5}

const (
	prevTotal = 42 + iota
	upCell
	downCell
	stayedCell
	programBase
)

// curCell is rung j (j == 5: the total) of the current distribution.
func curCell(j int) int { return mg.Index(6, j) }

// prevCell is rung i (i == 5: the total) of the previous distribution.
func prevCell(i int) int {
	if i == 5 {
		return prevTotal
	}
	return mg.Index(i, 5)
}

// combinedTable returns every count a reader of the four reports could
// relate, and every relation the reports themselves declare. A report that
// shows nothing but the totals it shares (blank) declares no relation of
// its own: a reader learns nothing from it that the distributions do not
// say, so its lines are left out and only the distributions' lines remain.
// A program column of nobody (a shown total of zero) is left out too: every
// reader knows each of its cells is zero, so hiding one protects nothing.
func combinedTable(tr truth, movementBlank, programsBlank bool) suppress.Table {
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
		prevParts = append(prevParts, mg.Index(i, 5))
		for j := range 5 {
			idx, v := mg.Index(i, j), tr.grid[i][j]
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
	t.Lines = append(t.Lines, suppress.Line{Parts: prevParts, Total: prevTotal})
	if movementBlank {
		curParts := []int{curCell(0), curCell(1), curCell(2), curCell(3), curCell(4)}
		t.Lines = append(t.Lines, suppress.Line{Parts: curParts, Total: curCell(5)})
	} else {
		t.Lines = append(t.Lines,
			suppress.Line{Parts: upParts, Total: upCell},
			suppress.Line{Parts: downParts, Total: downCell},
			suppress.Line{Parts: stayParts, Total: stayedCell},
			suppress.Line{Parts: []int{upCell, downCell, stayedCell}, Total: prevTotal},
			suppress.Line{Parts: []int{prevTotal, mg.Index(5, 5)}, Total: curCell(5)},
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
	for j := range 6 {
		if programsBlank {
			break
		}
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

// reporter is where checks report problems: a test, or a collector.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// collector gathers problems instead of failing a test.
type collector struct{ msgs []string }

func (c *collector) Helper() {}

func (c *collector) Errorf(format string, args ...any) {
	c.msgs = append(c.msgs, fmt.Sprintf(format, args...))
}

// view collects what the reports publish of each cell of the combined
// table, and fails on any cell two reports publish differently.
type view struct {
	t      *testing.T
	shown  []*int
	hidden []bool
	seen   []string // which report published the cell first
}

func (v *view) see(cell int, c report.Count, where string) {
	v.t.Helper()
	if c.Suppressed != (c.Count == nil) {
		v.t.Errorf("%s: count %v with suppressed %v", where, c.Count, c.Suppressed)
	}
	if v.seen[cell] == "" {
		v.seen[cell], v.shown[cell], v.hidden[cell] = where, c.Count, c.Suppressed
		return
	}
	same := v.hidden[cell] == c.Suppressed && (c.Count == nil) == (v.shown[cell] == nil) && (c.Count == nil || *c.Count == *v.shown[cell])
	if !same {
		v.t.Errorf("(b) %s publishes %s, but %s publishes %s", where, show(c), v.seen[cell], show(report.Count{Count: v.shown[cell], Suppressed: v.hidden[cell]}))
	}
}

func show(c report.Count) string {
	if c.Count == nil {
		return fmt.Sprintf("hidden(%v)", c.Suppressed)
	}
	return fmt.Sprint(*c.Count)
}

func (v *view) rungs(first func(int) int, cells []report.RungCell, total report.Count, where string) {
	v.t.Helper()
	if len(cells) != 5 {
		v.t.Fatalf("%s has %d rung cells", where, len(cells))
	}
	for j, c := range cells {
		if c.Rung != pathway.Rungs[j] {
			v.t.Errorf("%s cell %d is rung %s, want ladder order", where, j, c.Rung)
		}
		v.see(first(j), c.Count, fmt.Sprintf("%s %s", where, c.Rung))
	}
	v.see(first(5), total, where+" total")
}

// collect reads every published cell into the combined layout.
func collect(t *testing.T, pub published, nRows int) *view {
	t.Helper()
	n := programBase + 6*nRows
	v := &view{t: t, shown: make([]*int, n), hidden: make([]bool, n), seen: make([]string, n)}
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
			d := pub.byProgram[i]
			v.rungs(at, d.Cells, d.Total, fmt.Sprintf("distribution of program %d", *d.ProgramID))
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
			t.Fatalf("movement transition %d is %v -> %s, out of order", k, tr.From, tr.To)
		}
		v.see(mg.Index(i, j), tr.Count, fmt.Sprintf("movement %v->%s", tr.From, tr.To))
	}
	v.see(mg.Index(5, 5), m.Entered, "movement entered")
	v.see(upCell, m.Up, "movement up")
	v.see(downCell, m.Down, "movement down")
	v.see(stayedCell, m.Stayed, "movement stayed")
	return v
}

// checkCombined asserts (a) every shown count is the true one, (b) every
// shared cell is published alike (done while collecting), (c) every line
// obeys the complementary suppression rules, and (d) no reader combining
// the reports can work out a protected count, by linear arithmetic or by
// bounding cells with the lines and non-negativity.
func checkCombined(t reporter, k int, tr truth, pub published, v *view) {
	t.Helper()
	tab := combinedTable(tr, movementBlank(pub.movement), programsBlank(pub.programs))
	for i, c := range tab.Counts {
		if v.seen[i] == "" {
			t.Errorf("cell %d is in no report", i)
			return
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
			t.Errorf("check: %v", err)
			return
		}
		t.Errorf("(c) the reports together break a suppression rule: %v", err)
	}
	// The strongest reader sees every shown cell and guesses hidden zeros.
	known := make([]bool, len(tab.Counts))
	for i, h := range v.hidden {
		known[i] = !h || tab.Counts[i] == 0
	}
	lo, hi := attack.Bounds(tab, known)
	solved := attack.Solved(tab, known)
	for i, c := range tab.Counts {
		if lo[i] > c || hi[i] < c {
			t.Errorf("bounds [%d, %d] of %s exclude its count %d", lo[i], hi[i], v.seen[i], c)
			return
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

// movementBlank reports whether the movement report shows nothing but the
// totals of the two distributions, and says why.
func movementBlank(m *report.Movement) bool {
	if m.Reason == nil {
		return false
	}
	for _, c := range append([]report.Count{m.Up, m.Down, m.Stayed, m.Entered}, transitionCounts(m)...) {
		if !c.Suppressed {
			return false
		}
	}
	return true
}

func transitionCounts(m *report.Movement) []report.Count {
	var out []report.Count
	for _, tr := range m.Transitions {
		out = append(out, tr.Count)
	}
	return out
}

// programsBlank reports whether the by-program report shows nothing but
// its totals row, and says why.
func programsBlank(p *report.ProgramDistribution) bool {
	if p.Reason == nil {
		return false
	}
	for _, row := range p.Rows {
		for _, c := range row.Cells {
			if !c.Suppressed {
				return false
			}
		}
		if !row.Total.Suppressed {
			return false
		}
	}
	return true
}

// checkWholeReports asserts what each report promises on its own: a
// population under k is hidden whole with a reason, as is a program row
// under k, and counts that stand alone are hidden from 1 to k-1.
func checkWholeReports(t *testing.T, k int, pop *population, tr truth, pub published) {
	t.Helper()
	wholeHidden := func(where string, reason *string, cells []report.RungCell, total report.Count) {
		t.Helper()
		if reason == nil {
			t.Errorf("%s: fewer than k=%d people, but no reason", where, k)
		}
		for _, c := range cells {
			if !c.Suppressed {
				t.Errorf("%s: population under k=%d shows %s %s", where, k, c.Rung, show(c.Count))
			}
		}
		if !total.Suppressed {
			t.Errorf("%s: population under k=%d shows its total", where, k)
		}
	}
	cur, prev := 0, 0
	for _, x := range pop.people {
		cur++
		if x.from != 0 {
			prev++
		}
	}
	if cur > 0 && cur < k {
		wholeHidden("distribution", pub.current.Reason, pub.current.Cells, pub.current.Total)
		wholeHidden("by-program totals", pub.programs.Reason, pub.programs.Totals.Cells, pub.programs.Totals.Total)
	}
	if prev > 0 && prev < k {
		wholeHidden("previous distribution", pub.previous.Reason, pub.previous.Cells, pub.previous.Total)
	}
	for i, row := range pub.programs.Rows {
		if n := tr.rows[i][5]; n > 0 && n < k {
			wholeHidden("by-program row "+row.Program, row.Reason, row.Cells, row.Total)
			if i < len(pub.byProgram) {
				d := pub.byProgram[i]
				wholeHidden(fmt.Sprintf("distribution of program %d", *d.ProgramID), d.Reason, d.Cells, d.Total)
			}
		}
	}
	below := 0
	for _, x := range pop.people {
		if x.to < x.from {
			below++
		}
	}
	if c := pub.movement.BelowHighest; below > 0 && below < k && !c.Suppressed {
		t.Errorf("below highest rung reached shows %d, under k=%d", below, k)
	}
}

// randomCase draws a population and a minimum cell size.
func randomCase(rng *rand.Rand) (*population, int) {
	pop := randomPopulation(rng)
	k := suppress.DefaultMinCellSize
	if rng.IntN(2) == 0 {
		k = 2 + rng.IntN(14)
	}
	return pop, k
}

// TestReportsStayConsistentOverRandomPopulations fetches the distribution
// of a period and of the one before, the distribution by program, each
// program's distribution and the movement report over many made-up
// populations, and holds every shared cell, line and attack to the rules.
func TestReportsStayConsistentOverRandomPopulations(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2026))
	cases := 1000
	if testing.Short() {
		cases = 200
	}
	var hidden, blankMovement, blankPrograms, arrivals int
	for i := range cases {
		pop, k := randomCase(rng)
		t.Run(fmt.Sprintf("case%d", i), func(t *testing.T) {
			s := &report.Service{Store: pop, K: k}
			pub := fetch(t, s, pop)
			tr := truthOf(pop)
			v := collect(t, pub, len(pop.programs)+1)
			checkCombined(t, k, tr, pub, v)
			checkWholeReports(t, k, pop, tr, pub)
			if t.Failed() {
				t.Fatalf("k=%d people=%d programs=%d grid=%v rows=%v", k, len(pop.people), len(pop.programs), tr.grid, tr.rows)
			}
			if slices.Contains(v.hidden, true) {
				hidden++
			}
			if movementBlank(pub.movement) && !pub.current.Total.Suppressed {
				blankMovement++
			}
			if arrivalsRevealed(k, tr, pub) {
				arrivals++
			}
			if programsBlank(pub.programs) && !pub.current.Total.Suppressed {
				blankPrograms++
			}
		})
	}
	t.Logf("%d populations: %d with hidden cells; %d movement and %d by-program reports show only the shared totals", cases, hidden, blankMovement, blankPrograms)
	t.Logf("in %d populations, fewer than k arrivals (hidden in movement) follow from the two distributions' shown totals", arrivals)
}

// arrivalsRevealed reports the one relation the checks above leave out: the
// people who arrived during a period are the current total less the
// previous one, so when both distributions show their totals, a count of
// arrivals from 1 to k-1 is known however the movement report hides it.
// Hiding it for real would mean hiding a total in one of two distribution
// reports according to the other, across every pair of periods; the
// movement report instead shows nothing the distributions do not already
// show (see applyConsistent), and the tests count these cases.
func arrivalsRevealed(k int, tr truth, pub published) bool {
	n := 0
	for _, v := range tr.grid[5] {
		n += v
	}
	return n > 0 && n < k && !pub.current.Total.Suppressed && !pub.previous.Total.Suppressed
}

// TestReportAttackerCatchesRevealedComplements shows the checks above can fail:
// publishing the complements the reports hide, while still hiding every
// small count, lets the attacker pin small counts, and the checks say so.
func TestReportAttackerCatchesRevealedComplements(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2026))
	var mutated, caught, pinned int
	for range 300 {
		pop, k := randomCase(rng)
		s := &report.Service{Store: pop, K: k}
		pub := fetch(t, s, pop)
		tr := truthOf(pop)
		v := collect(t, pub, len(pop.programs)+1)
		tab := combinedTable(tr, movementBlank(pub.movement), programsBlank(pub.programs))
		revealed := false
		for i, c := range tab.Counts {
			if v.hidden[i] && c >= k {
				v.hidden[i], v.shown[i], revealed = false, &c, true
			}
		}
		if !revealed {
			continue
		}
		mutated++
		var got collector
		checkCombined(&got, k, tr, pub, v)
		if len(got.msgs) > 0 {
			caught++
		}
		if slices.ContainsFunc(got.msgs, func(m string) bool { return len(m) > 3 && m[:3] == "(d)" }) {
			pinned++
		}
	}
	t.Logf("revealed complements in %d publications: caught %d, pinned %d", mutated, caught, pinned)
	if mutated < 50 || caught < mutated/2 || pinned == 0 {
		t.Errorf("of %d publications with their complements revealed, the checks caught %d and the attacker pinned a count in %d", mutated, caught, pinned)
	}
}
