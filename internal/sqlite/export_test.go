package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"pathway/internal/pathway"
)

// Writer returns the writer pool, so tests can inspect its connection.
func (db *DB) Writer() *sql.DB { return db.writer }

// Reader returns the reader pool, so tests can inspect its connections.
func (db *DB) Reader() *sql.DB { return db.reader }

// ScrubRetries returns how many scrubs the scrubber has tried.
func (db *DB) ScrubRetries() int64 { return db.scrubRetries.Load() }

// HoldWriter queues a write that keeps the writer busy until release is
// called, as a long write would.
func (db *DB) HoldWriter() (release func()) {
	started, done := make(chan struct{}), make(chan struct{})
	go db.commit(context.Background(), pathway.Actor{}, func(*Tx) error {
		close(started)
		<-done
		return nil
	})
	<-started
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}

// LogRead keeps an audit entry in the read log, as an audited read by a does
// when it ends.
func (db *DB) LogRead(a pathway.Actor, action, entity string, id int64) error {
	return db.reads.append([]readEntry{{At: formatTime(db.Now()), UserID: a.UserID, Email: a.Email, Action: action, Entity: entity, EntityID: id, RemoteAddr: a.RemoteAddr}})
}

// ReadLogPaths returns the files of the read log of the database at path.
func ReadLogPaths(path string) [2]string { return readLogPaths(path) }

// KeepsReadLog reports whether this process keeps the file's read log.
func (db *DB) KeepsReadLog() bool { return db.reads != nil }
