// Package attack is a reader trying to undo suppression: from the cells a
// report shows and the lines relating them, it works out what it can of the
// hidden ones. Tests, the suppress package's own among them, use it to prove
// reports protect what they hide.
package attack

import (
	"math/big"

	"pathway/internal/suppress"
)

// Unbounded stands for a bound a reader cannot establish.
const Unbounded = 1 << 40

// Bounds returns the interval a reader can prove each cell lies in from the
// known cells, non-negativity and the lines, tightened until nothing changes.
func Bounds(tab suppress.Table, known []bool) (lo, hi []int) {
	n := len(tab.Counts)
	lo, hi = make([]int, n), make([]int, n)
	for i, c := range tab.Counts {
		if known[i] {
			lo[i], hi[i] = c, c
		} else {
			hi[i] = Unbounded
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

// Solved reports which unknown cells the lines, read as linear
// equations, fix exactly: those whose unit vector is a row of the reduced
// row echelon form of the lines restricted to the unknown cells.
func Solved(tab suppress.Table, known []bool) []bool {
	var cells []int
	col := make([]int, len(known))
	for i, k := range known {
		if !k {
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
			if !known[p] {
				row[col[p]].SetInt64(1)
			}
		}
		if !known[l.Total] {
			row[col[l.Total]].SetInt64(-1)
		}
		m = append(m, row)
	}
	r := 0
	for c := 0; c < len(cells) && r < len(m); c++ {
		p := r
		for p < len(m) && m[p][c].Sign() == 0 {
			p++
		}
		if p == len(m) {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][c])
		for j := range cells {
			m[r][j].Mul(m[r][j], inv)
		}
		for i := range m {
			if i != r && m[i][c].Sign() != 0 {
				f := new(big.Rat).Set(m[i][c])
				for j := range cells {
					m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[r][j]))
				}
			}
		}
		r++
	}
	solved := make([]bool, len(known))
	for _, row := range m {
		only := -1
		for c, v := range row {
			if v.Sign() != 0 {
				if only >= 0 {
					only = -2
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
