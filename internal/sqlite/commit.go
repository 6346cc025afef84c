package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"pathway/internal/pathway"
)

// Group commit. Writes queue for the one writer connection; a committer
// runs whatever has queued as one transaction, each write inside its own
// savepoint, and commits once. A write that fails rolls back to its
// savepoint and leaves the others alone, so every write still lands whole
// or not at all, and none is answered before the commit that holds it.
// Under load this writes each changed page to the write-ahead log once per
// batch instead of once per request.

// maxBatch bounds how many writes share one commit.
const maxBatch = 64

// errClosed answers writes that come after Close began, and writes still
// queued when it ended the committer.
var errClosed = pathway.Errorf(pathway.EUNAVAILABLE, "db.closed")

// writeJob is one queued write.
type writeJob struct {
	ctx   context.Context
	actor pathway.Actor
	fn    func(*Tx) error
	done  chan error
}

// startCommitter starts the goroutine that runs queued writes.
func (db *DB) startCommitter() {
	db.jobs = make(chan *writeJob, maxBatch)
	db.stop = make(chan struct{})
	db.stopped = make(chan struct{})
	db.queueMu.Lock()
	db.accepting = true
	db.queueMu.Unlock()
	go db.commitLoop()
}

// stopAccepting refuses every later write. It waits for writes being
// queued at that moment, so none is queued after it returns.
func (db *DB) stopAccepting() {
	db.queueMu.Lock()
	db.accepting = false
	db.queueMu.Unlock()
}

// stopCommitter ends the committer once the writes already taken are done;
// writes still queued are answered with errClosed. Call stopAccepting first.
func (db *DB) stopCommitter() {
	if db.stop == nil {
		return
	}
	close(db.stop)
	<-db.stopped
	// Reads answered until now go into audit_log before the end; any
	// answered later are moved by the next Open.
	db.runBatch(nil)
	for {
		select {
		case j := <-db.jobs:
			j.done <- errClosed
		default:
			return
		}
	}
}

func (db *DB) commitLoop() {
	defer close(db.stopped)
	var wake <-chan struct{}
	if db.reads != nil {
		wake = db.reads.wake
	}
	for {
		var batch []*writeJob
		select {
		case first := <-db.jobs:
			batch = append(batch, first)
		case <-wake:
			// Audited reads wait in the read log and no write came:
			// a batch of no writes moves them.
		case <-db.stop:
			return
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case j := <-db.jobs:
				batch = append(batch, j)
			default:
				break gather
			}
		}
		db.runBatch(batch)
	}
}

// commit queues fn for the writer and waits for the commit that holds it:
// every change goes this way (audited reads go through read, and their
// entries through the read log, readlog.go). Once queued, it waits for the outcome even if ctx ends, so
// that no write is answered as failed after it was committed; a write
// whose ctx ended before its turn is skipped.
func (db *DB) commit(ctx context.Context, a pathway.Actor, fn func(*Tx) error) error {
	job := &writeJob{ctx: ctx, actor: a, fn: fn, done: make(chan error, 1)}
	if err := db.enqueue(ctx, job); err != nil {
		return err
	}
	return <-job.done
}

