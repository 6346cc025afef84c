package pathway

import (
	"fmt"
	"time"
)

// DateLayout is the wire and storage form of a calendar date.
const DateLayout = "2006-01-02"

// Date is a calendar date with no time of day or zone, such as the day a
// placement took effect.
type Date struct {
	t time.Time // midnight UTC of the day
}

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return NewDate(y, m, d)
}

// MinDate is the earliest date Pathway accepts; nothing it records, from a
// consent to a role, happened before it.
var MinDate = NewDate(1900, time.January, 1)

// ParseDate parses YYYY-MM-DD, refusing dates before MinDate.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD", s)
	}
	if t.Before(MinDate.t) {
		return Date{}, fmt.Errorf("parse date %q: before %s", s, MinDate)
	}
	return Date{t}, nil
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(DateLayout) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// DaysSince returns the number of days from o to d.
func (d Date) DaysSince(o Date) int { return int(d.t.Sub(o.t).Hours() / 24) }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// MarshalText encodes d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// AddMonths returns d moved by n calendar months.
func (d Date) AddMonths(n int) Date { return Date{d.t.AddDate(0, n, 0)} }
