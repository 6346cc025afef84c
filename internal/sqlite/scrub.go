package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pathway/internal/pathway"
)

// Scrubbing after an erasure. Deleted rows are overwritten in the database
// (secure_delete), but the write-ahead log still holds the pages as they
// were until a checkpoint copies it back and truncates it, and a reader in
// the middle of a query holds that off. So the erasure's own transaction
// leaves a row in scrub_pending; the row goes only once a truncating
// checkpoint has succeeded after it. The scrubber retries until then, and
// Open finishes any scrub a crash interrupted before it serves.

const (
	insertScrubMarker = `INSERT INTO scrub_pending (requested_at) VALUES (?)`
	lastScrubMarker   = `SELECT coalesce(max(id), 0) FROM scrub_pending`
	clearScrubMarkers = `DELETE FROM scrub_pending WHERE id <= ?`
)

// markScrub records, in the erasure's transaction, that the files must be
// scrubbed of what it erases.
func (tx *Tx) markScrub() error {
	if _, err := tx.ExecContext(context.Background(), insertScrubMarker, formatTime(tx.now)); err != nil {
		return fmt.Errorf("mark scrub: %w", err)
	}
	return nil
}

// scrubOnce tries once to scrub the files of every erasure marked so far.
// clean reports that no marked scrub is left.
func (db *DB) scrubOnce(ctx context.Context) (clean bool, err error) {
	var last int64
	if err := db.reader.QueryRowContext(ctx, lastScrubMarker).Scan(&last); err != nil {
		return false, fmt.Errorf("scrub: %w", err)
	}
	if last == 0 {
		return true, nil
	}
	busy, err := db.checkpointOnce(ctx)
	if err != nil || busy {
		return false, err
	}
	// Markers added since last was read stay for the next round.
	err = db.commit(ctx, pathway.Actor{}, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, clearScrubMarkers, last)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("scrub: clear markers: %w", err)
	}
	return true, nil
}

// scrub retries scrubOnce, backing off from 10 ms to half a second, for up
// to patience. It does not hold the writer between attempts.
func (db *DB) scrub(ctx context.Context, patience time.Duration) (clean bool, err error) {
	err = retry(ctx, patience, func() (bool, error) {
		var err error
		clean, err = db.scrubOnce(ctx)
		return clean, err
	})
	if errors.Is(err, errPatience) {
		err = nil
	}
	return clean, err
}

// errPatience is what retry returns when patience ran out.
var errPatience = errors.New("readers kept the log busy")

// retry calls try until it reports done or fails, waiting longer each time,
// until patience runs out (errPatience) or ctx ends.
func retry(ctx context.Context, patience time.Duration, try func() (done bool, err error)) error {
	deadline := time.Now().Add(patience)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		done, err := try()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if time.Now().Add(wait).After(deadline) {
			return errPatience
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// wakeScrubber asks the scrubber to finish the pending scrubs.
func (db *DB) wakeScrubber() {
	select {
	case db.scrubWake <- struct{}{}:
	default: // already woken
	}
}

// scrubMaxWait bounds the scrubber's back-off between attempts.
const scrubMaxWait = 5 * time.Second

// scrubLoop is the scrubber: woken after an erasure whose scrub had to
// wait, it retries with back-off until the files are clean, for as long as
// the database is open. Close stops it through db.ctx.
func (db *DB) scrubLoop() {
	defer db.bg.Done()
	for {
		select {
		case <-db.ctx.Done():
			return
		case <-db.scrubWake:
		}
		for wait := 50 * time.Millisecond; ; wait = min(2*wait, scrubMaxWait) {
			db.scrubRetries.Add(1)
			clean, err := db.scrubOnce(db.ctx)
			if db.ctx.Err() != nil {
				return
			}
			if err != nil {
				db.Logger.Warn("scrub after an erasure failed; will retry", "error", err.Error())
			}
			if clean {
				break
			}
			select {
			case <-db.ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}
}

// Checkpoint copies the write-ahead log into the database file and
// truncates it. Readers in the middle of a query hold the log; it retries
// for up to about five seconds, without holding the writer connection
// between attempts, so writes go on meanwhile.
func (db *DB) Checkpoint(ctx context.Context) error {
	err := retry(ctx, 5*time.Second, func() (bool, error) {
		busy, err := db.checkpointOnce(ctx)
		return !busy, err
	})
	if errors.Is(err, errPatience) {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return err
}

// checkpointOnce tries a truncating checkpoint without waiting for readers:
// with the usual busy timeout it would hold the writer for seconds.
func (db *DB) checkpointOnce(ctx context.Context) (busy bool, err error) {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	defer func() {
		if _, rerr := conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeout.Milliseconds())); rerr != nil {
			err = errors.Join(err, fmt.Errorf("checkpoint: restore busy timeout: %w", rerr))
		}
	}()
	var b, logFrames, moved int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&b, &logFrames, &moved); err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	return b != 0, nil
}
