// Package sqlite stores Pathway's data in an embedded SQLite database: one
// writer connection (so concurrent writes queue in Go rather than fail as
// "database is locked") and a pool of readers, in WAL mode.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4"
	migratesqlite "github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"pathway/internal/pathway"
	"pathway/migrations"
)

// busyTimeout is how long a connection waits for a lock before failing.
const busyTimeout = 10 * time.Second

// timeLayout stores instants as fixed-width UTC text, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// DB is an open Pathway database.
type DB struct {
	Path string

	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Location is the organisation's time zone: "today" is taken there.
	Location *time.Location

	writer *sql.DB
	reader *sql.DB

	// The group committer (commit.go).
	jobs    chan *writeJob
	stop    chan struct{}
	stopped chan struct{}
}

// NewDB returns a DB for the file at path; call Open before use.
func NewDB(path string) *DB {
	return &DB{Path: path, Now: time.Now, Location: time.Local}
}

// dsn returns the connection string for the file. Pragmas go in the DSN so
// that every pooled connection gets them, busy_timeout first.
func (db *DB) dsn(write bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL in WAL mode: a committed write survives the process being
	// killed; only an operating-system crash can lose the last commits.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "secure_delete(1)")
	if write {
		q.Set("_txlock", "immediate")
		// Savepoints (one per write in a group commit, one per row of an
		// import) journal the pages they change; in memory, not in a temp
		// file, which made an import spend a third of its time in write(2).
		q.Add("_pragma", "temp_store(MEMORY)")
	} else {
		q.Add("_pragma", "query_only(1)")
		// Readers map the file instead of copying every page they read:
		// reports seek once per person through large indexes, and this
		// makes them about a quarter cheaper (README "Report speed").
		q.Add("_pragma", "mmap_size(2147418112)")
	}
	return "file:" + db.Path + "?" + q.Encode()
}

// Open opens both pools and applies every pending migration.
func (db *DB) Open() error {
	if db.Path == "" {
		return errors.New("open database: no path given")
	}
	var err error
	if db.writer, err = openPool(db.dsn(true)); err != nil {
		return fmt.Errorf("open writer: %w", err)
	}
	db.writer.SetMaxOpenConns(1)
	db.writer.SetConnMaxIdleTime(0)
	if err := db.writer.Ping(); err != nil {
		db.writer.Close()
		return fmt.Errorf("open database %s: %w", db.Path, err)
	}
	if err := db.Migrate("up"); err != nil {
		db.writer.Close()
		return err
	}
	if err := db.fillRefKeys(context.Background()); err != nil {
		db.writer.Close()
		return err
	}
	if db.reader, err = openPool(db.dsn(false)); err != nil {
		db.writer.Close()
		return fmt.Errorf("open readers: %w", err)
	}
	db.reader.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	db.reader.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	db.startCommitter()
	return nil
}

// fillRefKeys computes the normalised reference of every participant that
// has none: migration 000008 can only fill the keys of ASCII references, as
// SQL has no Unicode normalisation.
func (db *DB) fillRefKeys(ctx context.Context) error {
	const (
		missing = `SELECT id, external_ref FROM participants WHERE ref_key IS NULL`
		set     = `UPDATE participants SET ref_key = ? WHERE id = ?`
	)
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fill reference keys: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, missing)
	if err != nil {
		return fmt.Errorf("fill reference keys: %w", err)
	}
	type ref struct {
		id  int64
		ref string
	}
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.id, &r.ref); err != nil {
			rows.Close()
			return fmt.Errorf("fill reference keys: %w", err)
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("fill reference keys: %w", err)
	}
	for _, r := range refs {
		if _, err := tx.ExecContext(ctx, set, pathway.NormalizeRef(r.ref), r.id); isUniqueViolation(err) {
			return fmt.Errorf("fill reference keys: participant %d has the same external_ref as another once spelling is set aside; merge them before upgrading", r.id)
		} else if err != nil {
			return fmt.Errorf("fill reference keys: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("fill reference keys: %w", err)
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stopCommitter()
	var errs []error
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.reader.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return pathway.Errorf(pathway.EUNAVAILABLE, "The database does not answer.")
	}
	return nil
}

func (db *DB) migrator() (*migrate.Migrate, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	drv, err := migratesqlite.WithInstance(db.writer, &migratesqlite.Config{})
	if err != nil {
		return nil, fmt.Errorf("migration driver: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "sqlite", drv)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return m, nil
}

// Migrate moves the schema "up" to the latest version or "down" by one step.
func (db *DB) Migrate(direction string) error {
	m, err := db.migrator()
	if err != nil {
		return err
	}
	switch direction {
	case "up":
		err = m.Up()
	case "down":
		err = m.Steps(-1)
	default:
		return fmt.Errorf("migrate: unknown direction %q (want up or down)", direction)
	}
	if err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate %s: %w", direction, err)
	}
	return nil
}

// OpenForMigration opens the writer only, without applying migrations, for
// the migrate command.
func (db *DB) OpenForMigration() error {
	var err error
	if db.writer, err = openPool(db.dsn(true)); err != nil {
		return fmt.Errorf("open writer: %w", err)
	}
	db.writer.SetMaxOpenConns(1)
	return db.writer.Ping()
}

// Version returns the schema version and whether a migration failed half-way.
func (db *DB) Version() (uint, bool, error) {
	m, err := db.migrator()
	if err != nil {
		return 0, false, err
	}
	v, dirty, err := m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, dirty, err
}

// Tx is a transaction with its time fixed once and the actor it acts for.
type Tx struct {
	*sql.Tx
	db    *DB
	now   time.Time
	actor pathway.Actor
	// uncancellable is set under commit, whose transaction is shared.
	uncancellable bool
}

// timePrecision is the precision times are stored with.
const timePrecision = time.Microsecond

// today is the organisation's calendar date at the transaction's time.
func (tx *Tx) today() pathway.Date { return pathway.DateOf(tx.now, tx.db.Location) }

// ExecContext runs a statement. In a write, the caller's cancellation is
// not passed on: interrupting a statement would roll back the whole shared
// transaction, other people's writes with it.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(tx.context(ctx), query, args...)
}

// QueryContext runs a query; see ExecContext.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(tx.context(ctx), query, args...)
}

