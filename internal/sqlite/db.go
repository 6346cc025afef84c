// Package sqlite stores Pathway's data in an embedded SQLite database: one
// writer connection (so concurrent writes queue in Go rather than fail as
// "database is locked") and a pool of readers, in WAL mode.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
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
	// Logger receives what the store cannot hand back to a caller, such as
	// a scrub that has to wait or a token use that could not be noted.
	Logger *slog.Logger
	// ReadOnly opens the file without write access, as a read-only file or
	// disk would: reads are served, writes fail as unavailable.
	ReadOnly bool

	writer *sql.DB
	reader *sql.DB

	// ctx ends when Close begins; background work (the scrubber) stops on it.
	ctx       context.Context
	cancel    context.CancelFunc
	bg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error

	// The group committer (commit.go). accepting is guarded by queueMu, held
	// for reading while a write is queued, so none is queued after Close.
	queueMu   sync.RWMutex
	accepting bool
	jobs      chan *writeJob
	stop      chan struct{}
	stopped   chan struct{}
	batches   atomic.Int64 // commits the committer has run
	batched   atomic.Int64 // writes those commits held
	lastBatch atomic.Int64 // writes in the latest commit

	// reads keeps the audit entries of reads until the committer moves
	// them into audit_log (readlog.go); nil when the file is read-only.
	reads *readLog

	// scrubWake wakes the scrubber after an erasure it must finish, and
	// scrubRetries counts its attempts (scrub.go).
	scrubWake    chan struct{}
	scrubRetries atomic.Int64

	// fault is the latest write refused for want of disk or write access,
	// until a write succeeds again (health.go).
	fault atomic.Pointer[writeFault]
}

// NewDB returns a DB for the file at path; call Open before use.
func NewDB(path string) *DB {
	return &DB{Path: path, Now: time.Now, Location: time.Local, Logger: slog.New(slog.DiscardHandler)}
}

// Connection kinds, for dsn.
const (
	connWrite    = iota // the one writer
	connRead            // pooled readers, which cannot write
	connSnapshot        // reads a file (the live one, or a copy) into a new copy: VACUUM INTO
	connInspect         // reads a file that may be a copy, changing nothing
)

// dsn returns the connection string for the file. Pragmas go in the DSN so
// that every pooled connection gets them, busy_timeout first.
func (db *DB) dsn(kind int) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	if kind == connInspect || kind == connSnapshot {
		// Not even the journal mode: a copy is not in WAL mode.
		q.Set("mode", "ro")
		if kind == connInspect {
			q.Add("_pragma", "query_only(1)")
		}
		return "file:" + db.Path + "?" + q.Encode()
	}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL in WAL mode: a committed write survives the process being
	// killed; only an operating-system crash can lose the last commits.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "secure_delete(1)")
	switch kind {
	case connWrite:
		q.Set("_txlock", "immediate")
		// Savepoints (one per write in a group commit, one per row of an
		// import) journal the pages they change; in memory, not in a temp
		// file, which made an import spend a third of its time in write(2).
		q.Add("_pragma", "temp_store(MEMORY)")
	case connRead:
		q.Add("_pragma", "query_only(1)")
		// Readers map the file instead of copying every page they read:
		// computing a release seeks once or twice per person through large
		// indexes, and mapping made those seeks about a quarter cheaper.
		q.Add("_pragma", "mmap_size(2147418112)")
	}
	if db.ReadOnly {
		q.Set("mode", "ro")
	}
	return "file:" + db.Path + "?" + q.Encode()
}

// openScrubPatience is how long Open waits for readers (a backup, a shell)
// to let go of the log before it gives up on finishing an erasure.
const openScrubPatience = 30 * time.Second

