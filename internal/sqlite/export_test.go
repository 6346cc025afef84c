package sqlite

import "database/sql"

// Writer returns the writer pool, so tests can inspect its connection.
func (db *DB) Writer() *sql.DB { return db.writer }

// Reader returns the reader pool, so tests can inspect its connections.
func (db *DB) Reader() *sql.DB { return db.reader }
