package release_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/release"
)

// noNoise passes counts through, so a test can see what Compute does with
// them; it records the sensitivities it was asked for.
type noNoise struct{ calls map[[2]int64]int }

func (n *noNoise) Add(x, l0, lInf int64, _ float64) (int64, error) {
	if n.calls == nil {
		n.calls = map[[2]int64]int{}
	}
	n.calls[[2]int64{l0, lInf}]++
	return x, nil
}

func sampleCounts() *pathway.ReleaseCounts {
	p, _ := pathway.ParsePeriod("2026-Q3")
	c := &pathway.ReleaseCounts{
		Period:    p,
		Programs:  []pathway.Program{{ID: 7, Name: "=Youth Council"}, {ID: 9, Name: "Tenant Voice"}},
		ByProgram: map[int64]pathway.RungCounts{7: {30, 12, 0, 3, 0}, 9: {5, 5, 5, 5, 5}},
		NoProgram: pathway.RungCounts{40, 2, 0, 0, 0},
		Bodies: []pathway.BodyHeadcount{{Body: pathway.Body{ID: 1, Name: "Board", Kind: pathway.BodyKinds[0]}, HoldingAtEnd: 9, Speakers: 0,
			Talks: map[pathway.Audience]int{pathway.Audiences[0]: 3}}},
		Capacity: map[pathway.Perspective][]pathway.CapacityScores{
			pathway.PerspectiveSelf: {{Capacity: pathway.Capacities[0], ByScore: [4]int{20, 30, 12, 1}}},
		},
	}
	c.Grid.From[0] = pathway.RungCounts{50, 12, 1, 0, 0}
	c.Grid.From[1] = pathway.RungCounts{4, 30, 11, 0, 0}
	c.Grid.Entered = pathway.RungCounts{25, 0, 0, 0, 0}
	return c
}

