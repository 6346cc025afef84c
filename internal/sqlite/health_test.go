package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"pathway/internal/pathway"
)

// fillDisk stands in for a full disk: the writer's file may not grow by a
// page. It returns the function that gives the room back.
func fillDisk(tb testing.TB, s *historyStore) (free func()) {
	tb.Helper()
	ctx := context.Background()
	w := s.db.Writer() // one connection, kept open: the limit stays on it
	var pages int
	if err := w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		tb.Fatal(err)
	}
	if _, err := w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		tb.Fatal(err)
	}
	return func() {
		if _, err := w.ExecContext(ctx, `PRAGMA max_page_count = 4294967294`); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestAFullDiskRefusesWritesAsUnavailableAndFailsReadiness(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	p := s.add(t, "CMS-FULL-1", "Full Disk")
	if err := s.db.Ready(ctx); err != nil {
		t.Fatalf("before the disk fills: not ready: %v", err)
	}
	free := fillDisk(t, s)

	// Writes that need room until one is refused.
	var refused error
	long := strings.Repeat("a long note that takes room ", 15)
	for i := 0; i < 500 && refused == nil; i++ {
		refused = s.participants.AddEngagement(ctx, s.staff, p.ID, &pathway.Engagement{OccurredOn: s.today, Activity: "Meeting", Note: long[:400]})
	}
	if refused == nil {
		t.Fatal("500 writes fit on a full disk: the test did not fill it")
	}
	if code := pathway.ErrorCode(refused); code != pathway.EUNAVAILABLE {
		t.Fatalf("a write on a full disk: error %v (code %q), want %s", refused, code, pathway.EUNAVAILABLE)
	}
	if err := s.db.Ready(ctx); pathway.ErrorCode(err) != pathway.EUNAVAILABLE {
		t.Errorf("readiness on a full disk: %v, want %s", err, pathway.EUNAVAILABLE)
	}
	if _, err := s.participants.ListPlacements(ctx, s.admin, p.ID); err != nil && pathway.ErrorCode(err) != pathway.EUNAVAILABLE {
		t.Errorf("a read on a full disk: %v", err)
	}

	free()
	if err := s.participants.AddEngagement(ctx, s.staff, p.ID, &pathway.Engagement{OccurredOn: s.today, Activity: "Meeting"}); err != nil {
		t.Fatalf("a write once there is room again: %v", err)
	}
	if err := s.db.Ready(ctx); err != nil {
		t.Errorf("once writes succeed again: not ready: %v", err)
	}
}
