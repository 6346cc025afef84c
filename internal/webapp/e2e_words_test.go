package webapp_test

import (
	"strings"
	"testing"

	"pathway/internal/pathway"
)

// testWords checks that the API's field messages reach a form as the
// sentences they are, naming the field by its label once, never by its API
// name, and in Spanish when the app speaks Spanish.
func (s *site) testWords(t *testing.T) {
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleStaff)
	s.visit(t, ctx, "/participants/new", "Add a person")
	shown := func(field string) string {
		return eval[string](t, ctx, `(() => { const e = document.querySelector('.field[data-field="`+field+`"] .field-error'); return e && !e.hidden ? e.textContent : ""; })()`)
	}
	wantShown := func(field, want string) {
		t.Helper()
		waitFor(t, ctx, "the error of "+field, `(() => { const e = document.querySelector('.field[data-field="`+field+`"] .field-error'); return e && !e.hidden && e.textContent !== ""; })()`)
		if got := shown(field); got != want {
			t.Errorf("the error of %s reads %q, want %q", field, got, want)
		}
		if all := mainText(ctx); strings.Contains(all, field) || strings.Contains(all, "external_ref") {
			t.Errorf("the page names a field by its API name: %q", all)
		}
	}

	// A case-management ID already followed: words, not external_ref, and
	// the label not said twice.
	fill(t, ctx, `input[name="external_ref"]`, "CM-0001")
	fill(t, ctx, `input[name="display_name"]`, "Grace Again")
	eval[bool](t, ctx, `(() => { document.querySelector('input[name="consent.scopes"][value="tracking"]').checked = true; return true; })()`)
	click(t, ctx, "button", "Add person")
	wantShown("external_ref", "Pathway already follows a participant with this case-management ID.")
	s.check(t, ctx, "words-field-error")

	// The app asks the API in its own language; the API answers in it.
	eval[bool](t, ctx, `import("/js/i18n.js").then((m) => { m.setLanguage("es"); return true; })`)
	click(t, ctx, "button", "Add person")
	wantShown("external_ref", "Pathway ya da seguimiento a una persona con este ID del sistema de casos.")
	s.check(t, ctx, "words-field-error-es")
}
