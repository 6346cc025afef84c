// Package suppress decides which cells of an anonymised aggregate report to
// hide so that no reader can learn a small count of people.
//
// A report is a Table: a flat slice of counts, totals included, and the Lines
// that relate them. A Line says that some part cells add up to a total cell,
// as a row of a table adds up to its row total. Lines matter because a reader
// who knows a total and all but one of its parts can subtract to recover the
// hidden part.
//
// For a minimum cell size k, Apply guarantees:
//
//   - Primary suppression: every count from 1 to k-1 is hidden. Zero is not
//     small: it is hidden only as a forced cell or when a line rule needs it.
//   - Forced cells, which the caller lists to stay consistent with other
//     reports, are hidden like primary cells.
//   - Complementary suppression, line by line: in every line the number of
//     hidden cells among the parts and the total is 0 or at least 2, so no
//     single line pins a hidden value; and in every line whose total is
//     shown, the hidden parts are either none or add up to at least k, so a
//     reader learns no more than a sum that is itself large enough to
//     publish. Hidden parts that add up to 0 do not count as protection,
//     because a reader who sees the total knows they are all zero.
//   - Complementary suppression across lines: no cell that needs protection,
//     a count from 1 to k-1 or a forced cell with a nonzero count, can be
//     worked out exactly by adding and subtracting lines and using that counts
//     are never negative, even by a reader who somehow knew which hidden cells
//     are zero. Hidden zeros are therefore never relied on as complements.
//   - Whole population: when the table describes between 1 and k-1 people,
//     every cell is hidden and the result carries ReasonSmallPopulation.
//
// The cross-line rule matters for grids: a pattern can obey both line rules
// and still expose a cell, for instance one hidden cell that joins two
// otherwise separate blocks of hidden cells is the difference of sums of shown
// totals. Complements themselves may still be worked out; that gives nothing
// away, since each of them could have been published, and any deduction that
// would expose a protected cell through them is caught by the cross-line
// rule. When protection ends up hiding every cell, the result carries
// ReasonNoSafeCell.
//
// Only declared lines are enforced. Some totals are not the sum of their
// parts: in a table of participants per rung for every program, a person
// enrolled in two programs counts in both program rows, so a totals row of
// distinct people is smaller than the sum of the program rows. Such a relation
// must not be declared as a Line, and Apply protects the table only against
// the arithmetic of the lines that are declared.
package suppress

import (
	"errors"
	"fmt"
	"slices"
)

// DefaultMinCellSize is the minimum cell size for reports with no reason to choose another.
const DefaultMinCellSize = 11

// ReasonSmallPopulation explains a result that hides every cell because the table describes fewer than k people.
const ReasonSmallPopulation = "population below minimum cell size"

// ReasonNoSafeCell explains a result that hides every cell because showing any of them would expose a protected count.
const ReasonNoSafeCell = "no cell can be shown without exposing a protected count"

var (
	// ErrInvalid reports a minimum cell size, table or result that cannot be worked with.
	ErrInvalid = errors.New("invalid input")
	// ErrDisclosure reports a result that breaks a suppression rule and so lets a reader learn a protected value.
	ErrDisclosure = errors.New("result discloses a protected value")
)

// Line says that the cells Parts add up to the cell Total (an index into the same cell slice).
//
// Parts must be distinct, non-empty and must not contain Total. Declare a
// Line only when the total really is the sum of the parts.
type Line struct {
	Parts []int
	Total int
}

// Table is a set of counts and the relations between them that a reader could use to recover a hidden value.
type Table struct {
	// Counts holds every published count, including totals; all are >= 0.
	Counts []int
	// Lines lists the additive relations between cells that must not give away a hidden value.
	Lines []Line
	// Forced lists indices of cells that must be hidden, for example because
	// the same cell is hidden in another report; it may be nil.
	Forced []int
	// Population is the number of distinct people the table describes; when it
	// is between 1 and k-1 every cell is hidden. Zero disables the rule, which
	// is also right for an empty population because an all-zero table hides
	// nothing. Vector and Grid set it to their grand total; for a table whose
	// totals count people more than once, set it to the count of distinct people.
	Population int
}

// Result says which cells are hidden.
type Result struct {
	// Suppressed has one entry per cell of the table; true means hidden.
	Suppressed []bool
	// Reason is non-empty when the whole table is hidden and says why.
	Reason string
}

// AllSuppressed returns a result for n cells that hides every one of them for the given reason.
func AllSuppressed(n int, reason string) Result {
	hidden := make([]bool, n)
	for i := range hidden {
		hidden[i] = true
	}
	return Result{Suppressed: hidden, Reason: reason}
}

