package pathway_test

import (
	"testing"

	"pathway/internal/pathway"
)

// TestTheBudgetCapsAYearsReleases: a release that would take its year past
// the budget is refused, one that reaches it exactly is not, whatever
// floating point makes of the shares that add up to it.
func TestTheBudgetCapsAYearsReleases(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		spent, epsilon, budget float64
		refused                bool
	}{
		{"room left", 3, 1, 20, false},
		{"reaches the budget exactly", 19, 1, 20, false},
		{"shares that add up in floating point", 0.1 + 0.2, 0.7, 1, false},
		{"one over", 20, 1, 20, true},
		{"a part over", 19.5, 1, 20, true},
	} {
		err := pathway.CheckBudget(2026, tc.spent, tc.epsilon, tc.budget)
		if got := pathway.ErrorCode(err) == pathway.EINVALID; got != tc.refused {
			t.Errorf("%s: CheckBudget(%v, %v, %v) = %v, refused %v", tc.name, tc.spent, tc.epsilon, tc.budget, err, tc.refused)
		}
	}
}
