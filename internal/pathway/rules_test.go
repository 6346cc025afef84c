package pathway_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

var today = pathway.NewDate(2026, 3, 14)

func TestConsentValidateKeepsConsentFirst(t *testing.T) {
	tracking := []pathway.ConsentScope{pathway.ScopeTracking}
	tests := []struct {
		name    string
		consent pathway.Consent
		field   string // "" when valid
	}{
		{"tracking given today is valid", pathway.Consent{GivenOn: today, Method: pathway.ConsentWritten, Scopes: tracking}, ""},
		{"tracking and public story given long ago is valid", pathway.Consent{GivenOn: today.AddDays(-4000), Method: pathway.ConsentVerbal, Scopes: []pathway.ConsentScope{pathway.ScopePublicStory, pathway.ScopeTracking}}, ""},
		{"consent given tomorrow is refused", pathway.Consent{GivenOn: today.AddDays(1), Method: pathway.ConsentWritten, Scopes: tracking}, "consent.given_on"},
		{"public story without tracking is refused", pathway.Consent{GivenOn: today, Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopePublicStory}}, "consent.scopes"},
		{"no scopes is refused", pathway.Consent{GivenOn: today, Method: pathway.ConsentElectronic}, "consent.scopes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.consent.Validate("consent", today)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if pathway.ErrorCode(err) != pathway.EINVALID {
				t.Fatalf("Validate = %v, want %s", err, pathway.EINVALID)
			}
			if fields := pathway.ErrorFields(err); len(fields) != 1 || fields[0].Field != tt.field || fields[0].Message == "" {
				t.Errorf("field errors %+v, want one naming %s", fields, tt.field)
			}
		})
	}
}

func TestHistoryDatesStayBetweenConsentAndToday(t *testing.T) {
	since := today.AddDays(-30)
	tests := []struct {
		name  string
		date  pathway.Date
		valid bool
	}{
		{"today", today, true},
		{"the consent day", today.AddDays(-30), true},
		{"between", today.AddDays(-7), true},
		{"tomorrow", today.AddDays(1), false},
		{"the day before consent", today.AddDays(-31), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pathway.CheckHistoryDate("effective_on", tt.date, since, today)
			if tt.valid != (err == nil) {
				t.Fatalf("CheckHistoryDate(%s) = %v, want valid %v", tt.date, err, tt.valid)
			}
			if err != nil {
				if fields := pathway.ErrorFields(err); len(fields) != 1 || fields[0].Field != "effective_on" {
					t.Errorf("field errors %+v, want effective_on", fields)
				}
			}
		})
	}
}

func TestRungsAreAClosedOrderedSet(t *testing.T) {
	names := []string{"observer", "follower", "member", "contributor", "leader"}
	var got []string
	for i, r := range pathway.Rungs {
		got = append(got, r.String())
		if int(r) != i+1 || !r.Valid() {
			t.Errorf("rung %s is %d (valid %v), want %d", r, int(r), r.Valid(), i+1)
		}
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("ladder order (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		in   string
		want pathway.Rung
		ok   bool
	}{
		{"a rung name parses", "contributor", pathway.Contributor, true},
		{"names are exact", "Leader", 0, false},
		{"an unknown name is refused", "champion", 0, false},
		{"the empty string is refused", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := pathway.ParseRung(tt.in)
			if r != tt.want || (err == nil) != tt.ok {
				t.Errorf("ParseRung(%q) = %v, %v; want %v, ok %v", tt.in, r, err, tt.want, tt.ok)
			}
		})
	}
	t.Run("rungs round-trip through JSON as names", func(t *testing.T) {
		b, err := json.Marshal(pathway.Rungs)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != `["observer","follower","member","contributor","leader"]` {
			t.Errorf("JSON %s", b)
		}
		var back []pathway.Rung
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(pathway.Rungs, back); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	})
	t.Run("an invalid rung never reaches the wire", func(t *testing.T) {
		for _, r := range []pathway.Rung{0, 6, -1} {
			if _, err := json.Marshal(r); err == nil {
				t.Errorf("marshalled invalid rung %d", int(r))
			}
		}
		var r pathway.Rung
		if err := json.Unmarshal([]byte(`"boss"`), &r); err == nil {
			t.Error("unmarshalled an unknown rung name")
		}
	})
}

