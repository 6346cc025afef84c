package httpapi_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"

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

func TestWrongPasswordsLockTheAccount(t *testing.T) {
	e := newEnv(t)
	locked, _ := e.newAccount("locked@example.org", pathway.RoleStaff)
	unlucky, _ := e.newAccount("unlucky@example.org", pathway.RoleStaff)
	const wrong = "a wrong but long password"

	tests := []struct {
		name     string
		email    string
		password string
		status   int
	}{
		{"four wrong passwords are each refused", unlucky.Email, wrong, 401},
		{"", unlucky.Email, wrong, 401},
		{"", unlucky.Email, wrong, 401},
		{"", unlucky.Email, wrong, 401},
		{"the right password after four wrong ones signs in", unlucky.Email, sqlitetest.Password, 201},
		{"a success starts the count again", unlucky.Email, wrong, 401},
		{"", unlucky.Email, sqlitetest.Password, 201},

		{"five wrong passwords are each refused", locked.Email, wrong, 401},
		{"", locked.Email, wrong, 401},
		{"", locked.Email, wrong, 401},
		{"", locked.Email, wrong, 401},
		{"", locked.Email, wrong, 401},
		{"the sixth attempt is refused even with the right password", locked.Email, sqlitetest.Password, 429},
		{"and the next too", locked.Email, wrong, 429},
		{"other accounts still sign in", unlucky.Email, sqlitetest.Password, 201},
	}
	for i, tt := range tests {
		name := tt.name
		if name == "" {
			name = "attempt " + strconv.Itoa(i+1)
		}
		t.Run(name, func(t *testing.T) {
			res := e.login(tt.email, tt.password).must(t, tt.status)
			if tt.status == 429 {
				secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
				if err != nil || secs <= 0 || secs > 15*60+1 {
					t.Errorf("Retry-After %q, want seconds until the lock ends (at most 15 minutes)", res.Header.Get("Retry-After"))
				}
				if sessionCookieOf(t, res) != nil {
					t.Error("a locked account got a session cookie")
				}
			}
		})
	}
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
