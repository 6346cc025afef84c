package suppress_test

import (
	"errors"
	"slices"
	"testing"

	"pathway/internal/suppress"
)

// hiddenAt returns a pattern of n cells with the given indices hidden.
func hiddenAt(n int, idx ...int) []bool {
	h := make([]bool, n)
	for _, i := range idx {
		h[i] = true
	}
	return h
}

// withForced returns t with the given cells forced.
func withForced(t suppress.Table, idx ...int) suppress.Table {
	t.Forced = idx
	return t
}

// withPopulation returns t with its population replaced.
func withPopulation(t suppress.Table, p int) suppress.Table {
	t.Population = p
	return t
}

// g4, bridged and bridgedByLines are a 4x4 grid whose line rules alone
// leave its cell (2, 1), a count of 1, open to a reader who combines lines.
var (
	g4      = suppress.GridLayout{Rows: 4, Cols: 4}
	bridged = suppress.Grid([][]int{
		{35, 49, 26, 53},
		{51, 8, 67, 42},
		{34, 1, 10, 58},
		{1, 53, 10, 65},
	})
	bridgedByLines = []int{
		g4.Index(0, 1), g4.Index(0, 3),
		g4.Index(1, 1), g4.Index(1, 3),
		g4.Index(2, 0), g4.Index(2, 1), g4.Index(2, 2),
		g4.Index(3, 0), g4.Index(3, 2),
	}
)

