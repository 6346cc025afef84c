package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pathway/internal/sqlite"
)

// holdLog begins a read on its own connection to path, which keeps a
// truncating checkpoint from clearing the write-ahead log, and returns the
// function that lets go.
func holdLog(tb testing.TB, path string) (release func()) {
	tb.Helper()
	outside, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		tb.Fatal(err)
	}
	held, err := outside.BeginTx(context.Background(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	var n int
	if err := held.QueryRow(`SELECT count(*) FROM participants`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	release = func() {
		_ = held.Rollback()
		_ = outside.Close()
	}
	tb.Cleanup(release)
	return release
}

// pendingScrubs counts the scrub markers, read on a connection of its own.
func pendingScrubs(tb testing.TB, path string) int {
	tb.Helper()
	c, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.QueryRow(`SELECT count(*) FROM scrub_pending`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// copyFile copies src to dst if src exists.
func copyFile(tb testing.TB, src, dst string) {
	tb.Helper()
	b, err := os.ReadFile(src)
	if errors.Is(err, fs.ErrNotExist) {
		return
	} else if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

func TestAnErasureWhileAReaderHoldsTheLogIsMarkedAndScrubbedWhenItLetsGo(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	gone := s.add(t, "CMS-MARK-3101", "Philippa Thornbury")
	traces := s.record(t, gone, "mark")
	release := holdLog(t, s.db.Path)

	pending, err := s.participants.WithdrawConsent(ctx, s.staff, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !pending {
		t.Fatal("the erasure reported the files clean while a reader held the log")
	}
	if n := pendingScrubs(t, s.db.Path); n != 1 {
		t.Fatalf("%d scrub markers after the erasure, want 1", n)
	}
	if !bytes.Contains(fileBytes(t, s.db), []byte(traces[0])) {
		t.Fatal("the name is not in the files while the reader holds the log: the test cannot catch a scrub that never comes")
	}

	release()
	deadline := time.Now().Add(answerBound)
	for pendingScrubs(t, s.db.Path) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the scrub is still pending %v after the reader let go", answerBound)
		}
		time.Sleep(20 * time.Millisecond)
	}
	raw := fileBytes(t, s.db)
	for _, tr := range traces {
		if i := bytes.Index(raw, []byte(tr)); i >= 0 {
			t.Errorf("%q remains at byte %d of the database files after the scrub", tr, i)
		}
	}
}

func TestOpenFinishesAScrubACrashInterrupted(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	gone := s.add(t, "CMS-CRASH-3102", "Barnaby Oakhurst")
	traces := s.record(t, gone, "crash")
	holdLog(t, s.db.Path)
	if _, err := s.participants.WithdrawConsent(ctx, s.staff, gone.ID); err != nil {
		t.Fatal(err)
	}
	// The files as a kill -9 would leave them now: the erasure committed,
	// its scrub not yet done.
	crashed := filepath.Join(t.TempDir(), "crashed.db")
	copyFile(t, s.db.Path, crashed)
	copyFile(t, s.db.Path+"-wal", crashed+"-wal")
	before, _ := os.ReadFile(crashed + "-wal")
	if !bytes.Contains(before, []byte(traces[0])) {
		t.Fatal("the crashed log does not hold the name: the test cannot catch an unfinished scrub")
	}

	db := sqlite.NewDB(crashed)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := fileBytes(t, db)
	for _, tr := range traces {
		if i := bytes.Index(raw, []byte(tr)); i >= 0 {
			t.Errorf("after the restart's Open %q remains at byte %d of the database files", tr, i)
		}
	}
	if n := pendingScrubs(t, crashed); n != 0 {
		t.Errorf("%d scrub markers left after Open", n)
	}
}
