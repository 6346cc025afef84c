package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// caller is who sends a request: one of the roles, or nobody signed in.
type caller string

const anonymous caller = "no credentials"

var (
	byAdmin       = caller(pathway.RoleAdmin)
	byStaff       = caller(pathway.RoleStaff)
	byCoordinator = caller(pathway.RoleCoordinator)
	byLeadership  = caller(pathway.RoleLeadership)
	everyCaller   = []caller{byAdmin, byStaff, byCoordinator, byLeadership, anonymous}

	openToAll   = []caller{byAdmin, byStaff, byCoordinator, byLeadership, anonymous}
	anySignedIn = []caller{byAdmin, byStaff, byCoordinator, byLeadership}
	seesPeople  = []caller{byAdmin, byStaff, byCoordinator}
	recordsWork = []caller{byAdmin, byStaff}
	adminsOnly  = []caller{byAdmin}
	readsBodies = []caller{byAdmin, byStaff, byCoordinator}
	runsBodies  = []caller{byAdmin, byCoordinator}
	// seesAggregates reads the anonymised reports.
	seesAggregates = []caller{byAdmin, byLeadership}
)

// accessMatrix says who may reach every route. A route missing here fails
// TestEveryRouteHasAnAccessRule, so a new route cannot ship without one.
var accessMatrix = map[string][]caller{
	"GET /healthz": openToAll,
	"GET /readyz":  openToAll,
	"GET /metrics": adminsOnly,

	"POST /api/v1/session":   openToAll,
	"DELETE /api/v1/session": anySignedIn,
	"GET /api/v1/me":         anySignedIn,
	"PATCH /api/v1/me":       anySignedIn,

	"GET /api/v1/ladder":         anySignedIn,
	"GET /api/v1/programs":       anySignedIn,
	"GET /api/v1/programs/:id":   anySignedIn,
	"POST /api/v1/programs":      recordsWork,
	"PATCH /api/v1/programs/:id": recordsWork,

	"GET /api/v1/participants":                                 seesPeople,
	"GET /api/v1/participants/counts":                          seesPeople,
	"GET /api/v1/participants/:id":                             seesPeople,
	"GET /api/v1/participants/:id/placements":                  seesPeople,
	"POST /api/v1/participants":                                recordsWork,
	"PATCH /api/v1/participants/:id":                           recordsWork,
	"POST /api/v1/participants/:id/placements":                 recordsWork,
	"DELETE /api/v1/participants/:id/placements/:placement_id": recordsWork,
	"POST /api/v1/participants/:id/enrolments":                 recordsWork,
	"PATCH /api/v1/participants/:id/enrolments/:enrolment_id":  recordsWork,
	"GET /api/v1/participants/:id/engagements":                 recordsWork,
	"POST /api/v1/participants/:id/engagements":                recordsWork,
	"GET /api/v1/participants/:id/capacity-checkins":           recordsWork,
	"POST /api/v1/participants/:id/capacity-checkins":          recordsWork,
	"PUT /api/v1/participants/:id/consent":                     recordsWork,
	"POST /api/v1/participants/:id/consent/withdrawal":         recordsWork,

	"POST /api/v1/events":     recordsWork,
	"POST /api/v1/imports":    recordsWork,
	"GET /api/v1/imports/:id": recordsWork,

	"GET /api/v1/bodies":                           anySignedIn,
	"GET /api/v1/bodies/:id":                       readsBodies,
	"GET /api/v1/bodies/:id/speaking-engagements":  readsBodies,
	"GET /api/v1/roles":                            readsBodies,
	"GET /api/v1/suggestions":                      readsBodies,
	"POST /api/v1/bodies":                          runsBodies,
	"PATCH /api/v1/bodies/:id":                     runsBodies,
	"GET /api/v1/bodies/:id/roster.csv":            runsBodies,
	"POST /api/v1/bodies/:id/roles":                runsBodies,
	"PATCH /api/v1/roles/:id":                      runsBodies,
	"POST /api/v1/bodies/:id/speaking-engagements": runsBodies,

	"GET /api/v1/reports/distribution":          seesAggregates,
	"GET /api/v1/reports/distribution/programs": seesAggregates,
	"GET /api/v1/reports/movement":              seesAggregates,
	"GET /api/v1/reports/roles":                 seesAggregates,
	"GET /api/v1/reports/capacity":              seesAggregates,
	"GET /api/v1/reports/ladder":                seesAggregates,
	"GET /api/v1/releases":                      seesAggregates,
	"GET /api/v1/releases/:period":              seesAggregates,
	"POST /api/v1/releases":                     adminsOnly,

	"GET /api/v1/users":         adminsOnly,
	"POST /api/v1/users":        adminsOnly,
	"GET /api/v1/users/:id":     adminsOnly,
	"PATCH /api/v1/users/:id":   adminsOnly,
	"GET /api/v1/tokens":        adminsOnly,
	"POST /api/v1/tokens":       adminsOnly,
	"DELETE /api/v1/tokens/:id": adminsOnly,
	"GET /api/v1/audit":         adminsOnly,

	"POST /api/v1/users/:id/password-reset": adminsOnly,

	"GET /api/v1/changes":                 recordsWork,
	"GET /api/v1/webhooks":                adminsOnly,
	"POST /api/v1/webhooks":               adminsOnly,
	"GET /api/v1/webhooks/:id":            adminsOnly,
	"DELETE /api/v1/webhooks/:id":         adminsOnly,
	"GET /api/v1/webhooks/:id/deliveries": adminsOnly,

	// Personal links are made by those who record work. The participant's
	// own pages open to the link alone, which is no role: every role is
	// refused there (self_test.go covers the link itself).
	"POST /api/v1/participants/:id/invitations":                  recordsWork,
	"GET /api/v1/participants/:id/invitations":                   recordsWork,
	"DELETE /api/v1/participants/:id/invitations/:invitation_id": recordsWork,
	"GET /p/":                              openToAll,
	"GET /api/v1/self":                     {},
	"POST /api/v1/self/capacity-checkins":  {},
	"POST /api/v1/self/consent/withdrawal": {},
}

