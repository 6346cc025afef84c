package sqlite

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"pathway/internal/pathway"
)

// The read log. Every identifiable read leaves an audit entry, and a read
// must not queue for the one writer behind unrelated writes. So an audited
// read runs on a reader connection, like any read, and its entries are
// appended to a small log beside the database file and synced to disk
// before the read is answered. The committer moves the log's entries into
// audit_log at the start of its next batch, so an entry lands before any
// write queued after its read was answered; Open moves whatever a crash
// left in the log before it serves. A read is never answered without its
// entry on disk, in audit_log or in the log.
//
// One process keeps the log, the first to open the database (a file lock
// says which); another process on the same file, such as a command run
// beside the server, audits its reads through the writer as before.
//
// The log is two files, <db>-reads-a and <db>-reads-b, used in turn. Each
// begins with its segment number; entries follow, each with its length and
// checksum, so an entry torn by a crash ends its segment (its read was not
// answered). The committer swaps the files, moves the full segment into
// audit_log in a transaction that also records the segment's number in
// read_log_moved, commits it synced to disk (synchronous=FULL for that
// commit, as the file it empties next is the entries' only other copy), and
// only then empties the file for reuse. A segment whose number is not above
// the recorded one is never moved twice.

// readLogMagic begins every read-log file, followed by its segment number.
const readLogMagic = "PWREADS1"

// readLogHeader is the size of that beginning.
const readLogHeader = int64(len(readLogMagic) + 8)

// maxReadEntry bounds an entry's encoded size, so that recovery can tell a
// torn length from a real one.
const maxReadEntry = 1 << 16

// readEntry is one audit entry of a read, as the log keeps it.
type readEntry struct {
	At         string `json:"at"`
	UserID     int64  `json:"user_id,omitempty"`
	Email      string `json:"email"`
	Action     string `json:"action"`
	Entity     string `json:"entity"`
	EntityID   int64  `json:"entity_id,omitempty"`
	RemoteAddr string `json:"remote_addr"`
	// ByParticipant says the participant read through their own link.
	ByParticipant bool `json:"by_participant,omitempty"`
}

// segment is one of the two files and the entries it holds now.
type segment struct {
	seq int64
	f   *os.File

	// Under readLog.mu: bytes written (the next entry's offset) and the
	// entries those bytes hold.
	size    int64
	entries []readEntry

	// Under syncMu: how many bytes are known to be on disk.
	syncMu sync.Mutex
	synced int64
}

// readLog is the log, owned by a DB.
type readLog struct {
	mu     sync.Mutex
	active *segment // takes new entries
	spare  *segment // empty and numbered active.seq+1; nil while moving is set
	moving *segment // swapped out, its entries not yet committed to audit_log
	closed bool
	// wake tells the committer that entries wait, when it has no writes.
	wake chan struct{}
	// syncs counts the fsyncs readers made, for the tests.
	syncs int64
}

// readLogPaths returns the two files of the log of the database at path.
func readLogPaths(path string) [2]string {
	return [2]string{path + "-reads-a", path + "-reads-b"}
}

// errReadLog answers an audited read whose entry could not be kept.
var errReadLog = errUnavailable

// append keeps entries in the log and returns once they are on disk.
// Concurrent readers share fsyncs: whoever syncs first syncs what every
// reader before it wrote.
func (l *readLog) append(entries []readEntry) error {
	var buf bytes.Buffer
	for _, e := range entries {
		if err := encodeReadEntry(&buf, e); err != nil {
			return err
		}
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return errClosed
	}
	seg := l.active
	if _, err := seg.f.WriteAt(buf.Bytes(), seg.size); err != nil {
		l.mu.Unlock()
		return fmt.Errorf("%w: keep a read's audit entry: %w", errReadLog, err)
	}
	seg.size += int64(buf.Len())
	seg.entries = append(seg.entries, entries...)
	end := seg.size
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}

	seg.syncMu.Lock()
	defer seg.syncMu.Unlock()
	if seg.synced >= end {
		return nil
	}
	l.mu.Lock()
	upto := seg.size
	l.syncs++
	l.mu.Unlock()
	if err := seg.f.Sync(); err != nil {
		return fmt.Errorf("%w: sync a read's audit entry: %w", errReadLog, err)
	}
	seg.synced = upto
	return nil
}

// take returns the segment the committer must move into audit_log now, or
// nil if no entry waits: the one a failed batch left, or else the active
// one, swapped for the spare.
func (l *readLog) take() *segment {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.moving != nil {
		return l.moving
	}
	if l.closed || len(l.active.entries) == 0 || l.spare == nil {
		return nil
	}
	l.moving, l.active, l.spare = l.active, l.spare, nil
	return l.moving
}