// Apply returns which cells of t to suppress for minimum cell size k. It returns an error for k < 2, negative counts, out-of-range indices, or a line whose parts do not add up to its total.
//
// Cells from 1 to k-1 and forced cells are hidden first. Then, until no line
// changes, every line that breaks a line rule gains one hidden cell at a time:
// its shown part with the smallest nonzero count, ties going to the lower
// index, or its total if no such part is left. Next, if combining lines still
// fixes a protected cell, the lowest such cell is freed by hiding the shown
// cell with the smallest nonzero count that breaks the deduction, or, when no
// single cell does, the smallest shown count the deduction uses; then the line
// rules are enforced again, until nothing changes. Every result is verified
// with the same rules as Check before it is returned.
func Apply(k int, t Table) (Result, error) {
	if err := validate(k, t); err != nil {
		return Result{}, fmt.Errorf("apply: %w", err)
	}
	var r Result
	if t.Population > 0 && t.Population < k {
		r = AllSuppressed(len(t.Counts), ReasonSmallPopulation)
	} else {
		r = protect(k, t)
	}
	if err := audit(k, t, r); err != nil {
		return Result{}, fmt.Errorf("apply: %w", err)
	}
	return r, nil
}

// Check returns an error wrapping ErrDisclosure if r breaks a rule of the package for t and k, or ErrInvalid if the inputs are malformed.
func Check(k int, t Table, r Result) error {
	if err := validate(k, t); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if err := audit(k, t, r); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	return nil
}

// protect hides primary and forced cells, then adds complements until every
// line is safe and no protected cell can be worked out by combining lines.
//
// Every round hides at least one more cell, so it ends, at the latest with
// every cell hidden, which protects every nonzero cell: with nothing shown,
// all-zero counts fit every line as well as the real ones, so no combination
// of lines can fix a nonzero value.
func protect(k int, t Table) Result {
	targets := sensitive(k, t)
	hidden := slices.Clone(targets)
	for _, i := range t.Forced {
		hidden[i] = true
	}
	for {
		secureLines(k, t, hidden)
		d := deduce(t.Lines, unknowns(t.Counts, hidden))
		row := d.solved(targets)
		if row < 0 {
			break
		}
		hidden[d.cover(t.Counts, hidden, row)] = true
	}
	if everyCell(hidden) {
		return Result{Suppressed: hidden, Reason: ReasonNoSafeCell}
	}
	return Result{Suppressed: hidden}
}

// secureLines adds complements to hidden until every line of t obeys both line rules.
//
// Each complement is a cell not hidden before, so the loop ends after at most
// len(t.Counts) additions; complement always finds a cell because a line with
// every cell hidden is safe.
func secureLines(k int, t Table, hidden []bool) {
	for changed := true; changed; {
		changed = false
		for _, l := range t.Lines {
			for e := expose(t.Counts, hidden, l); !e.safe(k); e = expose(t.Counts, hidden, l) {
				hidden[complement(t.Counts, hidden, l)] = true
				changed = true
			}
		}
	}
}

// complement returns the next cell to hide in an unsafe line: the shown part
// with the smallest nonzero count, ties to the lower index; else the total if
// it is shown; else the shown zero part with the lowest index, which only a
// line of zeros under a forced total needs. Zeros come last because a hidden
// zero protects nothing: it adds nothing to a hidden sum, and a reader may
// guess it.
func complement(counts []int, hidden []bool, l Line) int {
	best, zero := -1, -1
	for _, p := range l.Parts {
		switch {
		case hidden[p]:
		case counts[p] == 0:
			if zero < 0 || p < zero {
				zero = p
			}
		case best < 0 || better(counts, p, best):
			best = p
		}
	}
	switch {
	case best >= 0:
		return best
	case !hidden[l.Total]:
		return l.Total
	default:
		return zero
	}
}

// better reports whether hiding cell a loses less than hiding cell b: smaller counts first, then lower indices.
func better(counts []int, a, b int) bool {
	if counts[a] != counts[b] {
		return counts[a] < counts[b]
	}
	return a < b
}

// everyCell reports whether hidden hides at least one cell and no cell is shown.
func everyCell(hidden []bool) bool {
	return len(hidden) > 0 && !slices.Contains(hidden, false)
}

// sensitive returns which cells need protection from deduction: counts from 1 to k-1 and forced cells with a nonzero count.
func sensitive(k int, t Table) []bool {
	s := make([]bool, len(t.Counts))
	for i, c := range t.Counts {
		s[i] = c > 0 && c < k
	}
	for _, i := range t.Forced {
		s[i] = t.Counts[i] > 0
	}
	return s
}

// unknowns returns which cells a cautious reader cannot see: the hidden cells with a nonzero count.
func unknowns(counts []int, hidden []bool) []bool {
	u := make([]bool, len(counts))
	for i, h := range hidden {
		u[i] = h && counts[i] > 0
	}
	return u
}

// exposure is what a reader can see of one line.
type exposure struct {
	hidden      int  // hidden cells among the parts and the total
	hiddenParts int  // hidden cells among the parts
	hiddenSum   int  // sum of the hidden parts
	totalShown  bool // whether the total is published
}

