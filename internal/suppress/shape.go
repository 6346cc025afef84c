package suppress

import "fmt"

// Vector returns a table of one row of counts followed by their total at index len(counts), with one line and Population set to the total.
func Vector(counts []int) Table {
	n := len(counts)
	cells := make([]int, n+1)
	copy(cells, counts)
	parts := make([]int, n)
	for i, c := range counts {
		parts[i] = i
		cells[n] += c
	}
	t := Table{Counts: cells, Population: cells[n]}
	t.Lines = appendLine(t.Lines, parts, n)
	return t
}

// GridLayout is the shape of a table built by Grid and maps grid positions to cell indices.
//
// The cells form a (Rows+1) x (Cols+1) matrix stored row by row: the data
// cells of row r are followed by that row's total, and after the last data
// row comes the row of column totals, ending with the grand total.
type GridLayout struct {
	Rows, Cols int
}

// Index returns the cell index of (row, col); col == Cols addresses a row total, row == Rows a column total, and (Rows, Cols) the grand total.
func (g GridLayout) Index(row, col int) int {
	return row*(g.Cols+1) + col
}

// Len returns the number of cells in a table with this layout, totals included.
func (g GridLayout) Len() int {
	return (g.Rows + 1) * (g.Cols + 1)
}

// Grid returns a table of the rows with row totals, column totals and a grand total laid out as GridLayout{Rows: len(rows), Cols: len(rows[0])}, and Population set to the grand total.
//
// Its lines are, in order: each row to its row total, each column to its
// column total, the row totals to the grand total, and the column totals to
// the grand total. Lines without parts, which only an empty grid has, are
// left out. Grid panics if the rows differ in length.
func Grid(rows [][]int) Table {
	g := GridLayout{Rows: len(rows)}
	if g.Rows > 0 {
		g.Cols = len(rows[0])
	}
	cells := make([]int, g.Len())
	for r, row := range rows {
		if len(row) != g.Cols {
			panic(fmt.Sprintf("suppress: grid row %d has %d cells, row 0 has %d", r, len(row), g.Cols))
		}
		for c, v := range row {
			cells[g.Index(r, c)] = v
			cells[g.Index(r, g.Cols)] += v
			cells[g.Index(g.Rows, c)] += v
			cells[g.Index(g.Rows, g.Cols)] += v
		}
	}
	var lines []Line
	for r := range g.Rows {
		lines = appendLine(lines, g.span(r, 0, 0, 1, g.Cols), g.Index(r, g.Cols))
	}
	for c := range g.Cols {
		lines = appendLine(lines, g.span(0, c, 1, 0, g.Rows), g.Index(g.Rows, c))
	}
	grand := g.Index(g.Rows, g.Cols)
	lines = appendLine(lines, g.span(0, g.Cols, 1, 0, g.Rows), grand)
	lines = appendLine(lines, g.span(g.Rows, 0, 0, 1, g.Cols), grand)
	return Table{Counts: cells, Lines: lines, Population: cells[grand]}
}

// span returns the indices of n cells starting at (row, col) and stepping by (dRow, dCol).
func (g GridLayout) span(row, col, dRow, dCol, n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = g.Index(row+i*dRow, col+i*dCol)
	}
	return idx
}

// appendLine appends the line from parts to total unless it has no parts.
func appendLine(lines []Line, parts []int, total int) []Line {
	if len(parts) == 0 {
		return lines
	}
	return append(lines, Line{Parts: parts, Total: total})
}