// TestSharesSpendExactlyTheReleaseEpsilon: by sequential composition a
// release spends the sum of its tables' ε, which must be the ε it says.
func TestSharesSpendExactlyTheReleaseEpsilon(t *testing.T) {
	rel, err := release.Compute(release.Config{Epsilon: 1.5, K: 11}, sampleCounts(), time.Now(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, tb := range rel.Tables {
		sum += tb.Epsilon
		if tb.L0 < 1 || tb.LInf != 1 || tb.Margin95 < 1 || tb.Bound == "" {
			t.Errorf("%s: ledger entry %+v is incomplete", tb.Name, tb)
		}
	}
	if math.Abs(sum-1.5) > 1e-9 || rel.Epsilon != 1.5 {
		t.Errorf("tables spend ε %v, release says %v; want 1.5", sum, rel.Epsilon)
	}
	if len(rel.Tables) != len(pathway.ReleaseTables) {
		t.Errorf("%d tables, want %d", len(rel.Tables), len(pathway.ReleaseTables))
	}
}

// TestSensitivityFollowsTheContributionBounds: each table asks the noise
// for the bound one person can contribute to it.
func TestSensitivityFollowsTheContributionBounds(t *testing.T) {
	n := &noNoise{}
	if _, err := release.Compute(release.Config{Epsilon: 1, K: 11, Noise: n}, sampleCounts(), time.Now(), "admin"); err != nil {
		t.Fatal(err)
	}
	for _, want := range [][2]int64{{1, 1}, {pathway.ProgramsPerPerson, 1}, {2 * pathway.BodiesPerPerson, 1}, {int64(len(pathway.Capacities)), 1}} {
		if n.calls[want] == 0 {
			t.Errorf("no count was noised for l0=%d lInf=%d; calls %v", want[0], want[1], n.calls)
		}
	}
}

// TestPublishedCountsBelowKReadFewerThanK: with the noise taken out, a count
// of 10 at k 11 is never a number, a count of 11 is, and the total still
// adds up every cell.
func TestPublishedCountsBelowKReadFewerThanK(t *testing.T) {
	rel, err := release.Compute(release.Config{Epsilon: 1, K: 11, Noise: &noNoise{}}, sampleCounts(), time.Now(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	var d release.Distribution
	if err := json.Unmarshal(rel.Table(pathway.TableDistribution).JSON, &d); err != nil {
		t.Fatal(err)
	}
	// At the end: observer 79, follower 42, member 12, others 0.
	want := []int{79, 42, 12, 0, 0}
	for i, c := range d.Cells {
		switch {
		case want[i] < 11 && (c.Count.Count != nil || !c.FewerThanK):
			t.Errorf("%s: %d people published as %+v, want fewer than k", c.Rung, want[i], c.Count)
		case want[i] >= 11 && (c.Count.Count == nil || *c.Count.Count != want[i]):
			t.Errorf("%s: %d people published as %+v", c.Rung, want[i], c.Count)
		}
	}
	if d.Total.Count.Count == nil || *d.Total.Count.Count != 133 {
		t.Errorf("total = %+v, want 133", d.Total)
	}
	if d.Method == "" || d.Epsilon != 0.25 || d.ReleaseEpsilon != 1 || d.Margin95 != 12 || d.MinCellSize != 11 {
		t.Errorf("header = %+v", d.Header)
	}
	var m release.Movement
	if err := json.Unmarshal(rel.Table(pathway.TableMovement).JSON, &m); err != nil {
		t.Fatal(err)
	}
	if got := m.Up.Count.Count; got == nil || *got != 24 {
		t.Errorf("moved up = %+v, want 12+1+11", m.Up)
	}
	if m.Entered.Count.Count == nil || *m.Entered.Count.Count != 25 {
		t.Errorf("entered = %+v, want 25", m.Entered)
	}
}

// TestReleaseCSVNeutralisesFormulas: a program named like a formula is
// published with a leading apostrophe, and every row carries the period.
func TestReleaseCSVNeutralisesFormulas(t *testing.T) {
	rel, err := release.Compute(release.Config{Epsilon: 1, K: 11}, sampleCounts(), time.Now(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	csv := string(rel.Table(pathway.TablePrograms).CSV)
	if !strings.Contains(csv, "'=Youth Council") || strings.Contains(csv, ",=Youth") {
		t.Errorf("formula not neutralised:\n%s", csv)
	}
	for _, line := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		if !strings.HasPrefix(line, "2026-Q3,") {
			t.Errorf("row %q has no period", line)
		}
	}
}

// TestNoisedTablesAreIntegersThatAddUp holds the post-processing rules on
// real noise over many draws: no negative count, totals equal the sum of
// their cells' values.
func TestNoisedTablesAreIntegersThatAddUp(t *testing.T) {
	for range 200 {
		rel, err := release.Compute(release.Config{Epsilon: 0.5, K: 2}, sampleCounts(), time.Now(), "admin")
		if err != nil {
			t.Fatal(err)
		}
		var m release.Movement
		if err := json.Unmarshal(rel.Table(pathway.TableMovement).JSON, &m); err != nil {
			t.Fatal(err)
		}
		// With k = 2 nearly every cell is a number; a hidden one is 0 or 1.
		sum, hidden := 0, 0
		for _, tr := range m.Transitions {
			if tr.Count.Count == nil {
				hidden++
				continue
			}
			if *tr.Count.Count < 0 {
				t.Fatalf("negative count %d", *tr.Count.Count)
			}
			sum += *tr.Count.Count
		}
		if cur := m.Current.Total.Count.Count; cur != nil && (*cur < sum || *cur > sum+hidden) {
			t.Fatalf("current total %d, shown cells %d with %d hidden", *cur, sum, hidden)
		}
	}
}

// TestSeatsFilledNeverExceedTheSeats: post-processing keeps a body's noised
// head-count within its seats, however large the noise.
func TestSeatsFilledNeverExceedTheSeats(t *testing.T) {
	c := sampleCounts()
	seats := 9
	c.Bodies[0].Body.Seats = &seats
	for range 300 {
		rel, err := release.Compute(release.Config{Epsilon: 0.2, K: 2}, c, time.Now(), "admin")
		if err != nil {
			t.Fatal(err)
		}
		var r release.Roles
		if err := json.Unmarshal(rel.Table(pathway.TableRoles).JSON, &r); err != nil {
			t.Fatal(err)
		}
		if n := r.Bodies[0].SeatsFilled.Count; n != nil && *n > seats {
			t.Fatalf("seats filled %d of %d", *n, seats)
		}
	}
}

// TestAProgramRowIsItsOwnRowEvenWhenNamedLikeNoProgram: picking a program
// out of the by-program table goes by id, never by name.
func TestAProgramRowIsItsOwnRowEvenWhenNamedLikeNoProgram(t *testing.T) {
	c := sampleCounts()
	c.Programs[1].Name = "No program"
	rel, err := release.Compute(release.Config{Epsilon: 1, K: 2, Noise: &noNoise{}}, c, time.Now(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	js, cs, err := release.ProgramRowTable(rel.Table(pathway.TablePrograms), 9)
	if err != nil {
		t.Fatal(err)
	}
	var d release.Distribution
	if err := json.Unmarshal(js, &d); err != nil {
		t.Fatal(err)
	}
	if d.Total.Count.Count == nil || *d.Total.Count.Count != 25 {
		t.Errorf("program 9 total = %+v, want 25", d.Total)
	}
	if rows := strings.Count(strings.TrimSpace(string(cs)), "\n"); rows != 6 {
		t.Errorf("CSV has %d rows after the header, want 6 (five rungs and the total):\n%s", rows, cs)
	}
	if _, _, err := release.ProgramRowTable(rel.Table(pathway.TablePrograms), 404); pathway.ErrorCode(err) != pathway.EINVALID {
		t.Errorf("unknown program: %v, want EINVALID", err)
	}
}
