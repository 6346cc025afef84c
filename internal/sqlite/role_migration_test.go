package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// roleEnds lists each role's id and end ("" while open-ended).
func roleEnds(tb testing.TB, db *DB) map[int64]string {
	tb.Helper()
	rows, err := db.writer.Query(`SELECT id, coalesce(ends_on, '') FROM roles`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var ends string
		if err := rows.Scan(&id, &ends); err != nil {
			tb.Fatal(err)
		}
		out[id] = ends
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestRoleLastDayMigrationMovesAnniversaryEndsToTheLastDay(t *testing.T) {
	db := NewDB(filepath.Join(t.TempDir(), "pathway.db"))
	db.Location = time.UTC
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrateTo(t, db, 12) // before 000013
	const stamp = "2025-01-01T00:00:00.000000Z"
	for _, q := range []string{
		`INSERT INTO users (id, email, role, password_hash, created_at) VALUES (1, 'coord@example.org', 'coordinator', 'x', '` + stamp + `')`,
		`INSERT INTO participants (id, external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES
			(1, 'CMS-1', 'Ana', 5, '2024-01-01', '` + stamp + `', '` + stamp + `'),
			(2, 'CMS-2', 'Bo', 5, '2024-01-01', '` + stamp + `', '` + stamp + `')`,
		`INSERT INTO bodies (id, name, kind, description, seats, rung, term_months, created_at, updated_at) VALUES
			(1, 'Board', 'advisory_board', '', 1, 5, 12, '` + stamp + `', '` + stamp + `'),
			(2, 'Committee', 'committee', '', NULL, 3, NULL, '` + stamp + `', '` + stamp + `')`,
		// 1: the web form's anniversary end; 2: the store's own last day;
		// 3: an end typed on another day; 4: open-ended; 5: a body
		// without a term length keeps its anniversary; 6: a term from a
		// month's last day.
		`INSERT INTO roles (id, body_id, participant_id, title, starts_on, ends_on, recorded_by, recorded_at) VALUES
			(1, 1, 1, 'Member', '2024-03-01', '2025-03-01', 1, '` + stamp + `'),
			(2, 1, 2, 'Member', '2025-03-02', '2026-03-01', 1, '` + stamp + `'),
			(3, 1, 1, 'Member', '2026-04-01', '2026-06-30', 1, '` + stamp + `'),
			(4, 2, 1, 'Member', '2024-03-01', NULL, 1, '` + stamp + `'),
			(5, 2, 2, 'Member', '2024-03-01', '2025-03-01', 1, '` + stamp + `'),
			(6, 1, 2, 'Member', '2024-01-31', '2025-01-31', 1, '` + stamp + `')`,
		`INSERT INTO webhooks (id, url, events, secret, created_at) VALUES (1, 'https://cms.example.org/hook', 'role.started,role.ended', 's', '` + stamp + `')`,
	} {
		if _, err := db.writer.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	if err := db.Migrate("up"); err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{1: "2025-02-28", 2: "2026-03-01", 3: "2026-06-30", 4: "", 5: "2025-03-01", 6: "2025-01-30"}
	if diff := gocmp.Diff(want, roleEnds(t, db)); diff != "" {
		t.Fatalf("role ends after the migration (-want +got):\n%s", diff)
	}
	var audited, changed, queued int
	if err := db.writer.QueryRow(`SELECT (SELECT count(*) FROM audit_log WHERE action = 'role.correct_end' AND entity_id IN (1, 6)),
		(SELECT count(*) FROM changes WHERE type = 'role.ended' AND role_id IN (1, 6)), (SELECT count(*) FROM outbox)`).Scan(&audited, &changed, &queued); err != nil {
		t.Fatal(err)
	}
	if audited != 2 || changed != 2 || queued != 2 {
		t.Errorf("the two moved ends wrote %d audit entries, %d change items and %d deliveries; want 2 of each", audited, changed, queued)
	}
	if _, err := db.writer.Exec(`DELETE FROM participants WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	var kept int
	if err := db.writer.QueryRow(`SELECT count(*) FROM role_end_corrections`).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept != 1 {
		t.Errorf("after erasing Ana, %d corrections remain; want only Bo's", kept)
	}

	migrateTo(t, db, 12)
	if diff := gocmp.Diff(map[int64]string{2: "2026-03-01", 5: "2025-03-01", 6: "2025-01-31"}, roleEnds(t, db)); diff != "" {
		t.Errorf("role ends after migrating down (-want +got):\n%s", diff)
	}
}
