package httpapi_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite/sqlitetest"
)

// session is a signed-in browser: its cookie and CSRF token.
type session struct {
	cookie *http.Cookie
	csrf   string
	me     meBody
}

// signIn signs email in and fails the test unless it works.
func (e *env) signIn(email, password string) session {
	e.t.Helper()
	res := e.login(email, password).must(e.t, 201)
	var s session
	res.decode(e.t, &s.me)
	s.cookie, s.csrf = sessionCookieOf(e.t, res), s.me.CSRFToken
	return s
}

// with calls the API as the browser session s.
func (e *env) with(s session, method, p string, body any) *response {
	e.t.Helper()
	return e.call(request{Method: method, Path: p, Body: body, Cookies: []*http.Cookie{s.cookie}, Header: http.Header{"X-Csrf-Token": {s.csrf}}})
}

const newPassword = "a brand new and long passphrase"

func TestEveryoneChangesTheirOwnPasswordWithTheCurrentOne(t *testing.T) {
	e := newEnv(t)
	staff := e.users[pathway.RoleStaff]
	here := e.signIn(staff.Email, sqlitetest.Password)
	elsewhere := e.signIn(staff.Email, sqlitetest.Password)

	t.Run("a wrong current password is a field error and changes nothing", func(t *testing.T) {
		before := e.auditCount("user.password_change")
		res := e.with(here, "PATCH", path("/me"), map[string]any{"current_password": "not my password at all", "new_password": newPassword, "language": "es"})
		wantProblem(t, res, 422, "current_password", "not your current password")
		e.login(staff.Email, sqlitetest.Password).must(t, 201)
		e.with(elsewhere, "GET", path("/me"), nil).must(t, 200)
		var me meBody
		e.with(here, "GET", path("/me"), nil).must(t, 200).decode(t, &me)
		if me.User.Language != pathway.English {
			t.Errorf("a refused change still set the language to %q", me.User.Language)
		}
		if n := e.auditCount("user.password_change"); n != before {
			t.Errorf("a refused change was audited as a change (%d entries)", n-before)
		}
	})

	t.Run("the right one changes it, ends the other sessions and is audited", func(t *testing.T) {
		var me meBody
		e.with(here, "PATCH", path("/me"), map[string]any{"current_password": sqlitetest.Password, "new_password": newPassword}).must(t, 200).decode(t, &me)
		if me.User.Email != staff.Email || me.CSRFToken != here.csrf {
			t.Errorf("the answer is %+v; want the account and this session's CSRF token", me)
		}
		e.with(here, "GET", path("/participants"), nil).must(t, 200)
		e.with(elsewhere, "GET", path("/me"), nil).must(t, 401)
		e.login(staff.Email, sqlitetest.Password).must(t, 401)
		e.login(staff.Email, newPassword).must(t, 201)
		if n := e.auditCount("user.password_change"); n != 1 {
			t.Errorf("%d user.password_change entries, want 1", n)
		}
	})
}

func TestOwnPasswordRulesAreNamedByField(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
		want  string
	}{
		{"too short", map[string]any{"current_password": sqlitetest.Password, "new_password": "short"}, "new_password", "at least 12 characters"},
		{"too long", map[string]any{"current_password": sqlitetest.Password, "new_password": strings.Repeat("a", pathway.MaxPasswordLength+1)}, "new_password", "at most"},
		{"no current password", map[string]any{"new_password": newPassword}, "current_password", "needed to set a new password"},
		{"no new password", map[string]any{"current_password": sqlitetest.Password}, "new_password", "given with the current password"},
		{"the same again", map[string]any{"current_password": sqlitetest.Password, "new_password": sqlitetest.Password}, "new_password", "differ"},
		{"an unknown language", map[string]any{"language": "fr"}, "language", "English or Spanish"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, e.as(pathway.RoleCoordinator, "PATCH", path("/me"), tc.body), 422, tc.field, tc.want)
		})
	}
	t.Run("nothing to change", func(t *testing.T) {
		e.as(pathway.RoleCoordinator, "PATCH", path("/me"), map[string]any{}).must(t, 422)
	})
	e.login(e.users[pathway.RoleCoordinator].Email, sqlitetest.Password).must(t, 201)
	if n := e.auditCount("user.password_change"); n != 0 {
		t.Errorf("refused changes left %d user.password_change entries", n)
	}
}

func TestLanguageIsKeptPerAccount(t *testing.T) {
	e := newEnv(t)
	var me meBody
	e.as(pathway.RoleStaff, "PATCH", path("/me"), map[string]any{"language": "es"}).must(t, 200).decode(t, &me)
	if me.User.Language != pathway.Spanish {
		t.Fatalf("PATCH answered language %q", me.User.Language)
	}
	e.as(pathway.RoleStaff, "GET", path("/me"), nil).must(t, 200).decode(t, &me)
	if me.User.Language != pathway.Spanish {
		t.Errorf("GET /me says language %q after choosing es", me.User.Language)
	}
	e.as(pathway.RoleCoordinator, "GET", path("/me"), nil).must(t, 200).decode(t, &me)
	if me.User.Language != pathway.English {
		t.Errorf("another account's language is %q; want the default en", me.User.Language)
	}
	res := e.signIn(e.users[pathway.RoleStaff].Email, sqlitetest.Password)
	if res.me.User.Language != pathway.Spanish {
		t.Errorf("the sign-in answer says language %q", res.me.User.Language)
	}
	if n := e.auditCount("user.language"); n != 1 {
		t.Errorf("%d user.language entries, want 1", n)
	}
}

