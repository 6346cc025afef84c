package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"pathway/internal/httpapi"
	"pathway/internal/pathway"
	"pathway/internal/sqlite/sqlitetest"
)

// login signs in through POST /session.
func (e *env) login(email, password string) *response {
	e.t.Helper()
	return e.call(request{Method: "POST", Path: path("/session"), Body: map[string]any{"email": email, "password": password}})
}

// sessionCookieOf returns the session cookie a response sets, or nil.
func sessionCookieOf(tb testing.TB, res *response) *http.Cookie {
	tb.Helper()
	for _, line := range res.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			tb.Fatalf("Set-Cookie %q: %v", line, err)
		}
		if c.Name == "pathway_session" {
			return c
		}
	}
	return nil
}

type meBody struct {
	User      pathway.User `json:"user"`
	CSRFToken string       `json:"csrf_token"`
}

func TestBrowserSessionNeedsCSRFTokenForWrites(t *testing.T) {
	e := newEnv(t)
	staffUser := e.users[pathway.RoleStaff]
	res := e.login(staffUser.Email, sqlitetest.Password).must(t, 201)
	var signedIn meBody
	res.decode(t, &signedIn)
	cookie := sessionCookieOf(t, res)
	if cookie == nil {
		t.Fatalf("sign-in set no session cookie; headers %v", res.Header)
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" || cookie.MaxAge <= 0 || cookie.Value == "" {
		t.Errorf("session cookie %+v, want HttpOnly, SameSite=Strict, Path=/, a lifetime and a value", cookie)
	}
	if signedIn.User.Email != staffUser.Email || signedIn.CSRFToken == "" {
		t.Fatalf("sign-in body %+v, want the account and a CSRF token", signedIn)
	}
	jar := []*http.Cookie{{Name: cookie.Name, Value: cookie.Value}}
	csrf := http.Header{}
	csrf.Set("X-CSRF-Token", signedIn.CSRFToken)
	wrongCSRF := http.Header{}
	wrongCSRF.Set("X-CSRF-Token", "not-the-token")
	program := func(name string) map[string]any { return map[string]any{"name": name, "rung": "member"} }

	steps := []struct {
		name   string
		req    request
		status int
		writes int // programs added
	}{
		{"the cookie reads /me", request{Method: "GET", Path: path("/me"), Cookies: jar}, 200, 0},
		{"a cookie write without the CSRF token is refused", request{Method: "POST", Path: path("/programs"), Body: program("No token"), Cookies: jar}, 403, 0},
		{"a cookie write with a wrong CSRF token is refused", request{Method: "POST", Path: path("/programs"), Body: program("Wrong token"), Cookies: jar, Header: wrongCSRF}, 403, 0},
		{"a cookie write with the CSRF token succeeds", request{Method: "POST", Path: path("/programs"), Body: program("With token"), Cookies: jar, Header: csrf}, 201, 1},
		{"a bearer write needs no CSRF token", request{Method: "POST", Path: path("/programs"), Body: program("Bearer"), Role: pathway.RoleStaff}, 201, 1},
		{"signing out without the CSRF token is refused", request{Method: "DELETE", Path: path("/session"), Cookies: jar}, 403, 0},
		{"the session still works", request{Method: "GET", Path: path("/me"), Cookies: jar}, 200, 0},
		{"signing out with the CSRF token ends the session", request{Method: "DELETE", Path: path("/session"), Cookies: jar, Header: csrf}, 204, 0},
		{"the ended session no longer reads", request{Method: "GET", Path: path("/me"), Cookies: jar}, 401, 0},
		{"the ended session no longer writes", request{Method: "POST", Path: path("/programs"), Body: program("After"), Cookies: jar, Header: csrf}, 401, 0},
		{"a forged cookie is refused", request{Method: "GET", Path: path("/me"), Cookies: []*http.Cookie{{Name: cookie.Name, Value: "forged"}}}, 401, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := e.rowCount("programs")
			res := e.call(s.req).must(t, s.status)
			if got := e.rowCount("programs") - before; got != s.writes {
				t.Errorf("programs grew by %d, want %d", got, s.writes)
			}
			switch {
			case s.req.Path == path("/me") && s.status == 200:
				var me meBody
				res.decode(t, &me)
				if me.User.ID != staffUser.ID || me.CSRFToken != signedIn.CSRFToken {
					t.Errorf("/me = %+v, want the staff account and its CSRF token", me)
				}
			case s.req.Method == "DELETE" && s.status == 204:
				if c := sessionCookieOf(t, res); c == nil || c.MaxAge >= 0 || c.Value != "" {
					t.Errorf("signing out set cookie %+v, want it cleared", c)
				}
			}
		})
	}
}