// identifying are the path prefixes that can reveal a person: leadership
// sees anonymised aggregates and the list of bodies only, never these.
var identifying = []string{
	"/api/v1/participants", "/api/v1/users", "/api/v1/tokens", "/api/v1/audit",
	"/api/v1/bodies/", "/api/v1/roles", "/api/v1/suggestions", "/api/v1/changes", "/api/v1/webhooks",
}

// concrete fills a route pattern's parameters with an id no record has, so
// that an allowed call cannot change anything.
func concrete(pattern string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "999999"
		}
	}
	return strings.Join(parts, "/")
}

func TestEveryRouteHasAnAccessRule(t *testing.T) {
	e := newEnv(t)
	routes := e.srv.Routes()
	registered := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		registered[key] = true
		allowed, ok := accessMatrix[key]
		if !ok {
			t.Errorf("route %s has no entry in the access matrix", key)
			continue
		}
		// The matrix itself must keep the rules, so that an entry cannot
		// quietly grant what the domain forbids.
		if slices.Contains(allowed, anonymous) && strings.HasPrefix(r.Path, "/api/v1/") && key != "POST /api/v1/session" {
			t.Errorf("access matrix lets callers without credentials reach %s", key)
		}
		for _, prefix := range identifying {
			if strings.HasPrefix(r.Path, prefix) && slices.Contains(allowed, byLeadership) {
				t.Errorf("access matrix lets leadership reach identifying route %s", key)
			}
		}
		for _, who := range everyCaller {
			t.Run(fmt.Sprintf("%s by %s", key, who), func(t *testing.T) {
				req := request{Method: r.Method, Path: concrete(r.Path)}
				if who != anonymous {
					req.Role = pathway.Role(who)
				}
				if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
					req.Body = map[string]any{}
				}
				before := e.rowCounts(append(historyTables, "users", "api_tokens", "programs", "sessions")...)
				res := e.call(req)
				switch {
				case slices.Contains(allowed, who):
					if res.Code == 401 || res.Code == 403 || res.Code >= 500 {
						t.Errorf("%s may use this route, got %d: %s", who, res.Code, res.Body)
					}
				case who == anonymous:
					res.must(t, 401)
				default:
					res.must(t, 403)
				}
				if !slices.Contains(allowed, who) {
					after := e.rowCounts(append(historyTables, "users", "api_tokens", "programs", "sessions")...)
					if diff := cmp.Diff(before, after); diff != "" {
						t.Errorf("a refused request changed stored rows (-before +after):\n%s", diff)
					}
					if p := res.problem(t); p.Status != res.Code {
						t.Errorf("problem status %d, response status %d", p.Status, res.Code)
					}
				}
			})
		}
	}
	for key := range accessMatrix {
		if !registered[key] {
			t.Errorf("access matrix names %s, which is not a route", key)
		}
	}
}

