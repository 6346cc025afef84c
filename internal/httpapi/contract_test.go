package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"pathway/internal/app"
	"pathway/internal/httpapi"
	"pathway/internal/pathway"
	"pathway/internal/sqlite/sqlitetest"
)

// loadDoc reads api.yaml for tests that look at the document itself.
func loadDoc(tb testing.TB) *openapi3.T {
	tb.Helper()
	if _, err := loadSpec(); err != nil { // also proves the document is valid OpenAPI
		tb.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join("..", "..", "api.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// ginParam matches a gin path parameter such as :id or *rest.
var ginParam = regexp.MustCompile(`[:*]([A-Za-z_][A-Za-z0-9_]*)`)

// operationKey names an operation as "METHOD /path/{param}".
func operationKey(method, path string) string { return method + " " + path }

func TestEveryRouteIsDocumented(t *testing.T) {
	doc := loadDoc(t)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[operationKey(method, path)] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range new(httpapi.Server).Routes() {
		registered[operationKey(r.Method, ginParam.ReplaceAllString(r.Path, "{$1}"))] = true
	}
	if len(registered) == 0 {
		t.Fatal("the server registered no routes")
	}
	for _, k := range sortedKeys(registered) {
		if !documented[k] {
			t.Errorf("route %s is registered but not documented in api.yaml", k)
		}
	}
	for _, k := range sortedKeys(documented) {
		if !registered[k] {
			t.Errorf("api.yaml documents %s, which the server does not register", k)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fakeResponse builds a response as the server would write it.
func fakeResponse(status int, contentType string, body any) *response {
	h := http.Header{}
	h.Set("X-Request-Id", "0123456789abcdef")
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	var b []byte
	switch v := body.(type) {
	case nil:
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			panic(err)
		}
	}
	return &response{Code: status, Header: h, Body: b}
}

// programJSON is a program as GET /programs/{id} answers it, as a map to tamper with.
func programJSON(tb testing.TB) map[string]any {
	tb.Helper()
	served := 40
	p := pathway.Program{
		ID: 7, Name: "Speakers bureau", Description: "", Beneficiaries: "", EstimatedServed: &served,
		Rung: pathway.Contributor, Strategies: []pathway.Strategy{pathway.Advocacy},
		CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 600, time.UTC), UpdatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	b, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestContractRejectsDrift(t *testing.T) {
	loadDoc(t) // a document that does not load would refuse everything
	const jsonType = "application/json; charset=utf-8"
	changed := func(edit func(m map[string]any)) map[string]any {
		m := programJSON(t)
		edit(m)
		return m
	}
	problem := map[string]any{
		"type": "urn:pathway:problem:not_found", "title": "Not Found", "status": 404,
		"detail": "No program with id 7.", "instance": "/api/v1/programs/7", "request_id": "0123456789abcdef",
	}
	withLocation := func(r *response) *response {
		r.Header.Set("Location", "/api/v1/programs/7")
		return r
	}
	tests := []struct {
		name   string
		method string
		path   string
		res    *response
		fits   bool
	}{
		{"a faithful program fits", "GET", "/api/v1/programs/7", fakeResponse(200, jsonType, programJSON(t)), true},
		{"a faithful problem fits", "GET", "/api/v1/programs/7", fakeResponse(404, "application/problem+json", problem), true},
		{"a created program with its Location fits", "POST", "/api/v1/programs", withLocation(fakeResponse(201, jsonType, programJSON(t))), true},
		{"an unknown address answered 404 is not checked", "GET", "/api/v1/nowhere", fakeResponse(404, "application/problem+json", problem), true},

		{"a missing required field", "GET", "/api/v1/programs/7", fakeResponse(200, jsonType, changed(func(m map[string]any) { delete(m, "rung") })), false},
		{"a field of the wrong type", "GET", "/api/v1/programs/7", fakeResponse(200, jsonType, changed(func(m map[string]any) { m["id"] = "7" })), false},
		{"null where null is not allowed", "GET", "/api/v1/programs/7", fakeResponse(200, jsonType, changed(func(m map[string]any) { m["strategies"] = nil })), false},
		{"a value outside its enum", "GET", "/api/v1/programs/7", fakeResponse(200, jsonType, changed(func(m map[string]any) { m["rung"] = "champion" })), false},
		{"a malformed timestamp", "GET", "/api/v1/programs/7", fakeResponse(200, jsonType, changed(func(m map[string]any) { m["created_at"] = "yesterday" })), false},
		{"an undocumented field", "GET", "/api/v1/programs/7", fakeResponse(200, jsonType, changed(func(m map[string]any) { m["score"] = 3 })), false},
		{"an undocumented status", "GET", "/api/v1/programs/7", fakeResponse(418, jsonType, programJSON(t)), false},
		{"an error not sent as problem JSON", "GET", "/api/v1/programs/7", fakeResponse(404, jsonType, problem), false},
		{"a problem of the wrong kind for its status", "GET", "/api/v1/programs/7", fakeResponse(404, "application/problem+json", func() map[string]any {
			p := map[string]any{}
			for k, v := range problem {
				p[k] = v
			}
			p["type"] = "urn:pathway:problem:conflict"
			return p
		}()), false},
		{"a created program without Location", "POST", "/api/v1/programs", fakeResponse(201, jsonType, programJSON(t)), false},
		{"an undocumented route", "GET", "/api/v1/shoe-sizes", fakeResponse(200, jsonType, map[string]any{"items": []any{}}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			err := contractError(req, tt.res)
			if tt.fits && err != nil {
				t.Errorf("want the response to fit api.yaml, got: %v", err)
			} else if !tt.fits && err == nil {
				t.Errorf("want the contract check to refuse the response, it accepted %s", tt.res.Body)
			}
		})
	}
}

// walker calls the API and remembers which documented status each
// operation answered with, so that the walk can prove every documented
// response was seen (and, through env.call, fits api.yaml).
type walker struct {
	t    *testing.T
	e    *env
	seen map[string]map[int]bool // operation key -> statuses seen
}

// do sends r to e and checks the status.
func (w *walker) do(e *env, r request, want int) *response {
	w.t.Helper()
	res := e.call(r)
	if res.Code != want {
		w.t.Errorf("%s %s: status %d, want %d; body %s", r.Method, r.Path, res.Code, want, res.Body)
	}
	router, err := loadSpec()
	if err != nil {
		w.t.Fatal(err)
	}
	req := newRequest(w.t, r)
	route, params, err := router.FindRoute(req)
	if err != nil {
		return res
	}
	k := operationKey(r.Method, route.Path)
	if w.seen[k] == nil {
		w.seen[k] = map[int]bool{}
	}
	w.seen[k][res.Code] = true
	// What the server accepted, the contract must accept too: a request
	// schema stricter than the server's rules would mislead its clients.
	if res.Code < 300 {
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			w.t.Errorf("%s %s was accepted (%d) but its request does not fit api.yaml: %v", r.Method, r.Path, res.Code, err)
		}
	}
	return res
}

// as sends a JSON call with a role's token to the walk's env.
func (w *walker) as(role pathway.Role, method, path string, body any, want int) *response {
	w.t.Helper()
	return w.do(w.e, request{Method: method, Path: path, Body: body, Role: role}, want)
}

// failingUsers is a user service whose account listing breaks.
type failingUsers struct{ pathway.UserService }

func (failingUsers) ListUsers(context.Context, pathway.Actor) ([]pathway.User, error) {
	return nil, errors.New("list users: disk I/O error")
}

// deadDB is a database that does not answer.
type deadDB struct{}

func (deadDB) Ready(context.Context) error {
	return pathway.Errorf(pathway.EUNAVAILABLE, "The database does not answer.")
}

// variant is e served by a server built with change applied.
func (e *env) variant(change func(s *httpapi.Server)) *env {
	v := *e
	v.srv = app.NewServer(e.db, slog.New(slog.DiscardHandler), app.DefaultConfig)
	change(v.srv)
	v.handler = v.srv.Handler()
	e.t.Cleanup(func() { v.srv.Close() })
	return &v
}

// auditLength returns how many entries the audit trail holds.
func (e *env) auditLength() int {
	e.t.Helper()
	entries, _, err := e.srv.Audit.ListAudit(context.Background(), pathway.Actor{Role: pathway.RoleAdmin}, pathway.AuditFilter{Limit: 1 << 20})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(entries)
}

// sweepPath fills a documented path's parameters with an id nothing has,
// and a period with one that has not begun, so that both answer 404.
func sweepPath(path string) string {
	path = strings.ReplaceAll(path, "{period}", "2999")
	return regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(path, "999999")
}

// jsonExample returns an operation's documented JSON request example.
func jsonExample(op *openapi3.Operation) any {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil {
		return nil
	}
	return mt.Example
}

// TestContractWalk calls every operation with valid input and with each kind
// of bad input it documents, so that every documented response shape is
// produced by the real server and held to api.yaml.
func TestContractWalk(t *testing.T) {
	e := newEnv(t)
	w := &walker{t: t, e: e, seen: map[string]map[int]bool{}}
	doc := loadDoc(t)
	admin, staff, coord, lead := pathway.RoleAdmin, pathway.RoleStaff, pathway.RoleCoordinator, pathway.RoleLeadership

	// First the answers every operation gives alike, driven by the document:
	// no credentials, a role kept out, an unknown id, and each way a body can
	// be unreadable. None of them may change anything.
	huge := `{"name":"` + strings.Repeat("a", 1<<20) + `"}`
	// The participant's own API is reached with a personal link, not a role.
	e.srv.Self = httpapi.SelfLimits{LinkBurst: 1000, ClientBurst: 1000}
	walkLink := e.invite(e.participant("CMS-WALK-SELF", "Walk Self").ID, "en")
	auditBefore := e.auditLength()
	for _, path := range sortedKeys(doc.Paths.Map()) {
		for method, op := range doc.Paths.Value(path).Operations() {
			p := sweepPath(path)
			documents := func(status int) bool { return op.Responses.Status(status) != nil }
			public := op.Security != nil && len(*op.Security) == 0
			var link string // the token for an operation the participant's link opens
			if op.Security != nil && len(*op.Security) == 1 && (*op.Security)[0]["selfLink"] != nil {
				link = walkLink
			}
			if documents(401) && !public {
				w.do(e, request{Method: method, Path: p, Body: jsonExample(op)}, 401)
			}
			if documents(403) && path != "/api/v1/session" { // signing out is refused only for a missing CSRF token
				outsider := lead
				if strings.HasPrefix(path, "/api/v1/reports/") || (strings.HasPrefix(path, "/api/v1/releases") && method == http.MethodGet) {
					outsider = staff // reports and releases are leadership's; staff and coordinators never see them
				}
				w.as(outsider, method, p, jsonExample(op), 403)
			}
			if documents(404) && strings.Contains(path, "{") {
				w.as(admin, method, p, jsonExample(op), 404)
			}
			if method == http.MethodPost && !public && link == "" && path != "/api/v1/participants/{id}/invitations" { // a personal link takes no key
				// A key whose request was interrupted is never run again.
				key := "interrupted " + path
				if _, err := e.srv.Idempotency.ClaimKey(context.Background(), e.users[admin].ID, key, "lost"); err != nil {
					t.Fatal(err)
				}
				w.do(e, request{Method: method, Path: p, Body: jsonExample(op), Role: admin, Header: http.Header{"Idempotency-Key": {key}}}, 409)
			}
			if documents(422) {
				// Every address refuses a query parameter it does not take.
				req := request{Method: method, Path: p + "?bogus=1", Body: jsonExample(op)}
				if !public {
					req.Role = admin
				}
				w.do(e, req, 422)
			}
			if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
				continue // a CSV import's bad bodies are walked below
			}
			role := admin
			if public {
				role = ""
			}
			if documents(400) {
				w.do(e, request{Method: method, Path: p, Body: `{"unfinished": `, Role: role, Token: link}, 400)
				w.do(e, request{Method: method, Path: p, Body: `[]`, Role: role, Token: link}, 400)
			}
			if documents(413) {
				w.do(e, request{Method: method, Path: p, Body: huge, Role: role, Token: link}, 413)
			}
			if documents(415) {
				w.do(e, request{Method: method, Path: p, Body: `{}`, Role: role, Token: link, Header: http.Header{"Content-Type": {"text/plain"}}}, 415)
			}
			if documents(422) {
				res := w.do(e, request{Method: method, Path: p, Body: map[string]any{"shoe_size": 43}, Role: role, Token: link}, 422)
				if msg := res.fieldMessage(t, "shoe_size"); msg == "" {
					t.Errorf("%s %s: an unknown field should be named in errors; body %s", method, path, res.Body)
				}
			}
		}
	}

	if n := e.auditLength(); n != auditBefore {
		t.Errorf("refused requests left %d audit entries; a refused request must change nothing", n-auditBefore)
	}

	// Health.
	w.do(e, request{Method: "GET", Path: "/healthz"}, 200)
	w.do(e, request{Method: "GET", Path: "/readyz"}, 200)
	w.do(e.variant(func(s *httpapi.Server) { s.DB = deadDB{} }), request{Method: "GET", Path: "/readyz"}, 503)
	w.as(admin, "GET", "/metrics", nil, 200)

	// Programs and the ladder.
	var prog pathway.Program
	w.as(staff, "POST", path("/programs"), map[string]any{
		"name": "Speakers bureau", "description": "Members share their stories.", "beneficiaries": "Adults we house",
		"estimated_served": 25, "rung": "contributor", "strategies": []string{"advocacy", "education"},
	}, 201).decode(t, &prog)
	other := e.program("Community meetings", pathway.Follower)
	w.as(admin, "POST", path("/programs"), map[string]any{"name": "speakers BUREAU", "rung": "member"}, 409)
	w.as(admin, "POST", path("/programs"), map[string]any{"name": "  ", "rung": "champion", "strategies": []string{"advocacy", "advocacy"}}, 422)
	w.as(lead, "GET", path("/ladder"), nil, 200)
	w.as(lead, "GET", path("/programs"), nil, 200)
	w.as(coord, "GET", path("/programs/%d", prog.ID), nil, 200)
	w.as(admin, "GET", path("/programs/not-a-number"), nil, 404)
	w.as(staff, "PATCH", path("/programs/%d", prog.ID), map[string]any{"rung": "leader", "strategies": []string{}}, 200)
	w.as(staff, "PATCH", path("/programs/%d", other), map[string]any{"name": "Speakers Bureau"}, 409)
	w.as(staff, "PATCH", path("/programs/%d", other), map[string]any{"estimated_served": -1}, 422)

	// Participants, consent and history.
	rosa := e.participant("CM-1", "Rosa", prog.ID)
	body := e.participantBody("CM-2", "Sam", prog.ID, other)
	body["rung"] = "member"
	var sam pathway.Participant
	w.as(admin, "POST", path("/participants"), body, 201).decode(t, &sam)
	w.as(staff, "POST", path("/participants"), e.participantBody("CM-1", "Someone else"), 409)
	noTracking := e.participantBody("CM-3", "Ada")
	noTracking["consent"].(map[string]any)["scopes"] = []string{"public_story"}
	w.as(staff, "POST", path("/participants"), noTracking, 422)
	w.as(staff, "GET", path("/participants?rung=observer&program_id=%d&q=ros&limit=1", prog.ID), nil, 200)
	var page struct {
		NextCursor *string `json:"next_cursor"`
	}
	var counts struct {
		Rungs []struct {
			Rung  pathway.Rung
			Count int
		}
		Total int
	}
	w.as(staff, "GET", path("/participants/counts"), nil, 200).decode(t, &counts)
	if len(counts.Rungs) != 5 || counts.Rungs[0].Rung != pathway.Observer || counts.Total == 0 {
		t.Fatalf("participant counts: %+v", counts)
	}
	w.as(coord, "GET", path("/participants?limit=1"), nil, 200).decode(t, &page)
	if page.NextCursor == nil {
		t.Fatal("a first page of one of two participants has no next_cursor")
	}
	w.as(coord, "GET", path("/participants?limit=1&cursor=%s", *page.NextCursor), nil, 200)
	w.as(coord, "GET", path("/participants?cursor=not-ours"), nil, 422)
	w.as(coord, "GET", path("/participants?program_id=abc"), nil, 422)
	w.as(coord, "GET", path("/participants/%d", rosa.ID), nil, 200)
	w.as(staff, "PATCH", path("/participants/%d", rosa.ID), map[string]any{"display_name": "Rosa M.", "program_ids": []int64{prog.ID, other}}, 200).decode(t, &rosa)
	// Enrolment dates: correct, refuse a future date, record a past period,
	// refuse a reopening and an overlap.
	first := rosa.Enrolments[0]
	w.as(staff, "PATCH", path("/participants/%d/enrolments/%d", rosa.ID, first.ID), map[string]any{"left_on": e.today.AddDays(-10).String()}, 200)
	w.as(staff, "PATCH", path("/participants/%d/enrolments/%d", rosa.ID, first.ID), map[string]any{"enrolled_on": e.today.AddDays(1).String()}, 422)
	w.as(staff, "POST", path("/participants/%d/enrolments", rosa.ID), map[string]any{"program_id": first.ProgramID, "enrolled_on": e.today.AddDays(-5).String()}, 201)
	w.as(staff, "PATCH", path("/participants/%d/enrolments/%d", rosa.ID, first.ID), map[string]any{"left_on": nil}, 409)
	w.as(staff, "POST", path("/participants/%d/enrolments", rosa.ID), map[string]any{
		"program_id": first.ProgramID, "enrolled_on": e.today.AddDays(-300).String(), "left_on": e.today.AddDays(-200).String(),
	}, 409)
	w.as(staff, "POST", path("/participants/%d/enrolments", rosa.ID), map[string]any{"program_id": 999999, "enrolled_on": e.today.String()}, 422)
	w.as(staff, "PATCH", path("/participants/%d", rosa.ID), map[string]any{"external_ref": "CM-2"}, 409)
	w.as(staff, "PATCH", path("/participants/%d", rosa.ID), map[string]any{"display_name": ""}, 422)
	w.as(staff, "PUT", path("/participants/%d/consent", rosa.ID), map[string]any{
		"given_on": e.today.AddDays(-400).String(), "method": "verbal", "scopes": []string{"tracking", "public_story"},
	}, 200)
	w.as(staff, "PUT", path("/participants/%d/consent", rosa.ID), map[string]any{
		"given_on": e.today.AddDays(1).String(), "method": "verbal", "scopes": []string{"tracking"},
	}, 422)

	var pl pathway.Placement
	w.as(staff, "POST", path("/participants/%d/placements", rosa.ID), map[string]any{
		"rung": "member", "effective_on": e.today.String(), "note": "Joined the coalition table.",
	}, 201).decode(t, &pl)
	w.as(staff, "POST", path("/participants/%d/placements", rosa.ID), map[string]any{"rung": "leader", "effective_on": e.today.AddDays(1).String()}, 422)
	w.as(coord, "GET", path("/participants/%d/placements", rosa.ID), nil, 200)
	// Only the recorder or an admin may delete; never the only placement.
	w.as(admin, "DELETE", path("/participants/%d/placements/%d", rosa.ID, pl.ID), nil, 204)
	var hist struct{ Items []pathway.Placement }
	w.as(admin, "GET", path("/participants/%d/placements", rosa.ID), nil, 200).decode(t, &hist)
	w.as(admin, "DELETE", path("/participants/%d/placements/%d", rosa.ID, hist.Items[0].ID), nil, 409)
	secondStaff := &pathway.User{Email: "second.staff@example.org", Role: staff}
	if err := e.srv.Users.CreateUser(context.Background(), pathway.Actor{Email: "test"}, secondStaff, sqlitetest.PasswordHash(t)); err != nil {
		t.Fatal(err)
	}
	w.as(staff, "POST", path("/participants/%d/placements", sam.ID), map[string]any{"rung": "contributor", "effective_on": e.today.String()}, 201).decode(t, &pl)
	w.do(e, request{Method: "DELETE", Path: path("/participants/%d/placements/%d", sam.ID, pl.ID), Token: e.issueToken(secondStaff.Email)}, 403)

	w.as(staff, "POST", path("/participants/%d/engagements", rosa.ID), map[string]any{
		"occurred_on": e.today.String(), "activity": "Spoke at the council hearing", "program_id": prog.ID, "strategy": "advocacy", "note": "Brought two neighbours.",
	}, 201)
	w.as(staff, "POST", path("/participants/%d/engagements", rosa.ID), map[string]any{"occurred_on": e.today.AddDays(-1).String(), "activity": "Community meeting"}, 201)
	w.as(staff, "POST", path("/participants/%d/engagements", rosa.ID), map[string]any{"occurred_on": "2001-01-01", "activity": "Before consent"}, 422)
	w.as(staff, "POST", path("/participants/%d/engagements", rosa.ID), map[string]any{"occurred_on": e.today.String(), "activity": "x", "program_id": 999999}, 422)
	// An event's attendance, and a CSV import followed to its end.
	w.as(staff, "POST", path("/events"), map[string]any{"occurred_on": e.today.String(), "activity": "Rally", "participant_ids": []int64{rosa.ID, sam.ID}}, 201)
	w.as(staff, "POST", path("/events"), map[string]any{"occurred_on": e.today.String(), "activity": "Rally", "participant_ids": []int64{rosa.ID, rosa.ID}}, 422)
	csvBody := func(body string) request {
		return request{Method: "POST", Path: path("/imports?kind=participants&dry_run=true"), Body: body, Role: staff, Header: http.Header{"Content-Type": {"text/csv"}}}
	}
	var started struct{ ID int64 }
	w.do(e, csvBody("external_ref,display_name,consent_given_on,consent_method,consent_scopes\nCM-50,Ida,"+e.today.String()+",written,tracking\n"), 202).decode(t, &started)
	w.do(e, csvBody("external_ref,ssn\n"), 422)
	w.do(e.variant(func(s *httpapi.Server) { s.MaxImportBytes = 10 }), csvBody("external_ref,display_name\n"), 413)
	w.do(e, request{Method: "POST", Path: path("/imports?kind=participants"), Body: map[string]any{}, Role: staff}, 415)
	e.waitImport(e.tokens[staff], started.ID)
	w.as(staff, "GET", path("/imports/%d", started.ID), nil, 200)
	w.as(coord, "GET", path("/imports/%d", started.ID), nil, 403)
	w.as(admin, "GET", path("/imports/999999"), nil, 404)
	w.as(staff, "GET", path("/participants/%d/engagements", rosa.ID), nil, 200)
	w.as(coord, "GET", path("/participants/%d/engagements", rosa.ID), nil, 403)

	w.as(staff, "POST", path("/participants/%d/capacity-checkins", rosa.ID), map[string]any{
		"assessed_on": e.today.String(), "perspective": "self", "self_advocacy": 3, "root_cause_analysis": 2, "leadership": 1,
	}, 201)
	w.as(staff, "POST", path("/participants/%d/capacity-checkins", rosa.ID), map[string]any{
		"assessed_on": "5 March", "perspective": "mine", "self_advocacy": 5, "root_cause_analysis": 0,
	}, 422)
	w.as(admin, "GET", path("/participants/%d/capacity-checkins", rosa.ID), nil, 200)

	// A staff account with a caseload does not see participants outside it.
	var caseworker pathway.User
	w.as(admin, "POST", path("/users"), map[string]any{
		"email": "caseworker@example.org", "role": "staff", "password": sqlitetest.Password, "program_ids": []int64{other},
	}, 201).decode(t, &caseworker)
	w.do(e, request{Method: "GET", Path: path("/participants/%d", rosa.ID), Token: e.issueToken(caseworker.Email)}, 200)
	w.do(e, request{Method: "GET", Path: path("/participants/%d", sam.ID), Token: e.issueToken(caseworker.Email)}, 200)
	w.as(admin, "PATCH", path("/participants/%d", rosa.ID), map[string]any{"program_ids": []int64{prog.ID}}, 200)
	w.do(e, request{Method: "GET", Path: path("/participants/%d", rosa.ID), Token: e.issueToken(caseworker.Email)}, 404)

	// Bodies, terms, talks and suggestions. Rosa consented to public_story above.
	var bureau, board pathway.Body
	w.as(coord, "POST", path("/bodies"), map[string]any{"name": "Speakers bureau", "kind": "speakers_bureau", "seats": 1}, 201).decode(t, &bureau)
	w.as(admin, "POST", path("/bodies"), map[string]any{
		"name": "Constituent advisory board", "kind": "advisory_board", "description": "Advises the board.", "seats": 2, "term_months": 24, "term_limit": 2, "rung": "leader",
	}, 201).decode(t, &board)
	w.as(coord, "POST", path("/bodies"), map[string]any{"name": "SPEAKERS BUREAU", "kind": "committee"}, 409)
	w.as(coord, "POST", path("/bodies"), map[string]any{"name": "Choir", "kind": "choir", "seats": 0}, 422)
	w.as(lead, "GET", path("/bodies"), nil, 200)
	var speaker pathway.BodyRole
	w.as(coord, "POST", path("/bodies/%d/roles", bureau.ID), map[string]any{"participant_id": rosa.ID, "title": "Speaker", "starts_on": e.today.String()}, 201).decode(t, &speaker)
	quiet := e.participant("CM-4", "Lee", prog.ID)
	w.as(coord, "POST", path("/bodies/%d/roles", bureau.ID), map[string]any{"participant_id": quiet.ID, "title": "Speaker", "starts_on": e.today.String()}, 422)
	loud := e.participantBody("CM-5", "Kim", prog.ID)
	loud["consent"].(map[string]any)["scopes"] = []string{"tracking", "public_story"}
	var kim pathway.Participant
	w.as(staff, "POST", path("/participants"), loud, 201).decode(t, &kim)
	w.as(coord, "POST", path("/bodies/%d/roles", bureau.ID), map[string]any{"participant_id": kim.ID, "title": "Speaker", "starts_on": e.today.String()}, 409)
	var seat pathway.BodyRole
	w.as(coord, "POST", path("/bodies/%d/roles", board.ID), map[string]any{
		"participant_id": rosa.ID, "title": "Member", "starts_on": e.today.AddDays(-30).String(), "ends_on": e.today.AddDays(10).String(),
	}, 201).decode(t, &seat)
	w.as(coord, "POST", path("/bodies/%d/roles", board.ID), map[string]any{"participant_id": rosa.ID, "title": "Chair", "starts_on": e.today.AddDays(20).String()}, 201)
	w.as(coord, "POST", path("/bodies/%d/roles", board.ID), map[string]any{"participant_id": kim.ID, "title": "Member", "starts_on": e.today.String()}, 201)
	w.as(coord, "PATCH", path("/roles/%d", seat.ID), map[string]any{"title": "Vice-chair"}, 200)
	w.as(coord, "PATCH", path("/roles/%d", seat.ID), map[string]any{"ends_on": e.today.AddDays(30).String()}, 409)
	w.as(coord, "PATCH", path("/roles/%d", seat.ID), map[string]any{"ends_on": e.today.AddDays(-60).String()}, 422)
	w.as(coord, "PATCH", path("/bodies/%d", board.ID), map[string]any{"description": "Advises the board of directors.", "term_limit": 3}, 200)
	w.as(coord, "PATCH", path("/bodies/%d", board.ID), map[string]any{"seats": 1}, 409)
	w.as(coord, "PATCH", path("/bodies/%d", board.ID), map[string]any{"seats": 0}, 422)
	w.as(staff, "GET", path("/bodies/%d", board.ID), nil, 200)
	w.as(staff, "GET", path("/bodies/%d?as_of=%s", board.ID, e.today.AddDays(25)), nil, 200)
	w.as(staff, "GET", path("/bodies/%d?as_of=tomorrow", board.ID), nil, 422)
	w.as(coord, "GET", path("/bodies/%d/roster.csv", board.ID), nil, 200)
	w.as(admin, "GET", path("/bodies/%d/roster.csv?as_of=2025-02-30", board.ID), nil, 422)
	w.as(staff, "GET", path("/roles?body_id=%d&participant_id=%d&active=true&ending_within_days=30", board.ID, rosa.ID), nil, 200)
	w.as(staff, "GET", path("/roles?active=false"), nil, 200)
	w.as(staff, "GET", path("/roles?active=maybe"), nil, 422)
	w.as(coord, "POST", path("/bodies/%d/speaking-engagements", bureau.ID), map[string]any{
		"held_on": e.today.String(), "audience": "city_council", "topic": "What stable housing changed", "speaker_ids": []int64{rosa.ID},
	}, 201)
	w.as(coord, "POST", path("/bodies/%d/speaking-engagements", bureau.ID), map[string]any{
		"held_on": e.today.String(), "audience": "funders", "topic": "Our story", "speaker_ids": []int64{kim.ID},
	}, 422)
	w.as(coord, "POST", path("/bodies/%d/speaking-engagements", board.ID), map[string]any{
		"held_on": e.today.String(), "audience": "media", "topic": "Our story", "speaker_ids": []int64{rosa.ID},
	}, 422)
	w.as(staff, "GET", path("/bodies/%d/speaking-engagements", bureau.ID), nil, 200)
	var suggestions struct{ Items []pathway.Suggestion }
	w.as(staff, "GET", path("/suggestions"), nil, 200).decode(t, &suggestions)
	if len(suggestions.Items) == 0 {
		t.Fatal("no suggestion for a participant holding roles above her rung")
	}
	var one struct{ Items []pathway.Suggestion }
	w.as(staff, "GET", path("/suggestions?participant_id=%d", rosa.ID), nil, 200).decode(t, &one)
	if len(one.Items) != 1 || one.Items[0].ParticipantID != rosa.ID {
		t.Fatalf("suggestions for participant %d: %+v", rosa.ID, one.Items)
	}
	w.as(staff, "GET", path("/suggestions?participant_id=-1"), nil, 422)
	w.as(staff, "POST", path("/participants/%d/placements", rosa.ID), map[string]any{
		"rung": "contributor", "effective_on": e.today.String(), "evidence": []map[string]any{{"kind": "role", "id": speaker.ID}},
	}, 201)
	w.as(staff, "POST", path("/participants/%d/placements", rosa.ID), map[string]any{
		"rung": "leader", "effective_on": e.today.String(), "evidence": []map[string]any{{"kind": "role", "id": 999999}},
	}, 422)
	w.as(coord, "GET", path("/participants/%d/placements", rosa.ID), nil, 200)
	w.as(coord, "GET", path("/participants/%d", rosa.ID), nil, 200)

	w.as(staff, "POST", path("/participants/%d/consent/withdrawal", sam.ID), nil, 204)
	w.as(staff, "GET", path("/participants/%d", sam.ID), nil, 404)
	held := e.participant("CMS-WALK-HELD", "Held Log")
	release := e.holdLog()
	w.as(staff, "POST", path("/participants/%d/consent/withdrawal", held.ID), nil, 202)
	release()

	walkSelf(t, w)

	// Releases, and the reports that serve their tables. The harness's
	// today is the real one, so last month is closed and this month open.
	for i := range 12 {
		e.participant(fmt.Sprintf("CM-R%02d", i), fmt.Sprintf("Person %02d", i), prog.ID)
	}
	open := pathway.PeriodOf(pathway.PeriodMonth, e.today)
	closed := open.Previous()
	future := pathway.PeriodOf(pathway.PeriodQuarter, e.today).Next()
	w.as(lead, "GET", path("/releases"), nil, 200)
	w.as(admin, "POST", path("/releases"), map[string]any{"period": closed.Label}, 201)
	w.as(admin, "POST", path("/releases"), map[string]any{"period": closed.Label}, 409)
	w.as(admin, "POST", path("/releases"), map[string]any{"period": open.Label}, 422)
	w.as(admin, "POST", path("/releases"), map[string]any{"period": future.Label}, 422)
	w.as(admin, "POST", path("/releases"), map[string]any{"period": "2026-13"}, 422)
	w.as(lead, "GET", path("/releases"), nil, 200)
	w.as(lead, "GET", path("/releases/%s", closed.Label), nil, 200)
	w.as(admin, "GET", path("/releases/%s", open.Label), nil, 404)
	w.as(lead, "GET", path("/releases/Q3-2026"), nil, 422)
	csvAccept := http.Header{"Accept": {"text/csv"}}
	for _, name := range []string{"distribution", "distribution/programs", "movement", "roles", "capacity"} {
		w.as(lead, "GET", path("/reports/%s?period=%s", name, closed.Label), nil, 200)
		w.as(admin, "GET", path("/reports/%s?period=%s&format=csv", name, closed.Label), nil, 200)
		w.do(e, request{Method: "GET", Path: path("/reports/%s?period=%s", name, closed.Label), Role: lead, Header: csvAccept}, 200)
		for _, p := range []pathway.Period{open, future} {
			res := w.as(lead, "GET", path("/reports/%s?period=%s", name, p.Label), nil, 404)
			if d := res.problem(t).Detail; !strings.Contains(d, "will be published on "+p.DueOn(app.DefaultConfig.ReleaseAfterDays).String()) {
				t.Errorf("%s of %s: the 404 does not say when it will be published: %q", name, p.Label, d)
			}
		}
		w.as(lead, "GET", path("/reports/%s", name), nil, 422)
		w.as(lead, "GET", path("/reports/%s?period=2026-13", name), nil, 422)
	}
	w.as(lead, "GET", path("/reports/distribution?period=%s&program_id=%d", closed.Label, prog.ID), nil, 200)
	w.as(lead, "GET", path("/reports/distribution?period=%s&program_id=%d&format=csv", closed.Label, prog.ID), nil, 200)
	w.as(lead, "GET", path("/reports/distribution?period=%s&program_id=999999", closed.Label), nil, 422)
	w.as(lead, "GET", path("/reports/capacity?period=%s&perspective=staff", closed.Label), nil, 200)
	w.as(lead, "GET", path("/reports/capacity?period=%s&perspective=family", closed.Label), nil, 422)
	w.as(lead, "GET", path("/reports/ladder"), nil, 200)
	w.as(lead, "GET", path("/reports/ladder?format=csv"), nil, 200)
	w.as(lead, "GET", path("/reports/ladder?format=xml"), nil, 422)

	// Accounts and tokens.
	w.as(admin, "GET", path("/users"), nil, 200)
	w.as(admin, "GET", path("/users/%d", caseworker.ID), nil, 200)
	w.as(admin, "POST", path("/users"), map[string]any{"email": "CASEWORKER@example.org", "role": "staff", "password": sqlitetest.Password}, 409)
	w.as(admin, "POST", path("/users"), map[string]any{"email": "not an email", "role": "boss", "password": "short"}, 422)
	w.as(admin, "PATCH", path("/users/%d", caseworker.ID), map[string]any{"disabled": true, "program_ids": []int64{}}, 200)
	w.as(admin, "PATCH", path("/users/%d", e.users[admin].ID), map[string]any{"role": "staff"}, 409)
	w.as(admin, "PATCH", path("/users/%d", caseworker.ID), map[string]any{"password": "short"}, 422)
	var issued struct {
		Token    string           `json:"token"`
		APIToken pathway.APIToken `json:"api_token"`
	}
	w.as(admin, "POST", path("/tokens"), map[string]any{"email": e.users[staff].Email, "name": "case-management sync"}, 201).decode(t, &issued)
	w.as(admin, "POST", path("/tokens"), map[string]any{"email": "nobody@example.org"}, 422)
	w.do(e, request{Method: "GET", Path: path("/me"), Token: issued.Token}, 200)
	w.as(admin, "GET", path("/tokens"), nil, 200)
	w.as(admin, "DELETE", path("/tokens/%d", issued.APIToken.ID), nil, 204)
	w.do(e, request{Method: "GET", Path: path("/me"), Token: issued.Token}, 401)
	w.do(e, request{Method: "GET", Path: path("/me"), Header: http.Header{"Authorization": {"Basic abc"}}}, 401)

	// One's own account, an admin's one-time reset, expiring tokens and a
	// person's record in one read.
	w.as(coord, "PATCH", path("/me"), map[string]any{"language": "es"}, 200)
	w.as(coord, "PATCH", path("/me"), map[string]any{"current_password": sqlitetest.Password, "new_password": "short"}, 422)
	for range pathway.MaxWrongPasswords {
		w.as(lead, "PATCH", path("/me"), map[string]any{"current_password": "not the password at all", "new_password": "a new and long password"}, 422)
	}
	w.as(lead, "PATCH", path("/me"), map[string]any{"current_password": "not the password at all", "new_password": "a new and long password"}, 429)
	w.as(admin, "POST", path("/users/%d/password-reset", caseworker.ID), nil, 201)
	w.as(admin, "POST", path("/tokens"), map[string]any{"email": e.users[staff].Email, "name": "nightly export", "expires_in_days": 30}, 201)
	w.as(admin, "POST", path("/tokens"), map[string]any{"email": e.users[staff].Email, "name": " ", "expires_at": "yesterday"}, 422)
	w.as(staff, "GET", path("/participants/%d?include=placements,engagements,capacity_checkins", rosa.ID), nil, 200)
	w.as(coord, "GET", path("/participants/%d?include=placements", rosa.ID), nil, 200)
	w.as(coord, "GET", path("/participants/%d?include=engagements", rosa.ID), nil, 403)
	w.as(staff, "GET", path("/participants/%d?include=notes", rosa.ID), nil, 422)

	// The audit trail, paged.
	var audit struct {
		NextCursor *string `json:"next_cursor"`
	}
	w.as(admin, "GET", path("/audit?limit=2"), nil, 200).decode(t, &audit)
	if audit.NextCursor == nil {
		t.Fatal("a first audit page of two has no next_cursor")
	}
	w.as(admin, "GET", path("/audit?limit=2&cursor=%s", *audit.NextCursor), nil, 200)
	w.as(admin, "GET", path("/audit?entity=participant&entity_id=%d&action=participant.erase&since=%s&until=%s&user_id=%d",
		sam.ID, e.today.AddDays(-1), e.today, e.users[staff].ID), nil, 200)
	w.as(admin, "GET", path("/audit?since=last+week"), nil, 422)

	// The change feed and webhooks.
	var feed struct {
		Items      []map[string]any `json:"items"`
		NextCursor string           `json:"next_cursor"`
	}
	w.as(staff, "GET", path("/changes?limit=2"), nil, 200).decode(t, &feed)
	if len(feed.Items) != 2 {
		t.Fatalf("a page of two changes holds %d", len(feed.Items))
	}
	w.as(admin, "GET", path("/changes?after=%s", feed.NextCursor), nil, 200)
	w.as(staff, "GET", path("/changes?after=not-a-cursor"), nil, 422)
	var hook struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	w.as(admin, "POST", path("/webhooks"), map[string]any{"url": "https://93.184.216.34/pathway", "events": []string{"participant.created", "participant.erased"}}, 201).decode(t, &hook)
	w.as(admin, "POST", path("/webhooks"), map[string]any{"url": "https://127.0.0.1/pathway", "events": []string{"participant.created"}}, 422)
	w.as(admin, "GET", path("/webhooks"), nil, 200)
	w.as(admin, "GET", path("/webhooks/%d", hook.ID), nil, 200)
	w.as(admin, "GET", path("/webhooks/%d/deliveries?limit=5", hook.ID), nil, 200)
	w.as(admin, "GET", path("/webhooks/%d/deliveries?cursor=not-ours", hook.ID), nil, 422)
	w.as(admin, "DELETE", path("/webhooks/%d", hook.ID), nil, 204)

	// Browser sessions: sign in, use the cookie with its CSRF token, sign out.
	signIn := func(email, password string, want int) *response {
		return w.do(e, request{Method: "POST", Path: path("/session"), Body: map[string]any{"email": email, "password": password}}, want)
	}
	res := signIn(e.users[coord].Email, sqlitetest.Password, 201)
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	res.decode(t, &me)
	cookies := (&http.Response{Header: res.Header}).Cookies()
	w.do(e, request{Method: "GET", Path: path("/me"), Cookies: cookies}, 200)
	w.do(e, request{Method: "GET", Path: path("/me"), Role: coord}, 200)
	w.do(e, request{Method: "DELETE", Path: path("/session"), Cookies: cookies}, 403)
	w.do(e, request{Method: "DELETE", Path: path("/session"), Cookies: cookies, Header: http.Header{"X-Csrf-Token": {me.CSRFToken}}}, 204)
	w.do(e, request{Method: "GET", Path: path("/me"), Cookies: cookies}, 401)
	w.do(e, request{Method: "DELETE", Path: path("/session"), Role: coord}, 204)
	signIn("nobody@example.org", sqlitetest.Password, 401)
	signIn(e.users[staff].Email, "", 422)
	for range 5 {
		signIn(e.users[lead].Email, "not the password at all", 401)
	}
	res = signIn(e.users[lead].Email, sqlitetest.Password, 429)
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s <= 0 {
		t.Errorf("a throttled sign-in says Retry-After %q", res.Header.Get("Retry-After"))
	}
	busy, release := e.busySignIn()
	w.do(busy, request{Method: "POST", Path: path("/session"), Body: map[string]any{"email": e.users[lead].Email, "password": sqlitetest.Password}}, 503)
	release()

	// A fault of ours is a generic 500 problem.
	broken := e.variant(func(s *httpapi.Server) { s.Users = failingUsers{s.Users} })
	res = w.do(broken, request{Method: "GET", Path: path("/users"), Role: admin}, 500)
	if p := res.problem(t); strings.Contains(p.Detail, "disk") {
		t.Errorf("a 500 leaks its cause: %q", p.Detail)
	}

	// Every response api.yaml documents was produced by the server. 500 is
	// documented everywhere as a safety net and shown once above; so is 503
	// (a database that cannot take writes), shown for /readyz above and for
	// changes in TestAReadOnlyDatabaseServesReadsAndSaysWritesMustWait.
	var missing []string
	for _, path := range sortedKeys(doc.Paths.Map()) {
		for method, op := range doc.Paths.Value(path).Operations() {
			k := operationKey(method, path)
			for code := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					t.Errorf("%s documents response %q; name statuses exactly", k, code)
					continue
				}
				if status != http.StatusInternalServerError && status != http.StatusServiceUnavailable && !w.seen[k][status] {
					missing = append(missing, fmt.Sprintf("%s -> %d", k, status))
				}
			}
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("the walk never saw %s, which api.yaml documents", m)
	}
}
