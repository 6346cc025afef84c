package release

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"pathway/internal/pathway"
)

// Schedule publishes every month, quarter and year by itself once it has
// been closed for the service's AfterDays, checking when it starts and then
// daily. It owns its goroutine: Start begins it, Close stops it and waits.
type Schedule struct {
	Service *Service
	Logger  *slog.Logger
	// Every is how often it checks; zero means daily.
	Every time.Duration

	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{}
}

// Start runs the first check now and then one every period, in the
// background, until Close.
func (s *Schedule) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	every := s.Every
	if every <= 0 {
		every = 24 * time.Hour
	}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.RunOnce(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Close stops the schedule and waits for a check in progress to end. It
// may be called more than once, and before Start.
func (s *Schedule) Close() error {
	s.once.Do(func() {
		if s.cancel != nil {
			s.cancel()
			<-s.done
		}
	})
	return nil
}

// RunOnce publishes every due period that has no release yet, oldest first,
// and returns the labels it published. A period the budget refuses is
// logged and tried again at the next check.
func (s *Schedule) RunOnce(ctx context.Context) []string {
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	due, err := s.Service.Due(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("release schedule", "err", err)
		}
		return nil
	}
	var published []string
	for _, p := range due {
		if ctx.Err() != nil {
			break
		}
		start := time.Now()
		_, err := s.Service.Publish(ctx, ScheduleActor, p.Label)
		switch pathway.ErrorCode(err) {
		case "":
			published = append(published, p.Label)
			log.Info("release published", "period", p.Label, "duration_ms", time.Since(start).Milliseconds())
		case pathway.ECONFLICT:
		case pathway.EINTERNAL, pathway.EUNAVAILABLE:
			if ctx.Err() == nil {
				log.Error("release not published", "period", p.Label, "err", err)
			}
		default:
			if ctx.Err() == nil {
				log.Warn("release not published", "period", p.Label, "err", pathway.ErrorMessage(err), "fields", pathway.ErrorFields(err))
			}
		}
	}
	return published
}

// Due lists the periods whose release is due by today and not yet
// published, from the first month anyone was followed.
func (s *Service) Due(ctx context.Context) ([]pathway.Period, error) {
	first, ok, err := s.Store.FirstDay(ctx)
	if err != nil || !ok {
		return nil, err
	}
	rs, err := s.Store.ListReleases(ctx)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, r := range rs {
		have[r.Period.Label] = true
	}
	var out []pathway.Period
	for _, p := range pathway.DuePeriods(first, s.Store.Today(), s.AfterDays) {
		if !have[p.Label] {
			out = append(out, p)
		}
	}
	return out, nil
}
