package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"pathway/internal/app"
	"pathway/internal/httpapi"
	"pathway/internal/pathway"
	"pathway/internal/secret"
	"pathway/internal/sqlite"
	"pathway/internal/sqlite/sqlitetest"
)

// env is a running Pathway on a real SQLite file in a temporary folder,
// reached through the real router, with one account and token per role.
type env struct {
	t       testing.TB
	db      *sqlite.DB
	srv     *httpapi.Server
	handler http.Handler
	users   map[pathway.Role]pathway.User
	tokens  map[pathway.Role]string
	// today is the organisation's date during the test.
	today pathway.Date
}

// newEnv starts a server with an admin, staff, coordinator and leadership account.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	db := sqlitetest.MustOpen(tb)
	e := &env{
		t:      tb,
		db:     db,
		tokens: map[pathway.Role]string{},
		today:  pathway.DateOf(time.Now(), time.UTC),
	}
	e.srv = app.NewServer(db, slog.New(slog.DiscardHandler), app.DefaultConfig)
	e.handler = e.srv.Handler()
	tb.Cleanup(func() { e.srv.Close() }) // before the database closes
	e.users = sqlitetest.Accounts(tb, e.srv.Users)
	for role, u := range e.users {
		e.tokens[role] = e.issueToken(u.Email)
	}
	return e
}

// issueToken gives the account with email a fresh API token.
func (e *env) issueToken(email string) string {
	e.t.Helper()
	token := secret.NewToken(secret.TokenPrefix)
	if _, err := e.srv.Users.CreateToken(context.Background(), pathway.Actor{Email: "test"}, email, "test", secret.HashToken(token)); err != nil {
		e.t.Fatal(err)
	}
	return token
}

// response is what a request got back.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// decode unmarshals the body into v.
func (r *response) decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// problem decodes the body as problem JSON.
func (r *response) problem(tb testing.TB) httpapi.Problem {
	tb.Helper()
	var p httpapi.Problem
	r.decode(tb, &p)
	return p
}

// fieldMessage returns the message for field in a problem, or "".
func (r *response) fieldMessage(tb testing.TB, field string) string {
	tb.Helper()
	for _, fe := range r.problem(tb).Errors {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

// request is one call to the API.
type request struct {
	Method  string
	Path    string
	Body    any // marshalled to JSON unless a string or []byte
	Role    pathway.Role
	Token   string // overrides Role
	Header  http.Header
	Cookies []*http.Cookie
	// RemoteAddr is the client's address; 192.0.2.10:5555 unless set.
	RemoteAddr string
}

// newRequest builds r's body, content type and headers as a client would
// send them, from a documentation address the audit trail can show.
func newRequest(tb testing.TB, r request) *http.Request {
	tb.Helper()
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	req := httptest.NewRequest(r.Method, r.Path, body)
	req.RemoteAddr = "192.0.2.10:5555"
	if r.RemoteAddr != "" {
		req.RemoteAddr = r.RemoteAddr
	}
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	return req
}

// call sends r through the real router and holds the response to api.yaml.
func (e *env) call(r request) *response {
	e.t.Helper()
	req := newRequest(e.t, r)
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	} else if r.Role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[r.Role])
	}
	for _, c := range r.Cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	res := &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	checkContract(e.t, req, res)
	return res
}

// as is shorthand for a JSON call with a role's token.
func (e *env) as(role pathway.Role, method, path string, body any) *response {
	e.t.Helper()
	return e.call(request{Method: method, Path: path, Body: body, Role: role})
}

// must fails the test unless the response has the wanted status.
func (r *response) must(tb testing.TB, want int) *response {
	tb.Helper()
	if r.Code != want {
		tb.Fatalf("status %d, want %d; body %s", r.Code, want, r.Body)
	}
	return r
}

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// loadSpec reads api.yaml once and builds a router over its paths.
func loadSpec() (routers.Router, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(filepath.Join("..", "..", "api.yaml"))
		if err != nil {
			specErr = fmt.Errorf("load api.yaml: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = fmt.Errorf("api.yaml is not valid OpenAPI: %w", err)
			return
		}
		doc.Servers = nil // match paths as they are, without a server prefix
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	return specRouter, specErr
}

// checkContract fails the test when a response does not fit api.yaml: an
// undocumented route, status or content type, or a body off its schema.
func checkContract(tb testing.TB, req *http.Request, res *response) {
	tb.Helper()
	if _, err := loadSpec(); err != nil {
		tb.Fatal(err)
	}
	if err := contractError(req, res); err != nil {
		tb.Errorf("%v\nbody: %s", err, res.Body)
	}
}

// contractError returns why a response does not fit api.yaml, or nil.
func contractError(req *http.Request, res *response) error {
	if !strings.HasPrefix(req.URL.Path, "/api/") && req.URL.Path != "/healthz" && req.URL.Path != "/readyz" && req.URL.Path != "/metrics" {
		return nil // the web app's static files are not part of the API
	}
	router, err := loadSpec()
	if err != nil {
		return err
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if res.Code == http.StatusNotFound || res.Code == http.StatusMethodNotAllowed {
			return nil // an address the API does not have, answered as such
		}
		return fmt.Errorf("api.yaml has no operation for %s %s (status %d): %w", req.Method, req.URL.Path, res.Code, err)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
			Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: res.Code,
		Header: res.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	input.SetBodyBytes(res.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s %s -> %d does not fit api.yaml: %w", req.Method, req.URL.Path, res.Code, err)
	}
	return nil
}

// fixtures

// program creates a program and returns its id.
func (e *env) program(name string, rung pathway.Rung) int64 {
	e.t.Helper()
	var p pathway.Program
	e.as(pathway.RoleAdmin, "POST", "/api/v1/programs", map[string]any{"name": name, "rung": rung.String()}).must(e.t, 201).decode(e.t, &p)
	return p.ID
}

// participantBody is a valid POST /participants body.
func (e *env) participantBody(ref, name string, programIDs ...int64) map[string]any {
	if programIDs == nil {
		programIDs = []int64{}
	}
	return map[string]any{
		"external_ref": ref,
		"display_name": name,
		"program_ids":  programIDs,
		"consent": map[string]any{
			"given_on": e.today.AddDays(-365).String(),
			"method":   "written",
			"scopes":   []string{"tracking"},
		},
	}
}

// participant creates a participant as staff and returns it.
func (e *env) participant(ref, name string, programIDs ...int64) pathway.Participant {
	e.t.Helper()
	var p pathway.Participant
	e.as(pathway.RoleStaff, "POST", "/api/v1/participants", e.participantBody(ref, name, programIDs...)).must(e.t, 201).decode(e.t, &p)
	return p
}

// path formats an API path.
func path(format string, args ...any) string { return "/api/v1" + fmt.Sprintf(format, args...) }
