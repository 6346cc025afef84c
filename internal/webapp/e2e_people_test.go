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

// seedSupper adds a program with 30 people enrolled in it, a Lucía with an
// accent, two people with engagements on known days and one who consented
// only today, and returns the program's id.
func (s *site) seedSupper(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	prog := &pathway.Program{Name: "Saturday supper", Description: "A shared meal each Saturday.", Rung: pathway.Follower, Strategies: []pathway.Strategy{pathway.Networking}}
	if err := s.srv.Programs.CreateProgram(ctx, s.admin, prog); err != nil {
		t.Fatal(err)
	}
	today := pathway.DateOf(time.Now(), time.Local)
	add := func(ref, name string, given pathway.Date, programs ...int64) int64 {
		p, err := s.srv.Participants.CreateParticipant(ctx, s.admin, pathway.NewParticipant{
			ExternalRef: ref, DisplayName: name, ProgramIDs: programs, Rung: pathway.Observer,
			Consent: pathway.Consent{GivenOn: given, Method: pathway.ConsentVerbal, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
		})
		if err != nil {
			t.Fatal(err)
		}
		s.ids[name] = p.ID
		return p.ID
	}
	first := []string{"Ada", "Bruno", "Celia", "Dario", "Elsa", "Fermín", "Gala", "Hugo", "Irene", "Julián"}
	last := []string{"Vidal", "Soto", "Reyes"}
	for i := range 30 {
		add(fmt.Sprintf("SUP-%03d", i+1), first[i%10]+" "+last[i/10], today.AddDays(-90), prog.ID)
	}
	add("CM-7001", "Lucía Fernández", today.AddDays(-90))
	engage := func(name string, daysAgo int) {
		if err := s.srv.Participants.AddEngagement(ctx, s.admin, s.ids[name], &pathway.Engagement{OccurredOn: today.AddDays(-daysAgo), Activity: "Check-in call"}); err != nil {
			t.Fatal(err)
		}
	}
	engage("Lucía Fernández", 1)
	engage("Ada Vidal", 3)
	add("CM-7002", "Nueva Llegada", today)
	return prog.ID
}

func (s *site) testPeople(t *testing.T) {
	supper := s.seedSupper(t)
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleStaff)
	waitPage(t, ctx, "People on the pathway")

	// The new-person form starts with consent unticked and says why it matters.
	s.visit(t, ctx, "/participants/new", "Add a person")
	if eval[bool](t, ctx, `[...document.querySelectorAll('input[name="consent.scopes"]')].some((i) => i.checked)`) {
		t.Error("a consent box starts ticked")
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-field="consent.scopes"] .hint').textContent`); !strings.Contains(got, "will not save without it") {
		t.Errorf("the consent hint says %q; it should say why the box must be ticked", got)
	}

	fill(t, ctx, `input[name="external_ref"]`, "CM-7100")
	fill(t, ctx, `input[name="display_name"]`, "Sin Consentimiento")
	click(t, ctx, "button", "Add person")
	waitFor(t, ctx, "the consent error", `!document.querySelector('[data-field="consent.scopes"] .field-error').hidden`)
	if got := eval[string](t, ctx, `document.querySelector('[data-field="consent.scopes"] .field-error').textContent`); !strings.HasPrefix(got, "Consent: tick “Follow their journey in Pathway”") || strings.Contains(got, "items") {
		t.Errorf("without consent the form says %q", got)
	}
	s.check(t, ctx, "add-person-no-consent")

	// Search ignores accents: lucia finds Lucía.
	s.visit(t, ctx, "/participants", "People on the pathway")
	typeKeys(t, ctx, `input[name="q"]`, "lucia")
	waitFor(t, ctx, "lucia to find Lucía", `document.querySelectorAll(".people li").length === 1 && document.querySelector(".people li").textContent.includes("Lucía Fernández")`)
	s.check(t, ctx, "people-search")

	// People opened lately are listed by name.
	click(t, ctx, ".people a", "Lucía Fernández")
	waitPage(t, ctx, "Lucía Fernández")
	s.visit(t, ctx, "/participants", "People on the pathway")
	waitFor(t, ctx, "Lucía among the people opened recently", `[...document.querySelectorAll(".recent-people a")].some((a) => a.textContent === "Lucía Fernández")`)

	// Sorting: by last engagement the latest comes first; by name, A to Z
	// ignoring case and accents. No card shows an internal id.
	do(t, ctx, "sort by last engagement", chromedp.SetValue(chromedp.CSS(`select[name="sort"]`), "last_engaged"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[name="sort"]').dispatchEvent(new Event("change"))`))
	waitFor(t, ctx, "the latest engaged first", `(() => { const n = [...document.querySelectorAll(".people .person-name")].map((a) => a.textContent); return n[0] === "Lucía Fernández" && n[1] === "Ada Vidal"; })()`)
	if got := eval[string](t, ctx, `document.querySelector(".people li .person-engaged").textContent`); !strings.HasPrefix(got, "Last took part") {
		t.Errorf("the first card says %q about engagement", got)
	}
	s.check(t, ctx, "people-by-engagement")
	do(t, ctx, "sort by name", chromedp.SetValue(chromedp.CSS(`select[name="sort"]`), "name"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[name="sort"]').dispatchEvent(new Event("change"))`))
	waitFor(t, ctx, "names A to Z", `(() => {
		const fold = (s) => s.normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
		const n = [...document.querySelectorAll(".people .person-name")].map((a) => fold(a.textContent));
		return n.length > 10 && n.every((x, i) => i === 0 || n[i - 1] <= x);
	})()`)
	if ids := eval[int](t, ctx, `[...document.querySelectorAll(".people li")].filter((li) => /\b(id|#)\s*\d+/i.test(li.textContent)).length`); ids != 0 {
		t.Errorf("%d cards show an internal id", ids)
	}

	// Thirty people at a supper, from the program, in at most ten interactions.
	interactions := 0
	act := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		interactions++
		do(t, ctx, what, steps...)
	}
	act("open the people list", chromedp.Navigate(s.url+"/participants"))
	waitPage(t, ctx, "People on the pathway")
	act("filter by the program", chromedp.SetValue(chromedp.CSS(`select[name="program_id"]`), fmt.Sprint(supper)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[name="program_id"]').dispatchEvent(new Event("change"))`))
	waitFor(t, ctx, "the program's link", `document.querySelector(".head-actions a").textContent === "Log an event for this program"`)
	act("follow the link", chromedp.Click(byText("a", "Log an event for this program")))
	waitPage(t, ctx, "Log an event")
	waitFor(t, ctx, "the program's 30 people", `document.querySelectorAll(".pick-list input[type=checkbox]").length === 30`)
	if got := eval[string](t, ctx, `document.querySelector('select[name="program_id"]').value`); got != fmt.Sprint(supper) {
		t.Errorf("the program chosen is %q, want the supper's", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('select[name="strategy"]').value`); got != "networking" {
		t.Errorf("the strategy is %q, want the program's only one", got)
	}
	act("type the activity", chromedp.Click(chromedp.CSS(`input[name="activity"]`)), chromedp.SendKeys(chromedp.CSS(`input[name="activity"]`), "Saturday supper"))
	act("choose everyone shown", chromedp.Click(byText("button", "Choose all 30 people shown")))
	waitFor(t, ctx, "30 chosen", `document.querySelectorAll(".chosen .chip").length === 30`)
	s.check(t, ctx, "event-30")
	act("save", chromedp.Click(byText("button", "Save the event for 30 people")))
	waitPage(t, ctx, "People on the pathway")
	waitFor(t, ctx, "the saved message", `/Saturday supper was logged for 30 people/.test(document.getElementById("status").textContent)`)
	if interactions > 10 {
		t.Errorf("logging 30 attendees took %d interactions, want at most 10", interactions)
	}
	t.Logf("30 attendees from a program in %d interactions", interactions)
	es, err := s.srv.Participants.ListEngagements(context.Background(), s.admin, s.ids["Julián Reyes"])
	if err != nil || len(es) != 1 || es[0].Activity != "Saturday supper" || es[0].ProgramID == nil || *es[0].ProgramID != supper {
		t.Errorf("Julián's engagements: %+v, %v", es, err)
	}

	// Only the program's id is kept in the browser, and it is offered next time.
	if got := eval[string](t, ctx, `JSON.stringify(Object.entries(localStorage))`); got != fmt.Sprintf(`[["pathway.event.program","%d"]]`, supper) {
		t.Errorf("the browser keeps %s", got)
	}
	s.visit(t, ctx, "/events/new", "Log an event")
	if got := eval[string](t, ctx, `document.querySelector('select[name="program_id"]').value`); got != fmt.Sprint(supper) {
		t.Errorf("the program offered is %q, want the one used last", got)
	}

	// One refused attendee: nothing is saved, they are named, and can be left out.
	do(t, ctx, "choose no program", chromedp.SetValue(chromedp.CSS(`select[name="program_id"]`), ""),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('select[name="program_id"]').dispatchEvent(new Event("change"))`))
	waitFor(t, ctx, "the recent people", `[...document.querySelectorAll(".pick-list label")].some((l) => l.textContent.includes("Lucía Fernández"))`)
	do(t, ctx, "tick Lucía", chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll(".pick-list label")].filter((l) => l.textContent.includes("Lucía Fernández"))`)))
	typeKeys(t, ctx, `#attendee-q`, "nueva")
	waitFor(t, ctx, "the search result", `document.querySelectorAll(".pick-list input[type=checkbox]").length === 1`)
	do(t, ctx, "tick Nueva", chromedp.Click(chromedp.CSS(`.pick-list input[type=checkbox]`)))
	fill(t, ctx, `input[name="activity"]`, "Phone tree")
	yesterday := pathway.DateOf(time.Now(), time.Local).AddDays(-1).String()
	do(t, ctx, "date yesterday", chromedp.SetValue(chromedp.CSS(`input[name="occurred_on"]`), yesterday))
	click(t, ctx, "button", "Save the event for 2 people")
	waitFor(t, ctx, "the refusal naming Nueva", `(() => { const r = document.querySelector(".refused"); return r && !r.hidden && r.textContent.includes("Nueva Llegada") && !r.textContent.includes("Lucía"); })()`)
	if got := eval[string](t, ctx, `document.querySelector('input[name="activity"]').value`); got != "Phone tree" {
		t.Errorf("after the refusal the activity holds %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector(".form-error").textContent + document.querySelector(".attendees").textContent`); strings.Contains(got, "participant_ids") || strings.Contains(got, "occurred_on") {
		t.Errorf("the form says %q, naming a field of the API", got)
	}
	s.check(t, ctx, "event-refused")
	click(t, ctx, ".refused button", "Leave that person out")
	click(t, ctx, "button", "Save the event for 1 person")
	waitPage(t, ctx, "People on the pathway")
	waitFor(t, ctx, "the saved message", `/Phone tree was logged for 1 person/.test(document.getElementById("status").textContent)`)
	if es, _ := s.srv.Participants.ListEngagements(context.Background(), s.admin, s.ids["Nueva Llegada"]); len(es) != 0 {
		t.Errorf("the refused attendee has engagements: %+v", es)
	}
}
