package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// migrateTo steps the schema down until it is at version v.
func migrateTo(tb testing.TB, db *DB, v uint) {
	tb.Helper()
	for {
		got, dirty, err := db.Version()
		if err != nil || dirty {
			tb.Fatalf("schema version %d, dirty %v: %v", got, dirty, err)
		}
		if got <= v {
			return
		}
		if err := db.Migrate("down"); err != nil {
			tb.Fatal(err)
		}
	}
}

// datedRow is one row of the dated enrollments table.
type datedRow struct {
	Participant, Program int64
	EnrolledOn, LeftOn   string // LeftOn "" for NULL
}

func datedRows(tb testing.TB, db *DB) []datedRow {
	tb.Helper()
	rows, err := db.writer.Query(`SELECT participant_id, program_id, enrolled_on, coalesce(left_on, '') FROM enrollments ORDER BY participant_id, program_id, enrolled_on`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := []datedRow{}
	for rows.Next() {
		var r datedRow
		if err := rows.Scan(&r.Participant, &r.Program, &r.EnrolledOn, &r.LeftOn); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestEnrolmentDatesMigrationDatesExistingEnrolmentsAtConsent(t *testing.T) {
	db := NewDB(filepath.Join(t.TempDir(), "pathway.db"))
	db.Location = time.UTC
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrateTo(t, db, 4) // undated enrolments
	const stamp = "2025-01-01T00:00:00.000000Z"
	for _, q := range []string{
		`INSERT INTO users (id, email, role, password_hash, created_at) VALUES (1, 'staff@example.org', 'staff', 'x', '` + stamp + `')`,
		`INSERT INTO programs (id, name, rung, created_at, updated_at) VALUES (10, 'Food pantry', 1, '` + stamp + `', '` + stamp + `'), (20, 'Tenants', 3, '` + stamp + `', '` + stamp + `')`,
		`INSERT INTO participants (id, external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES
			(1, 'CMS-1', 'Ana', 1, '2024-03-05', '` + stamp + `', '` + stamp + `'),
			(2, 'CMS-2', 'Bo', 2, '2025-07-30', '` + stamp + `', '` + stamp + `'),
			(3, 'CMS-3', 'Cy', 1, '2025-08-01', '` + stamp + `', '` + stamp + `')`,
		`INSERT INTO enrollments (participant_id, program_id) VALUES (1, 10), (1, 20), (2, 20)`,
	} {
		if _, err := db.writer.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	if err := db.Migrate("up"); err != nil {
		t.Fatal(err)
	}
	want := []datedRow{{1, 10, "2024-03-05", ""}, {1, 20, "2024-03-05", ""}, {2, 20, "2025-07-30", ""}}
	if diff := gocmp.Diff(want, datedRows(t, db)); diff != "" {
		t.Fatalf("enrolments after the migration (-want +got):\n%s", diff)
	}
	if _, err := db.writer.Exec(`INSERT INTO enrollments (participant_id, program_id, enrolled_on) VALUES (1, 10, '2025-01-01')`); !isUniqueViolation(err) {
		t.Errorf("a second open enrolment in one program: %v, want a UNIQUE violation", err)
	}
	if _, err := db.writer.Exec(`INSERT INTO enrollments (participant_id, program_id, enrolled_on, left_on) VALUES (2, 10, '2025-08-01', '2025-07-31')`); err == nil {
		t.Error("an enrolment ending before it began was stored")
	}
	if _, err := db.writer.Exec(`INSERT INTO enrollments (participant_id, program_id, enrolled_on, left_on) VALUES (2, 10, '2025-08-01', '2025-09-30')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.Exec(`DELETE FROM participants WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff([]datedRow{{2, 10, "2025-08-01", "2025-09-30"}, {2, 20, "2025-07-30", ""}}, datedRows(t, db)); diff != "" {
		t.Errorf("erasing a participant left enrolments of theirs (-want +got):\n%s", diff)
	}

	// Down again: the open enrolments stay, the past period goes.
	migrateTo(t, db, 4)
	var n, open int
	if err := db.writer.QueryRow(`SELECT count(*), count(*) FILTER (WHERE participant_id = 2 AND program_id = 20) FROM enrollments`).Scan(&n, &open); err != nil {
		t.Fatal(err)
	}
	if n != 1 || open != 1 {
		t.Errorf("after migrating down: %d enrolments, %d of them the open one; want only the open one", n, open)
	}
}
