package pathway

import (
	"fmt"
	"time"
)

// PeriodKind is the length of a reporting period.
type PeriodKind string

// The kinds of period a release covers.
const (
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "quarter"
	PeriodYear    PeriodKind = "year"
)

// PeriodKinds lists every kind of period, shortest first.
var PeriodKinds = []PeriodKind{PeriodMonth, PeriodQuarter, PeriodYear}

// Period is a calendar month (YYYY-MM), quarter (YYYY-Qn) or year (YYYY).
// Reports cover whole periods only, so that one person's move cannot be
// isolated by comparing two adjacent days.
type Period struct {
	Label string
	Kind  PeriodKind
	Start Date
	End   Date // last day, inclusive
}

// periodHelp is the message for a period that cannot be read.
const periodHelp = "must be a month (YYYY-MM), a quarter (YYYY-Qn) or a year (YYYY), such as 2026-03, 2026-Q1 or 2025"

// ParsePeriod reads YYYY-MM, YYYY-Qn or YYYY, from the year 1900 on. Only
// ASCII digits count as digits, so "2026-+3" is refused rather than read.
func ParsePeriod(s string) (Period, error) {
	bad := fmt.Errorf("period %q: %s", s, periodHelp)
	digits := func(t string) (int, bool) {
		n := 0
		for _, c := range []byte(t) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, len(t) > 0
	}
	if len(s) < 4 {
		return Period{}, bad
	}
	year, ok := digits(s[:4])
	if !ok || year < 1900 {
		return Period{}, bad
	}
	switch {
	case len(s) == 4:
		return YearPeriod(year), nil
	case len(s) == 7 && s[4] == '-' && s[5] == 'Q':
		q, ok := digits(s[6:])
		if !ok || q < 1 || q > 4 {
			return Period{}, bad
		}
		return QuarterPeriod(year, q), nil
	case len(s) == 7 && s[4] == '-':
		m, ok := digits(s[5:])
		if !ok || m < 1 || m > 12 {
			return Period{}, bad
		}
		return MonthPeriod(year, time.Month(m)), nil
	}
	return Period{}, bad
}

// MonthPeriod returns the month m of year.
func MonthPeriod(year int, m time.Month) Period {
	start := NewDate(year, m, 1)
	return Period{Label: fmt.Sprintf("%04d-%02d", year, int(m)), Kind: PeriodMonth, Start: start, End: start.AddMonths(1).AddDays(-1)}
}

// QuarterPeriod returns quarter q (1 to 4) of year.
func QuarterPeriod(year, q int) Period {
	start := NewDate(year, time.Month(3*(q-1)+1), 1)
	return Period{Label: fmt.Sprintf("%04d-Q%d", year, q), Kind: PeriodQuarter, Start: start, End: start.AddMonths(3).AddDays(-1)}
}

// YearPeriod returns the calendar year.
func YearPeriod(year int) Period {
	start := NewDate(year, time.January, 1)
	return Period{Label: fmt.Sprintf("%04d", year), Kind: PeriodYear, Start: start, End: start.AddMonths(12).AddDays(-1)}
}

// PeriodOf returns the period of the given kind that contains d.
func PeriodOf(kind PeriodKind, d Date) Period {
	t := d.Time()
	switch kind {
	case PeriodQuarter:
		return QuarterPeriod(t.Year(), (int(t.Month())-1)/3+1)
	case PeriodYear:
		return YearPeriod(t.Year())
	}
	return MonthPeriod(t.Year(), t.Month())
}

// Year is the calendar year the period falls in: the year whose privacy
// budget its release spends.
func (p Period) Year() int { return p.Start.Time().Year() }

// Previous returns the period of the same kind just before p.
func (p Period) Previous() Period { return PeriodOf(p.Kind, p.Start.AddDays(-1)) }

// Next returns the period of the same kind just after p.
func (p Period) Next() Period { return PeriodOf(p.Kind, p.End.AddDays(1)) }

// Closed reports whether p has ended before today: only a closed period
// can be published, because an open one still changes.
func (p Period) Closed(today Date) bool { return p.End.Before(today) }

// DueOn is the day the release of p is published by the schedule, afterDays
// days after p ends, so that late records of its last days are in.
func (p Period) DueOn(afterDays int) Date { return p.End.AddDays(afterDays) }

// DuePeriods lists every month, quarter and year that contains from or
// starts after it and is due on or before today, ordered by the day they
// end and, for the same day, shortest first.
func DuePeriods(from, today Date, afterDays int) []Period {
	var out []Period
	for p := PeriodOf(PeriodMonth, from); !today.Before(p.DueOn(afterDays)); p = p.Next() {
		out = append(out, p)
		for _, kind := range PeriodKinds[1:] {
			if q := PeriodOf(kind, p.End); !q.End.After(p.End) {
				out = append(out, q)
			}
		}
	}
	return out
}