func TestApplyExamples(t *testing.T) {
	g3 := suppress.GridLayout{Rows: 3, Cols: 3}
	tests := []struct {
		name   string
		k      int
		table  suppress.Table
		want   []bool
		reason string
	}{
		{
			name:  "one small cell takes the smallest other cell as complement",
			k:     11,
			table: suppress.Vector([]int{5, 20, 30}),
			want:  hiddenAt(4, 0, 1),
		},
		{
			name:  "complements must bring the hidden sum up to k",
			k:     11,
			table: suppress.Vector([]int{3, 4, 50, 60}),
			want:  hiddenAt(5, 0, 1, 2),
		},
		{
			name:  "hidden sum that already reaches k needs no complement",
			k:     11,
			table: suppress.Vector([]int{5, 8, 50}),
			want:  hiddenAt(4, 0, 1),
		},
		{
			name:  "all zero table hides nothing",
			k:     11,
			table: suppress.Vector([]int{0, 0, 0}),
			want:  hiddenAt(4),
		},
		{
			name:  "zeros are never primary suppressed",
			k:     11,
			table: suppress.Vector([]int{0, 15, 0, 20}),
			want:  hiddenAt(5),
		},
		{
			name:   "population below k hides everything",
			k:      11,
			table:  suppress.Vector([]int{2, 3, 0}),
			want:   hiddenAt(4, 0, 1, 2, 3),
			reason: suppress.ReasonSmallPopulation,
		},
		{
			name:   "caller population below k hides a table whose totals are large",
			k:      11,
			table:  withPopulation(suppress.Vector([]int{40, 50}), 7),
			want:   hiddenAt(3, 0, 1, 2),
			reason: suppress.ReasonSmallPopulation,
		},
		{
			name:  "population of exactly k is published",
			k:     11,
			table: suppress.Vector([]int{0, 11}),
			want:  hiddenAt(3),
		},
		{
			name:  "forced cell is hidden with a complement",
			k:     11,
			table: withForced(suppress.Vector([]int{20, 30, 40}), 1),
			want:  hiddenAt(4, 0, 1),
		},
		{
			name:  "forced cell among zeros hides the total, not a zero",
			k:     11,
			table: withForced(suppress.Vector([]int{0, 20}), 1),
			want:  hiddenAt(3, 1, 2),
		},
		{
			name:  "forced total over zeros needs a zero part",
			k:     11,
			table: withForced(suppress.Vector([]int{0, 0}), 2),
			want:  hiddenAt(3, 0, 2),
		},
		{
			name:  "forced total takes the smallest part as complement",
			k:     11,
			table: withForced(suppress.Vector([]int{20, 30, 40}), 3),
			want:  hiddenAt(4, 0, 3),
		},
		{
			name:  "forced zero under a zero total hides the total",
			k:     11,
			table: withForced(suppress.Vector([]int{0, 0}), 0),
			want:  hiddenAt(3, 0, 2),
		},
		{
			name:  "smaller k publishes more",
			k:     3,
			table: suppress.Vector([]int{2, 3, 50}),
			want:  hiddenAt(4, 0, 1),
		},
		{
			name:  "ties go to the lower index",
			k:     11,
			table: suppress.Vector([]int{30, 3, 30}),
			want:  hiddenAt(4, 0, 1),
		},
		{
			name: "single-part line hides its total with its part",
			k:    11,
			table: suppress.Table{
				Counts: []int{4, 4},
				Lines:  []suppress.Line{{Parts: []int{0}, Total: 1}},
			},
			want:   hiddenAt(2, 0, 1),
			reason: suppress.ReasonNoSafeCell,
		},
		{
			name: "single-part line with a forced part hides its total",
			k:    11,
			table: suppress.Table{
				Counts: []int{40, 40},
				Lines:  []suppress.Line{{Parts: []int{0}, Total: 1}},
				Forced: []int{0},
			},
			want:   hiddenAt(2, 0, 1),
			reason: suppress.ReasonNoSafeCell,
		},
		{
			name:   "lone small cell without lines",
			k:      11,
			table:  suppress.Table{Counts: []int{5}},
			want:   hiddenAt(1, 0),
			reason: suppress.ReasonNoSafeCell,
		},
		{
			name: "copied total takes more than one extra cell",
			k:    11,
			// Cell 1 repeats the forced cell 0, cell 2 is their sum and cell
			// 3 repeats it, so a reader who sees 2 or 3 halves it. No single
			// cell breaks that: hiding 2 leaves it equal to the shown 3, so 2
			// is hidden first and the line rule then hides 3 as well.
			table: suppress.Table{
				Counts: []int{20, 20, 40, 40},
				Lines: []suppress.Line{
					{Parts: []int{0}, Total: 1},
					{Parts: []int{0, 1}, Total: 2},
					{Parts: []int{2}, Total: 3},
				},
				Forced: []int{0},
			},
			want:   hiddenAt(4, 0, 1, 2, 3),
			reason: suppress.ReasonNoSafeCell,
		},
		{
			name: "undeclared relation is not enforced",
			k:    11,
			// Two programs with 30 and 25 participants, 40 distinct people:
			// only each program row and its cells are related.
			table: suppress.Table{
				Counts: []int{5, 25, 30, 10, 15, 25, 40},
				Lines: []suppress.Line{
					{Parts: []int{0, 1}, Total: 2},
					{Parts: []int{3, 4}, Total: 5},
				},
				Population: 40,
			},
			want: hiddenAt(7, 0, 1, 3, 4),
		},
		{
			name: "complement in a row breaks columns until a fixed point",
			k:    11,
			// Row 0 hides 3 and its complement 20; the columns of those two
			// then take 30 and 25 from rows 1 and 2, which leaves each of
			// those rows with one hidden cell, so a second pass adds 40 and 45.
			table: suppress.Grid([][]int{
				{3, 20, 40},
				{30, 40, 50},
				{45, 25, 60},
			}),
			want: hiddenAt(g3.Len(),
				g3.Index(0, 0), g3.Index(0, 1),
				g3.Index(1, 0), g3.Index(1, 1),
				g3.Index(2, 0), g3.Index(2, 1)),
		},
		{
			name: "bridge between two blocks of hidden cells gets one more cell",
			k:    11,
			// The line rules alone hide rows 0-1 x columns 1,3 and rows 2-3 x
			// columns 0,2 plus the 1 at (2, 1), which joins the two blocks:
			// the hidden part of column 1 minus rows 0 and 1 plus column 3
			// gives it away. Hiding 26 at (0, 2) closes a loop through it.
			table: bridged,
			want:  hiddenAt(g4.Len(), append(slices.Clone(bridgedByLines), g4.Index(0, 2))...),
		},
		{
			name: "small row total hides a row and pulls in a column total",
			k:    11,
			table: suppress.Grid([][]int{
				{2, 3},
				{20, 30},
			}),
			// Row 0 and its total 5 are primary; columns 0 and 1 each take
			// their only other cell, and the row totals line, where 5 is then
			// alone, hides 50. The column totals and grand total stay shown.
			want: hiddenAt(suppress.GridLayout{Rows: 2, Cols: 2}.Len(), 0, 1, 2, 3, 4, 5),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := suppress.Apply(tt.k, tt.table)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if !slices.Equal(got.Suppressed, tt.want) {
				t.Errorf("Suppressed = %v, want %v", got.Suppressed, tt.want)
			}
			if got.Reason != tt.reason {
				t.Errorf("Reason = %q, want %q", got.Reason, tt.reason)
			}
			if err := suppress.Check(tt.k, tt.table, got); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestApplyDoesNotModifyTable(t *testing.T) {
	tab := withForced(suppress.Grid([][]int{{3, 20}, {40, 5}}), 1)
	before := cloneTable(tab)
	if _, err := suppress.Apply(suppress.DefaultMinCellSize, tab); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if !equalTables(tab, before) {
		t.Errorf("Apply changed its input: got %+v, want %+v", tab, before)
	}
}

func TestApplyRejectsInvalidInput(t *testing.T) {
	valid := suppress.Vector([]int{20, 30})
	tests := []struct {
		name  string
		k     int
		table suppress.Table
	}{
		{name: "k below 2", k: 1, table: valid},
		{name: "negative k", k: -5, table: valid},
		{name: "negative count", k: 11, table: suppress.Table{Counts: []int{-1, 3}}},
		{name: "negative population", k: 11, table: withPopulation(valid, -1)},
		{name: "forced index too large", k: 11, table: withForced(valid, 3)},
		{name: "forced index negative", k: 11, table: withForced(valid, -1)},
		{name: "line total out of range", k: 11, table: suppress.Table{Counts: []int{1, 1}, Lines: []suppress.Line{{Parts: []int{0}, Total: 2}}}},
		{name: "line part out of range", k: 11, table: suppress.Table{Counts: []int{1, 1}, Lines: []suppress.Line{{Parts: []int{-1}, Total: 1}}}},
		{name: "line without parts", k: 11, table: suppress.Table{Counts: []int{0}, Lines: []suppress.Line{{Total: 0}}}},
		{name: "line lists its total as a part", k: 11, table: suppress.Table{Counts: []int{0, 0}, Lines: []suppress.Line{{Parts: []int{0, 1}, Total: 1}}}},
		{name: "line lists a part twice", k: 11, table: suppress.Table{Counts: []int{2, 4}, Lines: []suppress.Line{{Parts: []int{0, 0}, Total: 1}}}},
		{name: "parts do not add up to total", k: 11, table: suppress.Table{Counts: []int{20, 30, 51}, Lines: []suppress.Line{{Parts: []int{0, 1}, Total: 2}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := suppress.Apply(tt.k, tt.table)
			if !errors.Is(err, suppress.ErrInvalid) {
				t.Errorf("Apply error = %v, want ErrInvalid", err)
			}
			err = suppress.Check(tt.k, tt.table, suppress.AllSuppressed(len(tt.table.Counts), ""))
			if !errors.Is(err, suppress.ErrInvalid) {
				t.Errorf("Check error = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestCheckRejectsViolations(t *testing.T) {
	v := suppress.Vector([]int{3, 20, 30}) // cells 3, 20, 30 and total 53 at index 3
	tests := []struct {
		name   string
		k      int
		table  suppress.Table
		result suppress.Result
		want   error
	}{
		{
			name:   "small cell shown",
			k:      11,
			table:  v,
			result: suppress.Result{Suppressed: hiddenAt(4, 1, 2)},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "one hidden cell in a line",
			k:      11,
			table:  suppress.Vector([]int{20, 30}),
			result: suppress.Result{Suppressed: hiddenAt(3, 0)},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "hidden total alone in a line",
			k:      11,
			table:  suppress.Vector([]int{20, 30}),
			result: suppress.Result{Suppressed: hiddenAt(3, 2)},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "hidden parts add up to less than k",
			k:      11,
			table:  suppress.Vector([]int{3, 4, 50, 60}),
			result: suppress.Result{Suppressed: hiddenAt(5, 0, 1)},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "hidden zero parts under a shown total",
			k:      11,
			table:  suppress.Vector([]int{0, 0, 30}),
			result: suppress.Result{Suppressed: hiddenAt(4, 0, 1)},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "protected cell worked out by combining lines",
			k:      11,
			table:  bridged,
			result: suppress.Result{Suppressed: hiddenAt(g4.Len(), bridgedByLines...)},
			want:   suppress.ErrDisclosure,
		},
		{
			name: "protected cell worked out once a hidden zero is guessed",
			k:    11,
			// 40 is hidden only alongside a 0, so a reader who guesses the
			// zero learns 40 and then the 5 from the first line.
			table: suppress.Table{
				Counts: []int{5, 0, 40, 45, 40},
				Lines: []suppress.Line{
					{Parts: []int{0, 2}, Total: 3},
					{Parts: []int{1, 2}, Total: 4},
				},
			},
			result: suppress.Result{Suppressed: hiddenAt(5, 0, 1, 2)},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "every cell hidden without a reason",
			k:      11,
			table:  v,
			result: suppress.AllSuppressed(4, ""),
			want:   suppress.ErrInvalid,
		},
		{
			name:   "forced cell shown",
			k:      11,
			table:  withForced(v, 2),
			result: suppress.Result{Suppressed: hiddenAt(4, 0, 1)},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "small population without reason",
			k:      11,
			table:  suppress.Vector([]int{2, 3}),
			result: suppress.AllSuppressed(3, ""),
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "small population partly shown",
			k:      11,
			table:  suppress.Vector([]int{2, 3}),
			result: suppress.Result{Suppressed: hiddenAt(3, 0, 1), Reason: suppress.ReasonSmallPopulation},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "reason without hiding everything",
			k:      11,
			table:  v,
			result: suppress.Result{Suppressed: hiddenAt(4, 0, 1), Reason: "held back"},
			want:   suppress.ErrDisclosure,
		},
		{
			name:   "result of the wrong length",
			k:      11,
			table:  v,
			result: suppress.Result{Suppressed: hiddenAt(3, 0, 1)},
			want:   suppress.ErrInvalid,
		},
		{
			name:   "safe result",
			k:      11,
			table:  v,
			result: suppress.Result{Suppressed: hiddenAt(4, 0, 1)},
		},
		{
			name:   "everything hidden is safe",
			k:      11,
			table:  v,
			result: suppress.AllSuppressed(4, "held back"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := suppress.Check(tt.k, tt.table, tt.result)
			if tt.want == nil && err != nil {
				t.Errorf("Check = %v, want nil", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Check = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVector(t *testing.T) {
	got := suppress.Vector([]int{4, 0, 7})
	want := suppress.Table{
		Counts:     []int{4, 0, 7, 11},
		Lines:      []suppress.Line{{Parts: []int{0, 1, 2}, Total: 3}},
		Population: 11,
	}
	if !equalTables(got, want) {
		t.Errorf("Vector = %+v, want %+v", got, want)
	}
	if empty := suppress.Vector(nil); !equalTables(empty, suppress.Table{Counts: []int{0}}) {
		t.Errorf("Vector(nil) = %+v, want one zero cell and no lines", empty)
	}
}

func TestGrid(t *testing.T) {
	got := suppress.Grid([][]int{
		{1, 2, 3},
		{4, 5, 6},
	})
	want := suppress.Table{
		Counts: []int{
			1, 2, 3, 6,
			4, 5, 6, 15,
			5, 7, 9, 21,
		},
		Lines: []suppress.Line{
			{Parts: []int{0, 1, 2}, Total: 3},
			{Parts: []int{4, 5, 6}, Total: 7},
			{Parts: []int{0, 4}, Total: 8},
			{Parts: []int{1, 5}, Total: 9},
			{Parts: []int{2, 6}, Total: 10},
			{Parts: []int{3, 7}, Total: 11},
			{Parts: []int{8, 9, 10}, Total: 11},
		},
		Population: 21,
	}
	if !equalTables(got, want) {
		t.Errorf("Grid = %+v, want %+v", got, want)
	}
	g := suppress.GridLayout{Rows: 2, Cols: 3}
	if g.Len() != len(want.Counts) {
		t.Errorf("Len = %d, want %d", g.Len(), len(want.Counts))
	}
	for _, c := range []struct{ row, col, want int }{
		{0, 0, 0}, {1, 2, 6}, {0, 3, 3}, {2, 1, 9}, {2, 3, 11},
	} {
		if got := g.Index(c.row, c.col); got != c.want {
			t.Errorf("Index(%d, %d) = %d, want %d", c.row, c.col, got, c.want)
		}
	}
}

func TestGridEdgeShapes(t *testing.T) {
	tests := []struct {
		name string
		rows [][]int
		want suppress.Table
	}{
		{name: "no rows", rows: nil, want: suppress.Table{Counts: []int{0}}},
		{
			name: "rows without columns",
			rows: [][]int{{}, {}},
			want: suppress.Table{Counts: []int{0, 0, 0}, Lines: []suppress.Line{{Parts: []int{0, 1}, Total: 2}}},
		},
		{
			name: "one row",
			rows: [][]int{{4, 9}},
			want: suppress.Table{
				Counts: []int{4, 9, 13, 4, 9, 13},
				Lines: []suppress.Line{
					{Parts: []int{0, 1}, Total: 2},
					{Parts: []int{0}, Total: 3},
					{Parts: []int{1}, Total: 4},
					{Parts: []int{2}, Total: 5},
					{Parts: []int{3, 4}, Total: 5},
				},
				Population: 13,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := suppress.Grid(tt.rows); !equalTables(got, tt.want) {
				t.Errorf("Grid = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestGridPanicsOnRaggedRows(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Grid did not panic on ragged rows")
		}
	}()
	suppress.Grid([][]int{{1, 2}, {3}})
}

// cloneTable returns a deep copy of t.
func cloneTable(t suppress.Table) suppress.Table {
	c := suppress.Table{
		Counts:     slices.Clone(t.Counts),
		Forced:     slices.Clone(t.Forced),
		Population: t.Population,
	}
	for _, l := range t.Lines {
		c.Lines = append(c.Lines, suppress.Line{Parts: slices.Clone(l.Parts), Total: l.Total})
	}
	return c
}

// equalTables reports whether a and b hold the same cells, lines, forced cells and population.
func equalTables(a, b suppress.Table) bool {
	return slices.Equal(a.Counts, b.Counts) &&
		slices.Equal(a.Forced, b.Forced) &&
		a.Population == b.Population &&
		slices.EqualFunc(a.Lines, b.Lines, func(x, y suppress.Line) bool {
			return x.Total == y.Total && slices.Equal(x.Parts, y.Parts)
		})
}
