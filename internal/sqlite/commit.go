package sqlite

import (
	"context"
	"database/sql"
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
	for {
		var first *writeJob
		select {
		case first = <-db.jobs:
		case <-db.stop:
			return
		}
		batch := []*writeJob{first}
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
// every change goes this way, and so does every read that must leave an
// audit entry. Once queued, it waits for the outcome even if ctx ends, so
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

// runBatch runs jobs in one transaction and answers each.
func (db *DB) runBatch(batch []*writeJob) {
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
	db.batches.Add(1)
	db.batched.Add(int64(len(batch)))
	db.lastBatch.Store(int64(len(batch)))
	sqlTx, err := db.writer.BeginTx(context.Background(), nil)
	if err != nil {
		for i := range results {
			results[i] = mapError(fmt.Errorf("begin: %w", err))
		}
		return
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
		for i := range results {
			if results[i] == nil {
				results[i] = mapError(fmt.Errorf("commit: %w", err))
			}
		}
	}
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
