package sqlite_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// feed reads the whole change feed as a.
func (s *historyStore) feed(tb testing.TB, a pathway.Actor, after int64) []pathway.Change {
	tb.Helper()
	cs, _, err := sqlite.NewChangeService(s.db).ListChanges(context.Background(), a, pathway.ChangeFilter{After: after, Limit: 500})
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

func types(cs []pathway.Change) []pathway.ChangeType {
	out := []pathway.ChangeType{}
	for _, c := range cs {
		out = append(out, c.Type)
	}
	return out
}

// count reads a number straight from the writer, bypassing the services.
func (s *historyStore) count(tb testing.TB, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := s.db.Writer().QueryRow(q, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// subscribe adds a webhook for every change type, straight through the store.
func (s *historyStore) subscribe(tb testing.TB) *pathway.Webhook {
	tb.Helper()
	w := &pathway.Webhook{URL: "https://cms.example.org/hooks", Events: pathway.ChangeTypes}
	if err := sqlite.NewWebhookService(s.db).CreateWebhook(context.Background(), s.admin, w, "whsec_dGVzdA=="); err != nil {
		tb.Fatal(err)
	}
	return w
}

func TestEveryJourneyWriteAppendsItsChangeInCommitOrder(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	s.subscribe(t)
	p := s.add(t, "CM-1", "Feed Person")
	name := "Feed P."
	if _, err := s.participants.UpdateParticipant(ctx, s.staff, p.ID, pathway.ParticipantUpdate{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	pl := &pathway.Placement{Rung: pathway.Member, EffectiveOn: s.today}
	if err := s.participants.AddPlacement(ctx, s.staff, p.ID, pl); err != nil {
		t.Fatal(err)
	}
	if err := s.participants.DeletePlacement(ctx, s.staff, p.ID, pl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.participants.RenewConsent(ctx, s.staff, p.ID, pathway.Consent{GivenOn: s.today, Method: pathway.ConsentVerbal, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}}); err != nil {
		t.Fatal(err)
	}
	e := &pathway.Engagement{OccurredOn: s.today, Activity: "Community meeting", Note: "a note"}
	if err := s.participants.AddEngagement(ctx, s.staff, p.ID, e); err != nil {
		t.Fatal(err)
	}

	got := s.feed(t, s.admin, 0)
	want := []pathway.ChangeType{pathway.ParticipantCreated, pathway.ParticipantUpdated, pathway.PlacementCreated,
		pathway.PlacementDeleted, pathway.ConsentChanged, pathway.EngagementCreated}
	if diff := cmp.Diff(want, types(got)); diff != "" {
		t.Fatalf("feed types (-want +got):\n%s", diff)
	}
	for i, c := range got {
		if c.ParticipantID != p.ID {
			t.Errorf("item %d is about participant %d, want %d", i, c.ParticipantID, p.ID)
		}
		if i > 0 && c.ID <= got[i-1].ID {
			t.Errorf("cursor %s does not follow %s", c.Cursor, got[i-1].Cursor)
		}
	}
	if got[2].PlacementID == nil || *got[2].PlacementID != pl.ID || got[2].Rung == nil || *got[2].Rung != pathway.Member {
		t.Errorf("placement.created carries %+v, want placement %d on member", got[2], pl.ID)
	}
	if got[5].EngagementID == nil || *got[5].EngagementID != e.ID {
		t.Errorf("engagement.created carries %+v, want engagement %d", got[5], e.ID)
	}
	if diff := cmp.Diff(got[3:], s.feed(t, s.admin, got[2].ID)); diff != "" {
		t.Errorf("resuming after the third item (-want +got):\n%s", diff)
	}
	if n := s.count(t, `SELECT count(*) FROM outbox`); n != len(want) {
		t.Errorf("%d outbox rows for %d changes and one webhook", n, len(want))
	}
}

// failAuditOf makes the writer refuse the audit entry of action, so the
// write fails after it has recorded its change.
func failAuditOf(tb testing.TB, db *sqlite.DB, action string) {
	tb.Helper()
	q := `CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN NEW.action = '` + action + `'
BEGIN SELECT RAISE(ABORT, 'audit refused'); END`
	if _, err := db.Writer().Exec(q); err != nil {
		tb.Fatal(err)
	}
}

func TestAWriteThatFailsLeavesNoChangeAndNothingToSend(t *testing.T) {
	s := newHistoryStore(t)
	s.subscribe(t)
	p := s.add(t, "CM-1", "Feed Person")
	before, outbox := len(s.feed(t, s.admin, 0)), s.count(t, `SELECT count(*) FROM outbox`)
	failAuditOf(t, s.db, "placement.create")
	err := s.participants.AddPlacement(context.Background(), s.staff, p.ID, &pathway.Placement{Rung: pathway.Leader, EffectiveOn: s.today})
	if err == nil || !strings.Contains(err.Error(), "audit refused") {
		t.Fatalf("placement went through (%v); the test needs it to fail at its audit entry", err)
	}
	if n := len(s.feed(t, s.admin, 0)); n != before {
		t.Errorf("the feed has %d items after a failed write, want %d", n, before)
	}
	if n := s.count(t, `SELECT count(*) FROM outbox`); n != outbox {
		t.Errorf("%d outbox rows after a failed write, want %d", n, outbox)
	}
}

func TestAScopedAccountFollowsOnlyItsCaseload(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	mine := &pathway.Program{Name: "Mine", Rung: pathway.Observer, Strategies: []pathway.Strategy{}}
	theirs := &pathway.Program{Name: "Theirs", Rung: pathway.Observer, Strategies: []pathway.Strategy{}}
	for _, prog := range []*pathway.Program{mine, theirs} {
		if err := s.programs.CreateProgram(ctx, s.admin, prog); err != nil {
			t.Fatal(err)
		}
	}
	in := s.add(t, "CM-1", "In Caseload", mine.ID)
	out := s.add(t, "CM-2", "Elsewhere", theirs.ID)
	scoped := s.staff
	scoped.ProgramIDs = []int64{mine.ID}
	for _, c := range s.feed(t, scoped, 0) {
		if c.ParticipantID != in.ID {
			t.Errorf("a scoped account sees a change about participant %d, outside its caseload", c.ParticipantID)
		}
	}
	if n := len(s.feed(t, scoped, 0)); n != 1 {
		t.Errorf("scoped feed has %d items, want 1", n)
	}
	if n := len(s.feed(t, s.admin, 0)); n != 2 {
		t.Errorf("admin feed has %d items, want 2 (participant %d too)", n, out.ID)
	}
}

func TestErasureLeavesOnlyTheErasureInTheFeedAndItsQueue(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	s.subscribe(t)
	p := s.add(t, "CM-ERASE-1", "Erased Person")
	other := s.add(t, "CM-2", "Stays")
	if err := s.participants.AddPlacement(ctx, s.staff, p.ID, &pathway.Placement{Rung: pathway.Member, EffectiveOn: s.today, Note: "a private note"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.participants.WithdrawConsent(ctx, s.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	var theirs []pathway.ChangeType
	for _, c := range s.feed(t, s.admin, 0) {
		if c.ParticipantID == p.ID {
			theirs = append(theirs, c.Type)
		}
		b, _ := json.Marshal(c)
		for _, secret := range []string{"Erased Person", "CM-ERASE-1", "a private note"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("feed item %s holds %q", b, secret)
			}
		}
	}
	if diff := cmp.Diff([]pathway.ChangeType{pathway.ParticipantErased}, theirs); diff != "" {
		t.Errorf("the erased person's items (-want +got):\n%s", diff)
	}
	q := `SELECT count(*) FROM outbox o JOIN changes c ON c.id = o.change_id WHERE c.participant_id = ?`
	if n := s.count(t, q, p.ID); n != 1 {
		t.Errorf("%d pending deliveries about the erased person, want only the erasure", n)
	}
	if n := s.count(t, q, other.ID); n != 1 {
		t.Errorf("%d pending deliveries about someone else, want their one", n)
	}
}

func TestARoleAnnouncesItsStartAndEachEndDateSetOnIt(t *testing.T) {
	f := newBodyFixture(t)
	ctx := context.Background()
	bodyID := f.body(t, nil, nil)
	p := f.person(t)
	r := f.role(bodyID, p, term{from: -10, open: true})
	if err := f.bodies.AddRole(ctx, f.actor, r); err != nil {
		t.Fatal(err)
	}
	end := f.day(0)
	endp := &end
	if _, err := f.bodies.UpdateRole(ctx, f.actor, r.ID, pathway.RoleUpdate{EndsOn: &endp}); err != nil {
		t.Fatal(err)
	}
	title := "Chair"
	if _, err := f.bodies.UpdateRole(ctx, f.actor, r.ID, pathway.RoleUpdate{Title: &title}); err != nil {
		t.Fatal(err)
	}
	termed := f.role(bodyID, p, term{from: 1, to: 30})
	if err := f.bodies.AddRole(ctx, f.actor, termed); err != nil {
		t.Fatal(err)
	}
	admin := pathway.Actor{Role: pathway.RoleAdmin}
	cs, _, err := sqlite.NewChangeService(f.db).ListChanges(ctx, admin, pathway.ChangeFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs[1:] { // after participant.created
		if c.RoleID == nil || c.BodyID == nil || *c.BodyID != bodyID {
			t.Errorf("%s carries no role and body: %+v", c.Type, c)
			continue
		}
		which := "second"
		if *c.RoleID == r.ID {
			which = "first"
		}
		got = append(got, string(c.Type)+" "+which)
	}
	want := []string{"role.started first", "role.ended first", "role.started second", "role.ended second"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("role items (-want +got):\n%s", diff)
	}
}

func TestAWebhookIsQueuedOnlyTheTypesItAskedFor(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	hooks := sqlite.NewWebhookService(s.db)
	w := &pathway.Webhook{URL: "https://cms.example.org/hooks", Events: []pathway.ChangeType{pathway.PlacementCreated, pathway.ParticipantErased}}
	if err := hooks.CreateWebhook(ctx, s.admin, w, "whsec_dGVzdA=="); err != nil {
		t.Fatal(err)
	}
	queued := func() []string {
		t.Helper()
		out := []string{}
		rows, err := s.db.Writer().Query(`SELECT c.type FROM outbox o JOIN changes c ON c.id = o.change_id ORDER BY o.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var typ string
			if err := rows.Scan(&typ); err != nil {
				t.Fatal(err)
			}
			out = append(out, typ)
		}
		return out
	}
	p := s.add(t, "CM-1", "Someone")
	if err := s.participants.AddPlacement(ctx, s.staff, p.ID, &pathway.Placement{Rung: pathway.Member, EffectiveOn: s.today}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"placement.created"}, queued()); diff != "" {
		t.Errorf("queued (-want +got):\n%s", diff)
	}
	if err := hooks.DeleteWebhook(ctx, s.admin, w.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.participants.AddPlacement(ctx, s.staff, p.ID, &pathway.Placement{Rung: pathway.Leader, EffectiveOn: s.today}); err != nil {
		t.Fatal(err)
	}
	if got := queued(); len(got) != 0 {
		t.Errorf("after the webhook was deleted the outbox holds %v", got)
	}
}
