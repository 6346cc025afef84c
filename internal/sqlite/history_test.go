package sqlite_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// currentRung reads a participant's current rung as an admin.
func (s *historyStore) currentRung(tb testing.TB, id int64) pathway.Rung {
	tb.Helper()
	p, err := s.participants.FindParticipant(context.Background(), s.admin, id)
	if err != nil {
		tb.Fatal(err)
	}
	return p.CurrentRung
}

// placements lists a participant's placements as an admin.
func (s *historyStore) placements(tb testing.TB, id int64) []pathway.Placement {
	tb.Helper()
	ps, err := s.participants.ListPlacements(context.Background(), s.admin, id)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

func TestCurrentRungOnAFixedClock(t *testing.T) {
	// Every placement here is recorded at the same instant, so a tie on the
	// effective date is broken by the order of recording alone.
	s := newHistoryStore(t)
	p := s.add(t, "CMS-1", "Steady Person") // observer from 100 days ago
	steps := []struct {
		name        string
		rung        pathway.Rung
		daysAgo     int
		wantCurrent pathway.Rung
	}{
		{"a later-effective placement becomes current", pathway.Follower, 50, pathway.Follower},
		{"a backdated placement does not override a later-effective one", pathway.Leader, 80, pathway.Follower},
		{"the same effective date recorded later wins", pathway.Member, 50, pathway.Member},
		{"a move down is current when latest", pathway.Observer, 10, pathway.Observer},
		{"again the same date recorded later wins", pathway.Contributor, 10, pathway.Contributor},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			pl := &pathway.Placement{Rung: st.rung, EffectiveOn: s.today.AddDays(-st.daysAgo)}
			if err := s.participants.AddPlacement(context.Background(), s.staff, p.ID, pl); err != nil {
				t.Fatal(err)
			}
			if pl.ID == 0 || pl.RecordedBy != s.staff.Email || !pl.RecordedAt.Equal(s.db.Now().UTC()) {
				t.Errorf("placement stamped id %d by %q at %s, want an id, %s and the clock's time", pl.ID, pl.RecordedBy, pl.RecordedAt, s.staff.Email)
			}
			if got := s.currentRung(t, p.ID); got != st.wantCurrent {
				t.Errorf("current rung %s, want %s", got, st.wantCurrent)
			}
		})
	}
	var got []string
	for _, pl := range s.placements(t, p.ID) {
		got = append(got, pl.EffectiveOn.String()+" "+pl.Rung.String())
	}
	want := []string{
		s.today.AddDays(-10).String() + " contributor",
		s.today.AddDays(-10).String() + " observer",
		s.today.AddDays(-50).String() + " member",
		s.today.AddDays(-50).String() + " follower",
		s.today.AddDays(-80).String() + " leader",
		s.today.AddDays(-100).String() + " observer",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history order (-want +got):\n%s", diff)
	}
}

func TestAddPlacementRefusesDatesOutsideTheHistory(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-1", "Dated Person")
	tests := []struct {
		name    string
		daysAgo int
		code    string
	}{
		{"today is accepted", 0, ""},
		{"the consent day is accepted", 100, ""},
		{"tomorrow is refused", -1, pathway.EINVALID},
		{"the day before consent is refused", 101, pathway.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.placements(t, p.ID))
			err := s.participants.AddPlacement(context.Background(), s.staff, p.ID, &pathway.Placement{Rung: pathway.Member, EffectiveOn: s.today.AddDays(-tt.daysAgo)})
			if code := pathway.ErrorCode(err); code != tt.code {
				t.Fatalf("error %v (code %q), want %q", err, code, tt.code)
			}
			wantAdded := 1
			if tt.code != "" {
				wantAdded = 0
				if fields := pathway.ErrorFields(err); len(fields) != 1 || fields[0].Field != "effective_on" {
					t.Errorf("field errors %v, want effective_on", fields)
				}
			}
			if got := len(s.placements(t, p.ID)) - before; got != wantAdded {
				t.Errorf("%d placements added, want %d", got, wantAdded)
			}
		})
	}
}

func TestDeletePlacementKeepsTheHistoryHonest(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	p := s.add(t, "CMS-1", "Corrected Person")
	first := s.placements(t, p.ID)[0]
	byStaff := &pathway.Placement{Rung: pathway.Member, EffectiveOn: s.today}
	if err := s.participants.AddPlacement(ctx, s.staff, p.ID, byStaff); err != nil {
		t.Fatal(err)
	}
	second := &pathway.Placement{Rung: pathway.Leader, EffectiveOn: s.today}
	if err := s.participants.AddPlacement(ctx, s.staff, p.ID, second); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		actor       pathway.Actor
		placement   int64
		code        string
		wantCurrent pathway.Rung
	}{
		{"another staff member may not delete it", s.otherStaff, byStaff.ID, pathway.EFORBIDDEN, pathway.Leader},
		{"an admin may delete it", s.admin, second.ID, "", pathway.Member},
		{"its recorder may delete it", s.staff, byStaff.ID, "", pathway.Observer},
		{"a deleted placement is not found", s.staff, byStaff.ID, pathway.ENOTFOUND, pathway.Observer},
		{"the last placement stays", s.staff, first.ID, pathway.ECONFLICT, pathway.Observer},
		{"the last placement stays even for an admin", s.admin, first.ID, pathway.ECONFLICT, pathway.Observer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.placements(t, p.ID))
			err := s.participants.DeletePlacement(ctx, tt.actor, p.ID, tt.placement)
			if code := pathway.ErrorCode(err); code != tt.code {
				t.Fatalf("error %v (code %q), want %q", err, code, tt.code)
			}
			wantRemoved := 0
			if tt.code == "" {
				wantRemoved = 1
				entries, _, err := s.audit.ListAudit(ctx, s.admin, pathway.AuditFilter{Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != 1 || entries[0].Action != "placement.delete" || entries[0].EntityID == nil || *entries[0].EntityID != tt.placement || entries[0].User != tt.actor.Email {
					t.Errorf("newest audit entry %+v, want placement.delete of %d by %s", entries, tt.placement, tt.actor.Email)
				}
			}
			if got := before - len(s.placements(t, p.ID)); got != wantRemoved {
				t.Errorf("%d placements removed, want %d", got, wantRemoved)
			}
			if got := s.currentRung(t, p.ID); got != tt.wantCurrent {
				t.Errorf("current rung %s, want %s", got, tt.wantCurrent)
			}
		})
	}
}
