package release

import (
	"time"

	"pathway/internal/pathway"
)

// Count is one published count of people: the noised count, or nil with
// FewerThanK when the noised count is below the release's k.
type Count struct {
	Count      *int `json:"count"`
	FewerThanK bool `json:"fewer_than_k"`
}

// Total is a published sum of cells with its own 95 % error margin. It is
// the sum of the cells' noised values, those shown as fewer than k included.
type Total struct {
	Count
	Margin95 int `json:"margin_95"`
}

// Header is what every published table starts with: which period, how it
// was made, what it spent, and how far its counts may be from the truth.
type Header struct {
	Period         string             `json:"period"`
	Kind           pathway.PeriodKind `json:"kind"`
	StartsOn       pathway.Date       `json:"starts_on"`
	EndsOn         pathway.Date       `json:"ends_on"`
	PublishedAt    time.Time          `json:"published_at"`
	Method         string             `json:"method"`
	Epsilon        float64            `json:"epsilon"`
	ReleaseEpsilon float64            `json:"release_epsilon"`
	MinCellSize    int                `json:"min_cell_size"`
	Bound          string             `json:"contribution_bound"`
	Margin95       int                `json:"margin_95"`
}

// RungCell is the count of people on one rung.
type RungCell struct {
	Rung pathway.Rung `json:"rung"`
	Count
}

// Distribution is people per rung on the period's last day.
type Distribution struct {
	Header
	ProgramID *int64     `json:"program_id"`
	Cells     []RungCell `json:"cells"`
	Total     Total      `json:"total"`
}

// ProgramRow is one program's people per rung (ProgramID nil: people in no
// program during the period).
type ProgramRow struct {
	ProgramID *int64     `json:"program_id"`
	Program   string     `json:"program"`
	Cells     []RungCell `json:"cells"`
	Total     Total      `json:"total"`
}

// ProgramDistribution is people per rung for every program, counting who
// was enrolled at some time during the period by their rung on its last day.
type ProgramDistribution struct {
	Header
	Rows []ProgramRow `json:"rows"`
}

// Transition counts people by their rung the day before the period (From
// nil: they had none, so they entered during it) and on its last day.
type Transition struct {
	From *pathway.Rung `json:"from"`
	To   pathway.Rung  `json:"to"`
	Count
}

// RungTotals is people per rung along one side of the movement grid, each
// a sum of grid cells with the margin CellMargin95, and their total.
type RungTotals struct {
	Cells        []RungCell `json:"cells"`
	CellMargin95 int        `json:"cell_margin_95"`
	Total        Total      `json:"total"`
}

// Movement is "where are they now": each person counted once, by their rung
// the day before the period and on its last day. Up, down, stayed, entered
// and the two margins are sums of the transitions.
type Movement struct {
	Header
	Transitions []Transition `json:"transitions"`
	Up          Total        `json:"up"`
	Down        Total        `json:"down"`
	Stayed      Total        `json:"stayed"`
	Entered     Total        `json:"entered"`
	Previous    RungTotals   `json:"previous"`
	Current     RungTotals   `json:"current"`
}

// AudienceCount is how many speaking engagements a body held for one
// audience in the period. Talks are public events, not people.
type AudienceCount struct {
	Audience pathway.Audience `json:"audience"`
	Count    int              `json:"count"`
}

// BodyRow is one body's head-counts over the period.
type BodyRow struct {
	BodyID              int64            `json:"body_id"`
	Name                string           `json:"name"`
	Kind                pathway.BodyKind `json:"kind"`
	Seats               *int             `json:"seats"`
	SeatsFilled         Count            `json:"seats_filled"`
	SpeakersInPeriod    Count            `json:"speakers_in_period"`
	SpeakingEngagements []AudienceCount  `json:"speaking_engagements"`
}

// Roles is how bodies were filled and used over the period.
type Roles struct {
	Header
	Bodies []BodyRow `json:"bodies"`
}

// ScoreCell is the count of people whose latest score is Score.
type ScoreCell struct {
	Score int `json:"score"`
	Count
}

// CapacityRow is one capacity: people by their latest score; Total is
// everyone with a check-in.
type CapacityRow struct {
	Capacity pathway.Capacity `json:"capacity"`
	Scores   []ScoreCell      `json:"scores"`
	Total    Total            `json:"checked_in"`
}

// Capacity is how the client social change capacities stand at the
// period's end, from one perspective.
type Capacity struct {
	Header
	Perspective pathway.Perspective `json:"perspective"`
	Capacities  []CapacityRow       `json:"capacities"`
}
