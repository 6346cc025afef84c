package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"pathway/internal/pathway"
)

// Health. A disk that is full or a file that is read-only still answers
// reads, so a ping alone would call the service ready while every change
// fails. The store remembers the latest write refused for either reason,
// and readiness also tries a write of its own.

// errUnavailable is the domain error for a database that cannot take writes.
var errUnavailable = pathway.Errorf(pathway.EUNAVAILABLE, "db.unavailable")

// unavailableCode reports whether a driver result code (extended or not)
// means the disk is full or the file cannot be written.
func unavailableCode(code int) bool {
	switch code & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY:
		return true
	}
	return false
}

// faultMemory is how long a refused write keeps readiness failing when no
// write has succeeded since.
const faultMemory = 30 * time.Second

// writeFault is a write refused for want of disk or write access.
type writeFault struct {
	err error
	at  time.Time
}

// noteWrite remembers a write that was refused as unavailable, and forgets
// it once a write succeeds.
func (db *DB) noteWrite(err error) {
	switch {
	case err == nil:
		if db.fault.Load() != nil {
			db.fault.Store(nil)
		}
	case pathway.ErrorCode(err) == pathway.EUNAVAILABLE && !errors.Is(err, errClosed):
		db.fault.Store(&writeFault{err: err, at: time.Now()})
	}
}

// Ready reports whether the database can serve: it answers a query, no
// write has been refused for want of disk or write access lately without
// one succeeding since, and it takes a write now. It returns EUNAVAILABLE
// otherwise.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return err
	}
	if f := db.fault.Load(); f != nil && time.Since(f.at) < faultMemory {
		return fmt.Errorf("ready: a write failed %s ago: %w", time.Since(f.at).Round(time.Millisecond), f.err)
	}
	if err := db.probe(ctx); err != nil {
		return fmt.Errorf("ready: %w", err)
	}
	return nil
}

// probe makes the smallest real write: it sets the file header's
// user_version to the value it has, which writes one page through the
// write-ahead log.
func (db *DB) probe(ctx context.Context) error {
	err := db.commit(ctx, pathway.Actor{}, func(tx *Tx) error {
		var v int64
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			return fmt.Errorf("write probe: %w", err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v)); err != nil {
			return fmt.Errorf("write probe: %w", err)
		}
		return nil
	})
	if err != nil && pathway.ErrorCode(err) != pathway.EUNAVAILABLE {
		return fmt.Errorf("%w: %w", pathway.Errorf(pathway.EUNAVAILABLE, "db.read_only"), err)
	}
	return err
}

// startCheck runs when the database opens: a damaged file stops the start;
// a file that cannot take writes is logged and remembered, so reads are
// served and readiness says no.
func (db *DB) startCheck(ctx context.Context) error {
	var result string
	if err := db.reader.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&result); err != nil {
		return fmt.Errorf("open database: quick check: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("open database: quick check found damage: %s", result)
	}
	if err := db.probe(ctx); err != nil {
		var se interface{ Code() int }
		if !errors.As(err, &se) || !unavailableCode(se.Code()) {
			return fmt.Errorf("open database: %w", err)
		}
		db.Logger.Error("the database does not take writes; serving reads only until it does", "error", err.Error())
	}
	return nil
}