func TestOneTimeResetMustBeReplacedAtTheNextSignIn(t *testing.T) {
	e := newEnv(t)
	staff := e.users[pathway.RoleStaff]
	before := e.signIn(staff.Email, sqlitetest.Password)

	var reset struct {
		Password string       `json:"password"`
		User     pathway.User `json:"user"`
	}
	e.as(pathway.RoleAdmin, "POST", path("/users/%d/password-reset", staff.ID), nil).must(t, 201).decode(t, &reset)
	if len(reset.Password) < pathway.MinPasswordLength || !reset.User.MustChangePassword {
		t.Fatalf("reset answered %+v", reset)
	}
	if n := e.auditCount("user.password_reset"); n != 1 {
		t.Errorf("%d user.password_reset entries, want 1", n)
	}
	e.with(before, "GET", path("/me"), nil).must(t, 401)
	e.login(staff.Email, sqlitetest.Password).must(t, 401)

	s := e.signIn(staff.Email, reset.Password)
	if !s.me.User.MustChangePassword {
		t.Fatal("the sign-in answer does not say the password must be changed")
	}
	t.Run("until it is changed, only the own account and sign-out work", func(t *testing.T) {
		e.with(s, "GET", path("/participants"), nil).must(t, 403)
		e.with(s, "POST", path("/participants"), e.participantBody("CM-9", "Ana")).must(t, 403)
		e.with(s, "GET", path("/me"), nil).must(t, 200)
		other := e.signIn(staff.Email, reset.Password)
		e.with(other, "DELETE", path("/session"), nil).must(t, 204)
	})
	t.Run("the account's API token is a credential of its own and keeps working", func(t *testing.T) {
		e.as(pathway.RoleStaff, "GET", path("/participants"), nil).must(t, 200)
	})
	t.Run("choosing a new password lifts the hold", func(t *testing.T) {
		var me meBody
		e.with(s, "PATCH", path("/me"), map[string]any{"current_password": reset.Password, "new_password": newPassword}).must(t, 200).decode(t, &me)
		if me.User.MustChangePassword {
			t.Error("must_change_password is still set after the change")
		}
		e.with(s, "GET", path("/participants"), nil).must(t, 200)
		e.login(staff.Email, reset.Password).must(t, 401)
		if again := e.signIn(staff.Email, newPassword); again.me.User.MustChangePassword {
			t.Error("the next sign-in still asks for a new password")
		}
	})
	t.Run("only an admin may reset", func(t *testing.T) {
		for _, role := range []pathway.Role{pathway.RoleStaff, pathway.RoleCoordinator, pathway.RoleLeadership} {
			e.as(role, "POST", path("/users/%d/password-reset", e.users[pathway.RoleAdmin].ID), nil).must(t, 403)
		}
		e.as(pathway.RoleAdmin, "POST", path("/users/999999/password-reset"), nil).must(t, 404)
	})
}

func TestTokensNeedANameAndAChosenAccountAndMayExpire(t *testing.T) {
	e := newEnv(t)
	staff := e.users[pathway.RoleStaff].Email
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no account", map[string]any{"name": "sync"}, "email"},
		{"no name", map[string]any{"email": staff}, "name"},
		{"a blank name", map[string]any{"email": staff, "name": "   "}, "name"},
		{"an expiry in the past", map[string]any{"email": staff, "name": "sync", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"},
		{"an expiry that is not a time", map[string]any{"email": staff, "name": "sync", "expires_at": "next week"}, "expires_at"},
		{"an expiry too far ahead", map[string]any{"email": staff, "name": "sync", "expires_in_days": pathway.MaxTokenDays + 1}, "expires_in_days"},
		{"no days", map[string]any{"email": staff, "name": "sync", "expires_in_days": 0}, "expires_in_days"},
		{"both kinds of expiry", map[string]any{"email": staff, "name": "sync", "expires_in_days": 5, "expires_at": "2099-01-01T00:00:00Z"}, "expires_in_days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, e.as(pathway.RoleAdmin, "POST", path("/tokens"), tc.body), 422, tc.field)
		})
	}

	var issued struct {
		Token    string           `json:"token"`
		APIToken pathway.APIToken `json:"api_token"`
	}
	e.as(pathway.RoleAdmin, "POST", path("/tokens"), map[string]any{"email": staff, "name": "nightly export", "expires_in_days": 7}).must(t, 201).decode(t, &issued)
	if issued.APIToken.ExpiresAt == nil || time.Until(*issued.APIToken.ExpiresAt) < 6*24*time.Hour {
		t.Fatalf("a token for 7 days expires at %v", issued.APIToken.ExpiresAt)
	}
	var list struct {
		Items []pathway.APIToken `json:"items"`
	}
	e.as(pathway.RoleAdmin, "GET", path("/tokens"), nil).must(t, 200).decode(t, &list)
	var listed *pathway.APIToken
	for i := range list.Items {
		if list.Items[i].ID == issued.APIToken.ID {
			listed = &list.Items[i]
		}
	}
	if listed == nil || listed.ExpiresAt == nil || !listed.ExpiresAt.Equal(*issued.APIToken.ExpiresAt) {
		t.Fatalf("the token is listed as %+v; want its expiry", listed)
	}
	e.call(request{Method: "GET", Path: path("/me"), Token: issued.Token}).must(t, 200)

	t.Run("an expired token is refused like a revoked one", func(t *testing.T) {
		later := issued.APIToken.ExpiresAt.Add(time.Second)
		e.db.Now = func() time.Time { return later }
		e.call(request{Method: "GET", Path: path("/me"), Token: issued.Token}).must(t, 401)
		e.call(request{Method: "GET", Path: path("/participants"), Token: issued.Token}).must(t, 401)
	})
}

