package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"pathway/internal/pathway"
)

// TestBodiesAreReadStrictly holds every JSON body to one strict decoder:
// what encoding/json alone lets through is refused with a message naming
// the field, and changes nothing.
func TestBodiesAreReadStrictly(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-STRICT", "Strict Person")
	bodyID := e.newBody(map[string]any{"name": "Advisory board", "kind": "advisory_board", "seats": 5}).ID
	staffID := e.users[pathway.RoleStaff].ID
	participantPath := path("/participants/%d", p.ID)
	valid := func(extra string) string {
		return `{"external_ref": "CM-NEW-1", "display_name": "New Person", "program_ids": [], ` +
			`"consent": {"given_on": "` + e.on(-30) + `", "method": "written", "scopes": ["tracking"]}` + extra + `}`
	}
	withConsentDate := func(d string) string {
		return strings.Replace(valid(""), e.on(-30), d, 1)
	}

	tests := []struct {
		name   string
		role   pathway.Role
		method string
		path   string
		body   string
		status int
		field  string // "" when the problem names no field
		want   string // in the field's message
	}{
		// null for fields that are not nullable
		{"null external_ref in a patch", pathway.RoleStaff, "PATCH", participantPath, `{"external_ref": null}`, 422, "external_ref", "cannot be null"},
		{"null display_name in a patch", pathway.RoleStaff, "PATCH", participantPath, `{"display_name": null}`, 422, "display_name", "cannot be null"},
		{"null program_ids in a patch", pathway.RoleStaff, "PATCH", participantPath, `{"program_ids": null}`, 422, "program_ids", "cannot be null"},
		{"null in an array of ids", pathway.RoleStaff, "PATCH", participantPath, `{"program_ids": [null]}`, 422, "program_ids[0]", "cannot be null"},
		{"null program name", pathway.RoleStaff, "PATCH", path("/programs/999999"), `{"name": null}`, 422, "name", "cannot be null"},
		{"null program strategies", pathway.RoleStaff, "POST", path("/programs"), `{"name": "Choir", "rung": "member", "strategies": null}`, 422, "strategies", "cannot be null"},
		{"null note", pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), `{"occurred_on": "` + e.on(-1) + `", "activity": "Meeting", "note": null}`, 422, "note", "cannot be null"},
		{"null role title", pathway.RoleCoordinator, "PATCH", path("/roles/999999"), `{"title": null}`, 422, "title", "cannot be null"},
		{"null account role", pathway.RoleAdmin, "PATCH", path("/users/%d", staffID), `{"role": null}`, 422, "role", "cannot be null"},
		{"null disabled", pathway.RoleAdmin, "PATCH", path("/users/%d", staffID), `{"disabled": null}`, 422, "disabled", "cannot be null"},
		{"null inside a nested object", pathway.RoleStaff, "POST", path("/participants"), strings.Replace(valid(""), `"method": "written"`, `"method": null`, 1), 422, "consent.method", "cannot be null"},

		// keys
		{"a duplicate key", pathway.RoleStaff, "PATCH", participantPath, `{"display_name": "A", "display_name": "B"}`, 422, "display_name", "more than once"},
		{"a duplicate key in a nested object", pathway.RoleStaff, "POST", path("/participants"), strings.Replace(valid(""), `"method": "written"`, `"method": "written", "method": "verbal"`, 1), 422, "consent.method", "more than once"},
		{"a key in capitals", pathway.RoleStaff, "PATCH", participantPath, `{"DISPLAY_NAME": "Someone Else"}`, 422, "DISPLAY_NAME", "only in capital letters"},
		{"a key in another case in a nested object", pathway.RoleStaff, "POST", path("/participants"), strings.Replace(valid(""), `"given_on"`, `"Given_On"`, 1), 422, "consent.Given_On", "only in capital letters"},
		{"a key in another case in an array of objects", pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), `{"rung": "member", "effective_on": "` + e.on(-1) + `", "evidence": [{"Kind": "role", "id": 1}]}`, 422, "evidence[0].Kind", "only in capital letters"},
		{"an unknown key", pathway.RoleStaff, "POST", path("/participants"), valid(`, "birth_date": "1990-01-01"`), 422, "birth_date", "does not take this field"},

		// text
		{"invalid UTF-8", pathway.RoleStaff, "PATCH", participantPath, "{\"display_name\": \"Ana \xff\xfe\"}", 422, "display_name", "UTF-8"},
		{"an escaped lone surrogate", pathway.RoleStaff, "PATCH", participantPath, `{"display_name": "Ana \ud800"}`, 422, "display_name", "UTF-8"},
		{"invalid UTF-8 in a key", pathway.RoleStaff, "PATCH", participantPath, "{\"display_name\xff\": \"Ana\"}", 400, "", ""},
		{"a NUL character", pathway.RoleStaff, "PATCH", participantPath, `{"display_name": "Ana\u0000Admin"}`, 422, "display_name", "NUL"},

		// the body as a whole
		{"a second JSON value after the object", pathway.RoleStaff, "PATCH", participantPath, `{"display_name": "A"} {"display_name": "B"}`, 400, "", ""},
		{"trailing garbage", pathway.RoleStaff, "PATCH", participantPath, `{"display_name": "A"}]`, 400, "", ""},
		{"null for the whole body", pathway.RoleStaff, "PATCH", participantPath, `null`, 400, "", ""},
		{"an array for the whole body", pathway.RoleStaff, "PATCH", participantPath, `[{"display_name": "A"}]`, 400, "", ""},

		// dates
		{"consent given in year zero", pathway.RoleStaff, "POST", path("/participants"), withConsentDate("0000-01-01"), 422, "consent.given_on", "from 1900-01-01"},
		{"consent given the day before 1900", pathway.RoleStaff, "POST", path("/participants"), withConsentDate("1899-12-31"), 422, "consent.given_on", "from 1900-01-01"},
		{"a role starting in year one", pathway.RoleCoordinator, "POST", path("/bodies/%d/roles", bodyID), fmt.Sprintf(`{"participant_id": %d, "title": "Member", "starts_on": "0001-01-01"}`, p.ID), 422, "starts_on", "from 1900-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.rowCounts("participants", "programs", "engagements", "roles", "users")
			res := e.call(request{Method: tt.method, Path: tt.path, Body: tt.body, Role: tt.role})
			wantProblem(t, res, tt.status, tt.field, tt.want)
			if after := e.rowCounts("participants", "programs", "engagements", "roles", "users"); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("rows changed from %v to %v", before, after)
			}
		})
	}
	if got := e.getParticipant(p.ID); got.DisplayName != "Strict Person" || got.ExternalRef != "CM-STRICT" {
		t.Errorf("the participant changed to %+v", got)
	}
}

