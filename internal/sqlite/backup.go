package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4/source/iofs"

	"pathway/migrations"
)

// Backup writes a consistent copy of the database at from to the new file
// to, while the database goes on serving: VACUUM INTO reads one snapshot
// on a connection of its own, so writers are not held up, and the copy
// holds live rows only, never the free pages an erasure left. to must not
// exist.
func Backup(ctx context.Context, from, to string) error {
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("backup: %s already exists; a backup never overwrites a file", to)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	src := &DB{Path: from, ReadOnly: true}
	conn, err := openPool(src.dsn(connSnapshot))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// CheckReport is what Check found in a database file.
type CheckReport struct {
	// Integrity holds "ok", or what PRAGMA integrity_check found wrong.
	Integrity []string
	// Version is the file's schema version; Dirty is set when a migration
	// stopped part-way.
	Version uint
	Dirty   bool
	// Latest is the newest schema version this binary knows.
	Latest uint
	// Participants and AuditEntries count rows, for a person to compare.
	Participants int64
	AuditEntries int64
}

// OK reports whether the file is whole and at this binary's schema.
func (r *CheckReport) OK() bool {
	return len(r.Integrity) == 1 && r.Integrity[0] == "ok" && !r.Dirty && r.Version == r.Latest
}

// Problems lists, in words, what makes the file fail the check.
func (r *CheckReport) Problems() []string {
	var out []string
	if !(len(r.Integrity) == 1 && r.Integrity[0] == "ok") {
		out = append(out, "the integrity check found damage: "+strings.Join(r.Integrity, "; "))
	}
	if r.Dirty {
		out = append(out, fmt.Sprintf("migration %d stopped part-way (dirty)", r.Version))
	}
	if r.Version != r.Latest {
		out = append(out, fmt.Sprintf("schema version %d, but this binary's latest is %d", r.Version, r.Latest))
	}
	return out
}

// maxIntegrityProblems bounds how many problems integrity_check reports.
const maxIntegrityProblems = 20

// Check verifies the database file at path without changing it: PRAGMA
// integrity_check, and a schema version that is this binary's latest and
// not dirty. An error means the file could not be read as a Pathway
// database at all; a report that is not OK says what is wrong with it.
func Check(ctx context.Context, path string) (*CheckReport, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	src := &DB{Path: path, ReadOnly: true}
	conn, err := openPool(src.dsn(connInspect))
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	defer conn.Close()
	r := &CheckReport{}
	if r.Latest, err = LatestMigration(); err != nil {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, `PRAGMA integrity_check(`+strconv.Itoa(maxIntegrityProblems)+`)`)
	if err != nil {
		// A file damaged enough cannot even be asked.
		r.Integrity = []string{err.Error()}
		return r, nil
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, fmt.Errorf("check: %w", err)
		}
		r.Integrity = append(r.Integrity, line)
	}
	if err := rows.Err(); err != nil {
		r.Integrity = append(r.Integrity, err.Error())
		return r, nil
	}
	const version = `SELECT version, dirty FROM schema_migrations LIMIT 1`
	if err := conn.QueryRowContext(ctx, version).Scan(&r.Version, &r.Dirty); err != nil {
		return nil, fmt.Errorf("check: read the schema version (is this a Pathway database?): %w", err)
	}
	const counts = `SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM audit_log)`
	if err := conn.QueryRowContext(ctx, counts).Scan(&r.Participants, &r.AuditEntries); err != nil {
		return nil, fmt.Errorf("check: count rows: %w", err)
	}
	return r, nil
}

// LatestMigration returns the newest schema version embedded in the binary.
func LatestMigration() (uint, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return 0, fmt.Errorf("read migrations: %w", err)
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, fmt.Errorf("read migrations: %w", err)
	}
	for {
		next, err := src.Next(v)
		if errors.Is(err, fs.ErrNotExist) {
			return v, nil
		} else if err != nil {
			return 0, fmt.Errorf("read migrations: %w", err)
		}
		v = next
	}
}
