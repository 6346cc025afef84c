package csvimport_test

import (
	"context"
	"testing"
	"time"

	"pathway/internal/csvimport"
	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

func TestClosingTheRunnerStopsAnImportAndRecordsThatItStopped(t *testing.T) {
	db, a := importer(t)
	store := sqlite.NewImportStore(db)
	r := &csvimport.Runner{Store: store}
	data := exportCSV(50_000, pathway.DateOf(time.Now(), time.UTC).AddDays(-30))
	im, err := r.StartImport(context.Background(), a, pathway.ImportOptions{Kind: pathway.ImportParticipants}, data)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	got, err := store.FindImport(context.Background(), a, im.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != pathway.ImportFailed || got.Created != 0 || len(got.Errors) == 0 {
		t.Errorf("a stopped import reads %+v", got)
	}
	ps, _, err := sqlite.NewParticipantService(db).ListParticipants(context.Background(), a, pathway.ParticipantFilter{Limit: 1})
	if err != nil || len(ps) != 0 {
		t.Errorf("a stopped aborting import left %d people (%v)", len(ps), err)
	}
	if _, err := r.StartImport(context.Background(), a, pathway.ImportOptions{Kind: pathway.ImportParticipants}, data); pathway.ErrorCode(err) != pathway.EUNAVAILABLE {
		t.Errorf("an import started after Close: %v", err)
	}
}
