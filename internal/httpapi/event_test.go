package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

func (e *env) eventBody(ids ...int64) map[string]any {
	return map[string]any{"occurred_on": e.today.String(), "activity": "Community meeting", "strategy": "organizing", "note": "", "participant_ids": ids}
}

func TestAnEventLogsOneAuditedEngagementPerAttendee(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Tenant union", pathway.Follower)
	a, b, c := e.participant("CM-1", "Ana", prog), e.participant("CM-2", "Ben", prog), e.participant("CM-3", "Cy", prog)
	before := e.rowCounts("engagements", "audit_log")
	body := e.eventBody(a.ID, b.ID, c.ID)
	body["program_id"] = prog
	var got struct {
		Count         int     `json:"count"`
		EngagementIDs []int64 `json:"engagement_ids"`
	}
	e.as(pathway.RoleStaff, "POST", path("/events"), body).must(t, http.StatusCreated).decode(t, &got)
	if got.Count != 3 || len(got.EngagementIDs) != 3 {
		t.Fatalf("got %+v, want three engagements", got)
	}
	after := e.rowCounts("engagements", "audit_log")
	if n := after["engagements"] - before["engagements"]; n != 3 {
		t.Errorf("%d engagements written, want 3", n)
	}
	if n := after["audit_log"] - before["audit_log"]; n != 3 {
		t.Errorf("%d audit entries, want one per engagement", n)
	}
	for i, p := range []pathway.Participant{a, b, c} {
		var list struct {
			Items []pathway.Engagement `json:"items"`
		}
		e.as(pathway.RoleStaff, "GET", path("/participants/%d/engagements", p.ID), nil).must(t, 200).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != got.EngagementIDs[i] || list.Items[0].Activity != "Community meeting" || *list.Items[0].ProgramID != prog {
			t.Errorf("%s's engagements: %+v", p.ExternalRef, list.Items)
		}
	}
}

func TestAnEventWithABadAttendeeWritesNothingAndNamesThem(t *testing.T) {
	e := newEnv(t)
	progA, progB := e.program("Tenant union", pathway.Follower), e.program("Pantry", pathway.Observer)
	a, b := e.participant("CM-1", "Ana", progA), e.participant("CM-2", "Ben", progA)
	outside := e.participant("CM-3", "Cy", progB)
	_, scoped := e.newAccount("caseload@example.org", pathway.RoleStaff, progA)
	late := e.participantBody("CM-4", "Dee", progA)
	late["consent"].(map[string]any)["given_on"] = e.today.String()
	var dee pathway.Participant
	e.as(pathway.RoleStaff, "POST", path("/participants"), late).must(t, 201).decode(t, &dee)
	yesterday := e.eventBody(a.ID, dee.ID)
	yesterday["occurred_on"] = e.today.AddDays(-1).String()
	tests := []struct {
		name  string
		token string
		body  map[string]any
		field string
	}{
		{"an unknown id", e.tokens[pathway.RoleStaff], e.eventBody(a.ID, b.ID, 999999), "participant_ids[2]"},
		{"someone outside the caseload", scoped, e.eventBody(a.ID, outside.ID), "participant_ids[1]"},
		{"a repeated attendee", e.tokens[pathway.RoleStaff], e.eventBody(a.ID, b.ID, a.ID), "participant_ids[2]"},
		{"an attendee who consented after the event", e.tokens[pathway.RoleStaff], yesterday, "participant_ids[1]"},
		{"no attendees", e.tokens[pathway.RoleStaff], e.eventBody(), "participant_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCounts(historyTables...)
			res := e.call(request{Method: "POST", Path: path("/events"), Body: tt.body, Token: tt.token}).must(t, http.StatusUnprocessableEntity)
			if res.fieldMessage(t, tt.field) == "" {
				t.Errorf("problem does not name %s: %s", tt.field, res.Body)
			}
			if strings.Contains(string(res.Body), "Cy") {
				t.Errorf("the refusal names a person: %s", res.Body)
			}
			if diff := cmp.Diff(before, e.rowCounts(historyTables...)); diff != "" {
				t.Errorf("a refused event wrote rows (-before +after):\n%s", diff)
			}
		})
	}
}

func TestANoteOfMaxLengthInAccentedLettersIsAccepted(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-1", "Ana")
	body := e.engagementBody("Reunión")
	body["note"] = strings.Repeat("é", pathway.MaxNoteLength)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), body).must(t, 201)
	body["note"] = strings.Repeat("é", pathway.MaxNoteLength+1)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), body).must(t, 422)
}
