package csvimport_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pathway/internal/csvimport"
	"pathway/internal/pathway"
	"pathway/internal/sqlite"
	"pathway/internal/sqlite/sqlitetest"
)

// exportCSV is a CMS export of n people, a third of them in each of two
// programs and some in both.
func exportCSV(n int, consent pathway.Date) []byte {
	var b strings.Builder
	b.WriteString("external_ref,display_name,programs,consent_given_on,consent_method,consent_scopes,rung,rung_effective_on\n")
	rungs := []string{"observer", "follower", "member", "contributor", "leader"}
	progs := []string{"", "Tenant union", "Food pantry", "Tenant union;Food pantry"}
	for i := range n {
		fmt.Fprintf(&b, "CM-%06d,Person %d,%s,%s,written,tracking,%s,\n", i, i, progs[i%len(progs)], consent, rungs[i%len(rungs)])
	}
	return []byte(b.String())
}

// importer opens a database with the two programs and an admin to act as.
func importer(tb testing.TB) (*sqlite.DB, pathway.Actor) {
	db := sqlitetest.MustOpen(tb)
	users := sqlite.NewUserService(db)
	accounts := sqlitetest.Accounts(tb, users)
	admin := accounts[pathway.RoleAdmin]
	a := pathway.Actor{UserID: admin.ID, Email: admin.Email, Role: pathway.RoleAdmin}
	programs := sqlite.NewProgramService(db)
	for _, name := range []string{"Tenant union", "Food pantry"} {
		if err := programs.CreateProgram(context.Background(), a, &pathway.Program{Name: name, Rung: pathway.Follower, Strategies: []pathway.Strategy{}}); err != nil {
			tb.Fatal(err)
		}
	}
	return db, a
}

// benchRows is the size of the export the benchmark imports.
const benchRows = 100_000

// BenchmarkImportParticipants imports a fresh export of 100,000 people in
// one aborting run (one transaction), as `pathway import` does.
func BenchmarkImportParticipants(b *testing.B) {
	n := benchRows
	data := exportCSV(n, pathway.DateOf(time.Now(), time.UTC).AddDays(-30))
	for b.Loop() {
		b.StopTimer()
		db, a := importer(b)
		b.StartTimer()
		f, err := csvimport.Read(data, pathway.ImportOptions{Kind: pathway.ImportParticipants})
		if err != nil {
			b.Fatal(err)
		}
		res, err := csvimport.Run(context.Background(), sqlite.NewImportStore(db), a, pathway.ImportOptions{Kind: pathway.ImportParticipants}, f, nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != n || len(res.Errors) != 0 {
			b.Fatalf("created %d, errors %v", res.Created, res.Errors[:min(3, len(res.Errors))])
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
