package pathway

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Period is a calendar month (YYYY-MM) or quarter (YYYY-Qn). Reports cover
// whole periods only, so that one person's move cannot be isolated by
// comparing two adjacent days.
type Period struct {
	Label string
	Start Date
	End   Date // last day, inclusive
}

// ParsePeriod reads YYYY-MM or YYYY-Qn.
func ParsePeriod(s string) (Period, error) {
	bad := fmt.Errorf("period %q: want YYYY-MM or YYYY-Qn, such as 2026-03 or 2026-Q1", s)
	if len(s) != 7 || s[4] != '-' {
		return Period{}, bad
	}
	year, err := strconv.Atoi(s[:4])
	if err != nil || year < 1900 {
		return Period{}, bad
	}
	var first time.Month
	var months int
	if s[5] == 'Q' {
		q := int(s[6] - '0')
		if q < 1 || q > 4 {
			return Period{}, bad
		}
		first, months = time.Month(3*(q-1)+1), 3
	} else {
		m, err := strconv.Atoi(s[5:])
		if err != nil || m < 1 || m > 12 {
			return Period{}, bad
		}
		first, months = time.Month(m), 1
	}
	start := NewDate(year, first, 1)
	return Period{Label: s, Start: start, End: start.AddMonths(months).AddDays(-1)}, nil
}

// Previous returns the period of the same kind just before p.
func (p Period) Previous() Period {
	if p.Label[5] == 'Q' {
		prev := p.Start.AddMonths(-3)
		q := (int(prev.Time().Month())-1)/3 + 1
		pp, _ := ParsePeriod(fmt.Sprintf("%04d-Q%d", prev.Time().Year(), q))
		return pp
	}
	prev := p.Start.AddMonths(-1)
	pp, _ := ParsePeriod(prev.Time().Format("2006-01"))
	return pp
}

// AsOf is the day a period's state is read on: its last day, or today
// for the current period.
func (p Period) AsOf(today Date) Date {
	if p.End.After(today) {
		return today
	}
	return p.End
}

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

// ProgramCounts holds people per rung for each program, for people in no
// program, and for everyone (distinct people).
type ProgramCounts struct {
	Programs  []Program
	ByProgram map[int64]RungCounts
	None      RungCounts
	All       RungCounts
}

// MovementCounts holds where people were at the start of a period and at
// its end. From[r-1][t-1] counts people on rung r the day before the period
// and on rung t at its end; Entered[t-1] counts people who arrived during it.
type MovementCounts struct {
	From    [5]RungCounts
	Entered RungCounts
	// DaysBeforeUp lists, per rung, the days each move up from it during the
	// period followed arriving there.
	DaysBeforeUp [5][]int
	// BelowPeak counts people whose rung at the end is below the highest
	// they ever reached.
	BelowPeak int
}

// BodyCounts describes one body over a period.
type BodyCounts struct {
	Body             Body
	FilledAtEnd      int
	PeopleInPeriod   int
	TalksByAudience  map[Audience]int
	SpeakersInPeriod int
}

// CapacityCounts holds, for one capacity, people by their latest score and
// how their latest compares with their first check-in.
type CapacityCounts struct {
	Capacity Capacity
	ByScore  [4]int
	Improved int
	Stayed   int
	Declined int
}

// ReportStore counts what the anonymised reports are made of. Its counts are
// raw: the report layer suppresses small cells before anyone sees them.
type ReportStore interface {
	// RungCountsOn counts people per rung on day (programID 0: everyone).
	RungCountsOn(ctx context.Context, day Date, programID int64) (RungCounts, error)
	// ProgramCountsOn counts people per rung per program on day.
	ProgramCountsOn(ctx context.Context, day Date) (*ProgramCounts, error)
	// Movement counts moves between the day before start and end.
	Movement(ctx context.Context, start, end Date) (*MovementCounts, error)
	// BodyCountsIn describes every body over [start, end].
	BodyCountsIn(ctx context.Context, start, end Date) ([]BodyCounts, error)
	// CapacityCountsOn counts check-ins from perspective up to day.
	CapacityCountsOn(ctx context.Context, day Date, perspective Perspective) ([]CapacityCounts, error)
	// Today is the organisation's date now.
	Today() Date
}
