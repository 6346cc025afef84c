package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"pathway/internal/pathway"
)

// setToday moves the store's clock to noon on d; calls run one after
// another, so every later write reads the new clock.
func (e *env) setToday(d pathway.Date) {
	now := d.Time().Add(12 * time.Hour)
	e.db.Now = func() time.Time { return now }
}

// span is an enrolment as these tests compare it.
type span struct {
	Program  int64
	From, To string // To is "" while open
}

func spans(p pathway.Participant) []span {
	out := []span{}
	for _, en := range p.Enrolments {
		s := span{Program: en.ProgramID, From: en.EnrolledOn.String()}
		if en.LeftOn != nil {
			s.To = en.LeftOn.String()
		}
		out = append(out, s)
	}
	return out
}

func TestRemovingAProgramKeepsADatedPastEnrolment(t *testing.T) {
	e := newEnv(t)
	pantry := e.program("Food pantry", pathway.Observer)
	p := e.participant("ref-1", "Moving Person", pantry) // consent a year ago
	consented := e.today.AddDays(-365).String()
	if diff := cmp.Diff([]span{{pantry, consented, ""}}, spans(p)); diff != "" {
		t.Fatalf("a new participant's enrolment does not start at consent (-want +got):\n%s", diff)
	}

	left := e.today.AddDays(-30)
	e.setToday(left)
	var got pathway.Participant
	e.as(pathway.RoleStaff, "PATCH", path("/participants/%d", p.ID), map[string]any{"program_ids": []int64{}}).must(t, 200).decode(t, &got)
	if diff := cmp.Diff([]span{{pantry, consented, left.String()}}, spans(got)); diff != "" {
		t.Errorf("leaving a program (-want +got):\n%s", diff)
	}
	if len(got.ProgramIDs) != 0 {
		t.Errorf("program_ids = %v after leaving, want none", got.ProgramIDs)
	}
	if a := e.lastAudit(); a.Action != "participant.update" || a.EntityID == nil || *a.EntityID != p.ID {
		t.Errorf("last audit entry %+v, want participant.update of %d", a, p.ID)
	}

	e.setToday(e.today)
	e.as(pathway.RoleStaff, "PATCH", path("/participants/%d", p.ID), map[string]any{"program_ids": []int64{pantry}}).must(t, 200).decode(t, &got)
	want := []span{{pantry, consented, left.String()}, {pantry, e.today.String(), ""}}
	if diff := cmp.Diff(want, spans(got)); diff != "" {
		t.Errorf("coming back does not start a new enrolment (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{pantry}, got.ProgramIDs); diff != "" {
		t.Errorf("program_ids after coming back (-want +got):\n%s", diff)
	}
	for _, en := range got.Enrolments {
		if en.Program != "Food pantry" || en.ID == 0 {
			t.Errorf("enrolment %+v lacks its id or program name", en)
		}
	}
}

func TestEnrolmentCorrectionsKeepTheDateRules(t *testing.T) {
	e := newEnv(t)
	pantry := e.program("Food pantry", pathway.Observer)
	p := e.participant("ref-1", "Dated Person", pantry) // consent a year ago
	// An earlier period ended 100 days ago; the current one began 50 days ago.
	earlier := p.Enrolments[0]
	e.as(pathway.RoleStaff, "PATCH", path("/participants/%d/enrolments/%d", p.ID, earlier.ID), map[string]any{"left_on": e.today.AddDays(-100).String()}).must(t, 200)
	var current pathway.Enrolment
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/enrolments", p.ID), map[string]any{"program_id": pantry, "enrolled_on": e.today.AddDays(-50).String()}).must(t, 201).decode(t, &current)
	if a := e.lastAudit(); a.Action != "enrolment.create" || a.Entity != "participant" || a.EntityID == nil || *a.EntityID != p.ID {
		t.Errorf("last audit entry %+v, want enrolment.create of participant %d", a, p.ID)
	}
	day := func(n int) string { return e.today.AddDays(n).String() }
	patch := func(id int64) string { return path("/participants/%d/enrolments/%d", p.ID, id) }

	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		field  string
	}{
		{"a start in the future is refused", "PATCH", patch(current.ID), map[string]any{"enrolled_on": day(1)}, 422, "enrolled_on"},
		{"a start before consent is refused", "PATCH", patch(earlier.ID), map[string]any{"enrolled_on": day(-366)}, 422, "enrolled_on"},
		{"an end in the future is refused", "PATCH", patch(current.ID), map[string]any{"left_on": day(1)}, 422, "left_on"},
		{"an end before the start is refused", "PATCH", patch(current.ID), map[string]any{"left_on": day(-51)}, 422, "left_on"},
		{"a date that is not a date is refused", "PATCH", patch(current.ID), map[string]any{"enrolled_on": "2025-13-01"}, 422, "enrolled_on"},
		{"a null start is refused", "PATCH", patch(current.ID), map[string]any{"enrolled_on": nil}, 422, "enrolled_on"},
		{"an unknown field is named", "PATCH", patch(current.ID), map[string]any{"reason": "moved away"}, 422, "reason"},
		{"reopening while another is open conflicts", "PATCH", patch(earlier.ID), map[string]any{"left_on": nil}, 409, "left_on"},
		{"stretching into the next period conflicts", "PATCH", patch(earlier.ID), map[string]any{"left_on": day(-50)}, 409, "left_on"},
		{"an enrolment of someone else is not found", "PATCH", patch(999999), map[string]any{"left_on": day(-1)}, 404, ""},
		{"a second open enrolment in a program conflicts", "POST", path("/participants/%d/enrolments", p.ID), map[string]any{"program_id": pantry, "enrolled_on": day(-10)}, 409, "enrolled_on"},
		{"a past period overlapping another conflicts", "POST", path("/participants/%d/enrolments", p.ID), map[string]any{"program_id": pantry, "enrolled_on": day(-200), "left_on": day(-90)}, 409, "enrolled_on"},
		{"a past period in an unknown program is refused", "POST", path("/participants/%d/enrolments", p.ID), map[string]any{"program_id": 999999, "enrolled_on": day(-10)}, 422, "program_id"},
		{"a past period without a start is refused", "POST", path("/participants/%d/enrolments", p.ID), map[string]any{"program_id": pantry}, 422, "enrolled_on"},
		{"a past period ending before it starts is refused", "POST", path("/participants/%d/enrolments", p.ID), map[string]any{"program_id": pantry, "enrolled_on": day(-20), "left_on": day(-30)}, 422, "left_on"},
	}
	before := spans(e.getParticipant(p.ID))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := e.rowCounts(historyTables...)
			res := e.as(pathway.RoleStaff, tt.method, tt.path, tt.body)
			after := e.rowCounts(historyTables...)
			if tt.field != "" {
				wantField(t, res, tt.status, tt.field)
			} else {
				res.must(t, tt.status)
			}
			if diff := cmp.Diff(rows, after); diff != "" {
				t.Errorf("a refused change wrote rows (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(before, spans(e.getParticipant(p.ID))); diff != "" {
				t.Errorf("a refused change moved the enrolments (-before +after):\n%s", diff)
			}
		})
	}

	t.Run("a correction is stored and audited", func(t *testing.T) {
		var got pathway.Enrolment
		e.as(pathway.RoleStaff, "PATCH", patch(earlier.ID), map[string]any{"enrolled_on": day(-300), "left_on": day(-60)}).must(t, 200).decode(t, &got)
		want := pathway.Enrolment{ID: earlier.ID, ProgramID: pantry, Program: "Food pantry", EnrolledOn: e.today.AddDays(-300), LeftOn: ptr(e.today.AddDays(-60))}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b pathway.Date) bool { return a == b })); diff != "" {
			t.Errorf("corrected enrolment (-want +got):\n%s", diff)
		}
		staff := e.users[pathway.RoleStaff]
		if diff := cmp.Diff(pathway.AuditEntry{
			UserID: ptr(staff.ID), User: staff.Email, Action: "enrolment.update", Entity: "participant", EntityID: ptr(p.ID), RemoteAddr: "192.0.2.10",
		}, e.lastAudit(), cmpopts.IgnoreFields(pathway.AuditEntry{}, "ID", "At")); diff != "" {
			t.Errorf("correction audit entry (-want +got):\n%s", diff)
		}
	})
	t.Run("reopening the current one after ending it", func(t *testing.T) {
		e.as(pathway.RoleStaff, "PATCH", patch(current.ID), map[string]any{"left_on": day(0)}).must(t, 200)
		e.as(pathway.RoleStaff, "PATCH", patch(current.ID), map[string]any{"left_on": nil}).must(t, 200)
		if diff := cmp.Diff([]int64{pantry}, e.getParticipant(p.ID).ProgramIDs); diff != "" {
			t.Errorf("program_ids after reopening (-want +got):\n%s", diff)
		}
	})
}

