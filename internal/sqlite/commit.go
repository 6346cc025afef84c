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

// errClosed answers writes queued after the database closed.
var errClosed = errors.New("the database is closed")

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
	go db.commitLoop()
}

// stopCommitter ends the committer once the writes already taken are done;
// writes still queued are answered with errClosed.
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
	select {
	case db.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.stop:
		return errClosed
	}
	return <-job.done
}

// runBatch runs jobs in one transaction and answers each.
func (db *DB) runBatch(batch []*writeJob) {
	results := make([]error, len(batch))
	answer := func() {
		for i, j := range batch {
			j.done <- results[i]
		}
	}
	defer answer()
	sqlTx, err := db.writer.BeginTx(context.Background(), nil)
	if err != nil {
		for i := range results {
			results[i] = fmt.Errorf("begin: %w", err)
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
				results[k] = fatal
			}
			return
		}
	}
	if err := sqlTx.Commit(); err != nil {
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("commit: %w", err)
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
			return nil, fmt.Errorf("roll back a failed write: %w (after %w)", err, result)
		}
	}
	if _, err := sqlTx.ExecContext(bg, `RELEASE write`); err != nil {
		return nil, fmt.Errorf("release savepoint: %w", err)
	}
	return mapError(result), nil
}
