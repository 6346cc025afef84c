package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"time"

	_ "modernc.org/sqlite" // the driver Pathway uses
)

// rawSchema is the engagements and audit tables as Pathway has them, with
// their indexes, less the foreign keys to tables the comparison leaves out.
const rawSchema = `
CREATE TABLE IF NOT EXISTS engagements (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL,
    occurred_on    TEXT NOT NULL,
    activity       TEXT NOT NULL,
    program_id     INTEGER,
    strategy       TEXT CHECK (strategy IS NULL OR strategy IN ('organizing', 'education', 'networking', 'advocacy', 'electoral')),
    note           TEXT NOT NULL DEFAULT '',
    recorded_by    INTEGER NOT NULL,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS engagements_participant ON engagements (participant_id, occurred_on);
CREATE INDEX IF NOT EXISTS engagements_program ON engagements (program_id, occurred_on);
CREATE TABLE IF NOT EXISTS audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    user_email  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (user_id, id);`

// rawTarget is the driver alone on a scratch file: each write is one
// transaction holding an engagement and its audit row, on one writer
// connection in WAL mode with synchronous=NORMAL, as Pathway's writer is
// set up, but without HTTP, authentication, validation or group commit.
type rawTarget struct {
	db *sql.DB
}

// openRaw creates (or reuses) the scratch file at path.
func openRaw(path string) (*rawTarget, error) {
	if path == "" {
		return nil, fmt.Errorf("give -db, a scratch file for the raw comparison")
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(rawSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create the scratch schema: %w", err)
	}
	return &rawTarget{db: db}, nil
}

func (t *rawTarget) close() error { return t.db.Close() }

// removeRaw deletes a scratch file and its WAL files.
func removeRaw(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

func (t *rawTarget) write() op {
	return op{name: "write", weight: 1, do: func(ctx context.Context, rng *rand.Rand) (outcome, int) {
		if err := t.insert(ctx, 1+rng.Int64N(300)); err != nil {
			return transport, 0 // a driver error: counted with the transport errors
		}
		return ok, 0
	}}
}

// insert is the single-row transaction: the engagement and its audit row.
func (t *rawTarget) insert(ctx context.Context, participant int64) error {
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	if _, err := tx.ExecContext(ctx, `INSERT INTO engagements (participant_id, occurred_on, activity, strategy, note, recorded_by, recorded_at)
VALUES (?, '2026-11-30', 'community meeting', 'organizing', 'load test', 1, ?)`, participant, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, user_email, action, entity, entity_id, remote_addr)
VALUES (?, 1, 'staff@example.org', 'engagement.create', 'participant', ?, '127.0.0.1')`, now, participant); err != nil {
		return err
	}
	return tx.Commit()
}

func (t *rawTarget) workload(name string) (workload, error) {
	if name != "writes" {
		return workload{}, fmt.Errorf("the raw comparison has one workload, writes (not %q)", name)
	}
	return workload{name, []op{t.write()}}, nil
}
