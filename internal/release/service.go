package release

import (
	"context"
	"fmt"
	"slices"
	"time"

	"pathway/internal/pathway"
)

// Defaults, justified in the README ("Releases and privacy"): at ε 1 a
// rung count of a release is within ±12 of the truth 95 % of the time; the
// 12 months, 4 quarters and the year of a calendar year spend 17 of its 20.
const (
	DefaultEpsilon   = 1.0
	DefaultBudget    = 20.0
	DefaultAfterDays = 10
)

// Service publishes releases and serves them as stored.
type Service struct {
	Store  pathway.ReleaseStore
	Config Config
	// Budget is the most ε the releases of one calendar year may spend.
	Budget float64
	// AfterDays is how many days after a period ends the schedule
	// publishes it.
	AfterDays int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

var _ pathway.ReleaseService = (*Service)(nil)

// ScheduleActor is who the schedule publishes as in the audit trail.
var ScheduleActor = pathway.Actor{Email: "release schedule", Role: pathway.RoleAdmin}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func parse(label string) (pathway.Period, error) {
	p, err := pathway.ParsePeriod(label)
	if err != nil {
		return p, pathway.Invalid("period", "period.format")
	}
	return p, nil
}

// Publish implements pathway.ReleaseService.
func (s *Service) Publish(ctx context.Context, a pathway.Actor, label string) (*pathway.Release, error) {
	p, err := parse(label)
	if err != nil {
		return nil, err
	}
	today := s.Store.Today()
	if !p.Closed(today) {
		return nil, pathway.Invalid("period", "release.not_over", p.Label, p.End)
	}
	// Cheap checks first, so a refused release costs no computation; the
	// store checks both again in the transaction that writes it.
	if _, err := s.Store.FindRelease(ctx, p.Label); err == nil {
		return nil, pathway.Conflict("period", "release.already_published", p.Label)
	} else if pathway.ErrorCode(err) != pathway.ENOTFOUND {
		return nil, err
	}
	spent, err := s.Store.Spent(ctx)
	if err != nil {
		return nil, err
	}
	if err := pathway.CheckBudget(p.Year(), spent[p.Year()], s.Config.Epsilon, s.Budget); err != nil {
		// A publish of this very period may have landed between the two
		// reads, spending the budget it found: that is the true answer.
		if _, ferr := s.Store.FindRelease(ctx, p.Label); ferr == nil {
			return nil, pathway.Conflict("period", "release.already_published", p.Label)
		}
		return nil, err
	}
	counts, err := s.Store.ReleaseCounts(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", p.Label, err)
	}
	by := "command line"
	switch {
	case a.UserID != 0:
		by = "admin"
	case a.Email == ScheduleActor.Email:
		by = "schedule"
	}
	rel, err := Compute(s.Config, counts, s.now(), by)
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", p.Label, err)
	}
	if err := s.Store.CreateRelease(ctx, a, rel, s.Budget); err != nil {
		return nil, err
	}
	return rel, nil
}

// notPublished explains when an unpublished period will be published.
func (s *Service) notPublished(p pathway.Period) error {
	today := s.Store.Today()
	due := p.DueOn(s.AfterDays)
	switch {
	case p.Start.After(today):
		return pathway.Errorf(pathway.ENOTFOUND, "release.not_begun", p.Label, due, s.AfterDays)
	case !p.Closed(today):
		return pathway.Errorf(pathway.ENOTFOUND, "release.open", p.Label, due)
	case today.Before(due):
		return pathway.Errorf(pathway.ENOTFOUND, "release.due", p.Label, due)
	}
	return pathway.Errorf(pathway.ENOTFOUND, "release.none_admin", p.Label)
}

// notPublishedYet explains an unpublished period to someone who may be
// waiting for it, saying when nobody is followed yet that nothing will come.
func (s *Service) notPublishedYet(ctx context.Context, p pathway.Period) error {
	if _, ok, err := s.Store.FirstDay(ctx); err != nil {
		return err
	} else if !ok {
		return pathway.Errorf(pathway.ENOTFOUND, "release.nobody", p.Label, s.AfterDays)
	}
	return s.notPublished(p)
}

// Release implements pathway.ReleaseService.
func (s *Service) Release(ctx context.Context, label string) (*pathway.Release, error) {
	p, err := parse(label)
	if err != nil {
		return nil, err
	}
	r, err := s.Store.FindRelease(ctx, p.Label)
	if pathway.ErrorCode(err) == pathway.ENOTFOUND {
		return nil, s.notPublishedYet(ctx, p)
	}
	return r, err
}

// Table implements pathway.ReleaseService.
func (s *Service) Table(ctx context.Context, label, name string) (*pathway.ReleaseTable, error) {
	p, err := parse(label)
	if err != nil {
		return nil, err
	}
	t, err := s.Store.FindReleaseTable(ctx, p.Label, name)
	if pathway.ErrorCode(err) == pathway.ENOTFOUND {
		return nil, s.notPublishedYet(ctx, p)
	}
	return t, err
}

// Releases implements pathway.ReleaseService.
func (s *Service) Releases(ctx context.Context) ([]pathway.Release, []pathway.Budget, error) {
	rs, err := s.Store.ListReleases(ctx)
	if err != nil {
		return nil, nil, err
	}
	spent, err := s.Store.Spent(ctx)
	if err != nil {
		return nil, nil, err
	}
	year := s.Store.Today().Time().Year()
	years := []int{year}
	for y := range spent {
		if y != year {
			years = append(years, y)
		}
	}
	slices.Sort(years[1:])
	slices.Reverse(years[1:])
	budgets := make([]pathway.Budget, len(years))
	for i, y := range years {
		budgets[i] = pathway.Budget{Year: y, Spent: round(spent[y]), Limit: s.Budget}
	}
	return rs, budgets, nil
}

// round keeps ε to six decimals, so sums of shares read as they were meant.
func round(x float64) float64 {
	return float64(int64(x*1e6+0.5)) / 1e6
}
