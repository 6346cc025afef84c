package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"pathway/internal/pathway"
)

func TestUpgradingIndexesThePeopleAlreadyThere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pathway.db")
	db := NewDB(path)
	db.Location = time.UTC
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := &pathway.User{Email: "admin@example.org", Role: pathway.RoleAdmin}
	if err := NewUserService(db).CreateUser(ctx, pathway.Actor{Email: "test"}, u, "not a real hash"); err != nil {
		t.Fatal(err)
	}
	a := pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role}
	today := pathway.DateOf(time.Now(), time.UTC)
	p, err := NewParticipantService(db).CreateParticipant(ctx, a, pathway.NewParticipant{
		ExternalRef: "CM-1", DisplayName: "Lucía Gómez", Rung: pathway.Observer,
		Consent: pathway.Consent{GivenOn: today.AddDays(-30), Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := NewParticipantService(db).AddEngagement(ctx, a, p.ID, &pathway.Engagement{OccurredOn: today.AddDays(-3), Activity: "Meeting"}); err != nil {
		t.Fatal(err)
	}
	migrateTo(t, db, 9) // before the search index
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = NewDB(path)
	db.Location = time.UTC
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps := NewParticipantService(db)
	got, _, err := ps.ListParticipants(ctx, a, pathway.ParticipantFilter{Text: "lucia gomez", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != p.ID {
		t.Fatalf("after the upgrade, lucia gomez finds %v", got)
	}
	if got[0].LastEngagedOn == nil || *got[0].LastEngagedOn != today.AddDays(-3) {
		t.Errorf("after the upgrade, last_engaged_on = %v, want %v", got[0].LastEngagedOn, today.AddDays(-3))
	}
}
