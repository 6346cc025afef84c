package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"runtime"
	"testing"
	"time"

	"pathway/internal/pathway"
)

// answerBound is far longer than any write here takes: a write not answered
// by then is waiting for ever.
const answerBound = 10 * time.Second

// engagement is a small write for p.
func engagement(s *historyStore, p *pathway.Participant) func() error {
	return func() error {
		return s.participants.AddEngagement(context.Background(), s.staff, p.ID, &pathway.Engagement{OccurredOn: s.today, Activity: "Supper"})
	}
}

func TestEveryWriteAfterCloseIsAnsweredUnavailable(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-CLOSE-1", "Closing Person")
	write := engagement(s, p)
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
	const writes = 20
	answers := make(chan error, writes)
	for range writes {
		go func() { answers <- write() }()
	}
	timeout := time.After(answerBound)
	for i := range writes {
		select {
		case err := <-answers:
			if code := pathway.ErrorCode(err); code != pathway.EUNAVAILABLE {
				t.Errorf("write after Close: error %v (code %q), want %s", err, code, pathway.EUNAVAILABLE)
			}
		case <-timeout:
			t.Fatalf("%d of %d writes after Close were never answered", writes-i, writes)
		}
	}
}

func TestEveryWriteRacingCloseIsAnswered(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-CLOSE-2", "Racing Person")
	write := engagement(s, p)
	const writes = 20
	start := make(chan struct{})
	answers := make(chan error, writes)
	for range writes {
		go func() {
			<-start
			answers <- write()
		}()
	}
	close(start)
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(answerBound)
	for i := range writes {
		select {
		case err := <-answers:
			if err != nil && pathway.ErrorCode(err) != pathway.EUNAVAILABLE {
				t.Errorf("write racing Close: error %v, want success or %s", err, pathway.EUNAVAILABLE)
			}
		case <-timeout:
			t.Fatalf("%d of %d writes racing Close were never answered", writes-i, writes)
		}
	}
}

func TestClosingTwiceIsHarmless(t *testing.T) {
	s := newHistoryStore(t)
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("a second Close panicked: %v", p)
		}
	}()
	if err := s.db.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

// storeGoroutines returns the stacks of goroutines running the store's code.
func storeGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range bytes.SplitSeq(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte("pathway/internal/sqlite.(*DB)")) {
			out = append(out, string(g))
		}
	}
	return out
}

func TestBackgroundScrubStopsWithTheDatabase(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	gone := s.add(t, "CMS-CLOSE-3", "Pending Person")
	// An outside reader holds the log, so the erasure leaves its scrub to
	// the background.
	outside, err := sql.Open("sqlite", "file:"+s.db.Path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer outside.Close()
	held, err := outside.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback()
	var n int
	if err := held.QueryRowContext(ctx, `SELECT count(*) FROM participants`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	pending, err := s.participants.WithdrawConsent(ctx, s.staff, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !pending {
		t.Fatal("the scrub was not left pending while a reader held the log")
	}

	// Close once the scrubber is at work, not before it woke.
	deadline := time.Now().Add(answerBound)
	for s.db.ScrubRetries() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the scrubber never tried the pending scrub")
		}
		time.Sleep(time.Millisecond)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.db.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(answerBound):
		t.Fatal("Close did not return while a scrub was pending")
	}
	if left := storeGoroutines(); len(left) > 0 {
		t.Errorf("%d goroutines of the store outlive Close; the first:\n%s", len(left), left[0])
	}
}