// loginFrom signs in through POST /session from the client address addr.
func (e *env) loginFrom(addr, email, password string) *response {
	e.t.Helper()
	return e.call(request{Method: "POST", Path: path("/session"), Body: map[string]any{"email": email, "password": password}, RemoteAddr: addr})
}

func TestWrongPasswordsAreThrottledPerClientNotForTheAccount(t *testing.T) {
	e := newEnv(t)
	admin := e.users[pathway.RoleAdmin]
	unlucky, _ := e.newAccount("unlucky@example.org", pathway.RoleStaff)
	const wrong = "a wrong but long password"
	const attacker, office = "198.51.100.7:4000", "203.0.113.20:5000"

	tests := []struct {
		name     string
		from     string
		email    string
		password string
		status   int
	}{
		{"four wrong passwords are each refused", office, unlucky.Email, wrong, 401},
		{"", office, unlucky.Email, wrong, 401},
		{"", office, unlucky.Email, wrong, 401},
		{"", office, unlucky.Email, wrong, 401},
		{"the right password after four wrong ones signs in", office, unlucky.Email, sqlitetest.Password, 201},
		{"a success starts the count again", office, unlucky.Email, wrong, 401},
		{"", office, unlucky.Email, sqlitetest.Password, 201},

		{"five wrong passwords for the admin from one client are each refused", attacker, admin.Email, wrong, 401},
		{"", attacker, admin.Email, wrong, 401},
		{"", attacker, admin.Email, wrong, 401},
		{"", attacker, admin.Email, wrong, 401},
		{"", attacker, admin.Email, wrong, 401},
		{"that client's sixth attempt is refused even with the right password", attacker, admin.Email, sqlitetest.Password, 429},
		{"and the next too", attacker, admin.Email, wrong, 429},
		{"the admin still signs in from another client", office, admin.Email, sqlitetest.Password, 201},
		{"and the throttled client may still try other emails", attacker, unlucky.Email, sqlitetest.Password, 201},
	}
	for i, tt := range tests {
		name := tt.name
		if name == "" {
			name = "attempt " + strconv.Itoa(i+1)
		}
		t.Run(name, func(t *testing.T) {
			res := e.loginFrom(tt.from, tt.email, tt.password).must(t, tt.status)
			if tt.status == 429 {
				secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
				if err != nil || secs <= 0 || secs > int(pathway.WrongPasswordEvery.Seconds())+1 {
					t.Errorf("Retry-After %q, want the seconds until the next attempt (at most %v)", res.Header.Get("Retry-After"), pathway.WrongPasswordEvery)
				}
				if sessionCookieOf(t, res) != nil {
					t.Error("a throttled attempt got a session cookie")
				}
			}
		})
	}
}

