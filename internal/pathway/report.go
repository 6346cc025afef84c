package pathway

// DefaultMinCellSize is k: a count of people below it is never shown as a
// number to leadership, only as "fewer than k".
const DefaultMinCellSize = 11

// Capacity is one of the client social change capacities.
type Capacity string

// The capacities, each checked in on a 1–4 scale.
const (
	SelfAdvocacy      Capacity = "self_advocacy"
	RootCauseAnalysis Capacity = "root_cause_analysis"
	LeadershipCap     Capacity = "leadership"
)

// Capacities lists every capacity.
var Capacities = []Capacity{SelfAdvocacy, RootCauseAnalysis, LeadershipCap}

// RungCounts is a count of people per rung, in ladder order.
type RungCounts [5]int

// Add counts one person on rung r.
func (c *RungCounts) Add(r Rung) { c[r-1]++ }

// Sum returns the number of people counted.
func (c RungCounts) Sum() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}
