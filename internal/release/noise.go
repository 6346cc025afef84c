// Package release computes the differentially private releases leadership
// reads: each table of a closed period is noised once with the Laplace
// mechanism of Google's differential-privacy library, post-processed into
// non-negative integers whose totals add up, and stored; the stored bytes
// are what every later fetch serves.
package release

import (
	"fmt"
	"math"
	"sort"

	"github.com/google/differential-privacy/go/v3/noise"
)

// Method and Library say how every release is noised; both are published
// with it.
const (
	Method  = "Laplace mechanism (pure ε-differential privacy, δ = 0), each person's contribution bounded per table; cells made non-negative integers whose totals add up (post-processing)"
	Library = "github.com/google/differential-privacy/go/v3 v3.0.0 (noise.Laplace)"
)

// Noise adds noise to one count.
type Noise interface {
	// Add returns x with noise for a count to which one person adds at most
	// lInf in each of at most l0 cells, spending epsilon.
	Add(x, l0, lInf int64, epsilon float64) (int64, error)
}

// Laplace is the library's Laplace mechanism, drawing from a
// cryptographically secure source.
type Laplace struct{}

// Add implements Noise.
func (Laplace) Add(x, l0, lInf int64, epsilon float64) (int64, error) {
	v, err := noise.Laplace().AddNoiseInt64(x, l0, lInf, epsilon, 0)
	if err != nil {
		return 0, fmt.Errorf("add noise: %w", err)
	}
	return v, nil
}

// Scale is the Laplace scale λ = l0·lInf/ε of a table's noise.
func Scale(l0, lInf int64, epsilon float64) float64 {
	return float64(l0*lInf) / epsilon
}

// Margin95 is the 95 % error margin of one noised count, from the library's
// confidence interval: the true count lies within ± this of the noised one
// with probability 95 %.
func Margin95(l0, lInf int64, epsilon float64) (int, error) {
	ci, err := noise.Laplace().ComputeConfidenceIntervalInt64(0, l0, lInf, epsilon, 0, 0.05)
	if err != nil {
		return 0, fmt.Errorf("confidence interval: %w", err)
	}
	return int(math.Ceil(math.Max(ci.UpperBound, -ci.LowerBound))), nil
}

// SumMargin95 is the 95 % error margin of a sum of n cells, each noised
// independently at scale lambda. One cell has the exact Laplace margin; a
// sum of several uses the normal approximation to the sum of their noise
// (variance 2λ² each), which the exact margin of one cell bounds from below.
func SumMargin95(n int, lambda float64) int {
	if n <= 0 {
		return 0
	}
	single := lambda * math.Log(20)
	if n == 1 {
		return int(math.Ceil(single))
	}
	return int(math.Ceil(math.Max(single, 1.959964*math.Sqrt(2*float64(n))*lambda)))
}

// Project turns noised cells into the non-negative integers closest to
// them (in the least-squares sense) whose sum is the noised sum, itself
// made non-negative: every cell loses the same amount τ and is cut at zero,
// then the remainders are rounded so that the cells add up exactly. It is
// post-processing, so it costs no privacy, and unlike cutting each cell at
// zero on its own it does not inflate totals by the noise of empty cells.
func Project(noisy []int64) []int {
	out := make([]int, len(noisy))
	var sum int64
	for _, v := range noisy {
		sum += v
	}
	if sum <= 0 || len(noisy) == 0 {
		return out
	}
	target := float64(sum)
	// Find τ with Σ max(0, y_i - τ) = target: sort descending and take the
	// largest prefix whose cells all stay positive.
	ys := make([]float64, len(noisy))
	for i, v := range noisy {
		ys[i] = float64(v)
	}
	sorted := append([]float64(nil), ys...)
	sort.Sort(sort.Reverse(sort.Float64Slice(sorted)))
	var tau, prefix float64
	for i, y := range sorted {
		prefix += y
		t := (prefix - target) / float64(i+1)
		if i+1 == len(sorted) || sorted[i+1] <= t {
			tau = t
			break
		}
	}
	type frac struct {
		i int
		f float64
	}
	var fr []frac
	total := 0
	for i, y := range ys {
		x := math.Max(0, y-tau)
		out[i] = int(math.Floor(x))
		total += out[i]
		fr = append(fr, frac{i, x - math.Floor(x)})
	}
	// Hand the rounding remainder to the largest fractions, the lowest
	// index first on a tie, so the result is the same on every run.
	sort.SliceStable(fr, func(a, b int) bool { return fr[a].f > fr[b].f })
	for k := 0; total < int(sum) && k < len(fr); k++ {
		out[fr[k].i]++
		total++
	}
	return out
}
