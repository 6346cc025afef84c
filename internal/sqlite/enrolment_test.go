package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// program creates a program and returns its id.
func (s *historyStore) program(tb testing.TB, name string) int64 {
	tb.Helper()
	p := &pathway.Program{Name: name, Rung: pathway.Member}
	if err := s.programs.CreateProgram(context.Background(), s.admin, p); err != nil {
		tb.Fatal(err)
	}
	return p.ID
}

// setToday moves the store's clock to noon on d. Writes run one after
// another in these tests, so the committer reads the new clock after it
// is set.
func (s *historyStore) setToday(d pathway.Date) {
	now := d.Time().Add(12 * time.Hour)
	s.db.Now = func() time.Time { return now }
}

// find reads a participant as an admin.
func (s *historyStore) find(tb testing.TB, id int64) *pathway.Participant {
	tb.Helper()
	p, err := s.participants.FindParticipant(context.Background(), s.admin, id)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// setPrograms changes a participant's current programs as an admin.
func (s *historyStore) setPrograms(tb testing.TB, id int64, programs ...int64) {
	tb.Helper()
	if programs == nil {
		programs = []int64{}
	}
	if _, err := s.participants.UpdateParticipant(context.Background(), s.admin, id, pathway.ParticipantUpdate{ProgramIDs: &programs}); err != nil {
		tb.Fatal(err)
	}
}

// period is an enrolment reduced to what these tests compare.
type period struct {
	Program int64
	From    string
	To      string // "" while open
}

func periods(p *pathway.Participant) []period {
	out := []period{}
	for _, e := range p.Enrolments {
		pd := period{Program: e.ProgramID, From: e.EnrolledOn.String()}
		if e.LeftOn != nil {
			pd.To = e.LeftOn.String()
		}
		out = append(out, pd)
	}
	return out
}

func TestLeavingAProgramKeepsTheDatedEnrolment(t *testing.T) {
	s := newHistoryStore(t)
	pantry, tenants := s.program(t, "Food pantry"), s.program(t, "Tenants' union")
	consented := s.today.AddDays(-100)
	p := s.add(t, "CMS-1", "Moving Person", pantry) // consented 100 days ago

	if diff := cmp.Diff([]period{{pantry, consented.String(), ""}}, periods(p)); diff != "" {
		t.Fatalf("a new participant's enrolment does not start at consent (-want +got):\n%s", diff)
	}

	left := s.today.AddDays(-40)
	s.setToday(left)
	s.setPrograms(t, p.ID, tenants)
	got := s.find(t, p.ID)
	want := []period{{pantry, consented.String(), left.String()}, {tenants, left.String(), ""}}
	if diff := cmp.Diff(want, periods(got)); diff != "" {
		t.Errorf("after moving to another program (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{tenants}, got.ProgramIDs); diff != "" {
		t.Errorf("program_ids after the move are not the current enrolments (-want +got):\n%s", diff)
	}

	back := s.today.AddDays(-5)
	s.setToday(back)
	s.setPrograms(t, p.ID, pantry, tenants)
	got = s.find(t, p.ID)
	want = append(want, period{pantry, back.String(), ""})
	if diff := cmp.Diff(want, periods(got)); diff != "" {
		t.Errorf("coming back to a program does not start a new enrolment (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{pantry, tenants}, got.ProgramIDs); diff != "" {
		t.Errorf("program_ids after coming back (-want +got):\n%s", diff)
	}
}

func TestAddingBackAProgramLeftTheSameDayReopensIt(t *testing.T) {
	s := newHistoryStore(t)
	pantry := s.program(t, "Food pantry")
	p := s.add(t, "CMS-1", "Slip Person", pantry)
	s.setPrograms(t, p.ID)
	if got := periods(s.find(t, p.ID)); len(got) != 1 || got[0].To != s.today.String() {
		t.Fatalf("leaving today: %+v, want the one enrolment ending today", got)
	}
	s.setPrograms(t, p.ID, pantry)
	want := []period{{pantry, s.today.AddDays(-100).String(), ""}}
	if diff := cmp.Diff(want, periods(s.find(t, p.ID))); diff != "" {
		t.Errorf("undoing a removal the same day (-want +got):\n%s", diff)
	}
}

func TestEnrolmentCorrectionsKeepTheDateRules(t *testing.T) {
	s := newHistoryStore(t)
	pantry := s.program(t, "Food pantry")
	p := s.add(t, "CMS-1", "Dated Person", pantry) // consented 100 days ago
	ctx := context.Background()
	// An earlier period in the pantry, then the current one.
	earlier := p.Enrolments[0]
	left := s.today.AddDays(-60)
	if _, err := s.participants.UpdateEnrolment(ctx, s.admin, p.ID, earlier.ID, pathway.EnrolmentUpdate{LeftOn: ptrTo(&left)}); err != nil {
		t.Fatal(err)
	}
	current := &pathway.Enrolment{ProgramID: pantry, EnrolledOn: s.today.AddDays(-20)}
	if err := s.participants.AddEnrolment(ctx, s.admin, p.ID, current); err != nil {
		t.Fatal(err)
	}
	if current.ID == 0 || current.Program != "Food pantry" || current.LeftOn != nil {
		t.Fatalf("recorded enrolment = %+v, want an id, the program's name and no end", current)
	}
	before := periods(s.find(t, p.ID))

	date := func(days int) *pathway.Date { d := s.today.AddDays(days); return &d }
	tests := []struct {
		name  string
		id    int64
		upd   pathway.EnrolmentUpdate
		code  string
		field string
	}{
		{"a start in the future is refused", current.ID, pathway.EnrolmentUpdate{EnrolledOn: date(1)}, pathway.EINVALID, "enrolled_on"},
		{"a start before consent is refused", earlier.ID, pathway.EnrolmentUpdate{EnrolledOn: date(-101)}, pathway.EINVALID, "enrolled_on"},
		{"an end in the future is refused", current.ID, pathway.EnrolmentUpdate{LeftOn: ptrTo(date(1))}, pathway.EINVALID, "left_on"},
		{"an end before the start is refused", current.ID, pathway.EnrolmentUpdate{LeftOn: ptrTo(date(-21))}, pathway.EINVALID, "left_on"},
		{"a start after the end is refused", earlier.ID, pathway.EnrolmentUpdate{EnrolledOn: date(-59)}, pathway.EINVALID, "left_on"},
		{"reopening while another is open is refused", earlier.ID, pathway.EnrolmentUpdate{LeftOn: ptrTo[*pathway.Date](nil)}, pathway.ECONFLICT, "left_on"},
		{"stretching into the next period is refused", earlier.ID, pathway.EnrolmentUpdate{LeftOn: ptrTo(date(-20))}, pathway.ECONFLICT, "left_on"},
		{"starting inside the earlier period is refused", current.ID, pathway.EnrolmentUpdate{EnrolledOn: date(-60)}, pathway.ECONFLICT, "enrolled_on"},
		{"another participant's enrolment is not found", 999999, pathway.EnrolmentUpdate{EnrolledOn: date(-10)}, pathway.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.participants.UpdateEnrolment(ctx, s.admin, p.ID, tt.id, tt.upd)
			if got := pathway.ErrorCode(err); got != tt.code {
				t.Fatalf("error %v (code %q), want code %q", err, got, tt.code)
			}
			if tt.field != "" {
				if fe := pathway.ErrorFields(err); len(fe) != 1 || fe[0].Field != tt.field {
					t.Errorf("field errors %+v, want one naming %q", fe, tt.field)
				}
			}
			if diff := cmp.Diff(before, periods(s.find(t, p.ID))); diff != "" {
				t.Errorf("a refused correction changed the enrolments (-before +after):\n%s", diff)
			}
		})
	}

	t.Run("a valid correction is stored and audited", func(t *testing.T) {
		e, err := s.participants.UpdateEnrolment(ctx, s.admin, p.ID, earlier.ID, pathway.EnrolmentUpdate{EnrolledOn: date(-90), LeftOn: ptrTo(date(-30))})
		if err != nil {
			t.Fatal(err)
		}
		if e.EnrolledOn != *date(-90) || e.LeftOn == nil || *e.LeftOn != *date(-30) {
			t.Errorf("corrected enrolment = %+v", e)
		}
		entries, _, err := s.audit.ListAudit(ctx, s.admin, pathway.AuditFilter{Action: "enrolment.update", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		// The first closing above, and this one.
		if len(entries) != 2 || entries[0].EntityID == nil || *entries[0].EntityID != p.ID {
			t.Errorf("enrolment.update audit entries = %+v, want two naming participant %d", entries, p.ID)
		}
	})
}

func TestCaseloadFollowsCurrentEnrolmentsOnly(t *testing.T) {
	s := newHistoryStore(t)
	pantry, tenants := s.program(t, "Food pantry"), s.program(t, "Tenants' union")
	ctx := context.Background()
	moved := s.add(t, "CMS-1", "Moved On", pantry)
	stays := s.add(t, "CMS-2", "Still Here", pantry)
	s.setToday(s.today.AddDays(-10))
	s.setPrograms(t, moved.ID, tenants)
	scoped := s.staff
	scoped.ProgramIDs = []int64{pantry}

	if _, err := s.participants.FindParticipant(ctx, scoped, moved.ID); pathway.ErrorCode(err) != pathway.ENOTFOUND {
		t.Errorf("a caseload of a program they left still sees them: %v", err)
	}
	if _, err := s.participants.FindParticipant(ctx, scoped, stays.ID); err != nil {
		t.Errorf("a caseload does not see someone enrolled now: %v", err)
	}
	ids := func(a pathway.Actor, f pathway.ParticipantFilter) []int64 {
		t.Helper()
		f.Limit = 50
		ps, _, err := s.participants.ListParticipants(ctx, a, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	if diff := cmp.Diff([]int64{stays.ID}, ids(scoped, pathway.ParticipantFilter{})); diff != "" {
		t.Errorf("scoped list (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{stays.ID}, ids(s.admin, pathway.ParticipantFilter{ProgramID: pantry})); diff != "" {
		t.Errorf("list filtered by a program someone left (-want +got):\n%s", diff)
	}
	counts, err := s.participants.CountByRung(ctx, scoped)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Sum() != 1 {
		t.Errorf("scoped rung counts cover %d participants, want 1", counts.Sum())
	}

	t.Run("scoped staff cannot end the last enrolment in their caseload", func(t *testing.T) {
		today := s.today.AddDays(-10)
		e := stays.Enrolments[0]
		_, err := s.participants.UpdateEnrolment(ctx, scoped, stays.ID, e.ID, pathway.EnrolmentUpdate{LeftOn: ptrTo(&today)})
		if pathway.ErrorCode(err) != pathway.EINVALID {
			t.Fatalf("error %v, want invalid", err)
		}
		if got := s.find(t, stays.ID); got.Enrolments[0].LeftOn != nil {
			t.Errorf("the refused correction ended the enrolment: %+v", got.Enrolments[0])
		}
	})
}

func ptrTo[T any](v T) *T { return &v }