// expose summarises line l under the hiding pattern hidden.
func expose(counts []int, hidden []bool, l Line) exposure {
	e := exposure{totalShown: !hidden[l.Total]}
	for _, p := range l.Parts {
		if hidden[p] {
			e.hiddenParts++
			e.hiddenSum += counts[p]
		}
	}
	e.hidden = e.hiddenParts
	if !e.totalShown {
		e.hidden++
	}
	return e
}

// pinned reports whether the line alone gives away the one hidden cell in it.
func (e exposure) pinned() bool { return e.hidden == 1 }

// smallSum reports whether a reader who sees the total learns that the hidden parts add up to less than k.
func (e exposure) smallSum(k int) bool {
	return e.totalShown && e.hiddenParts > 0 && e.hiddenSum < k
}

// safe reports whether the line obeys both complementary suppression rules.
func (e exposure) safe(k int) bool { return !e.pinned() && !e.smallSum(k) }

// validate checks that k and t are well formed.
func validate(k int, t Table) error {
	if k < 2 {
		return fmt.Errorf("%w: minimum cell size %d is below 2", ErrInvalid, k)
	}
	if t.Population < 0 {
		return fmt.Errorf("%w: population %d is negative", ErrInvalid, t.Population)
	}
	n := len(t.Counts)
	for i, c := range t.Counts {
		if c < 0 {
			return fmt.Errorf("%w: cell %d has negative count %d", ErrInvalid, i, c)
		}
	}
	for _, i := range t.Forced {
		if i < 0 || i >= n {
			return fmt.Errorf("%w: forced cell %d is out of range [0, %d)", ErrInvalid, i, n)
		}
	}
	seen := make([]int, n) // seen[p] == li+1 when line li already lists part p
	for li, l := range t.Lines {
		if l.Total < 0 || l.Total >= n {
			return fmt.Errorf("%w: line %d total %d is out of range [0, %d)", ErrInvalid, li, l.Total, n)
		}
		if len(l.Parts) == 0 {
			return fmt.Errorf("%w: line %d has no parts", ErrInvalid, li)
		}
		sum := 0
		for _, p := range l.Parts {
			switch {
			case p < 0 || p >= n:
				return fmt.Errorf("%w: line %d part %d is out of range [0, %d)", ErrInvalid, li, p, n)
			case p == l.Total:
				return fmt.Errorf("%w: line %d lists its total %d as a part", ErrInvalid, li, p)
			case seen[p] == li+1:
				return fmt.Errorf("%w: line %d lists part %d twice", ErrInvalid, li, p)
			}
			seen[p] = li + 1
			sum += t.Counts[p]
		}
		if sum != t.Counts[l.Total] {
			return fmt.Errorf("%w: line %d parts add up to %d, not its total %d", ErrInvalid, li, sum, t.Counts[l.Total])
		}
	}
	return nil
}

// audit checks r against every rule of the package for a valid k and t.
func audit(k int, t Table, r Result) error {
	if len(r.Suppressed) != len(t.Counts) {
		return fmt.Errorf("%w: result has %d cells, table has %d", ErrInvalid, len(r.Suppressed), len(t.Counts))
	}
	small := t.Population > 0 && t.Population < k
	if small && r.Reason != ReasonSmallPopulation {
		return fmt.Errorf("%w: population %d is below %d but the reason is %q", ErrDisclosure, t.Population, k, r.Reason)
	}
	if small || r.Reason != "" {
		if i := slices.Index(r.Suppressed, false); i >= 0 {
			return fmt.Errorf("%w: cell %d is shown although the whole table is suppressed (%s)", ErrDisclosure, i, r.Reason)
		}
	}
	if r.Reason == "" && everyCell(r.Suppressed) {
		return fmt.Errorf("%w: every cell is hidden but the result gives no reason", ErrInvalid)
	}
	for i, c := range t.Counts {
		if c > 0 && c < k && !r.Suppressed[i] {
			return fmt.Errorf("%w: cell %d shows count %d below %d", ErrDisclosure, i, c, k)
		}
	}
	for _, i := range t.Forced {
		if !r.Suppressed[i] {
			return fmt.Errorf("%w: forced cell %d is shown", ErrDisclosure, i)
		}
	}
	for li, l := range t.Lines {
		e := expose(t.Counts, r.Suppressed, l)
		if e.pinned() {
			return fmt.Errorf("%w: line %d has exactly one hidden cell", ErrDisclosure, li)
		}
		if e.smallSum(k) {
			return fmt.Errorf("%w: line %d shows its total while its hidden parts add up to %d, below %d", ErrDisclosure, li, e.hiddenSum, k)
		}
	}
	d := deduce(t.Lines, unknowns(t.Counts, r.Suppressed))
	if row := d.solved(sensitive(k, t)); row >= 0 {
		return fmt.Errorf("%w: protected cell %d follows from combining lines", ErrDisclosure, d.pivot[row])
	}
	return nil
}
