package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pathway/internal/pathway"
)

// rawParticipant inserts a participant row as an older version would have,
// without a normalised key.
func rawParticipant(tb testing.TB, db *DB, ref string) {
	tb.Helper()
	const q = `INSERT INTO participants (external_ref, display_name, current_rung, consented_since, created_at, updated_at) VALUES (?, 'x', 1, '2024-01-01', '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')`
	if _, err := db.writer.Exec(q, ref); err != nil {
		tb.Fatal(err)
	}
}

func refKeys(tb testing.TB, db *DB) map[string]string {
	tb.Helper()
	rows, err := db.writer.Query(`SELECT external_ref, coalesce(ref_key, '(null)') FROM participants`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ref, key string
		if err := rows.Scan(&ref, &key); err != nil {
			tb.Fatal(err)
		}
		out[ref] = key
	}
	return out
}

func TestRefKeyMigrationAndOpenGiveExistingReferencesTheGoKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pathway.db")
	db := NewDB(file)
	db.Location = time.UTC
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	migrateTo(t, db, 6)
	refs := []string{"CM-1 ", "ＣＭ-2", "Straße-3", "cm-4"}
	for _, r := range refs {
		rawParticipant(t, db, r)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = NewDB(file)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := refKeys(t, db)
	for _, r := range refs {
		if want := pathway.NormalizeRef(r); got[r] != want {
			t.Errorf("%q has key %q, want %q", r, got[r], want)
		}
	}
	if got["Straße-3"] != "strasse-3" {
		t.Errorf("case folding not applied: %q", got["Straße-3"])
	}
}

func TestOpenRefusesExistingReferencesThatAreOnePersonAfterNormalising(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pathway.db")
	db := NewDB(file)
	db.Location = time.UTC
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	migrateTo(t, db, 6)
	rawParticipant(t, db, "CM-7")
	rawParticipant(t, db, "ＣＭ-7")
	db.Close()
	db = NewDB(file)
	err := db.Open()
	if err == nil {
		db.Close()
		t.Fatal("Open accepted two references for one person")
	}
	if !strings.Contains(err.Error(), "merge") {
		t.Errorf("error does not say what to do: %v", err)
	}
}