// Open opens both pools, applies every pending migration, checks the file
// (PRAGMA quick_check) and whether it takes writes, and finishes any
// erasure a crash interrupted before it returns.
func (db *DB) Open() error {
	if db.Path == "" {
		return errors.New("open database: no path given")
	}
	if db.Logger == nil {
		db.Logger = slog.New(slog.DiscardHandler)
	}
	db.ctx, db.cancel = context.WithCancel(context.Background())
	var err error
	if db.writer, err = openPool(db.dsn(connWrite)); err != nil {
		return errors.Join(fmt.Errorf("open writer: %w", err), db.Close())
	}
	db.writer.SetMaxOpenConns(1)
	db.writer.SetConnMaxIdleTime(0)
	if err := db.writer.Ping(); err != nil {
		return errors.Join(fmt.Errorf("open database %s: %w", db.Path, err), db.Close())
	}
	if err := db.Migrate("up"); err != nil {
		return errors.Join(err, db.Close())
	}
	if !db.ReadOnly {
		if err := db.fillRefKeys(context.Background()); err != nil {
			return errors.Join(err, db.Close())
		}
		if err := db.fillSearchKeys(context.Background()); err != nil {
			return errors.Join(err, db.Close())
		}
		if err := db.openReadLog(context.Background()); err != nil {
			return errors.Join(err, db.Close())
		}
	}
	if db.reader, err = openPool(db.dsn(connRead)); err != nil {
		return errors.Join(fmt.Errorf("open readers: %w", err), db.Close())
	}
	db.reader.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	db.reader.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	db.startCommitter()
	if err := db.startCheck(db.ctx); err != nil {
		return errors.Join(err, db.Close())
	}
	clean, err := db.scrub(db.ctx, openScrubPatience)
	if err != nil || !clean {
		return errors.Join(fmt.Errorf("open database: an erasure is not yet scrubbed from the write-ahead log, and readers (a backup, a sqlite3 shell?) keep it busy: %w", err), db.Close())
	}
	db.scrubWake = make(chan struct{}, 1)
	db.bg.Add(1)
	go db.scrubLoop()
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

// Close stops background work, answers every queued write, and closes both
// pools. Calling it again does nothing and returns the first call's error.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.stopAccepting()
		if db.cancel != nil {
			db.cancel()
		}
		db.bg.Wait()
		db.stopCommitter()
		var errs []error
		if db.reads != nil {
			errs = append(errs, db.reads.close())
		}
		if db.reader != nil {
			errs = append(errs, db.reader.Close())
		}
		if db.writer != nil {
			errs = append(errs, db.writer.Close())
		}
		db.closeErr = errors.Join(errs...)
	})
	return db.closeErr
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.reader.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return pathway.Errorf(pathway.EUNAVAILABLE, "db.no_answer")
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
	if db.writer, err = openPool(db.dsn(connWrite)); err != nil {
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
	// reading is set under read: audit entries are kept in logged, for the
	// read log, instead of written (readlog.go).
	reading bool
	logged  []readEntry
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
// change it records land together or not at all. In a read, the entry goes
// to the read log before the read is answered (readlog.go).
func (tx *Tx) audit(action, entity string, entityID int64) error {
	if tx.reading {
		tx.logged = append(tx.logged, readEntry{At: formatTime(tx.now), UserID: tx.actor.UserID, Email: tx.actor.Email,
			Action: action, Entity: entity, EntityID: entityID, RemoteAddr: tx.actor.RemoteAddr, ByParticipant: tx.actor.ByParticipant()})
		return nil
	}
	const q = `INSERT INTO audit_log (at, user_id, user_email, action, entity, entity_id, remote_addr, by_participant)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	var uid, eid any
	if tx.actor.UserID != 0 {
		uid = tx.actor.UserID
	}
	if entityID != 0 {
		eid = entityID
	}
	if _, err := tx.ExecContext(context.Background(), q, formatTime(tx.now), uid, tx.actor.Email, action, entity, eid, tx.actor.RemoteAddr, tx.actor.ByParticipant()); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	if action == viewAction && entity == "participant" {
		return noteView(context.Background(), tx, tx.actor.UserID, entityID, formatTime(tx.now))
	}
	return nil
}

// read runs fn in a read-only transaction on a reader connection; changes
// go through commit instead (commit.go). An audit entry fn makes is kept
// in the read log, on disk, before read returns, and moved into audit_log
// by the committer's next batch (readlog.go): an audited read never waits
// for the writer.
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
	tx := &Tx{Tx: sqlTx, db: db, now: db.Now().UTC().Truncate(timePrecision), actor: a, reading: true}
	if err = fn(tx); err != nil {
		return mapError(err)
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if len(tx.logged) > 0 {
		if err := db.keepReads(ctx, a, tx.logged); err != nil {
			db.noteWrite(err)
			return err
		}
	}
	return nil
}

// mapError turns constraint violations the database caught into domain
// errors, and a disk that is full or read-only into EUNAVAILABLE, by the
// driver's result code rather than message text.
func mapError(err error) error {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	if unavailableCode(se.Code()) {
		// Keep the driver's error in the chain, for the log.
		return fmt.Errorf("%w: %w", errUnavailable, err)
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return pathway.Errorf(pathway.ECONFLICT, "db.unique")
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return pathway.Errorf(pathway.EINVALID, "db.foreign_key")
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return pathway.Errorf(pathway.EINVALID, "db.check")
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
