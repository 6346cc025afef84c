package suppress_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"pathway/internal/suppress"
	"pathway/internal/suppress/attack"
)

// randomCounts returns n counts from a distribution chosen at random, several of which are dominated by small values.
func randomCounts(rng *rand.Rand, n int) []int {
	kind := rng.IntN(5)
	out := make([]int, n)
	for i := range out {
		switch kind {
		case 0: // mostly below a typical k
			out[i] = rng.IntN(15)
		case 1: // many zeros among mid-sized counts
			if rng.IntN(3) > 0 {
				out[i] = rng.IntN(200)
			}
		case 2: // long tail, most of it small
			out[i] = int(rng.ExpFloat64() * 8)
		case 3: // large counts with an occasional small one
			out[i] = 20 + rng.IntN(1000)
			if rng.IntN(8) == 0 {
				out[i] = 1 + rng.IntN(5)
			}
		default: // anything up to a few hundred
			out[i] = rng.IntN(300)
		}
	}
	return out
}

// randomNested returns a table of a few base counts and lines whose totals
// are new cells that later lines may use as parts, so cells can sit in many
// lines and lines can overlap arbitrarily.
func randomNested(rng *rand.Rand) suppress.Table {
	counts := randomCounts(rng, 2+rng.IntN(5))
	var lines []suppress.Line
	for range 1 + rng.IntN(5) {
		n := len(counts)
		parts := rng.Perm(n)[:1+rng.IntN(min(n, 4))]
		sum := 0
		for _, p := range parts {
			sum += counts[p]
		}
		counts = append(counts, sum)
		lines = append(lines, suppress.Line{Parts: parts, Total: n})
	}
	return suppress.Table{Counts: counts, Lines: lines}
}

// randomTable returns a random vector, grid or nested table, sometimes with forced cells or a caller population, and a random k.
func randomTable(rng *rand.Rand, maxRows, maxCols int) (int, suppress.Table) {
	var tab suppress.Table
	switch rng.IntN(3) {
	case 0:
		tab = suppress.Vector(randomCounts(rng, 1+rng.IntN(12)))
	case 1:
		rows := make([][]int, 1+rng.IntN(maxRows))
		cols := 1 + rng.IntN(maxCols)
		for r := range rows {
			rows[r] = randomCounts(rng, cols)
		}
		tab = suppress.Grid(rows)
	default:
		tab = randomNested(rng)
	}
	if rng.IntN(3) == 0 {
		for range 1 + rng.IntN(3) {
			tab.Forced = append(tab.Forced, rng.IntN(len(tab.Counts)))
		}
	}
	if rng.IntN(10) == 0 {
		tab.Population = rng.IntN(20)
	}
	k := suppress.DefaultMinCellSize
	if rng.IntN(2) == 0 {
		k = 2 + rng.IntN(14)
	}
	return k, tab
}

// assertRules fails t unless r obeys the primary, forced, population and line rules for k and tab, checked independently of Check.
func assertRules(t *testing.T, k int, tab suppress.Table, r suppress.Result) {
	t.Helper()
	if len(r.Suppressed) != len(tab.Counts) {
		t.Fatalf("result has %d cells, table has %d", len(r.Suppressed), len(tab.Counts))
	}
	all := !slices.Contains(r.Suppressed, false)
	if (r.Reason != "") != all {
		t.Errorf("reason %q does not match hiding every cell (%v)", r.Reason, all)
	}
	if tab.Population > 0 && tab.Population < k {
		if r.Reason != suppress.ReasonSmallPopulation || !all {
			t.Errorf("population %d < k=%d: got reason %q, hidden %v", tab.Population, k, r.Reason, r.Suppressed)
		}
		return
	}
	for i, c := range tab.Counts {
		if c >= 1 && c < k && !r.Suppressed[i] {
			t.Errorf("(a) k=%d: cell %d with count %d is shown", k, i, c)
		}
	}
	for _, i := range tab.Forced {
		if !r.Suppressed[i] {
			t.Errorf("(d) forced cell %d is shown", i)
		}
	}
	for li, l := range tab.Lines {
		parts, sum := 0, 0
		for _, p := range l.Parts {
			if r.Suppressed[p] {
				parts++
				sum += tab.Counts[p]
			}
		}
		hidden := parts
		if r.Suppressed[l.Total] {
			hidden++
		}
		if hidden == 1 {
			t.Errorf("(b) line %d %v has exactly one hidden cell in %v", li, l, r.Suppressed)
		}
		if !r.Suppressed[l.Total] && parts > 0 && sum < k {
			t.Errorf("(c) k=%d: line %d %v shows its total and hides parts adding up to %d", k, li, l, sum)
		}
	}
}

func TestApplyProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		k, tab := randomTable(rng, 8, 8)
		before := cloneTable(tab)
		r, err := suppress.Apply(k, tab)
		if err != nil {
			t.Fatalf("case %d: Apply(%d, %+v): %v", i, k, tab, err)
		}
		assertRules(t, k, tab, r)
		if err := suppress.Check(k, tab, r); err != nil {
			t.Errorf("case %d: Check: %v", i, err)
		}
		again, err := suppress.Apply(k, before)
		if err != nil || !slices.Equal(again.Suppressed, r.Suppressed) || again.Reason != r.Reason {
			t.Errorf("(e) case %d: Apply is not deterministic: %v then %v (%v)", i, r, again, err)
		}
		if t.Failed() {
			t.Fatalf("case %d: k=%d table %+v result %v", i, k, tab, r.Suppressed)
		}
	}
}

func TestApplyHidesNothingWithoutCause(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		k, tab := randomTable(rng, 8, 8)
		tab.Forced = nil
		tab.Population = 0
		small := slices.ContainsFunc(tab.Counts, func(c int) bool { return c > 0 && c < k })
		r, err := suppress.Apply(k, tab)
		if err != nil {
			t.Fatalf("case %d: Apply: %v", i, err)
		}
		if !small && slices.Contains(r.Suppressed, true) {
			t.Fatalf("case %d: k=%d table %+v has no small cell but hides %v", i, k, tab, r.Suppressed)
		}
	}
}

func TestReaderCannotPinProtectedCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 5000 {
		k, tab := randomTable(rng, 5, 5)
		r, err := suppress.Apply(k, tab)
		if err != nil {
			t.Fatalf("case %d: Apply: %v", i, err)
		}
		// The strongest reader the package defends against sees every shown
		// cell and guesses that hidden zeros are zero.
		known := make([]bool, len(tab.Counts))
		for c, h := range r.Suppressed {
			known[c] = !h || tab.Counts[c] == 0
		}
		lo, hi := attack.Bounds(tab, known)
		solved := attack.Solved(tab, known)
		protected := make([]bool, len(tab.Counts))
		for c, v := range tab.Counts {
			protected[c] = v > 0 && v < k
		}
		for _, c := range tab.Forced {
			protected[c] = tab.Counts[c] > 0
		}
		for c, v := range tab.Counts {
			if lo[c] > v || hi[c] < v {
				t.Fatalf("case %d: bounds [%d, %d] of cell %d exclude its count %d", i, lo[c], hi[c], c, v)
			}
			if !protected[c] {
				continue
			}
			if solved[c] {
				t.Fatalf("case %d: k=%d table %+v hidden %v: lines solve cell %d", i, k, tab, r.Suppressed, c)
			}
			if lo[c] == hi[c] {
				t.Fatalf("case %d: k=%d table %+v hidden %v: bounds pin cell %d to %d", i, k, tab, r.Suppressed, c, v)
			}
		}
	}
}

func TestAttacksCanSucceed(t *testing.T) {
	// The attacks must be able to succeed, or the test above proves nothing.
	tab := suppress.Vector([]int{3, 20, 30})
	// A reader who knows every cell but the first.
	allButFirst := hiddenAt(4, 1, 2, 3)
	if lo, hi := attack.Bounds(tab, allButFirst); lo[0] != 3 || hi[0] != 3 {
		t.Errorf("bounds of a lone hidden cell = [%d, %d], want [3, 3]", lo[0], hi[0])
	}
	if !attack.Solved(tab, allButFirst)[0] {
		t.Error("lines do not solve a lone hidden cell")
	}
	// The line rules hold in this pattern, yet the cell joining its two
	// blocks of hidden cells follows from combining lines.
	pattern := hiddenAt(g4.Len(), bridgedByLines...)
	assertRules(t, suppress.DefaultMinCellSize, bridged, suppress.Result{Suppressed: pattern})
	known := make([]bool, len(pattern))
	for c, hidden := range pattern {
		known[c] = !hidden
	}
	solved := attack.Solved(bridged, known)
	join := g4.Index(2, 1)
	for c, s := range solved {
		if s != (c == join) {
			t.Errorf("attack.Solved(cell %d) = %v, want %v", c, s, c == join)
		}
	}
}

func BenchmarkApply(b *testing.B) {
	for _, bc := range []struct {
		name       string
		rows, cols int
	}{
		{name: "6x6", rows: 6, cols: 6},
		{name: "200x6", rows: 200, cols: 6},
	} {
		rng := rand.New(rand.NewPCG(7, 8))
		rows := make([][]int, bc.rows)
		for r := range rows {
			rows[r] = make([]int, bc.cols)
			for c := range rows[r] {
				rows[r][c] = int(rng.ExpFloat64() * 30)
			}
		}
		tab := suppress.Grid(rows)
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := suppress.Apply(suppress.DefaultMinCellSize, tab); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
