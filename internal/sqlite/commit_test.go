package sqlite_test

import (
	"context"
	"sync"
	"testing"

	"pathway/internal/pathway"
)

// Writes share commits under load; a write that fails half-way must still
// leave nothing behind, and must not take the writes beside it down.
func TestAFailedWriteInASharedCommitLeavesNothingAndSparesTheOthers(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	p := s.add(t, "CMS-BATCH-1", "Batch Person")
	count := func(table string) int {
		var n int
		if err := s.db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	placementsBefore, auditBefore := count("placements"), count("audit_log")

	const writers = 40
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pl := &pathway.Placement{Rung: pathway.Member, EffectiveOn: s.today}
			if i%2 == 1 {
				// Inserted first, then refused: its evidence is not this person's.
				pl.Evidence = []pathway.Evidence{{Kind: "role", ID: 999999}}
			}
			errs[i] = s.participants.AddPlacement(ctx, s.staff, p.ID, pl)
		}()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case i%2 == 0 && err != nil:
			t.Errorf("valid write %d failed: %v", i, err)
		case i%2 == 1 && pathway.ErrorCode(err) != pathway.EINVALID:
			t.Errorf("write %d with foreign evidence: error %v, want %s", i, err, pathway.EINVALID)
		case err == nil:
			ok++
		}
	}
	if got := count("placements") - placementsBefore; got != ok {
		t.Errorf("%d placements stored for %d successful writes: a failed write left a row", got, ok)
	}
	if got := count("audit_log") - auditBefore; got != ok {
		t.Errorf("%d audit entries for %d successful writes", got, ok)
	}
}

// A write whose caller has gone before its turn is not applied.
func TestAWriteWhoseCallerLeftBeforeItsTurnIsNotApplied(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-GONE-CALLER", "Gone Caller")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.participants.AddPlacement(ctx, s.staff, p.ID, &pathway.Placement{Rung: pathway.Leader, EffectiveOn: s.today})
	if err == nil {
		t.Fatal("a write with a cancelled context was applied")
	}
	history, err := s.participants.ListPlacements(context.Background(), s.admin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 {
		t.Errorf("history has %d placements, want only the first", len(history))
	}
}
