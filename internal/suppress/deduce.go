package suppress

import "math/big"

// deduction is what a reader learns by adding and subtracting lines: the
// lines row-reduced with exact arithmetic so that every row either solves for
// one unknown cell, its pivot, which appears in no other row, or mentions
// known cells only.
type deduction struct {
	unknown []bool             // cells the reader cannot see
	rows    []map[int]*big.Rat // coefficient of every cell, known or unknown, that a row still mentions
	pivot   []int              // unknown cell that each row solves for, or -1 for a row of known cells only
}

// deduce row-reduces lines, taking pivots only among the cells marked unknown.
func deduce(lines []Line, unknown []bool) deduction {
	d := deduction{
		unknown: unknown,
		rows:    make([]map[int]*big.Rat, len(lines)),
		pivot:   make([]int, len(lines)),
	}
	for i, l := range lines {
		row := make(map[int]*big.Rat, len(l.Parts)+1)
		for _, p := range l.Parts {
			row[p] = big.NewRat(1, 1)
		}
		row[l.Total] = big.NewRat(-1, 1)
		d.rows[i] = row
	}
	for i, row := range d.rows {
		p := -1
		for c := range row {
			if unknown[c] && (p < 0 || c < p) {
				p = c
			}
		}
		d.pivot[i] = p
		if p < 0 {
			continue
		}
		inv := new(big.Rat).Inv(row[p])
		for _, v := range row {
			v.Mul(v, inv)
		}
		for j, other := range d.rows {
			if f, ok := other[p]; ok && j != i {
				subtract(other, new(big.Rat).Set(f), row)
			}
		}
	}
	return d
}

// subtract sets dst to dst - f*src, dropping cells whose coefficient becomes zero.
func subtract(dst map[int]*big.Rat, f *big.Rat, src map[int]*big.Rat) {
	for c, v := range src {
		fv := new(big.Rat).Mul(f, v)
		old, ok := dst[c]
		if !ok {
			dst[c] = fv.Neg(fv)
			continue
		}
		if old.Sub(old, fv).Sign() == 0 {
			delete(dst, c)
		}
	}
}

// solved returns the row that fixes the value of an unknown target cell,
// choosing the lowest such cell, or -1 if every unknown target can still vary.
//
// An unknown cell is fixed exactly when it is the pivot of a row that mentions
// no other unknown cell: that row gives its value from known cells alone. Any
// other pivot shares its row with a cell that is free to move, and a cell
// that is no pivot is itself free to move.
func (d deduction) solved(target []bool) int {
	best := -1
	for i, p := range d.pivot {
		if p < 0 || !target[p] || best >= 0 && p > d.pivot[best] || d.mentionsOtherUnknown(i) {
			continue
		}
		best = i
	}
	return best
}

// mentionsOtherUnknown reports whether row i involves an unknown cell besides its pivot.
func (d deduction) mentionsOtherUnknown(i int) bool {
	for c := range d.rows[i] {
		if d.unknown[c] && c != d.pivot[i] {
			return true
		}
	}
	return false
}

// cover returns the shown cell to hide so that row i stops fixing its pivot,
// preferring cells that lose least; if no single cell does that, it returns
// the shown cell with the smallest nonzero count that row i mentions, which
// does not free the pivot yet but takes one step towards it.
//
// Hiding cell c frees the pivot of row i when row i mentions c, so the pivot
// then depends on a cell that can vary, and no row of known cells mentions c,
// which would fix c and with it the pivot. Row i always mentions a shown cell
// with a nonzero count: it holds for the true counts, its pivot is nonzero,
// and every other cell it mentions is shown or a hidden zero.
func (d deduction) cover(counts []int, hidden []bool, i int) int {
	free, fixed := -1, -1
	for c := range d.rows[i] {
		switch {
		case hidden[c] || counts[c] == 0:
		case d.fixes(c):
			if fixed < 0 || better(counts, c, fixed) {
				fixed = c
			}
		case free < 0 || better(counts, c, free):
			free = c
		}
	}
	if free < 0 {
		return fixed
	}
	return free
}

// fixes reports whether a row of known cells only mentions cell c.
func (d deduction) fixes(c int) bool {
	for i, row := range d.rows {
		if _, ok := row[c]; ok && d.pivot[i] < 0 {
			return true
		}
	}
	return false
}