func TestDatesParseStrictly(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"a calendar date", "2024-02-29", true},
		{"no 30th of February", "2024-02-30", false},
		{"no 29th of February in a common year", "2023-02-29", false},
		{"no time of day", "2024-01-01T00:00:00Z", false},
		{"no short forms", "2024-1-1", false},
		{"not empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := pathway.ParseDate(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseDate(%q) = %v, %v; want ok %v", tt.in, d, err, tt.ok)
			}
			if tt.ok && d.String() != tt.in {
				t.Errorf("ParseDate(%q).String() = %q", tt.in, d)
			}
		})
	}
	if got := today.AddDays(-365).DaysSince(today); got != -365 {
		t.Errorf("DaysSince = %d, want -365", got)
	}
}

func TestErrorsKeepTheirCodeAndHideInternals(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		code    string
		message string
	}{
		{"a domain error keeps its code", pathway.Errorf(pathway.ENOTFOUND, "participant.not_found"), pathway.ENOTFOUND, "participant.not_found"},
		{"a wrapped domain error keeps its code", fmt.Errorf("find: %w", pathway.Conflict("external_ref", "participant.ref_taken")), pathway.ECONFLICT, pathway.MsgConflictFields},
		{"any other error is internal and says nothing of itself", errors.New("disk I/O error at /var/lib/pathway.db"), pathway.EINTERNAL, pathway.MsgInternal},
		{"no error has no code", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pathway.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := pathway.ErrorMessage(tt.err); got != tt.message {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.message)
			}
		})
	}
}

func TestOnlyStaffWithProgramsAreScoped(t *testing.T) {
	tests := []struct {
		name   string
		actor  pathway.Actor
		scoped bool
	}{
		{"staff with programs", pathway.Actor{Role: pathway.RoleStaff, ProgramIDs: []int64{1}}, true},
		{"staff without programs see everyone", pathway.Actor{Role: pathway.RoleStaff}, false},
		{"admins are never scoped", pathway.Actor{Role: pathway.RoleAdmin, ProgramIDs: []int64{1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.actor.Scoped(); got != tt.scoped {
				t.Errorf("Scoped() = %v, want %v", got, tt.scoped)
			}
		})
	}
	for _, r := range pathway.Roles {
		if want := r != pathway.RoleLeadership; r.SeesPeople() != want {
			t.Errorf("%s.SeesPeople() = %v, want %v", r, r.SeesPeople(), want)
		}
	}
}

func TestEachRoleHoldsOnlyItsAbilities(t *testing.T) {
	want := map[pathway.Role][]pathway.Ability{
		pathway.RoleAdmin:       pathway.Abilities,
		pathway.RoleStaff:       {pathway.ReadPeople, pathway.WritePeople, pathway.EditPrograms, pathway.ReadBodies, pathway.ReadNotes},
		pathway.RoleCoordinator: {pathway.ReadPeople, pathway.ReadBodies, pathway.RunBodies},
		pathway.RoleLeadership:  {pathway.ReadReports},
	}
	for _, r := range pathway.Roles {
		if diff := cmp.Diff(want[r], r.Abilities()); diff != "" {
			t.Errorf("%s abilities (-want +got):\n%s", r, diff)
		}
		if r.SeesPeople() != r.Can(pathway.ReadPeople) {
			t.Errorf("%s: SeesPeople disagrees with the read_people ability", r)
		}
	}
	if pathway.RoleLeadership.SeesPeople() {
		t.Error("leadership may read identifiable records; it must see anonymised aggregates only")
	}
}