// moved empties seg, whose entries are committed to audit_log, and makes
// it the spare, numbered after the active segment.
func (l *readLog) moved(seg *segment) error {
	l.mu.Lock()
	next := l.active.seq + 1
	l.mu.Unlock()
	seg.syncMu.Lock()
	err := resetSegment(seg.f, next)
	seg.synced = 0
	seg.syncMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		// Left as moving: the next batch finds its entries moved already
		// (read_log_moved says so) and tries to empty it again.
		return fmt.Errorf("empty the read log: %w", err)
	}
	seg.seq, seg.size, seg.entries = next, readLogHeader, nil
	l.moving, l.spare = nil, seg
	return nil
}

// close stops taking entries and closes the files; what they hold stays
// for the next Open.
func (l *readLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	var errs []error
	for _, s := range []*segment{l.active, l.spare, l.moving} {
		if s != nil {
			errs = append(errs, s.f.Close())
		}
	}
	return errors.Join(errs...)
}

// encodeReadEntry appends e as length, CRC-32 and JSON.
func encodeReadEntry(buf *bytes.Buffer, e readEntry) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode a read's audit entry: %w", err)
	}
	var head [8]byte
	binary.BigEndian.PutUint32(head[0:4], uint32(len(payload)))
	binary.BigEndian.PutUint32(head[4:8], crc32.ChecksumIEEE(payload))
	buf.Write(head[:])
	buf.Write(payload)
	return nil
}

// readSegment reads a log file: its segment number and every whole entry,
// up to the first one torn or damaged. A file too short for its header
// holds nothing (seq 0).
func readSegment(f *os.File) (seq int64, entries []readEntry, err error) {
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<40))
	if err != nil {
		return 0, nil, err
	}
	if int64(len(data)) < readLogHeader || string(data[:len(readLogMagic)]) != readLogMagic {
		return 0, nil, nil
	}
	seq = int64(binary.BigEndian.Uint64(data[len(readLogMagic):readLogHeader]))
	rest := data[readLogHeader:]
	for len(rest) >= 8 {
		n := binary.BigEndian.Uint32(rest[0:4])
		sum := binary.BigEndian.Uint32(rest[4:8])
		if n > maxReadEntry || int(n) > len(rest)-8 {
			break
		}
		payload := rest[8 : 8+n]
		if crc32.ChecksumIEEE(payload) != sum {
			break
		}
		var e readEntry
		if json.Unmarshal(payload, &e) != nil {
			break
		}
		entries = append(entries, e)
		rest = rest[8+n:]
	}
	return seq, entries, nil
}

// resetSegment empties f and writes the header of segment seq.
func resetSegment(f *os.File, seq int64) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	head := make([]byte, readLogHeader)
	copy(head, readLogMagic)
	binary.BigEndian.PutUint64(head[len(readLogMagic):], uint64(seq))
	_, err := f.WriteAt(head, 0)
	return err
}

// openReadLog moves into audit_log whatever the log's files hold that was
// not moved before (a crash's leftovers), then empties them and starts the
// log. It runs in Open, before the committer starts and before any read.
func (db *DB) openReadLog(ctx context.Context) (err error) {
	var files [2]*os.File
	defer func() {
		if err != nil {
			for _, f := range files {
				if f != nil {
					f.Close()
				}
			}
		}
	}()
	type leftover struct {
		seq     int64
		entries []readEntry
	}
	var left []leftover
	for i, p := range readLogPaths(db.Path) {
		if files[i], err = os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
			return fmt.Errorf("open the read log: %w", err)
		}
		if i == 0 {
			if lerr := lockReadLog(files[0]); lerr != nil {
				// Another process on this file (the server, beside which
				// a command runs) keeps the log; this one audits its
				// reads through the writer.
				files[0].Close()
				files[0] = nil
				db.Logger.Info("another process keeps the read log; audited reads go through the writer", "error", lerr.Error())
				return nil
			}
		}
		seq, entries, err := readSegment(files[i])
		if err != nil {
			return fmt.Errorf("read the read log: %w", err)
		}
		left = append(left, leftover{seq, entries})
	}
	slices.SortFunc(left, func(a, b leftover) int { return cmp.Compare(a.seq, b.seq) })

	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("recover the read log: %w", err)
	}
	defer conn.Close()
	movedSeq, err := db.recoverReads(ctx, conn, func(movedSeq int64) (int64, []readEntry) {
		var entries []readEntry
		newest := movedSeq
		for _, l := range left {
			if l.seq > movedSeq {
				entries = append(entries, l.entries...)
				newest = max(newest, l.seq)
			}
		}
		return newest, entries
	})
	if err != nil {
		return err
	}
	next := movedSeq
	for _, l := range left {
		next = max(next, l.seq)
	}
	var segs [2]*segment
	for i, f := range files {
		seq := next + 1 + int64(i)
		if err := resetSegment(f, seq); err != nil {
			return fmt.Errorf("start the read log: %w", err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("start the read log: %w", err)
		}
		segs[i] = &segment{seq: seq, f: f, size: readLogHeader}
	}
	// The files may be new: make their names durable too.
	if dir, err := os.Open(filepath.Dir(db.Path)); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	db.reads = &readLog{active: segs[0], spare: segs[1], wake: make(chan struct{}, 1)}
	return nil
}

