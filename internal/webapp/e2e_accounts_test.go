package webapp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pathway/internal/pathway"
	"pathway/internal/secret"
)

// signInAs signs in through the form with any email and password.
func (s *site) signInAs(t *testing.T, ctx context.Context, email, password string) {
	t.Helper()
	s.visit(t, ctx, "/", "Sign in to Pathway")
	fill(t, ctx, `input[name="email"]`, email)
	fill(t, ctx, `input[name="password"]`, password)
	click(t, ctx, "button", "Sign in")
	waitFor(t, ctx, "signed in", `!document.getElementById("nav").hidden && document.querySelector("main h1") && document.querySelector("main h1").textContent !== "Sign in to Pathway" && !document.querySelector("main[aria-busy]")`)
}

// fieldError is the error shown next to the field named name in main, or "".
func fieldError(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	return eval[string](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector('main .field[data-field=%s] .field-error'); return e && !e.hidden ? e.textContent : ""; })()`, js(name)))
}

// testAccounts: a staff member changes their own password; an admin gives
// an account a one-time password that must be replaced at sign-in; the
// token form needs a name and a chosen account and shows expiry; the audit
// log opens from a person's page and reads as sentences.
func (s *site) testAccounts(t *testing.T) {
	bg := context.Background()
	const first = "the first password of Ana"
	hash, err := secret.HashPassword(first)
	if err != nil {
		t.Fatal(err)
	}
	ana := &pathway.User{Email: "ana.accounts@example.org", Role: pathway.RoleStaff}
	if err := s.srv.Users.CreateUser(bg, s.admin, ana, hash); err != nil {
		t.Fatal(err)
	}

	t.Run("staff change their own password", func(t *testing.T) {
		ctx := s.tab(t)
		s.signInAs(t, ctx, ana.Email, first)
		click(t, ctx, "#nav a", "Your account")
		waitPage(t, ctx, "Your account")
		fill(t, ctx, `input[name="current_password"]`, "not what Ana uses")
		fill(t, ctx, `input[name="new_password"]`, "a second password of Ana")
		fill(t, ctx, `input[name="new_password_again"]`, "a second password of Ana")
		click(t, ctx, "button", "Change password")
		waitFor(t, ctx, "the wrong-password error", `!document.querySelector('.field[data-field="current_password"] .field-error').hidden`)
		if got := fieldError(t, ctx, "current_password"); !strings.Contains(got, "Your current password is not the one you use now.") {
			t.Errorf("the wrong current password reads %q", got)
		}
		fill(t, ctx, `input[name="current_password"]`, first)
		fill(t, ctx, `input[name="new_password_again"]`, "a second password of An")
		click(t, ctx, "button", "Change password")
		waitFor(t, ctx, "the mismatch error", `!document.querySelector('.field[data-field="new_password_again"] .field-error').hidden`)
		s.check(t, ctx, "account-errors")
		fill(t, ctx, `input[name="new_password_again"]`, "a second password of Ana")
		click(t, ctx, "button", "Change password")
		waitFor(t, ctx, "the change said", `document.getElementById("status").textContent.includes("Your password was changed")`)
		s.check(t, ctx, "account")

		again := s.tab(t)
		s.signInAs(t, again, ana.Email, "a second password of Ana")
	})

	var once string
	t.Run("an admin gives a one-time password", func(t *testing.T) {
		ctx := s.tab(t)
		s.signIn(t, ctx, pathway.RoleAdmin)
		s.visit(t, ctx, "/admin/users", "Accounts")
		do(t, ctx, "ask for a one-time password", chromedp.Click(chromedp.JSPath(fmt.Sprintf(
			`[...document.querySelectorAll("main li.card")].find((li) => li.querySelector("strong").textContent === %s).querySelector(".card-actions button")`, js(ana.Email)))))
		waitFor(t, ctx, "the confirmation", `document.querySelector("dialog[open]") !== null`)
		click(t, ctx, "dialog button", "Give the password")
		waitFor(t, ctx, "the one-time password", `document.getElementById("one-time-password")?.value.length >= 12`)
		once = eval[string](t, ctx, `document.getElementById("one-time-password").value`)
		s.check(t, ctx, "users-reset")
	})

	t.Run("the one-time password must be replaced at sign-in", func(t *testing.T) {
		ctx := s.tab(t)
		s.signInAs(t, ctx, ana.Email, once)
		waitPage(t, ctx, "Your account")
		if !strings.Contains(mainText(ctx), "Choose your own password") {
			t.Errorf("the forced change does not say why: %s", mainText(ctx))
		}
		s.check(t, ctx, "account-forced")
		s.visit(t, ctx, "/participants", "Your account")
		fill(t, ctx, `input[name="current_password"]`, once)
		fill(t, ctx, `input[name="new_password"]`, "a third password of Ana")
		fill(t, ctx, `input[name="new_password_again"]`, "a third password of Ana")
		click(t, ctx, "button", "Change password")
		waitFor(t, ctx, "the start page after the change", `location.pathname === "/participants" && document.querySelector("main h1")?.textContent !== "Your account" && !document.querySelector("main[aria-busy]")`)
		do(t, ctx, "reload the people list", chromedp.Navigate(s.url+"/participants"))
		waitFor(t, ctx, "the people list, open now", `location.pathname === "/participants" && document.querySelector("main h1") && document.querySelector("main h1").textContent !== "Your account" && !document.querySelector("main[aria-busy]")`)
	})

	t.Run("the token form needs a name and a chosen account, and shows expiry", func(t *testing.T) {
		ctx := s.tab(t)
		s.signIn(t, ctx, pathway.RoleAdmin)
		s.visit(t, ctx, "/admin/tokens", "API tokens")
		if got := eval[string](t, ctx, `document.querySelector('select[name="email"]').value`); got != "" {
			t.Errorf("the token form starts with account %q chosen", got)
		}
		click(t, ctx, "button", "Create token")
		waitFor(t, ctx, "the account error", `!document.querySelector('.field[data-field="email"] .field-error').hidden`)
		if fieldError(t, ctx, "name") == "" {
			t.Error("a token without a name shows no error on the name")
		}
		if eval[bool](t, ctx, `document.getElementById("new-token") !== null`) {
			t.Fatal("a token was created without a name or an account")
		}
		s.check(t, ctx, "tokens-errors")
		do(t, ctx, "choose the account", chromedp.SetValue(chromedp.CSS(`select[name="email"]`), s.users[pathway.RoleStaff].Email))
		do(t, ctx, "choose the expiry", chromedp.SetValue(chromedp.CSS(`select[name="expires_in_days"]`), "30"))
		fill(t, ctx, `input[name="name"]`, "Monthly export")
		click(t, ctx, "button", "Create token")
		waitFor(t, ctx, "the new token", `document.getElementById("new-token")?.value.startsWith("pw_")`)
		waitFor(t, ctx, "the token listed with its expiry", `[...document.querySelectorAll("main li.card")].some((li) => li.textContent.includes("Monthly export") && li.textContent.includes("Stops working on"))`)
		s.check(t, ctx, "tokens-expiry")
	})

	t.Run("an admin reads the account pages in Spanish", func(t *testing.T) {
		// An admin of this test's own, so that the language kept with the
		// account reaches no other test.
		ines := &pathway.User{Email: "ines.accounts@example.org", Role: pathway.RoleAdmin}
		if err := s.srv.Users.CreateUser(bg, s.admin, ines, hash); err != nil {
			t.Fatal(err)
		}
		ctx := s.tab(t)
		s.signInAs(t, ctx, ines.Email, first)
		s.visit(t, ctx, "/account", "Your account")
		do(t, ctx, "choose Spanish", chromedp.SetValue(chromedp.CSS(`select[name="language"]`), "es"))
		click(t, ctx, "button", "Save language")
		waitPage(t, ctx, "Su cuenta")
		s.check(t, ctx, "account-es")
		for _, page := range []struct{ href, h1 string }{{"/admin/tokens", "Tokens de la API"}, {"/admin/users", "Cuentas"}, {"/admin/audit", "Registro de auditoría"}} {
			do(t, ctx, "open "+page.href, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#nav a[href=%s]`, js(page.href)))))
			waitPage(t, ctx, page.h1)
			if page.href == "/admin/audit" {
				waitFor(t, ctx, "audit entries", `document.querySelectorAll("main tbody tr").length > 0`)
			}
			s.check(t, ctx, strings.TrimPrefix(page.href, "/admin/")+"-es")
		}
		if !strings.Contains(mainText(ctx), "inició sesión") {
			t.Errorf("the audit log in Spanish does not say who signed in: %s", mainText(ctx))
		}
	})

	t.Run("the audit log opens from a person's page and reads as sentences", func(t *testing.T) {
		grace := s.ids["Grace Okafor"]
		staff := s.tab(t)
		s.signIn(t, staff, pathway.RoleStaff)
		s.visit(t, staff, fmt.Sprintf("/participants/%d", grace), "Grace Okafor")
		if eval[bool](t, staff, `[...document.querySelectorAll("main a")].some((a) => a.textContent === "Who saw or changed this record")`) {
			t.Error("staff are offered the record's audit trail; only admins may read it")
		}

		ctx := s.tab(t)
		s.signIn(t, ctx, pathway.RoleAdmin)
		s.visit(t, ctx, fmt.Sprintf("/participants/%d", grace), "Grace Okafor")
		click(t, ctx, "main a", "Who saw or changed this record")
		waitPage(t, ctx, "Who saw or changed this record")
		want := s.users[pathway.RoleStaff].Email + " (Program staff) viewed this person's record"
		waitFor(t, ctx, "the staff member's view", fmt.Sprintf(`[...document.querySelectorAll("main tbody td")].some((td) => td.textContent === %s)`, js(want)))
		if eval[bool](t, ctx, `document.querySelector('main input[name="entity"], main input[name="entity_id"], main input[name="action"]') !== null`) {
			t.Error("the audit filter still asks for typed kinds or ids")
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('main tbody td code').length`); n > 0 {
			t.Errorf("%d entries show a raw action name", n)
		}
		s.check(t, ctx, "person-audit")

		click(t, ctx, "main a", "The whole audit log")
		waitPage(t, ctx, "Audit log")
		waitFor(t, ctx, "audit entries", `document.querySelectorAll("main tbody tr").length > 0`)
		for _, sel := range []string{`select[name="user_id"]`, `select[name="action"]`, `select[name="entity"]`} {
			if !eval[bool](t, ctx, fmt.Sprintf(`document.querySelector(%s) !== null`, js(sel))) {
				t.Errorf("the audit filter has no list %s", sel)
			}
		}
	})
}
