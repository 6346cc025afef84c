package demo_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"pathway/internal/app"
	"pathway/internal/demo"
	"pathway/internal/pathway"
	"pathway/internal/sqlite/sqlitetest"
)

func TestTheDemoFillsAnEmptyDatabaseOnceAndKeepsTheRules(t *testing.T) {
	db := sqlitetest.MustOpen(t)
	s := app.DemoServices(app.NewServer(db, slog.New(slog.DiscardHandler), app.DefaultConfig))
	ctx := context.Background()
	today := pathway.DateOf(time.Now(), time.UTC)
	accounts, err := demo.Load(ctx, s, demo.Options{Participants: 120, Today: today, Seed: 1, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 3 {
		t.Errorf("%d demo accounts, want staff, coordinator and leadership", len(accounts))
	}
	admin := pathway.Actor{Email: "test", Role: pathway.RoleAdmin}
	counts, err := s.Participants.CountByRung(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Sum() != 120 {
		t.Errorf("%d participants, want 120", counts.Sum())
	}
	onRungs := 0
	for _, n := range counts {
		if n > 0 {
			onRungs++
		}
	}
	if onRungs < 3 {
		t.Errorf("people on %d rungs only: %v", onRungs, counts)
	}
	bodies, err := s.Bodies.ListBodies(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[pathway.BodyKind]bool{}
	for _, b := range bodies {
		kinds[b.Kind] = true
		if b.Seats != nil && b.SeatsFilled > *b.Seats {
			t.Errorf("%s holds %d people in %d seats", b.Name, b.SeatsFilled, *b.Seats)
		}
	}
	if !kinds[pathway.AdvisoryBoard] || !kinds[pathway.SpeakersBureau] {
		t.Errorf("demo bodies %v lack an advisory board or a speakers bureau", kinds)
	}
	if _, err := demo.Load(ctx, s, demo.Options{Today: today, PasswordHash: "x"}); !errors.Is(err, demo.ErrNotEmpty) {
		t.Errorf("loading twice: %v, want ErrNotEmpty", err)
	}
}
