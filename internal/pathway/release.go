package pathway

import (
	"context"
	"strconv"
	"time"
)

// A release is the set of leadership tables for one closed period,
// computed once with differential privacy, stored, and served unchanged
// forever after. Leadership reads nothing else about people: no live count
// reaches them, so an erasure, a backdated placement or an enrolment change
// made later can never be read off the difference of two fetches.

// The tables of a release, by name. Capacity has a table per perspective.
const (
	TableDistribution  = "distribution"
	TablePrograms      = "distribution/programs"
	TableMovement      = "movement"
	TableRoles         = "roles"
	TableCapacitySelf  = "capacity/self"
	TableCapacityStaff = "capacity/staff"
)

// ReleaseTables lists every table of a release in the order it is computed
// and stored.
var ReleaseTables = []string{TableDistribution, TablePrograms, TableMovement, TableRoles, TableCapacitySelf, TableCapacityStaff}

// Contribution bounds: how much one person can add to a table. They set the
// sensitivity of each table, and so the scale of its noise.
const (
	// ProgramsPerPerson is the most programs one person counts in within
	// the by-program table: the ones they joined first (earliest enrolment
	// date, then lowest program id) among those they were enrolled in
	// during the period.
	ProgramsPerPerson = 2
	// BodiesPerPerson is the most bodies one person counts in within the
	// roles table: those in which they started a role first (earliest
	// start, then lowest body id).
	BodiesPerPerson = 2
)

// Release is one published release: its period, what it spent and how it
// was made, and its tables as the bytes that are served.
type Release struct {
	Period      Period
	PublishedAt time.Time
	// PublishedBy says how it was published: by the schedule, by an admin
	// through the API, or from the command line. The audit trail says who.
	PublishedBy string
	Epsilon     float64
	Method      string
	Library     string
	MinCellSize int
	Tables      []ReleaseTable
}

// ReleaseTable is one table of a release and its entry in the privacy
// ledger: the ε it spent and the contribution bound it was noised for.
type ReleaseTable struct {
	Name    string
	Epsilon float64
	// L0 is how many cells one person can count in, LInf how much they add
	// to each; the noise is scaled to L0·LInf/ε.
	L0, LInf int
	Bound    string
	// Margin95 is the 95 % error margin of one published cell.
	Margin95 int
	JSON     []byte
	CSV      []byte
}

// Table returns the table called name, or nil.
func (r *Release) Table(name string) *ReleaseTable {
	for i := range r.Tables {
		if r.Tables[i].Name == name {
			return &r.Tables[i]
		}
	}
	return nil
}

// Budget is the privacy budget of one calendar year: the ε spent by the
// releases of that year's periods and the most they may spend.
type Budget struct {
	Year  int     `json:"year"`
	Spent float64 `json:"epsilon_spent"`
	Limit float64 `json:"epsilon_limit"`
}

// CheckBudget refuses a release of epsilon that would take year's spending
// past limit. The ledger compares with a small tolerance so that shares
// adding up in floating point are not refused for a rounding error.
func CheckBudget(year int, spent, epsilon, limit float64) error {
	if spent+epsilon > limit+1e-9 {
		return Invalid("period", "release.budget",
			epsilon, strconv.Itoa(year), max(0, limit-spent), limit)
	}
	return nil
}

// MovementGrid counts people by their rung before a period and at its end:
// the raw input of the distribution and movement tables.
type MovementGrid struct {
	// From[r-1][t-1] counts people on rung r the day before the period and
	// on rung t on its last day; Entered[t-1] those who had no rung before.
	From    [5]RungCounts
	Entered RungCounts
}

// AtEnd counts people per rung on the period's last day.
func (g MovementGrid) AtEnd() RungCounts {
	c := g.Entered
	for _, row := range g.From {
		for t, n := range row {
			c[t] += n
		}
	}
	return c
}

// BodyHeadcount is what the roles table counts of one body.
type BodyHeadcount struct {
	Body Body
	// HoldingAtEnd counts people holding a role on the period's last day,
	// Speakers people who spoke for the body during the period; each
	// within BodiesPerPerson.
	HoldingAtEnd int
	Speakers     int
	// Talks counts speaking engagements held in the period by audience.
	// Talks are public events, not people, and are published as they are.
	Talks map[Audience]int
}

// CapacityScores counts people by their latest score on one capacity.
type CapacityScores struct {
	Capacity Capacity
	ByScore  [4]int
}

// ReleaseCounts is the raw input of one release, read in one snapshot with
// every contribution bound already applied. It never leaves the server:
// only its noised tables do.
type ReleaseCounts struct {
	Period Period
	// Grid holds everyone followed on the period's last day.
	Grid MovementGrid
	// Programs lists the inventory; ByProgram counts people enrolled in a
	// program at some time during the period, by their rung on its last
	// day; NoProgram those enrolled in none.
	Programs  []Program
	ByProgram map[int64]RungCounts
	NoProgram RungCounts
	Bodies    []BodyHeadcount
	// Capacity holds, per perspective, people by their latest check-in up
	// to the period's last day.
	Capacity map[Perspective][]CapacityScores
}

// ReleaseStore keeps releases and reads what they are computed from.
type ReleaseStore interface {
	// ReleaseCounts reads the raw counts of p in one snapshot.
	ReleaseCounts(ctx context.Context, p Period) (*ReleaseCounts, error)
	// CreateRelease stores r and its ledger entries, with an audit entry,
	// in one transaction. ECONFLICT when p is already published; EINVALID
	// when r would take its year past budgetLimit; nothing is stored then.
	CreateRelease(ctx context.Context, a Actor, r *Release, budgetLimit float64) error
	// FindRelease returns a release with its tables. ENOTFOUND when absent.
	FindRelease(ctx context.Context, label string) (*Release, error)
	// FindReleaseTable returns one stored table. ENOTFOUND when absent.
	FindReleaseTable(ctx context.Context, label, name string) (*ReleaseTable, error)
	// ListReleases returns every release, latest period first, with its
	// ledger entries but without the table bytes.
	ListReleases(ctx context.Context) ([]Release, error)
	// Spent returns the ε spent per calendar year.
	Spent(ctx context.Context) (map[int]float64, error)
	// FirstDay returns the earliest day anyone was followed, and false when
	// nobody ever was.
	FirstDay(ctx context.Context) (Date, bool, error)
	// Today is the organisation's date now.
	Today() Date
}

// ReleaseService publishes and serves releases.
type ReleaseService interface {
	// Publish computes and stores the release of a closed period. EINVALID
	// for an unreadable, open or future period or an exhausted budget;
	// ECONFLICT when it is already published.
	Publish(ctx context.Context, a Actor, period string) (*Release, error)
	// Release returns a published release. EINVALID for an unreadable
	// period; ENOTFOUND, saying when it will be published, when it is not.
	Release(ctx context.Context, period string) (*Release, error)
	// Table returns one table of a published release, as stored.
	Table(ctx context.Context, period, name string) (*ReleaseTable, error)
	// Releases lists the published releases and the budget of every year
	// with spending, the current year first.
	Releases(ctx context.Context) ([]Release, []Budget, error)
}
