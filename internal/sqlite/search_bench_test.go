package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// benchPeople is the size of the organisation the list is measured in.
const benchPeople = 100_000

// BenchmarkListParticipants reads one page of 50 of 100,000 participants,
// through the store as the API does (a transaction with its audit entry),
// in each order and with searches that find many, few and nobody. The goal
// is under 10 ms a page.
func BenchmarkListParticipants(b *testing.B) {
	db := sqlite.NewDB(filepath.Join(b.TempDir(), "pathway.db"))
	db.Location = time.UTC
	if err := db.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	u := &pathway.User{Email: "admin@example.org", Role: pathway.RoleAdmin}
	if err := sqlite.NewUserService(db).CreateUser(ctx, pathway.Actor{Email: "test"}, u, "not a real hash"); err != nil {
		b.Fatal(err)
	}
	a := pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role, RemoteAddr: "192.0.2.1"}
	prog := &pathway.Program{Name: "Tenant organising", Rung: pathway.Member}
	if err := sqlite.NewProgramService(db).CreateProgram(ctx, a, prog); err != nil {
		b.Fatal(err)
	}
	sqlite.SeedPeople(b, db, benchPeople, u.ID, prog.ID)
	if err := db.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(db.Path); err == nil {
		b.Logf("%d participants, database file %d MB", benchPeople, fi.Size()>>20)
	}
	ps := sqlite.NewParticipantService(db)
	for _, bc := range []struct {
		name string
		f    pathway.ParticipantFilter
	}{
		{"first page", pathway.ParticipantFilter{}},
		{"by name", pathway.ParticipantFilter{Sort: pathway.SortByName}},
		{"by last engagement", pathway.ParticipantFilter{Sort: pathway.SortByLastEngaged}},
		{"a program's people", pathway.ParticipantFilter{ProgramID: prog.ID}},
		{"search lucia (1 in 12 match)", pathway.ParticipantFilter{Text: "lucia"}},
		{"search lucia by name", pathway.ParticipantFilter{Text: "lucia", Sort: pathway.SortByName}},
		{"search lucia by last engagement", pathway.ParticipantFilter{Text: "lucia", Sort: pathway.SortByLastEngaged}},
		{"search a rare name by name", pathway.ParticipantFilter{Text: "kowalski 4321", Sort: pathway.SortByName}},
		{"search a full name", pathway.ParticipantFilter{Text: "lucía gómez 48"}},
		{"search a rare name", pathway.ParticipantFilter{Text: "kowalski 4321"}},
		{"search an exact reference", pathway.ParticipantFilter{Text: "cm-0054321"}},
		{"search nobody", pathway.ParticipantFilter{Text: "xochitl"}},
		{"search two letters", pathway.ParticipantFilter{Text: "zo"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f := bc.f
			f.Limit = 50
			for b.Loop() {
				if _, _, err := ps.ListParticipants(ctx, a, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
}
