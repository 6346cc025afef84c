package suppress_test

import (
	"testing"

	"pathway/internal/suppress"
)

// decodeTable turns fuzz bytes into a k and a small vector or grid: byte 0
// picks k, byte 1 the shape, the next bytes the counts (mostly small) and any
// bytes left over the forced cells.
func decodeTable(data []byte) (int, suppress.Table, bool) {
	if len(data) < 2 {
		return 0, suppress.Table{}, false
	}
	k := 2 + int(data[0])%14
	shape := data[1]
	data = data[2:]
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		v := int(data[0])
		data = data[1:]
		if v >= 128 {
			return (v - 128) % 12
		}
		return v
	}
	var tab suppress.Table
	if shape&1 == 0 {
		counts := make([]int, 1+int(shape>>1)%10)
		for i := range counts {
			counts[i] = next()
		}
		tab = suppress.Vector(counts)
	} else {
		rows := make([][]int, 1+int(shape>>1)%5)
		cols := 1 + int(shape>>4)%5
		for r := range rows {
			rows[r] = make([]int, cols)
			for c := range rows[r] {
				rows[r][c] = next()
			}
		}
		tab = suppress.Grid(rows)
	}
	for _, b := range data {
		tab.Forced = append(tab.Forced, int(b)%len(tab.Counts))
	}
	return k, tab, true
}

func FuzzApply(f *testing.F) {
	f.Add([]byte{9, 6, 3, 4, 50, 60})
	f.Add([]byte{9, 0x13, 3, 20, 40, 30, 40, 50, 45, 25, 60})
	f.Add([]byte{0, 0x55, 130, 131, 200, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{13, 4, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		k, tab, ok := decodeTable(data)
		if !ok {
			return
		}
		r, err := suppress.Apply(k, tab)
		if err != nil {
			t.Fatalf("Apply(%d, %+v): %v", k, tab, err)
		}
		if err := suppress.Check(k, tab, r); err != nil {
			t.Fatalf("Check(%d, %+v, %v): %v", k, tab, r.Suppressed, err)
		}
		assertRules(t, k, tab, r)
	})
}
