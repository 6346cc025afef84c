// Package report turns raw counts into the anonymised reports leadership
// reads: every count of people between 1 and k-1 is suppressed, enough
// other cells are suppressed that no hidden value can be worked out from
// totals or margins, and a cell shown in one report is suppressed the same
// way in every other report that shows it.
package report

import (
	"context"
	"fmt"
	"slices"

	"pathway/internal/pathway"
	"pathway/internal/suppress"
)

// Count is one published count of people; Count is nil when suppressed.
type Count struct {
	Count      *int `json:"count"`
	Suppressed bool `json:"suppressed"`
}

// RungCell is the count of people on one rung.
type RungCell struct {
	Rung pathway.Rung `json:"rung"`
	Count
}

// Header is what every report starts with.
type Header struct {
	Period      string       `json:"period"`
	AsOf        pathway.Date `json:"as_of"`
	MinCellSize int          `json:"min_cell_size"`
	// Reason says why every cell is suppressed, when they all are, or why
	// only the counts other reports already show are given.
	Reason *string `json:"reason"`
}

// Service builds the reports from a store's counts.
type Service struct {
	Store pathway.ReportStore
	// K is the minimum cell size: counts from 1 to K-1 are suppressed.
	K int
}

// period parses a period and checks it has begun.
func (s *Service) period(label string) (pathway.Period, pathway.Date, error) {
	p, err := pathway.ParsePeriod(label)
	if err != nil {
		return p, pathway.Date{}, pathway.Invalid("period", "must be a month (YYYY-MM) or a quarter (YYYY-Qn), such as 2026-03 or 2026-Q1")
	}
	today := s.Store.Today()
	if p.Start.After(today) {
		return p, pathway.Date{}, pathway.Invalid("period", "has not begun yet")
	}
	return p, p.AsOf(today), nil
}

func (s *Service) header(p pathway.Period, asOf pathway.Date, r suppress.Result) Header {
	h := Header{Period: p.Label, AsOf: asOf, MinCellSize: s.K}
	if r.Reason != "" {
		reason := reasonText(r.Reason, s.K)
		h.Reason = &reason
	}
	return h
}

// reasonText explains a fully suppressed report in plain words.
func reasonText(reason string, k int) string {
	switch reason {
	case suppress.ReasonSmallPopulation:
		return fmt.Sprintf("Fewer than %d people are in this report, so every count is hidden to protect them.", k)
	case suppress.ReasonNoSafeCell:
		return "No count here can be shown without revealing a small group, so every count is hidden."
	case reasonSharedOnly:
		return "These counts cannot be shown without revealing a small group, so only the totals other reports already show are given."
	}
	return reason
}

// count publishes cell i of a suppressed table.
func count(t suppress.Table, r suppress.Result, i int) Count {
	if r.Suppressed[i] {
		return Count{Suppressed: true}
	}
	n := t.Counts[i]
	return Count{Count: &n}
}

// rungCells publishes the five rung cells starting at index first.
func rungCells(t suppress.Table, r suppress.Result, first int) []RungCell {
	cells := make([]RungCell, len(pathway.Rungs))
	for i, rung := range pathway.Rungs {
		cells[i] = RungCell{Rung: rung, Count: count(t, r, first+i)}
	}
	return cells
}

// reasonSharedOnly explains a result that shows only the cells a table
// shares with the report that owns them.
const reasonSharedOnly = "only cells shared with other reports can be shown"

// applyConsistent suppresses t so that every cell listed in fixed keeps the
// visibility it has in the report that owns it (true: hidden). Cells hidden
// there are forced here; if protecting t would hide a cell shown there, the
// other cells of each line through it are hidden instead, then every nonzero
// cell t does not share with that report. When even that cannot protect t,
// which happens whenever the shared cells alone pin a small cell of t (such
// as fewer than k people arriving between two published totals), the result
// shows the shared cells as that report does and hides every other cell:
// nothing beyond what that report already publishes.
func applyConsistent(k int, t suppress.Table, fixed map[int]bool) (suppress.Result, error) {
	extra := map[int]bool{}
	var base []int
	for i, hidden := range fixed {
		if hidden {
			base = append(base, i)
		}
	}
	lastResort := false
	for {
		t.Forced = slices.Clone(base)
		for i := range extra {
			t.Forced = append(t.Forced, i)
		}
		slices.Sort(t.Forced)
		r, err := suppress.Apply(k, t)
		if err != nil {
			return r, err
		}
		grew := false
		hide := func(c int) {
			if _, isFixed := fixed[c]; !isFixed && !extra[c] && t.Counts[c] > 0 {
				extra[c], grew = true, true
			}
		}
		broken := false
		for i, hidden := range fixed {
			if hidden || !r.Suppressed[i] {
				continue
			}
			broken = true
			for _, l := range t.Lines {
				if l.Total == i || slices.Contains(l.Parts, i) {
					for _, c := range l.Parts {
						hide(c)
					}
					hide(l.Total)
				}
			}
		}
		if !broken {
			return r, nil
		}
		if !grew {
			if lastResort {
				return sharedOnly(len(t.Counts), fixed), nil
			}
			lastResort = true
			for i := range t.Counts {
				hide(i)
			}
		}
	}
}

// sharedOnly hides every one of n cells but the fixed ones, which keep the
// visibility they have in the report that owns them.
func sharedOnly(n int, fixed map[int]bool) suppress.Result {
	r := suppress.Result{Suppressed: make([]bool, n), Reason: reasonSharedOnly}
	for i := range r.Suppressed {
		hidden, shared := fixed[i]
		r.Suppressed[i] = hidden || !shared
	}
	return r
}

// canonical suppresses people per rung for everyone on one day: the one
// suppression every other report showing these cells must follow. Cells
// 0 to 4 are the rungs, cell 5 the total.
func (s *Service) canonical(c pathway.RungCounts) (suppress.Table, suppress.Result, error) {
	t := suppress.Vector(c[:])
	r, err := suppress.Apply(s.K, t)
	return t, r, err
}

// canonicalDistribution counts everyone on a day and suppresses it canonically.
func (s *Service) canonicalDistribution(ctx context.Context, day pathway.Date) (suppress.Table, suppress.Result, error) {
	c, err := s.Store.RungCountsOn(ctx, day, 0)
	if err != nil {
		return suppress.Table{}, suppress.Result{}, err
	}
	return s.canonical(c)
}