func TestCaseloadUsesOnlyCurrentEnrolments(t *testing.T) {
	e := newEnv(t)
	progA, progB := e.program("Program A", pathway.Member), e.program("Program B", pathway.Member)
	_, scopedToken := e.newAccount("scoped@example.org", pathway.RoleStaff, progA)
	left := e.participant("ref-left", "Left A", progA)
	stays := e.participant("ref-stays", "Stays in A", progA)
	e.as(pathway.RoleAdmin, "PATCH", path("/participants/%d", left.ID), map[string]any{"program_ids": []int64{progB}}).must(t, 200)
	scoped := func(method, p string, body any) *response {
		return e.call(request{Method: method, Path: p, Body: body, Token: scopedToken})
	}

	scoped("GET", path("/participants/%d", left.ID), nil).must(t, 404)
	scoped("GET", path("/participants/%d", stays.ID), nil).must(t, 200)
	var page participantPage
	scoped("GET", path("/participants"), nil).must(t, 200).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != stays.ID {
		t.Errorf("scoped list = %+v, want only %d", page.Items, stays.ID)
	}
	e.as(pathway.RoleAdmin, "GET", path("/participants?program_id=%d", progA), nil).must(t, 200).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != stays.ID {
		t.Errorf("list filtered by program A = %+v, want only %d", page.Items, stays.ID)
	}
	var counts struct {
		Total int `json:"total"`
	}
	scoped("GET", path("/participants/counts"), nil).must(t, 200).decode(t, &counts)
	if counts.Total != 1 {
		t.Errorf("scoped counts total %d, want 1", counts.Total)
	}

	pastA := e.getParticipant(left.ID).Enrolments[0]
	for _, r := range []struct {
		name, method, path string
		body               any
	}{
		{"correct", "PATCH", path("/participants/%d/enrolments/%d", left.ID, pastA.ID), map[string]any{"enrolled_on": e.today.AddDays(-10).String()}},
		{"record", "POST", path("/participants/%d/enrolments", left.ID), map[string]any{"program_id": progA, "enrolled_on": e.today.String()}},
	} {
		t.Run(fmt.Sprintf("scoped staff cannot %s an enrolment of someone who left their program", r.name), func(t *testing.T) {
			before := e.rowCounts(historyTables...)
			scoped(r.method, r.path, r.body).must(t, 404)
			if diff := cmp.Diff(before, e.rowCounts(historyTables...)); diff != "" {
				t.Errorf("a refused request changed stored rows (-before +after):\n%s", diff)
			}
		})
	}
	t.Run("scoped staff cannot end the last enrolment in their caseload", func(t *testing.T) {
		en := stays.Enrolments[0]
		wantField(t, scoped("PATCH", path("/participants/%d/enrolments/%d", stays.ID, en.ID), map[string]any{"left_on": e.today.String()}), 422, "left_on")
		if got := e.getParticipant(stays.ID).Enrolments[0]; got.LeftOn != nil {
			t.Errorf("the refused correction ended the enrolment: %+v", got)
		}
	})
}