// enqueue hands job to the committer, or refuses it once Close has begun.
func (db *DB) enqueue(ctx context.Context, job *writeJob) error {
	db.queueMu.RLock()
	defer db.queueMu.RUnlock()
	if !db.accepting {
		return errClosed
	}
	select {
	case db.jobs <- job:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runBatch runs jobs in one transaction and answers each. The batch first
// moves into audit_log the entries of the audited reads answered since the
// last one (readlog.go); a batch may hold only those.
func (db *DB) runBatch(batch []*writeJob) {
	var reads *segment
	if db.reads != nil {
		reads = db.reads.take()
	}
	if len(batch) == 0 && reads == nil {
		return
	}
	results := make([]error, len(batch))
	answer := func() {
		ok := false
		for i, j := range batch {
			if results[i] == nil {
				ok = true
			} else {
				db.noteWrite(results[i])
			}
			j.done <- results[i]
		}
		if ok {
			db.noteWrite(nil)
		}
	}
	defer answer()
	if len(batch) > 0 {
		db.batches.Add(1)
		db.batched.Add(int64(len(batch)))
		db.lastBatch.Store(int64(len(batch)))
	}
	fail := func(err error) {
		for i := range results {
			if results[i] == nil {
				results[i] = mapError(err)
			}
		}
	}
	bg := context.Background()
	conn, err := db.writer.Conn(bg)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	defer conn.Close()
	if reads != nil {
		// The read log's file is emptied after this commit, so the commit
		// must reach the disk, not only the write-ahead log's cache.
		if _, err := conn.ExecContext(bg, `PRAGMA synchronous = FULL`); err != nil {
			db.Logger.Warn("could not move read audit entries; the next batch will", "error", err.Error())
			reads = nil
		} else {
			defer conn.ExecContext(bg, `PRAGMA synchronous = NORMAL`)
		}
	}
	sqlTx, err := conn.BeginTx(bg, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	if reads != nil {
		if err := db.moveReads(sqlTx, reads); err != nil {
			db.Logger.Warn("could not move read audit entries; the next batch will", "error", err.Error())
			reads = nil
		}
	}
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		var fatal error
		results[i], fatal = db.runJob(sqlTx, j)
		if fatal != nil {
			// The transaction itself failed: nothing in the batch stands.
			_ = sqlTx.Rollback()
			for k := range results {
				results[k] = mapError(fatal)
			}
			return
		}
	}
	if err := sqlTx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	if reads != nil {
		if err := db.reads.moved(reads); err != nil {
			db.Logger.Warn("could not empty the read log; the next batch will", "error", err.Error())
		}
	}
}

// moveReads inserts seg's entries into audit_log inside its own savepoint,
// unless an earlier commit moved them already (and emptying the file
// failed), so a failure leaves the batch's writes alone.
func (db *DB) moveReads(sqlTx *sql.Tx, seg *segment) error {
	bg := context.Background()
	var movedSeq int64
	if err := sqlTx.QueryRowContext(bg, `SELECT segment FROM read_log_moved`).Scan(&movedSeq); err != nil {
		return fmt.Errorf("read the read log's progress: %w", err)
	}
	if movedSeq >= seg.seq {
		return nil
	}
	if _, err := sqlTx.ExecContext(bg, `SAVEPOINT reads`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	err := insertReads(bg, sqlTx, seg.seq, seg.entries)
	if err != nil {
		if _, rerr := sqlTx.ExecContext(bg, `ROLLBACK TO reads`); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}
	if _, rerr := sqlTx.ExecContext(bg, `RELEASE reads`); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return err
}

// runJob runs one write inside a savepoint. It returns the write's own
// error, and a fatal error when the transaction can no longer be used.
func (db *DB) runJob(sqlTx *sql.Tx, j *writeJob) (result, fatal error) {
	bg := context.Background()
	if _, err := sqlTx.ExecContext(bg, `SAVEPOINT write`); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.Now().UTC().Truncate(timePrecision), actor: j.actor, uncancellable: true}
	result = func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("write panicked: %v", p)
			}
		}()
		return j.fn(tx)
	}()
	if result != nil {
		if _, err := sqlTx.ExecContext(bg, `ROLLBACK TO write`); err != nil {
			// The failure comes first in the chain, so that mapError
			// reads its code (a full disk rolls the whole transaction back).
			return nil, fmt.Errorf("%w; then roll back the failed write: %w", result, err)
		}
	}
	if _, err := sqlTx.ExecContext(bg, `RELEASE write`); err != nil {
		return nil, fmt.Errorf("release savepoint: %w", err)
	}
	return mapError(result), nil
}