func TestKnownAndUnknownEmailsAreAnsweredAlike(t *testing.T) {
	e := newEnv(t)
	known := e.users[pathway.RoleStaff].Email
	const unknown = "nobody-here@example.org"
	const wrong = "a wrong but long password"
	// Each email is tried from a client of its own, so both start afresh.
	const knownFrom, unknownFrom = "198.51.100.1:1000", "198.51.100.2:1000"

	// answer is what a client can tell from a response: status, the
	// headers that matter and the problem without its request id.
	answer := func(res *response) string {
		p := res.problem(t)
		p.RequestID = ""
		return fmt.Sprintf("%d retry=%t %+v", res.Code, res.Header.Get("Retry-After") != "", p)
	}
	for i := range pathway.MaxWrongPasswords + 2 {
		k := answer(e.loginFrom(knownFrom, known, wrong))
		u := answer(e.loginFrom(unknownFrom, unknown, wrong))
		if k != u {
			t.Errorf("attempt %d: a known email got\n  %s\nan unknown one got\n  %s", i+1, k, u)
		}
	}
	if got := e.auditCount("session.login_failed"); got != 2*pathway.MaxWrongPasswords {
		t.Errorf("%d failed sign-ins audited, want %d: every checked attempt, known email or not, costs one audited write", got, 2*pathway.MaxWrongPasswords)
	}
}

func TestEveryClientIsRateLimited(t *testing.T) {
	e := newEnv(t).variant(func(s *httpapi.Server) { s.SignIn.PerClient, s.SignIn.ClientBurst = rate.Every(time.Hour), 3 })
	const from, other = "198.51.100.9:1000", "198.51.100.10:1000"
	email := e.users[pathway.RoleStaff].Email
	for i := range 3 {
		e.loginFrom(from, fmt.Sprintf("guess%d@example.org", i), "a wrong but long password").must(t, 401)
	}
	res := e.loginFrom(from, email, sqlitetest.Password).must(t, 429)
	if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs <= 0 {
		t.Errorf("Retry-After %q, want a number of seconds", res.Header.Get("Retry-After"))
	}
	e.loginFrom(other, email, sqlitetest.Password).must(t, 201)
}

// heldUsers is a user service whose credential look-ups wait for release,
// the first after saying on entered that it has begun.
type heldUsers struct {
	pathway.UserService
	entered chan struct{}
	release chan struct{}
}

func (h heldUsers) CredentialsByEmail(ctx context.Context, email string) (*pathway.Credentials, error) {
	select {
	case h.entered <- struct{}{}:
	case <-h.release:
	}
	<-h.release
	return h.UserService.CredentialsByEmail(ctx, email)
}

// busySignIn returns a variant of e with one password-check slot, held by a
// sign-in in flight, and the function that lets that sign-in finish.
func (e *env) busySignIn() (*env, func()) {
	e.t.Helper()
	h := heldUsers{UserService: e.srv.Users, entered: make(chan struct{}), release: make(chan struct{})}
	v := e.variant(func(s *httpapi.Server) { s.Users, s.SignIn.Checks = h, 1 })
	done := make(chan struct{})
	go func() {
		defer close(done)
		body := `{"email": "held@example.org", "password": "a wrong but long password"}`
		v.handler.ServeHTTP(httptest.NewRecorder(), newRequest(e.t, request{Method: "POST", Path: path("/session"), Body: body}))
	}()
	<-h.entered
	return v, func() { close(h.release); <-done }
}

func TestSignInsBeyondTheCheckSlotsAreRefusedAtOnce(t *testing.T) {
	e := newEnv(t)
	v, release := e.busySignIn()
	start := time.Now()
	res := v.loginFrom("198.51.100.3:1000", e.users[pathway.RoleStaff].Email, sqlitetest.Password).must(t, 503)
	if d := time.Since(start); d > time.Second {
		t.Errorf("the refusal took %v; it should not wait for a slot", d)
	}
	if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs <= 0 {
		t.Errorf("Retry-After %q, want a number of seconds", res.Header.Get("Retry-After"))
	}
	release()
	v.loginFrom("198.51.100.3:1000", e.users[pathway.RoleStaff].Email, sqlitetest.Password).must(t, 201)
}

func TestRevokedTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	var issued struct {
		Token    string           `json:"token"`
		APIToken pathway.APIToken `json:"api_token"`
	}
	e.as(pathway.RoleAdmin, "POST", path("/tokens"), map[string]any{"email": e.users[pathway.RoleStaff].Email, "name": "case management"}).must(t, 201).decode(t, &issued)
	steps := []struct {
		name   string
		req    request
		status int
	}{
		{"a fresh token works", request{Method: "GET", Path: path("/me"), Token: issued.Token}, 200},
		{"an admin revokes it", request{Method: "DELETE", Path: path("/tokens/%d", issued.APIToken.ID), Role: pathway.RoleAdmin}, 204},
		{"the revoked token no longer reads", request{Method: "GET", Path: path("/me"), Token: issued.Token}, 401},
		{"the revoked token no longer writes", request{Method: "POST", Path: path("/programs"), Body: map[string]any{"name": "Late", "rung": "member"}, Token: issued.Token}, 401},
		{"other tokens of the account still work", request{Method: "GET", Path: path("/me"), Role: pathway.RoleStaff}, 200},
		{"an unknown token is refused", request{Method: "GET", Path: path("/me"), Token: "pw_not-a-token"}, 401},
		{"a malformed Authorization header is refused", request{Method: "GET", Path: path("/me"), Header: http.Header{"Authorization": {"Basic c3RhZmY6cGFzcw=="}}}, 401},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) { e.call(s.req).must(t, s.status) })
	}
	var list struct {
		Items []pathway.APIToken `json:"items"`
	}
	e.as(pathway.RoleAdmin, "GET", path("/tokens"), nil).must(t, 200).decode(t, &list)
	for _, tok := range list.Items {
		if tok.ID == issued.APIToken.ID && tok.RevokedAt == nil {
			t.Error("the token list does not show the revocation")
		}
	}
}

func TestSecretsAreNotStoredInClear(t *testing.T) {
	e := newEnv(t)
	const email, password = "secretive@example.org", "correct horse battery staple 9931"
	e.as(pathway.RoleAdmin, "POST", path("/users"), map[string]any{"email": email, "role": "staff", "password": password}).must(t, 201)
	var issued struct {
		Token string `json:"token"`
	}
	e.as(pathway.RoleAdmin, "POST", path("/tokens"), map[string]any{"email": email, "name": "integration"}).must(t, 201).decode(t, &issued)
	e.call(request{Method: "GET", Path: path("/me"), Token: issued.Token}).must(t, 200)
	cookie := sessionCookieOf(t, e.login(email, password).must(t, 201))
	if cookie == nil {
		t.Fatal("sign-in set no session cookie")
	}

	raw := e.fileBytes()
	if !bytes.Contains(raw, []byte(email)) {
		t.Fatalf("the scan does not find the account's email %q: it could not catch a leak", email)
	}
	tests := []struct {
		name   string
		secret string
	}{
		{"the password is stored only as a hash", password},
		{"the API token is stored only as a hash", issued.Token},
		{"the session cookie is stored only as a hash", cookie.Value},
		{"the harness's tokens are stored only as hashes", e.tokens[pathway.RoleAdmin]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.secret == "" {
				t.Fatal("no secret to look for")
			}
			if i := bytes.Index(raw, []byte(tt.secret)); i >= 0 {
				t.Errorf("found in clear at byte %d of the database files", i)
			}
		})
	}
}

// API tokens are cached for a second (tokencache.go); a change to what a
// token may do, made through the API, holds from the very next request.
func TestAnAccountChangeHoldsForItsTokenAtOnce(t *testing.T) {
	e := newEnv(t)
	staff := e.users[pathway.RoleStaff]
	token := e.tokens[pathway.RoleStaff]
	me := request{Method: "GET", Path: path("/me"), Token: token}
	e.call(me).must(t, 200) // now cached
	e.as(pathway.RoleAdmin, "PATCH", path("/users/%d", staff.ID), map[string]any{"role": "leadership"}).must(t, 200)
	e.call(request{Method: "GET", Path: path("/participants"), Token: token}).must(t, 403)
	e.as(pathway.RoleAdmin, "PATCH", path("/users/%d", staff.ID), map[string]any{"disabled": true}).must(t, 200)
	e.call(me).must(t, 401)
}
