package suppress

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
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
func randomNested(rng *rand.Rand) Table {
	counts := randomCounts(rng, 2+rng.IntN(5))
	var lines []Line
	for range 1 + rng.IntN(5) {
		n := len(counts)
		parts := rng.Perm(n)[:1+rng.IntN(min(n, 4))]
		sum := 0
		for _, p := range parts {
			sum += counts[p]
		}
		counts = append(counts, sum)
		lines = append(lines, Line{Parts: parts, Total: n})
	}
	return Table{Counts: counts, Lines: lines}
}

// randomTable returns a random vector, grid or nested table, sometimes with forced cells or a caller population, and a random k.
func randomTable(rng *rand.Rand, maxRows, maxCols int) (int, Table) {
	var tab Table
	switch rng.IntN(3) {
	case 0:
		tab = Vector(randomCounts(rng, 1+rng.IntN(12)))
	case 1:
		rows := make([][]int, 1+rng.IntN(maxRows))
		cols := 1 + rng.IntN(maxCols)
		for r := range rows {
			rows[r] = randomCounts(rng, cols)
		}
		tab = Grid(rows)
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
	k := DefaultMinCellSize
	if rng.IntN(2) == 0 {
		k = 2 + rng.IntN(14)
	}
	return k, tab
}

// assertRules fails t unless r obeys the primary, forced, population and line rules for k and tab, checked independently of Check.
func assertRules(t *testing.T, k int, tab Table, r Result) {
	t.Helper()
	if len(r.Suppressed) != len(tab.Counts) {
		t.Fatalf("result has %d cells, table has %d", len(r.Suppressed), len(tab.Counts))
	}
	all := !slices.Contains(r.Suppressed, false)
	if (r.Reason != "") != all {
		t.Errorf("reason %q does not match hiding every cell (%v)", r.Reason, all)
	}
	if tab.Population > 0 && tab.Population < k {
		if r.Reason != ReasonSmallPopulation || !all {
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
		r, err := Apply(k, tab)
		if err != nil {
			t.Fatalf("case %d: Apply(%d, %+v): %v", i, k, tab, err)
		}
		assertRules(t, k, tab, r)
		if err := Check(k, tab, r); err != nil {
			t.Errorf("case %d: Check: %v", i, err)
		}
		again, err := Apply(k, before)
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
		r, err := Apply(k, tab)
		if err != nil {
			t.Fatalf("case %d: Apply: %v", i, err)
		}
		if !small && slices.Contains(r.Suppressed, true) {
			t.Fatalf("case %d: k=%d table %+v has no small cell but hides %v", i, k, tab, r.Suppressed)
		}
	}
}

// unknown stands for a bound a reader cannot establish.
const unknown = 1 << 40

// readerBounds returns, for every cell, the interval a reader can prove it
// lies in from the known cells, nonnegativity and the lines, by propagating
// bounds through every line until nothing changes. Known cells are the shown
// ones and, for a reader who guesses them, the hidden zeros.
func readerBounds(tab Table, known []bool) (lo, hi []int) {
	n := len(tab.Counts)
	lo, hi = make([]int, n), make([]int, n)
	for i, c := range tab.Counts {
		if known[i] {
			lo[i], hi[i] = c, c
		} else {
			hi[i] = unknown
		}
	}
	for changed, pass := true, 0; changed && pass < 10000; pass++ {
		changed = false
		tighten := func(i, l, h int) {
			if l > lo[i] {
				lo[i], changed = l, true
			}
			if h < hi[i] {
				hi[i], changed = h, true
			}
		}
		for _, l := range tab.Lines {
			sumLo, sumHi := 0, 0
			for _, p := range l.Parts {
				sumLo += lo[p]
				sumHi += hi[p]
			}
			tighten(l.Total, sumLo, sumHi)
			for _, p := range l.Parts {
				tighten(p, lo[l.Total]-(sumHi-hi[p]), hi[l.Total]-(sumLo-lo[p]))
			}
		}
	}
	return lo, hi
}

// solvedByLines reports, for every cell, whether it is unknown and yet the
// lines, read as linear equations in the unknown cells, fix its value exactly.
// It works on a dense matrix, independently of the package's own reduction.
func solvedByLines(tab Table, unknown []bool) []bool {
	col := make([]int, len(tab.Counts))
	var cells []int // cells[c] is the cell behind unknown c
	for i, u := range unknown {
		if u {
			col[i] = len(cells)
			cells = append(cells, i)
		}
	}
	var m [][]*big.Rat
	for _, l := range tab.Lines {
		row := make([]*big.Rat, len(cells))
		for c := range row {
			row[c] = new(big.Rat)
		}
		for _, p := range l.Parts {
			if unknown[p] {
				row[col[p]].SetInt64(1)
			}
		}
		if unknown[l.Total] {
			row[col[l.Total]].SetInt64(-1)
		}
		m = append(m, row)
	}
	reduce(m, len(cells))
	// In reduced row echelon form a unit vector lies in the row space only
	// if it is one of the rows.
	solved := make([]bool, len(tab.Counts))
	for _, row := range m {
		only := -1
		for c, v := range row {
			if v.Sign() != 0 {
				if only >= 0 {
					only = -1
					break
				}
				only = c
			}
		}
		if only >= 0 {
			solved[cells[only]] = true
		}
	}
	return solved
}

// reduce brings m, with cols columns, to reduced row echelon form in place.
func reduce(m [][]*big.Rat, cols int) {
	r := 0
	for c := 0; c < cols && r < len(m); c++ {
		p := r
		for p < len(m) && m[p][c].Sign() == 0 {
			p++
		}
		if p == len(m) {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][c])
		for j := range cols {
			m[r][j].Mul(m[r][j], inv)
		}
		for i := range m {
			if i == r || m[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][c])
			for j := range cols {
				m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[r][j]))
			}
		}
		r++
	}
}

func TestReaderCannotPinProtectedCells(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 5000 {
		k, tab := randomTable(rng, 5, 5)
		r, err := Apply(k, tab)
		if err != nil {
			t.Fatalf("case %d: Apply: %v", i, err)
		}
		// The strongest reader the package defends against sees every shown
		// cell and guesses that hidden zeros are zero.
		known := make([]bool, len(tab.Counts))
		for c, h := range r.Suppressed {
			known[c] = !h || tab.Counts[c] == 0
		}
		unknownCells := make([]bool, len(known))
		for c, kn := range known {
			unknownCells[c] = !kn
		}
		lo, hi := readerBounds(tab, known)
		solved := solvedByLines(tab, unknownCells)
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
	tab := Vector([]int{3, 20, 30})
	lone := hiddenAt(4, 0)
	if lo, hi := readerBounds(tab, hiddenAt(4, 1, 2, 3)); lo[0] != 3 || hi[0] != 3 {
		t.Errorf("bounds of a lone hidden cell = [%d, %d], want [3, 3]", lo[0], hi[0])
	}
	if !solvedByLines(tab, lone)[0] {
		t.Error("lines do not solve a lone hidden cell")
	}
	// The line rules hold in this pattern, yet the cell joining its two
	// blocks of hidden cells follows from combining lines.
	pattern := hiddenAt(g4.Len(), bridgedByLines...)
	assertRules(t, DefaultMinCellSize, bridged, Result{Suppressed: pattern})
	solved := solvedByLines(bridged, pattern)
	join := g4.Index(2, 1)
	for c, s := range solved {
		if s != (c == join) {
			t.Errorf("solvedByLines(cell %d) = %v, want %v", c, s, c == join)
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
		tab := Grid(rows)
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Apply(DefaultMinCellSize, tab); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