func TestLeadershipNeverReachesIdentifyingRecords(t *testing.T) {
	e := newEnv(t)
	p := e.participant("ref-1", "Private Person")
	for _, r := range e.srv.Routes() {
		if !slices.ContainsFunc(identifying, func(prefix string) bool { return strings.HasPrefix(r.Path, prefix) }) {
			continue
		}
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			target := strings.ReplaceAll(concrete(r.Path), "999999", fmt.Sprint(p.ID))
			var body any
			if r.Method != http.MethodGet && r.Method != http.MethodDelete {
				body = map[string]any{}
			}
			res := e.as(pathway.RoleLeadership, r.Method, target, body).must(t, 403)
			for _, s := range []string{"Private Person", "ref-1"} {
				if strings.Contains(string(res.Body), s) {
					t.Errorf("403 body holds %q", s)
				}
			}
		})
	}
	e.getParticipant(p.ID) // the participant is still there
}

func TestPublicAddressesAnswerWithoutCredentials(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name        string
		path        string
		contentType string
	}{
		{"liveness answers", "/healthz", "application/json"},
		{"readiness answers when the database does", "/readyz", "application/json"},
		{"the web app's page is served", "/", "text/html"},
		{"the web app's script is served", "/app.js", "text/javascript"},
		{"the web app's styles are served", "/app.css", "text/css"},
		{"an app address falls back to the page", "/participants/12", "text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.call(request{Method: "GET", Path: tt.path}).must(t, 200)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.contentType)
			}
			if len(res.Body) == 0 {
				t.Error("empty body")
			}
		})
	}
	t.Run("an unknown API address is 404 without credentials", func(t *testing.T) {
		e.call(request{Method: "GET", Path: "/api/v1/nothing-here"}).must(t, 404)
	})
}

func TestMeTellsEachRoleTheAbilitiesItsRoutesAllow(t *testing.T) {
	e := newEnv(t)
	// A route each ability opens, and the access rule that guards it.
	guarded := map[pathway.Ability]string{
		pathway.ReadPeople:   "GET /api/v1/participants",
		pathway.WritePeople:  "POST /api/v1/participants",
		pathway.EditPrograms: "POST /api/v1/programs",
		pathway.ReadBodies:   "GET /api/v1/bodies/:id",
		pathway.RunBodies:    "POST /api/v1/bodies",
		pathway.ReadReports:  "GET /api/v1/reports/distribution",
		pathway.Administer:   "GET /api/v1/users",
	}
	for _, role := range pathway.Roles {
		t.Run(string(role), func(t *testing.T) {
			var me struct {
				Abilities []pathway.Ability `json:"abilities"`
			}
			e.as(role, "GET", path("/me"), nil).must(t, http.StatusOK).decode(t, &me)
			if diff := cmp.Diff(role.Abilities(), me.Abilities); diff != "" {
				t.Errorf("abilities (-domain +me):\n%s", diff)
			}
			for _, ab := range pathway.Abilities {
				route, ok := guarded[ab]
				if !ok {
					t.Fatalf("no route stands for ability %s", ab)
				}
				if got := slices.Contains(accessMatrix[route], caller(role)); got != slices.Contains(me.Abilities, ab) {
					t.Errorf("%s: %s reachable %v, but /me says %s is %v", role, route, got, ab, !got)
				}
			}
		})
	}
}
