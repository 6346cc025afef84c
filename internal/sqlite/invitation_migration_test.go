package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

func checkinIDs(tb testing.TB, db *DB) []int64 {
	tb.Helper()
	rows, err := db.writer.Query(`SELECT id FROM capacity_checkins ORDER BY id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			tb.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func TestPersonalLinksMigrationKeepsCheckinsAndNeverReusesAnErasedOnesID(t *testing.T) {
	db := NewDB(filepath.Join(t.TempDir(), "pathway.db"))
	db.Location = time.UTC
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	migrateTo(t, db, 14) // before personal links
	const stamp = "2025-01-01T00:00:00.000000Z"
	exec := func(q string) error { _, err := db.writer.Exec(q); return err }
	for _, q := range []string{
		`INSERT INTO users (id, email, role, password_hash, created_at) VALUES (1, 'staff@example.org', 'staff', 'x', '` + stamp + `')`,
		`INSERT INTO participants (id, external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES (1, 'CMS-1', 'Ana', 1, '2024-03-05', '` + stamp + `', '` + stamp + `')`,
		`INSERT INTO capacity_checkins (participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, recorded_by, recorded_at) VALUES
			(1, '2024-04-01', 'self', 1, 1, 1, 1, '` + stamp + `'), (1, '2024-05-01', 'staff', 2, 2, 2, 1, '` + stamp + `'), (1, '2024-06-01', 'self', 3, 3, 3, 1, '` + stamp + `')`,
		`DELETE FROM capacity_checkins WHERE id = 3`,
	} {
		if err := exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	if err := db.Migrate("up"); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff([]int64{1, 2}, checkinIDs(t, db)); diff != "" {
		t.Fatalf("check-ins after the migration (-want +got):\n%s", diff)
	}
	if err := exec(`INSERT INTO capacity_checkins (participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, recorded_by, recorded_at) VALUES (1, '2024-07-01', 'self', 2, 2, 2, NULL, '` + stamp + `')`); err != nil {
		t.Fatalf("a participant's own check-in: %v", err)
	}
	if diff := gocmp.Diff([]int64{1, 2, 4}, checkinIDs(t, db)); diff != "" {
		t.Errorf("the new check-in took an erased one's id (-want +got):\n%s", diff)
	}
	if err := exec(`INSERT INTO capacity_checkins (participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, recorded_by, recorded_at) VALUES (1, '2024-07-01', 'staff', 2, 2, 2, NULL, '` + stamp + `')`); err == nil {
		t.Error("a staff view was stored without a staff recorder")
	}
	if err := exec(`INSERT INTO capacity_checkins (participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, recorded_by, recorded_at) VALUES (99, '2024-07-01', 'self', 2, 2, 2, NULL, '` + stamp + `')`); err == nil {
		t.Error("a check-in of nobody was stored: the rebuilt table lost its foreign key")
	}

	// Down again: the check-ins staff recorded stay, the participant's own go.
	migrateTo(t, db, 14)
	if diff := gocmp.Diff([]int64{1, 2}, checkinIDs(t, db)); diff != "" {
		t.Errorf("check-ins after migrating down (-want +got):\n%s", diff)
	}
}