// recoverReads moves the entries pick chooses, given the newest segment
// moved before, into audit_log with the newest segment they come from, in
// one transaction synced to disk. It returns the newest segment moved.
func (db *DB) recoverReads(ctx context.Context, conn *sql.Conn, pick func(movedSeq int64) (int64, []readEntry)) (int64, error) {
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return 0, fmt.Errorf("recover the read log: %w", err)
	}
	defer conn.ExecContext(context.Background(), `PRAGMA synchronous = NORMAL`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("recover the read log: %w", err)
	}
	defer tx.Rollback()
	var movedSeq int64
	if err := tx.QueryRowContext(ctx, `SELECT segment FROM read_log_moved`).Scan(&movedSeq); err != nil {
		return 0, fmt.Errorf("recover the read log: %w", err)
	}
	newest, entries := pick(movedSeq)
	if newest == movedSeq {
		return movedSeq, nil
	}
	if err := insertReads(ctx, tx, newest, entries); err != nil {
		return 0, fmt.Errorf("recover the read log: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("recover the read log: %w", err)
	}
	if len(entries) > 0 {
		db.Logger.Info("moved the audit entries of reads a stop left in the read log", "entries", len(entries))
	}
	return newest, nil
}

// insertReads writes entries to audit_log and records seq as moved.
func insertReads(ctx context.Context, tx execer, seq int64, entries []readEntry) error {
	if err := insertAudit(ctx, tx, entries); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE read_log_moved SET segment = ?`, seq); err != nil {
		return fmt.Errorf("record the read log's progress: %w", err)
	}
	return nil
}

// insertAudit writes entries to audit_log, and notes each opening of a
// participant's record for "people I saw recently". An entry about a
// participant erased since the read keeps no id, as the erasure's unlinking
// would have left it.
func insertAudit(ctx context.Context, tx execer, entries []readEntry) error {
	const q = `INSERT INTO audit_log (at, user_id, user_email, action, entity, entity_id, remote_addr, by_participant)
VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?5 = 'participant' THEN (SELECT id FROM participants WHERE id = ?6) ELSE ?6 END, ?7, ?8)`
	for _, e := range entries {
		var uid, eid any
		if e.UserID != 0 {
			uid = e.UserID
		}
		if e.EntityID != 0 {
			eid = e.EntityID
		}
		if _, err := tx.ExecContext(ctx, q, e.At, uid, e.Email, e.Action, e.Entity, eid, e.RemoteAddr, e.ByParticipant); err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
		if e.Action == viewAction && e.Entity == "participant" {
			if err := noteView(ctx, tx, e.UserID, e.EntityID, e.At); err != nil {
				return err
			}
		}
	}
	return nil
}

// keepReads keeps an audited read's entries before it is answered: in the
// read log, or, in a process without one (a command run beside the server
// that keeps it), through the writer.
func (db *DB) keepReads(ctx context.Context, a pathway.Actor, entries []readEntry) error {
	if db.reads != nil {
		return db.reads.append(entries)
	}
	if db.ReadOnly {
		return errReadLog
	}
	return db.commit(ctx, a, func(tx *Tx) error { return insertAudit(ctx, tx, entries) })
}

// FlushReads waits until every audited read answered so far has its entry
// in audit_log. Listing the audit trail calls it first; so can a test that
// counts audit rows.
func (db *DB) FlushReads(ctx context.Context) error {
	if db.reads == nil {
		return nil
	}
	return db.commit(ctx, pathway.Actor{}, func(*Tx) error { return nil })
}
