package webapp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pathway/internal/pathway"
)

// testCorrections walks the corrections of a day's work: deleting a
// mistaken move (with confirmation, only where the API allows it),
// accepting a suggestion and undoing it, dismissing one until new evidence
// comes, paging the suggestions, and the one rule for who reads notes.
func (s *site) testCorrections(t *testing.T) {
	ctx := context.Background()
	st := s.users[pathway.RoleStaff]
	staff := pathway.Actor{UserID: st.ID, Email: st.Email, Role: st.Role, RemoteAddr: "e2e"}
	today := pathway.DateOf(time.Now(), time.Local)
	circle := s.ids["Story circle"] // a program on the contributor rung

	add := func(ref, name string) int64 {
		p, err := s.srv.Participants.CreateParticipant(ctx, s.admin, pathway.NewParticipant{
			ExternalRef: ref, DisplayName: name, Rung: pathway.Observer,
			Consent: pathway.Consent{GivenOn: today.AddDays(-60), Method: pathway.ConsentVerbal, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	place := func(a pathway.Actor, id int64, rung pathway.Rung, daysAgo int, note string) {
		if err := s.srv.Participants.AddPlacement(ctx, a, id, &pathway.Placement{Rung: rung, EffectiveOn: today.AddDays(-daysAgo), Note: note}); err != nil {
			t.Fatal(err)
		}
	}
	engage := func(id int64, activity string) {
		if err := s.srv.Participants.AddEngagement(ctx, s.admin, id, &pathway.Engagement{OccurredOn: today.AddDays(-1), Activity: activity, ProgramID: &circle}); err != nil {
			t.Fatal(err)
		}
	}

	// Dana's journey: a first rung, a move an admin recorded with a note,
	// and a mistaken move staff recorded today.
	dana := add("COR-7001", "Dana Whitfield")
	place(s.admin, dana, pathway.Member, 20, "Prefers calls in the evening")
	place(staff, dana, pathway.Contributor, 0, "")
	// Enough suggestions for three pages of ten.
	people := map[string]int64{}
	for i := range 23 {
		name := fmt.Sprintf("Corrie %02d", i)
		people[name] = add(fmt.Sprintf("COR-71%02d", i), name)
		engage(people[name], "Shared their story at the circle")
	}

	ctx2 := s.tab(t)
	s.signIn(t, ctx2, pathway.RoleStaff)

	t.Run("a mistaken move is deleted after confirming, and the current rung follows", func(t *testing.T) {
		s.visit(t, ctx2, fmt.Sprintf("/participants/%d", dana), "Dana Whitfield")
		// Only the move staff recorded offers deletion, as the API allows.
		if got := eval[[]string](t, ctx2, `[...document.querySelectorAll(".timeline li")].map((li) => li.querySelector(".timeline-actions button") ? li.querySelector(".rung-tag").textContent : "-")`); strings.Join(got, ",") != "Contributor,-,-" {
			t.Errorf("moves offering deletion %q, want only the one staff recorded (Contributor,-,-)", got)
		}
		if got := eval[string](t, ctx2, `document.querySelector(".timeline li .note")?.textContent || ""`); !strings.Contains(strings.Join(eval[[]string](t, ctx2, `[...document.querySelectorAll(".timeline .note")].map((n) => n.textContent)`), " "), "Prefers calls in the evening") {
			t.Errorf("staff do not see the note on the journey (first note %q)", got)
		}
		click(t, ctx2, ".timeline-actions button", "Delete this move")
		waitFor(t, ctx2, "the confirmation", `!!document.querySelector("dialog[open]")`)
		if got := eval[string](t, ctx2, `document.activeElement.textContent`); got != "Keep the move" {
			t.Errorf("the dialog opens with focus on %q, want the safe choice", got)
		}
		if got := eval[string](t, ctx2, `document.querySelector("dialog[open]").textContent`); !strings.Contains(got, "Contributor") || !strings.Contains(got, "audit log") {
			t.Errorf("the dialog says %q; it should name the move and say the deletion is kept", got)
		}
		s.check(t, ctx2, "delete-move-dialog")
		click(t, ctx2, "dialog button", "Delete the move")
		waitFor(t, ctx2, "Dana back on member", `document.querySelector(".facts dd .rung-tag")?.textContent === "Member" && document.querySelectorAll(".timeline li").length === 2`)
		waitFor(t, ctx2, "the deleted message", `/now on Member/.test(document.getElementById("status").textContent)`)
		if n := eval[int](t, ctx2, `document.querySelectorAll(".timeline-actions button").length`); n != 0 {
			t.Errorf("%d moves still offer deletion to staff who recorded none of them", n)
		}
	})

	t.Run("accepting a suggestion asks first and can be undone", func(t *testing.T) {
		id := people["Corrie 00"]
		s.visit(t, ctx2, fmt.Sprintf("/participants/%d", id), "Corrie 00")
		waitFor(t, ctx2, "the suggestion", `!!document.querySelector(".suggestion")`)
		click(t, ctx2, ".suggestion button", "Move to Contributor")
		waitFor(t, ctx2, "the confirmation", `!!document.querySelector("dialog[open]")`)
		if got := eval[string](t, ctx2, `document.querySelector("dialog[open]").textContent`); !strings.Contains(got, "undo it for 10 minutes") {
			t.Errorf("the dialog says %q; it should say the move can be undone", got)
		}
		click(t, ctx2, "dialog button", "Not now")
		if got := eval[string](t, ctx2, `document.querySelector(".facts dd .rung-tag").textContent`); got != "Observer" {
			t.Errorf("after choosing Not now, the person is on %s", got)
		}
		click(t, ctx2, ".suggestion button", "Move to Contributor")
		click(t, ctx2, "dialog button", "Move to Contributor")
		waitFor(t, ctx2, "the move and the undo offer", `document.querySelector(".facts dd .rung-tag")?.textContent === "Contributor" && !!document.querySelector(".undo-offer button")`)
		s.check(t, ctx2, "undo-offer")
		click(t, ctx2, ".undo-offer button", "Undo")
		waitFor(t, ctx2, "the undo", `document.querySelector(".facts dd .rung-tag")?.textContent === "Observer" && !document.querySelector(".undo-offer") && !!document.querySelector(".suggestion")`)
		waitFor(t, ctx2, "the undone message", `/undone/.test(document.getElementById("status").textContent)`)
	})

	card := func(name string) string {
		return fmt.Sprintf(`document.querySelector('.suggestion[data-participant="%d"]')`, people[name])
	}
	t.Run("the suggestions page, are short on a phone, and keep their place", func(t *testing.T) {
		s.visit(t, ctx2, "/participants", "People on the pathway")
		waitFor(t, ctx2, "the link to the suggestions", `!!document.querySelector(".suggestions-link a")`)
		click(t, ctx2, ".suggestions-link a", "Suggested next steps")
		waitPage(t, ctx2, "Suggested next steps")
		first := eval[[]string](t, ctx2, `[...document.querySelectorAll(".suggestion .suggestion-what a")].map((a) => a.textContent)`)
		if len(first) != 10 {
			t.Fatalf("page 1 shows %d suggestions, want 10", len(first))
		}
		do(t, ctx2, "phone width", chromedp.EmulateViewport(375, 800), chromedp.Sleep(100*time.Millisecond))
		if h := eval[int](t, ctx2, `document.documentElement.scrollHeight`); h > 6000 {
			t.Errorf("a page of suggestions is %d px long at 375 px", h)
		} else {
			t.Logf("a page of ten suggestions is %d px long at 375 px", h)
		}
		s.check(t, ctx2, "suggestions-phone")
		s.check(t, ctx2, "suggestions")
		click(t, ctx2, ".pager a", "Next page")
		waitFor(t, ctx2, "page 2", `document.querySelector(".pager-where")?.textContent === "Page 2" && !document.querySelector("main[aria-busy]")`)
		second := eval[[]string](t, ctx2, `[...document.querySelectorAll(".suggestion .suggestion-what a")].map((a) => a.textContent)`)
		for _, n := range second {
			for _, m := range first {
				if n == m {
					t.Errorf("%s is on pages 1 and 2", n)
				}
			}
		}
		// Earlier tests may have left suggestions too: walk to the last page.
		last := 2
		for eval[bool](t, ctx2, `[...document.querySelectorAll(".pager a")].some((a) => a.textContent === "Next page")`) {
			last++
			click(t, ctx2, ".pager a", "Next page")
			waitFor(t, ctx2, fmt.Sprintf("page %d", last), fmt.Sprintf(`document.querySelector(".pager-where")?.textContent === "Page %d" && !document.querySelector("main[aria-busy]")`, last))
		}
		if last < 3 {
			t.Errorf("23 suggestions and more fill %d pages of ten, want at least 3", last)
		}
		for n := last - 1; n >= 1; n-- {
			click(t, ctx2, ".pager a", "Previous page")
			waitFor(t, ctx2, fmt.Sprintf("back on page %d", n), fmt.Sprintf(`document.querySelector(".pager-where")?.textContent === "Page %d" && !document.querySelector("main[aria-busy]")`, n))
		}
		if got := eval[[]string](t, ctx2, `[...document.querySelectorAll(".suggestion .suggestion-what a")].map((a) => a.textContent)`); strings.Join(got, ",") != strings.Join(first, ",") {
			t.Errorf("page 1 again shows %q, want %q", got, first)
		}
	})

	// onPageWith walks the pages of suggestions until name's card is on
	// one, and reports whether it was found.
	onPageWith := func(t *testing.T, name string) bool {
		s.visit(t, ctx2, "/suggestions", "Suggested next steps")
		for n := 2; ; n++ {
			if eval[bool](t, ctx2, "!!"+card(name)) {
				return true
			}
			if !eval[bool](t, ctx2, `[...document.querySelectorAll(".pager a")].some((a) => a.textContent === "Next page")`) {
				return false
			}
			click(t, ctx2, ".pager a", "Next page")
			waitFor(t, ctx2, fmt.Sprintf("page %d", n), fmt.Sprintf(`document.querySelector(".pager-where")?.textContent === "Page %d" && !document.querySelector("main[aria-busy]")`, n))
		}
	}
	t.Run("a dismissed suggestion is gone until new evidence is recorded", func(t *testing.T) {
		if !onPageWith(t, "Corrie 01") {
			t.Fatal("Corrie 01's suggestion is on no page")
		}
		do(t, ctx2, "dismiss Corrie 01", chromedp.Click(chromedp.JSPath(card("Corrie 01")+`.querySelector(".suggestion-actions .button-secondary")`)))
		waitFor(t, ctx2, "the dismiss dialog", `!!document.querySelector("dialog[open] textarea")`)
		fill(t, ctx2, "dialog[open] textarea", "Talked it over; not the right time.")
		s.check(t, ctx2, "dismiss-dialog")
		click(t, ctx2, "dialog button", "Dismiss the suggestion")
		waitFor(t, ctx2, "the card gone", "!"+card("Corrie 01"))
		waitFor(t, ctx2, "the dismissed message", `/was dismissed/.test(document.getElementById("status").textContent)`)
		if onPageWith(t, "Corrie 01") {
			t.Fatal("a dismissed suggestion is back after a reload")
		}
		engage(people["Corrie 01"], "Co-led the story circle")
		if !onPageWith(t, "Corrie 01") {
			t.Fatal("new evidence did not bring the suggestion back")
		}
		waitFor(t, ctx2, "Corrie 01 back with the new evidence", card("Corrie 01")+`?.textContent.includes("Co-led the story circle")`)
		if got := eval[string](t, ctx2, card("Corrie 01")+`.textContent`); strings.Contains(got, "Shared their story") {
			t.Errorf("the returned suggestion still rests on the dismissed evidence: %q", got)
		}
	})

	t.Run("in Spanish the journey and the suggestions show none of the English words", func(t *testing.T) {
		// Sets the language the way the app's switch does and draws the page again.
		speak := func(lang, path string) {
			eval[chromedp.Void](t, ctx2, fmt.Sprintf(`import("/js/i18n.js").then((m) => { m.setLanguage(%s); history.pushState(null, "", %s); dispatchEvent(new PopStateEvent("popstate")); })`, js(lang), js(path)))
		}
		// Every English text of this branch's areas that is whole (no
		// placeholder) and shows as words of its own ("Program" is not
		// found inside "Programa").
		english := func() []string {
			return eval[[]string](t, ctx2, `import("/js/i18n/en.js").then((m) => {
				const text = document.querySelector("main").innerText;
				const shown = (v) => new RegExp("(^|[^\\p{L}])" + v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "($|[^\\p{L}])", "u").test(text);
				return Object.entries(m.default).filter(([k, v]) => (k.startsWith("person.") || k.startsWith("suggestions.")) && !v.includes("{") && v.length >= 4 && shown(v)).map(([k]) => k); })`)
		}
		for _, page := range []struct{ path, h1, shot string }{
			{fmt.Sprintf("/participants/%d", people["Corrie 02"]), "Corrie 02", "person-es"},
			{"/suggestions", "Próximos pasos sugeridos", "suggestions-es"},
		} {
			speak("es", page.path)
			waitPage(t, ctx2, page.h1)
			waitFor(t, ctx2, "the Spanish page drawn", `/Acciones rápidas|Página 1/.test(document.querySelector("main").innerText)`)
			if left := english(); len(left) > 0 {
				t.Errorf("%s in Spanish still shows the English of %v", page.path, left)
			}
			s.check(t, ctx2, page.shot)
		}
		speak("en", "/participants")
		waitPage(t, ctx2, "People on the pathway")
	})

	t.Run("coordinators read a journey without its notes, and are told why", func(t *testing.T) {
		c := s.tab(t)
		s.signIn(t, c, pathway.RoleCoordinator)
		s.visit(t, c, fmt.Sprintf("/participants/%d", dana), "Dana Whitfield")
		if strings.Contains(mainText(c), "Prefers calls in the evening") {
			t.Error("a coordinator sees a note")
		}
		if !strings.Contains(mainText(c), "read only by program staff and admins") {
			t.Error("the journey does not say that notes are kept for staff and admins")
		}
		if n := eval[int](t, c, `document.querySelectorAll(".timeline-actions button, .suggestion button").length`); n != 0 {
			t.Errorf("a coordinator is offered %d corrections", n)
		}
		s.check(t, c, "person-coordinator")
	})
}
