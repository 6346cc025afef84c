package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// SeedPeople adds n participants straight through SQL, as a benchmark needs
// a large organisation quickly: each with a consent recorded by userID, an
// open enrolment in programID (when not 0), a last engagement on one of the
// last 400 days for most, and a search entry. Names cycle through first
// names with and without accents, so one in twelve is a "Lucía" or "Lucia".
func SeedPeople(tb testing.TB, db *DB, n int, userID, programID int64) {
	tb.Helper()
	first := []string{"Lucía", "José", "María", "Ana", "Tomás", "Nuria", "Óscar", "Inés", "Ramón", "Zoë", "Chidi", "Fatima",
		"Lucia", "Jorge", "Rosa", "Samuel", "Aisha", "Dmitri", "Elena", "Kwame", "Mei", "Pablo", "Yusuf", "Carmen"}
	last := []string{"Gómez", "Pérez", "Nguyen", "Okafor", "Müller", "Díaz", "Santos", "Kowalski", "Haddad", "Rossi", "Ibáñez"}
	ctx := context.Background()
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	now := formatTime(time.Now())
	day := time.Now().UTC()
	const (
		person  = `INSERT INTO participants (external_ref, ref_key, display_name, current_rung, consented_since, created_at, updated_at, last_engaged_on) VALUES (?, ?, ?, ?, '2020-01-01', ?, ?, ?)`
		consent = `INSERT INTO consents (participant_id, given_on, method, scopes, recorded_by, recorded_at) VALUES (?, '2020-01-01', 'written', 'tracking', ?, ?)`
		enrol   = `INSERT INTO enrollments (participant_id, program_id, enrolled_on) VALUES (?, ?, '2020-01-01')`
	)
	for i := range n {
		name := fmt.Sprintf("%s %s %d", first[i%len(first)], last[(i/len(first))%len(last)], i)
		ref := fmt.Sprintf("CM-%07d", i)
		engaged := ""
		if i%5 != 0 {
			engaged = day.AddDate(0, 0, -(i*7919)%400).Format(time.DateOnly)
		}
		res, err := tx.ExecContext(ctx, person, ref, fmt.Sprintf("cm-%07d", i), name, 1+i%5, now, now, engaged)
		if err != nil {
			tb.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, consent, id, userID, now); err != nil {
			tb.Fatal(err)
		}
		if programID != 0 && i%50 == 0 {
			if _, err := tx.ExecContext(ctx, enrol, id, programID); err != nil {
				tb.Fatal(err)
			}
		}
		if err := indexParticipant(ctx, tx, id, name, ref); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}