// QueryRowContext runs a query for one row; see ExecContext.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.Tx.QueryRowContext(tx.context(ctx), query, args...)
}

func (tx *Tx) context(ctx context.Context) context.Context {
	if tx.uncancellable {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// audit appends an audit entry in the transaction, so the entry and the
// change it records land together or not at all.
func (tx *Tx) audit(action, entity string, entityID int64) error {
	const q = `INSERT INTO audit_log (at, user_id, user_email, action, entity, entity_id, remote_addr)
VALUES (?, ?, ?, ?, ?, ?, ?)`
	var uid, eid any
	if tx.actor.UserID != 0 {
		uid = tx.actor.UserID
	}
	if entityID != 0 {
		eid = entityID
	}
	if _, err := tx.ExecContext(context.Background(), q, formatTime(tx.now), uid, tx.actor.Email, action, entity, eid, tx.actor.RemoteAddr); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// read runs fn in a read-only transaction on a reader connection; changes
// and audited reads go through commit instead (commit.go).
func (db *DB) read(ctx context.Context, a pathway.Actor, fn func(*Tx) error) (err error) {
	sqlTx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	tx := &Tx{Tx: sqlTx, db: db, now: db.Now().UTC().Truncate(timePrecision), actor: a}
	if err = fn(tx); err != nil {
		return mapError(err)
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// mapError turns constraint violations the database caught into domain
// errors, by the driver's extended result code rather than message text.
func mapError(err error) error {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return pathway.Errorf(pathway.ECONFLICT, "This clashes with a record that already exists.")
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return pathway.Errorf(pathway.EINVALID, "The request refers to a record that does not exist.")
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return pathway.Errorf(pathway.EINVALID, "The request breaks a rule of the data.")
	}
	return err
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	var se *msqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// isPrimaryKeyViolation reports whether err is a PRIMARY KEY constraint failure.
func isPrimaryKeyViolation(err error) bool {
	var se *msqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t, nil
}

// nullTime parses an optional stored time.
func nullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	return &t, err
}

// joinList stores a closed set of values as comma-separated text.
func joinList[T ~string](vs []T) string {
	ss := make([]string, len(vs))
	for i, v := range vs {
		ss[i] = string(v)
	}
	return strings.Join(ss, ",")
}

// splitList reads a comma-separated list back.
func splitList[T ~string](s string) []T {
	out := []T{}
	if s == "" {
		return out
	}
	for _, v := range strings.Split(s, ",") {
		out = append(out, T(v))
	}
	return out
}

// inList returns "?,?,?" for n parameters and the values as []any.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}

// Checkpoint copies the write-ahead log into the database file and truncates
// it, so that erased data does not linger in the log. Readers in the middle
// of a query hold the log; it retries for up to about five seconds, without
// holding the writer connection between attempts, so writes go on meanwhile.
func (db *DB) Checkpoint(ctx context.Context) error {
	deadline := time.Now().Add(5 * time.Second)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		busy, err := db.checkpointOnce(ctx)
		if err != nil {
			return err
		}
		if !busy {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("checkpoint: readers kept the log busy")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
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

// checkpointSoon keeps trying to checkpoint in the background, for when
// readers held the log at the moment of an erasure. It gives up when the
// database closes or after ten minutes; SQLite's own checkpoints continue.
func (db *DB) checkpointSoon() {
	for range 600 {
		time.Sleep(time.Second)
		err := db.Checkpoint(context.Background())
		if err == nil || strings.Contains(err.Error(), "database is closed") {
			return
		}
	}
}