// TestStrictDecodingStillTakesValidBodies guards against the strict decoder
// refusing what the contract allows: null where a field is nullable, a
// replacement character typed on purpose, the earliest date.
func TestStrictDecodingStillTakesValidBodies(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-NULLS", "Nullable Person")
	body := e.newBody(map[string]any{"name": "Committee", "kind": "committee", "seats": 3})
	tests := []struct {
		name   string
		role   pathway.Role
		method string
		path   string
		body   string
		status int
	}{
		{"a program with no estimate", pathway.RoleStaff, "POST", path("/programs"), `{"name": "Choir", "rung": "member", "estimated_served": null}`, 201},
		{"an engagement in no program", pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), `{"occurred_on": "` + e.on(-1) + `", "activity": "Meeting", "program_id": null}`, 201},
		{"a body with no seat limit", pathway.RoleCoordinator, "POST", path("/bodies"), `{"name": "Open circle", "kind": "committee", "seats": null, "term_months": null, "term_limit": null}`, 201},
		{"a patch that clears a body's seat limit", pathway.RoleCoordinator, "PATCH", path("/bodies/%d", body.ID), `{"seats": null}`, 200},
		{"a replacement character typed as such", pathway.RoleStaff, "PATCH", path("/participants/%d", p.ID), "{\"display_name\": \"Ana \ufffd \\ufffd\"}", 200},
		{"a date on 1900-01-01 is a date", pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), `{"occurred_on": "1900-01-01", "activity": "Meeting"}`, 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.call(request{Method: tt.method, Path: tt.path, Body: tt.body, Role: tt.role}).must(t, tt.status)
			if tt.status == 422 {
				// 1900-01-01 is before the consent: a business rule, not the form of the date.
				var prob struct {
					Errors []pathway.FieldError `json:"errors"`
				}
				_ = json.Unmarshal(res.Body, &prob)
				for _, fe := range prob.Errors {
					if strings.Contains(fe.Message, "YYYY-MM-DD") {
						t.Errorf("1900-01-01 refused as a malformed date: %+v", fe)
					}
				}
			}
		})
	}
}
