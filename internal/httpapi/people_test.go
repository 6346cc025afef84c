package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// peoplePage is one page of GET /participants.
type peoplePage struct {
	Items      []pathway.Participant `json:"items"`
	NextCursor *string               `json:"next_cursor"`
}

// find lists participants as staff with the query, and returns their names.
func (e *env) find(query string) []string {
	e.t.Helper()
	var page peoplePage
	e.as(pathway.RoleStaff, "GET", path("/participants?%s", query), nil).must(e.t, 200).decode(e.t, &page)
	out := []string{}
	for _, p := range page.Items {
		out = append(out, p.DisplayName)
	}
	return out
}

// findAll follows the cursors of a listing, two to a page.
func (e *env) findAll(query string) []string {
	e.t.Helper()
	var out []string
	cursor := ""
	for {
		var page peoplePage
		e.as(pathway.RoleStaff, "GET", path("/participants?limit=2&%s%s", query, cursor), nil).must(e.t, 200).decode(e.t, &page)
		for _, p := range page.Items {
			out = append(out, p.DisplayName)
		}
		if page.NextCursor == nil {
			return out
		}
		cursor = "&cursor=" + url.QueryEscape(*page.NextCursor)
	}
}

func TestSearchIgnoresCaseAndAccentsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	e.participant("CM-1", "Lucía Gómez")
	e.participant("CM-2", "LUCIA PEREZ")
	e.participant("CM-3", "lucia díaz")
	e.participant("CM-4", "Marco Ruiz")
	all := []string{"Lucía Gómez", "LUCIA PEREZ", "lucia díaz"}
	for _, q := range []string{"lucia", "Lucía", "LUCIA", "LUCÍA", "luc"} {
		if diff := cmp.Diff(all, e.find("q="+url.QueryEscape(q))); diff != "" {
			t.Errorf("q=%s (-want +got):\n%s", q, diff)
		}
	}
	if diff := cmp.Diff([]string{"Lucía Gómez"}, e.find("q=gomez+lucia")); diff != "" {
		t.Errorf("two words (-want +got):\n%s", diff)
	}
}

func TestSearchFindsTheExactCaseManagementID(t *testing.T) {
	e := newEnv(t)
	e.participant("CM-0010035", "Ana")
	e.participant("CM-0010036", "Ben")
	e.participant("B7", "Cy")
	for q, want := range map[string]string{"CM-0010035": "Ana", "cm-0010036": "Ben", "ＣＭ-0010035": "Ana", "b7": "Cy"} {
		if diff := cmp.Diff([]string{want}, e.find("q="+url.QueryEscape(q))); diff != "" {
			t.Errorf("q=%s (-want +got):\n%s", q, diff)
		}
	}
}

func TestTheListSortsByNameAndByLastEngagement(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Tenant union", pathway.Follower)
	zoe, ana, oscar := e.participant("CM-1", "Zoë", prog), e.participant("CM-2", "ana", prog), e.participant("CM-3", "Óscar", prog)
	e.participant("CM-4", "Bea", prog)
	event := func(daysAgo int, ids ...int64) {
		body := e.eventBody(ids...)
		body["occurred_on"] = e.today.AddDays(-daysAgo).String()
		e.as(pathway.RoleStaff, "POST", path("/events"), body).must(t, http.StatusCreated)
	}
	event(20, zoe.ID, ana.ID)
	event(5, oscar.ID)
	event(1, ana.ID)
	if diff := cmp.Diff([]string{"ana", "Bea", "Óscar", "Zoë"}, e.findAll("sort=name")); diff != "" {
		t.Errorf("sort=name (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ana", "Óscar", "Zoë", "Bea"}, e.findAll("sort=last_engaged")); diff != "" {
		t.Errorf("sort=last_engaged (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Zoë", "ana", "Óscar", "Bea"}, e.findAll("sort=added")); diff != "" {
		t.Errorf("sort=added (-want +got):\n%s", diff)
	}
	var got pathway.Participant
	e.as(pathway.RoleStaff, "GET", path("/participants/%d", ana.ID), nil).must(t, 200).decode(t, &got)
	if got.LastEngagedOn == nil || *got.LastEngagedOn != e.today.AddDays(-1) {
		t.Errorf("ana's last_engaged_on = %v, want %v", got.LastEngagedOn, e.today.AddDays(-1))
	}
}

func TestRecentListsThePeopleThisAccountOpened(t *testing.T) {
	e := newEnv(t)
	ana, ben, cy := e.participant("CM-1", "Ana"), e.participant("CM-2", "Ben"), e.participant("CM-3", "Cy")
	for _, p := range []pathway.Participant{ana, ben, cy} {
		e.as(pathway.RoleStaff, "GET", path("/participants/%d", p.ID), nil).must(t, 200)
	}
	// The person's page reads their record with its history: that counts too.
	e.as(pathway.RoleStaff, "GET", path("/participants/%d?include=placements", ana.ID), nil).must(t, 200)
	e.as(pathway.RoleAdmin, "GET", path("/participants/%d", cy.ID), nil).must(t, 200)
	if diff := cmp.Diff([]string{"Ana", "Cy", "Ben"}, e.find("recent=true")); diff != "" {
		t.Errorf("staff's recent people (-want +got):\n%s", diff)
	}
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", cy.ID), nil).must(t, 204)
	if diff := cmp.Diff([]string{"Ana", "Ben"}, e.find("recent=true")); diff != "" {
		t.Errorf("after Cy's erasure (-want +got):\n%s", diff)
	}
}

func TestTheListRefusesAnUnknownSortAndAPagedRecentList(t *testing.T) {
	e := newEnv(t)
	for query, field := range map[string]string{
		"sort=rank":             "sort",
		"sort=id":               "sort",
		"recent=maybe":          "recent",
		"recent=true&sort=name": "recent",
	} {
		res := e.as(pathway.RoleStaff, "GET", path("/participants?%s", query), nil).must(t, http.StatusUnprocessableEntity)
		if res.fieldMessage(t, field) == "" {
			t.Errorf("%s: the problem does not name %s: %s", query, field, res.Body)
		}
	}
}

func TestAnEventRefusesAFutureDayAndAnUnknownProgram(t *testing.T) {
	e := newEnv(t)
	a := e.participant("CM-1", "Ana")
	future := e.eventBody(a.ID)
	future["occurred_on"] = e.today.AddDays(1).String()
	noProgram := e.eventBody(a.ID)
	noProgram["program_id"] = 999999
	noActivity := e.eventBody(a.ID)
	noActivity["activity"] = "  "
	badStrategy := e.eventBody(a.ID)
	badStrategy["strategy"] = "lobbying"
	for name, tc := range map[string]struct {
		body  map[string]any
		field string
	}{
		"a future day":     {future, "participant_ids[0]"},
		"unknown program":  {noProgram, "program_id"},
		"no activity":      {noActivity, "activity"},
		"unknown strategy": {badStrategy, "strategy"},
	} {
		t.Run(name, func(t *testing.T) {
			before := e.rowCounts(historyTables...)
			res := e.as(pathway.RoleStaff, "POST", path("/events"), tc.body).must(t, http.StatusUnprocessableEntity)
			if res.fieldMessage(t, tc.field) == "" {
				t.Errorf("the problem does not name %s: %s", tc.field, res.Body)
			}
			if diff := cmp.Diff(before, e.rowCounts(historyTables...)); diff != "" {
				t.Errorf("a refused event wrote rows (-before +after):\n%s", diff)
			}
		})
	}
}
