package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// auditCount counts the rows of audit_log with action about entity id,
// straight from the file, without waiting for the read log.
func auditCount(tb testing.TB, db *sqlite.DB, action string, id int64) int {
	tb.Helper()
	var n int
	err := db.Reader().QueryRowContext(context.Background(),
		`SELECT count(*) FROM audit_log WHERE action = ? AND entity_id IS ?`, action, id).Scan(&n)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// An identifiable read is answered, with its audit entry on disk, while
// the writer is busy with something else; the entry reaches audit_log in
// the committer's next batch.
func TestAnAuditedReadIsAnsweredWhileTheWriterIsBusy(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-READ-1", "Reader Person")
	release := s.db.HoldWriter()
	defer release()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.participants.ListEngagements(ctx, s.staff, p.ID); err != nil {
		t.Fatalf("a read while the writer was busy: %v", err)
	}
	if _, err := s.participants.ListPlacements(ctx, s.staff, p.ID); err != nil {
		t.Fatalf("a read while the writer was busy: %v", err)
	}
	if n := auditCount(t, s.db, "engagement.list", p.ID); n != 0 {
		t.Fatalf("%d engagement.list entries in audit_log while the writer was held: the read went through the writer", n)
	}

	release()
	if err := s.db.FlushReads(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"engagement.list", "placement.list"} {
		if n := auditCount(t, s.db, action, p.ID); n != 1 {
			t.Errorf("%d %s entries for one read, want 1", n, action)
		}
	}
	entries, _, err := s.audit.ListAudit(context.Background(), s.admin, pathway.AuditFilter{Action: "engagement.list", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].User != s.staff.Email || entries[0].RemoteAddr != s.staff.RemoteAddr || entries[0].EntityID == nil || *entries[0].EntityID != p.ID {
		t.Errorf("the read's entry is %+v, want who (%s), from where (%s) and whom (%d)", entries, s.staff.Email, s.staff.RemoteAddr, p.ID)
	}
}

// A read answered before a write was asked for is audited before it: the
// committer moves waiting read entries at the start of every batch.
func TestAReadAnsweredBeforeAWriteComesFirstInTheTrail(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-READ-2", "Order Person")
	ctx := context.Background()
	for range 20 {
		if _, err := s.participants.ListEngagements(ctx, s.staff, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.participants.AddPlacement(ctx, s.staff, p.ID, &pathway.Placement{Rung: pathway.Member, EffectiveOn: s.today}); err != nil {
			t.Fatal(err)
		}
		entries, _, err := s.audit.ListAudit(ctx, s.admin, pathway.AuditFilter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "placement.create" || entries[1].Action != "engagement.list" {
			t.Fatalf("newest entries %v, want the placement after the read that came before it", entries)
		}
	}
}

// copyFiles copies the database, its write-ahead log and its read log to
// dir, as they are on disk at this moment: what a crash would leave.
func copyFiles(tb testing.TB, db *sqlite.DB, dir string) string {
	tb.Helper()
	to := filepath.Join(dir, "pathway.db")
	logs := sqlite.ReadLogPaths(db.Path)
	copies := sqlite.ReadLogPaths(to)
	pairs := [][2]string{{db.Path, to}, {db.Path + "-wal", to + "-wal"}, {logs[0], copies[0]}, {logs[1], copies[1]}}
	for _, p := range pairs {
		b, err := os.ReadFile(p[0])
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p[1], b, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	return to
}

// reopen opens the database file at path as a restart would.
func reopen(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db := sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// A process that stops after answering reads and before the committer
// moved their entries leaves them in the read log; the next start moves
// them into audit_log before it serves, once each, and torn bytes at the
// end of the log (a write the crash cut) are left out.
func TestReadEntriesACrashLeftAreMovedOnTheNextStart(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-READ-3", "Crash Person")
	q := s.add(t, "CMS-READ-4", "Second Person")
	release := s.db.HoldWriter()
	defer release()
	ctx := context.Background()
	for _, id := range []int64{p.ID, q.ID} {
		if _, err := s.participants.ListEngagements(ctx, s.staff, id); err != nil {
			t.Fatal(err)
		}
	}
	crashed := copyFiles(t, s.db, t.TempDir())
	// The crash also cut an entry half-way through.
	for _, log := range sqlite.ReadLogPaths(crashed) {
		if info, err := os.Stat(log); err == nil && info.Size() > 16 {
			f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write([]byte{0, 0, 0, 90, 1, 2, 3, 4, '{', '"', 'a'})
			f.Close()
		}
	}

	restarted := reopen(t, crashed)
	for _, id := range []int64{p.ID, q.ID} {
		if n := auditCount(t, restarted, "engagement.list", id); n != 1 {
			t.Errorf("after the restart, %d engagement.list entries for %d, want 1", n, id)
		}
	}
	if err := restarted.Close(); err != nil {
		t.Fatal(err)
	}
	again := reopen(t, crashed)
	if n := auditCount(t, again, "engagement.list", p.ID); n != 1 {
		t.Errorf("after a second restart, %d entries, want still 1", n)
	}
}

// A crash after the commit that moved a segment and before its file was
// emptied leaves entries already in audit_log; the next start does not
// move them twice.
func TestASegmentMovedBeforeACrashIsNotMovedAgain(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pathway.db")
	db := reopen(t, path)
	actor := pathway.Actor{UserID: 1, Email: "staff@example.org", RemoteAddr: "198.51.100.7"}
	release := db.HoldWriter()
	if err := db.LogRead(actor, "change.list", "change", 0); err != nil {
		t.Fatal(err)
	}
	logs := sqlite.ReadLogPaths(path)
	var saved [2][]byte
	for i, l := range logs {
		var err error
		if saved[i], err = os.ReadFile(l); err != nil {
			t.Fatal(err)
		}
	}
	release()
	if err := db.FlushReads(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := changeLists(t, db); n != 1 {
		t.Fatalf("%d change.list entries after the flush, want 1", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// As if the files had never been emptied.
	for i, l := range logs {
		if err := os.WriteFile(l, saved[i], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	again := reopen(t, path)
	if n := changeLists(t, again); n != 1 {
		t.Errorf("%d change.list entries after the restart, want the one read's", n)
	}
}

// A read of someone whose erasure committed before the read's entry was
// moved leaves an entry that no longer names them, as the erasure's
// unlinking leaves every earlier one.
func TestAReadEntryMovedAfterAnErasureKeepsNoID(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-READ-5", "Erased Reader")
	ctx := context.Background()
	if _, err := s.participants.WithdrawConsent(ctx, s.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.db.LogRead(s.staff, "participant.read", "participant", p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.db.FlushReads(ctx); err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, s.db, "participant.read", p.ID); n != 0 {
		t.Errorf("%d read entries still name the erased person", n)
	}
	var unlinked int
	if err := s.db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'participant.read' AND entity_id IS NULL`).Scan(&unlinked); err != nil {
		t.Fatal(err)
	}
	if unlinked != 1 {
		t.Errorf("%d unlinked read entries, want the one read's", unlinked)
	}
}

// A database opened read-only cannot keep a read's audit entry, so the
// read is refused, as it was when reads' entries went through the writer.
func TestAnAuditedReadOfAReadOnlyFileIsRefused(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-READ-6", "Read Only")
	path := s.db.Path
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
	db := sqlite.NewDB(path)
	db.ReadOnly = true
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err := sqlite.NewParticipantService(db).ListEngagements(context.Background(), s.staff, p.ID)
	if pathway.ErrorCode(err) != pathway.EUNAVAILABLE {
		t.Errorf("an audited read of a read-only file: %v, want %s", err, pathway.EUNAVAILABLE)
	}
}

// changeLists counts the change.list entries in audit_log.
func changeLists(tb testing.TB, db *sqlite.DB) int {
	tb.Helper()
	var n int
	if err := db.Reader().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'change.list'`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// A command run beside the server opens the same file: it must leave the
// server's read log alone (the server keeps it) and audit its own reads
// through the writer, so neither loses nor doubles an entry.
func TestASecondProcessOnTheFileLeavesTheReadLogToTheFirst(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-READ-7", "Two Processes")
	ctx := context.Background()
	if !s.db.KeepsReadLog() {
		t.Fatal("the first to open the file does not keep its read log")
	}
	if _, err := s.participants.ListEngagements(ctx, s.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	second := reopen(t, s.db.Path)
	if second.KeepsReadLog() {
		t.Fatal("a second opening of the file took the read log too")
	}
	if _, err := sqlite.NewParticipantService(second).ListEngagements(ctx, s.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, second, "engagement.list", p.ID); n < 1 {
		t.Errorf("the second opening's read is not in audit_log when answered (%d entries)", n)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.participants.ListEngagements(ctx, s.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.db.FlushReads(ctx); err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, s.db, "engagement.list", p.ID); n != 3 {
		t.Errorf("%d engagement.list entries for three reads", n)
	}
}
