package sqlite

import "database/sql"

// Writer returns the writer pool, so tests can inspect its connection.
func (db *DB) Writer() *sql.DB { return db.writer }

// Reader returns the reader pool, so tests can inspect its connections.
func (db *DB) Reader() *sql.DB { return db.reader }

// ScrubRetries returns how many scrubs the scrubber has tried.
func (db *DB) ScrubRetries() int64 { return db.scrubRetries.Load() }
