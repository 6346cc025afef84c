package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"pathway/internal/pathway"
)

// lookup asks for the participant with an external reference.
func (e *env) lookup(token string, ref string) []pathway.Participant {
	e.t.Helper()
	var page struct {
		Items []pathway.Participant `json:"items"`
	}
	e.call(request{Method: "GET", Path: path("/participants?external_ref=%s", url.QueryEscape(ref)), Token: token}).must(e.t, 200).decode(e.t, &page)
	return page.Items
}

func TestExactLookupMatchesEverySpellingOfOneReference(t *testing.T) {
	e := newEnv(t)
	e.participant("CM-10000", "Someone Else")
	want := e.participant("CM-10035", "Ana Example")
	e.participant("CM-100350", "A Longer Reference")
	token := e.tokens[pathway.RoleStaff]
	for _, ref := range []string{"CM-10035", "cm-10035", "ＣＭ-１００３５", "CM-10035 ", " cm-10035\t"} {
		got := e.lookup(token, ref)
		if len(got) != 1 || got[0].ID != want.ID {
			t.Errorf("external_ref=%q: got %d participants %v, want only %d", ref, len(got), got, want.ID)
		}
	}
	if got := e.lookup(token, "CM-1003"); len(got) != 0 {
		t.Errorf("a prefix of a reference found %v, want nobody", got)
	}
}

func TestExactLookupStaysInsideTheCallersCaseload(t *testing.T) {
	e := newEnv(t)
	progA, progB := e.program("Tenant union", pathway.Follower), e.program("Food pantry", pathway.Observer)
	e.participant("CM-1", "In A", progA)
	e.participant("CM-2", "In B", progB)
	_, scoped := e.newAccount("caseload@example.org", pathway.RoleStaff, progA)
	if got := e.lookup(scoped, "cm-1"); len(got) != 1 {
		t.Errorf("own caseload: got %v, want one participant", got)
	}
	if got := e.lookup(scoped, "cm-2"); len(got) != 0 {
		t.Errorf("another program's participant was found: %v", got)
	}
}

func TestReferencesThatNormaliseAlikeCannotBeTwoPeople(t *testing.T) {
	e := newEnv(t)
	first := e.participant("cm-10035", "Ana Example")
	for _, ref := range []string{"ＣＭ-10035", "CM-10035 ", "Cm-10035"} {
		res := e.as(pathway.RoleStaff, "POST", path("/participants"), e.participantBody(ref, "Another Ana")).must(t, http.StatusConflict)
		if msg := res.fieldMessage(t, "external_ref"); msg == "" {
			t.Errorf("%q: conflict does not name external_ref: %s", ref, res.Body)
		}
	}
	other := e.participant("CM-20000", "Ben Example")
	ref := "ＣＭ-10035"
	e.as(pathway.RoleStaff, "PATCH", path("/participants/%d", other.ID), map[string]any{"external_ref": ref}).must(t, http.StatusConflict)
	if got := e.lookup(e.tokens[pathway.RoleStaff], "CM-10035"); len(got) != 1 || got[0].ID != first.ID {
		t.Errorf("lookup after refused clashes: %v", got)
	}
}

func TestEveryRouteRefusesAnUnknownQueryParameterByName(t *testing.T) {
	e := newEnv(t)
	for _, r := range e.srv.Routes() {
		key := r.Method + " " + r.Path
		allowed := accessMatrix[key]
		if len(allowed) == 0 {
			allowed = adminsOnly // TestEveryRouteHasAnAccessRule reports the gap
		}
		t.Run(key, func(t *testing.T) {
			req := request{Method: r.Method, Path: concrete(r.Path) + "?bogus=1"}
			if who := allowed[0]; who != anonymous {
				req.Role = pathway.Role(who)
			}
			if slices.Contains([]string{"POST", "PUT", "PATCH"}, r.Method) {
				req.Body = map[string]any{}
			}
			before := e.rowCounts(append(historyTables, "users", "api_tokens", "programs", "sessions")...)
			res := e.call(req).must(t, http.StatusUnprocessableEntity)
			if msg := res.fieldMessage(t, "bogus"); msg == "" {
				t.Errorf("the problem does not name the parameter: %s", res.Body)
			}
			after := e.rowCounts(append(historyTables, "users", "api_tokens", "programs", "sessions")...)
			for table, n := range before {
				if after[table] != n {
					t.Errorf("%s went from %d to %d rows", table, n, after[table])
				}
			}
		})
	}
	t.Run("a known parameter next to an unknown one is still refused", func(t *testing.T) {
		res := e.as(pathway.RoleStaff, "GET", path("/participants?external_ref=CM-1&limit=1&externalref=CM-1"), nil).must(t, 422)
		if res.fieldMessage(t, "externalref") == "" {
			t.Errorf("misspelt parameter not named: %s", res.Body)
		}
	})
}
