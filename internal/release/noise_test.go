package release_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"pathway/internal/release"
)

// TestNoiseHasTheStatedScale draws many noised counts from the library and
// checks that they are centred on the truth, spread as the Laplace scale
// l0·lInf/ε says, and inside the published 95 % margin about 95 % of the
// time. It uses the real, unseeded source: the bounds are wide enough (many
// standard errors) that a correct mechanism fails them with negligible
// probability, while no noise, or noise of the wrong scale, fails at once.
func TestNoiseHasTheStatedScale(t *testing.T) {
	tests := []struct {
		name     string
		l0, lInf int64
		epsilon  float64
	}{
		{"one cell per person, ε 0.25", 1, 1, 0.25},
		{"two programs per person, ε 0.15", 2, 1, 0.15},
		{"three capacities, ε 0.1", 3, 1, 0.1},
	}
	const draws = 20000
	const truth = 500
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lambda := release.Scale(tc.l0, tc.lInf, tc.epsilon)
			margin, err := release.Margin95(tc.l0, tc.lInf, tc.epsilon)
			if err != nil {
				t.Fatal(err)
			}
			if want := lambda * math.Log(20); math.Abs(float64(margin)-want) > 1 {
				t.Errorf("margin = %d, want ≈ λ·ln 20 = %.1f", margin, want)
			}
			var sum, sumSq float64
			inside, unchanged := 0, 0
			for range draws {
				v, err := release.Laplace{}.Add(truth, tc.l0, tc.lInf, tc.epsilon)
				if err != nil {
					t.Fatal(err)
				}
				d := float64(v - truth)
				sum += d
				sumSq += d * d
				if math.Abs(d) <= float64(margin) {
					inside++
				}
				if v == truth {
					unchanged++
				}
			}
			mean := sum / draws
			variance := sumSq/draws - mean*mean
			want := 2 * lambda * lambda
			// The standard error of the mean is sqrt(2λ²/n); of the
			// variance about sqrt(20λ⁴/n) (Laplace kurtosis 6).
			if se := math.Sqrt(want / draws); math.Abs(mean) > 6*se {
				t.Errorf("mean noise = %.2f, want 0 ± %.2f", mean, 6*se)
			}
			if se := math.Sqrt(20 * lambda * lambda * lambda * lambda / draws); math.Abs(variance-want) > 6*se {
				t.Errorf("variance = %.1f, want 2λ² = %.1f ± %.1f", variance, want, 6*se)
			}
			if frac := float64(inside) / draws; frac < 0.94 || frac > 0.965 {
				t.Errorf("%.3f of draws within the 95 %% margin ±%d", frac, margin)
			}
			if frac := float64(unchanged) / draws; frac > 0.2 {
				t.Errorf("%.3f of draws came back unchanged: no noise?", frac)
			}
		})
	}
}

// TestProjectKeepsTotalsAndSigns holds the post-processing rules over
// random noised tables: cells are non-negative integers, they add up to the
// noised sum cut at zero, a cell above the others stays at least as large,
// and the same input gives the same output.
func TestProjectKeepsTotalsAndSigns(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		n := 1 + r.IntN(30)
		noisy := make([]int64, n)
		var sum int64
		for i := range noisy {
			noisy[i] = int64(r.IntN(200)) - 40
			sum += noisy[i]
		}
		got := release.Project(noisy)
		total := 0
		for i, v := range got {
			if v < 0 {
				t.Fatalf("Project(%v)[%d] = %d < 0", noisy, i, v)
			}
			total += v
		}
		if want := max(0, int(sum)); total != want {
			t.Fatalf("Project(%v) adds up to %d, want %d", noisy, total, want)
		}
		for i := range noisy {
			for j := range noisy {
				if noisy[i] > noisy[j] && got[i]+1 < got[j] {
					t.Fatalf("Project(%v) = %v: cell %d was larger and is now smaller", noisy, got, i)
				}
			}
		}
		again := release.Project(noisy)
		for i := range got {
			if got[i] != again[i] {
				t.Fatalf("Project(%v) differs between runs: %v, %v", noisy, got, again)
			}
		}
	}
}

// TestProjectLeavesNonNegativeCellsAlone: a table whose noised cells are
// all non-negative is published as noised.
func TestProjectLeavesNonNegativeCellsAlone(t *testing.T) {
	in := []int64{0, 5, 12, 40, 3}
	got := release.Project(in)
	for i := range in {
		if int64(got[i]) != in[i] {
			t.Fatalf("Project(%v) = %v", in, got)
		}
	}
}

// TestSafeCSVCell neutralises every way a spreadsheet could be made to run
// a formula, including behind spaces and invisible or full-width characters.
func TestSafeCSVCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Youth Council", "Youth Council"},
		{"=HYPERLINK(1)", "'=HYPERLINK(1)"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{" =1", "' =1"},
		{"\u00a0=1", "'\u00a0=1"},
		{"\n=1", "'\n=1"},
		{"\u200b=1", "'\u200b=1"},
		{"＝1", "'＝1"},
		{"\t1", "'\t1"},
		{"\r1", "'\r1"},
		{"", ""},
		{"12", "12"},
	} {
		if got := release.SafeCSVCell(tc.in); got != tc.want {
			t.Errorf("SafeCSVCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