func TestOnlyAdminsReadWhoSawAPersonsRecord(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-1", "Rosa")
	e.as(pathway.RoleStaff, "GET", path("/participants/%d", p.ID), nil).must(t, 200)
	q := url.Values{"entity": {"participant"}, "entity_id": {strconv.FormatInt(p.ID, 10)}}
	for _, role := range []pathway.Role{pathway.RoleStaff, pathway.RoleCoordinator, pathway.RoleLeadership} {
		e.as(role, "GET", path("/audit?%s", q.Encode()), nil).must(t, 403)
	}
	var page struct {
		Items []struct {
			pathway.AuditEntry
			UserRole *pathway.Role `json:"user_role"`
		} `json:"items"`
	}
	e.as(pathway.RoleAdmin, "GET", path("/audit?%s", q.Encode()), nil).must(t, 200).decode(t, &page)
	var sawRead bool
	for _, it := range page.Items {
		if it.EntityID == nil || *it.EntityID != p.ID {
			t.Errorf("an entry about another record: %+v", it.AuditEntry)
		}
		if it.Action == "participant.read" && it.User == e.users[pathway.RoleStaff].Email {
			sawRead = true
			if it.UserRole == nil || *it.UserRole != pathway.RoleStaff {
				t.Errorf("the staff read names role %v", it.UserRole)
			}
		}
	}
	if !sawRead {
		t.Errorf("the trail of the record does not show staff viewing it: %+v", page.Items)
	}
}

func TestOneViewOfAPersonIsOneAuditEntry(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-1", "Rosa")
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), map[string]any{"occurred_on": e.today.String(), "activity": "Community meeting"}).must(t, 201)
	before := e.auditLength()
	var rec struct {
		pathway.Participant
		Placements  *[]pathway.Placement       `json:"placements"`
		Engagements *[]pathway.Engagement      `json:"engagements"`
		Checkins    *[]pathway.CapacityCheckin `json:"capacity_checkins"`
		Suggestions *[]pathway.Suggestion      `json:"suggestions"`
	}
	e.as(pathway.RoleStaff, "GET", path("/participants/%d?include=placements,engagements,capacity_checkins,suggestions", p.ID), nil).must(t, 200).decode(t, &rec)
	if n := e.auditLength() - before; n != 1 {
		t.Errorf("one view wrote %d audit entries, want 1", n)
	}
	if rec.DisplayName != "Rosa" || rec.Placements == nil || len(*rec.Placements) != 1 || rec.Engagements == nil || len(*rec.Engagements) != 1 || rec.Checkins == nil || rec.Suggestions == nil {
		t.Errorf("the record is %+v", rec)
	}
	if n := e.auditCount("participant.read"); n != 1 {
		t.Errorf("%d participant.read entries, want 1", n)
	}

	t.Run("parts are left out unless asked for", func(t *testing.T) {
		var bare map[string]any
		e.as(pathway.RoleStaff, "GET", path("/participants/%d", p.ID), nil).must(t, 200).decode(t, &bare)
		for _, k := range []string{"placements", "engagements", "capacity_checkins", "suggestions"} {
			if _, ok := bare[k]; ok {
				t.Errorf("the plain read holds %s", k)
			}
		}
	})
	t.Run("each part needs what its own route needs", func(t *testing.T) {
		e.as(pathway.RoleCoordinator, "GET", path("/participants/%d?include=placements", p.ID), nil).must(t, 200)
		e.as(pathway.RoleCoordinator, "GET", path("/participants/%d?include=capacity_checkins", p.ID), nil).must(t, 403)
		e.as(pathway.RoleCoordinator, "GET", path("/participants/%d?include=placements,suggestions", p.ID), nil).must(t, 200)
		e.as(pathway.RoleLeadership, "GET", path("/participants/%d?include=placements", p.ID), nil).must(t, 403)
		wantProblem(t, e.as(pathway.RoleStaff, "GET", path("/participants/%d?include=notes", p.ID), nil), 422, "include")
	})
}
