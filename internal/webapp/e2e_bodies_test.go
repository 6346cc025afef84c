package webapp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"pathway/internal/pathway"
)

// bodiesSeed is what testBodies seeds: a one-seat board, a committee with a
// member who has not agreed to share their story, and a speakers bureau
// with one past member, one new member and many past talks.
type bodiesSeed struct {
	board, committee, bureau int64
	today                    pathway.Date
}

// seedBodies creates the bodies testBodies works in, through the services.
func (s *site) seedBodies(t *testing.T) bodiesSeed {
	t.Helper()
	ctx := context.Background()
	today := pathway.DateOf(time.Now(), time.Local)
	body := func(name string, kind pathway.BodyKind, seats, months *int) int64 {
		b := &pathway.Body{Name: name, Kind: kind, Seats: seats, TermMonths: months}
		if err := s.srv.Bodies.CreateBody(ctx, s.admin, b); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	role := func(bodyID int64, person string, from int, to *int) {
		r := &pathway.BodyRole{BodyID: bodyID, ParticipantID: s.ids[person], Title: "Member", StartsOn: today.AddDays(from)}
		if to != nil {
			end := today.AddDays(*to)
			r.EndsOn = &end
		}
		if err := s.srv.Bodies.AddRole(ctx, s.admin, r); err != nil {
			t.Fatalf("role for %s: %v", person, err)
		}
	}
	one, twelve, ended := 1, 12, -11
	seed := bodiesSeed{
		board:     body("Tenant council", pathway.AdvisoryBoard, &one, &twelve),
		committee: body("Housing committee", pathway.Committee, nil, nil),
		bureau:    body("Voices bureau", pathway.SpeakersBureau, nil, nil),
		today:     today,
	}
	role(seed.board, "Luis Ortega", -30, nil)

	// Someone who agreed to be followed, not to share their story in public.
	p, err := s.srv.Participants.CreateParticipant(ctx, s.admin, pathway.NewParticipant{
		ExternalRef: "CM-PRIV-1", DisplayName: "Rosa Quiet", ProgramIDs: []int64{s.ids["Community meals"]}, Rung: pathway.Member,
		Consent: pathway.Consent{GivenOn: today.AddDays(-100), Method: pathway.ConsentVerbal, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ids["Rosa Quiet"] = p.ID
	role(seed.committee, "Rosa Quiet", -20, nil)
	role(seed.committee, "Joy Mensah", -20, nil)

	role(seed.bureau, "Amara Diallo", -60, &ended) // a member last month, not now
	role(seed.bureau, "Samir Haddad", -5, nil)     // a member now, not last month
	for i := range 25 {
		e := &pathway.SpeakingEngagement{BodyID: seed.bureau, HeldOn: today.AddDays(-59 + i), Audience: "school",
			Topic: fmt.Sprintf("Earlier talk %02d", i+1), Speakers: []pathway.Speaker{{ParticipantID: s.ids["Amara Diallo"]}}}
		if err := s.srv.Bodies.AddSpeakingEngagement(ctx, s.admin, e); err != nil {
			t.Fatal(err)
		}
	}
	return seed
}

// setDate puts a date into a date input and fires change, as picking it would.
func setDate(t *testing.T, ctx context.Context, css, iso string) {
	t.Helper()
	eval[chromedp.Void](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%s); e.value = %s; e.dispatchEvent(new Event("input", { bubbles: true })); e.dispatchEvent(new Event("change", { bubbles: true })); })()`, js(css), js(iso)))
}

// emulateMedia makes the page lay out for a CSS media type ("print"), or as
// it normally does ("").
func emulateMedia(t *testing.T, ctx context.Context, media string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
		t.Fatalf("emulate %q media: %v", media, err)
	}
}

// rosterText is what the roster panel says.
func rosterText(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `document.querySelector('[aria-labelledby="h-roster"]')?.innerText || ""`)
}

func (s *site) testBodies(t *testing.T) {
	seed := s.seedBodies(t)
	today, tomorrow := seed.today.String(), seed.today.AddDays(1).String()
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleCoordinator)

	t.Run("a term ended today is filled from tomorrow in one flow", func(t *testing.T) {
		s.visit(t, ctx, fmt.Sprintf("/bodies/%d", seed.board), "Tenant council")
		do(t, ctx, "open End this role", chromedp.Click(chromedp.CSS(`.roster details.action summary`)))
		if got := eval[string](t, ctx, `document.querySelector('.roster input[name="ends_on"]').value`); got != today {
			t.Errorf("the last day starts as %q, want today %s", got, today)
		}
		if !eval[bool](t, ctx, `document.querySelector('.roster input[name="fill"]').checked`) {
			t.Error("filling the seat from the next day is not offered")
		}
		s.check(t, ctx, "body-end-term")
		click(t, ctx, "button", "End role")
		waitFor(t, ctx, "the seat form from tomorrow", fmt.Sprintf(`document.getElementById("add-seat")?.open && document.querySelector('#add-seat input[name="starts_on"]').value === %s && document.activeElement === document.querySelector('#add-seat input[name="find"]') && /Now choose who fills the seat/.test(document.getElementById("status").textContent)`, js(tomorrow)))
		if got := rosterText(t, ctx); !strings.Contains(got, "Luis Ortega") {
			t.Errorf("today's roster no longer shows Luis, whose last day is today: %q", got)
		}
		fill(t, ctx, `#add-seat input[name="find"]`, "Mei")
		waitFor(t, ctx, "Mei found", `(() => { const r = document.querySelector('#add-seat input[name="participant_id"]'); return r && r.checked && r.labels[0].textContent.includes("Mei Chen"); })()`)
		click(t, ctx, "button", "Add to seat")
		waitFor(t, ctx, "the seat filled from tomorrow", `/The seat is filled from/.test(document.getElementById("status").textContent) && document.querySelector('[aria-labelledby="h-starting"]').innerText.includes("Mei Chen")`)
		if got := rosterText(t, ctx); !strings.Contains(got, "Luis Ortega") || strings.Contains(got, "Mei Chen") || !strings.Contains(got, "1 of 1 seats filled") {
			t.Errorf("today's roster after filling from tomorrow: %q; want Luis only, on his last day", got)
		}
		s.check(t, ctx, "body-filled-from-tomorrow")
	})

	t.Run("a member starting soon is shown on the list of bodies", func(t *testing.T) {
		s.visit(t, ctx, "/bodies", "Boards and bureaus")
		starting := eval[string](t, ctx, `document.querySelector('[aria-labelledby="h-starting"]').innerText`)
		if !strings.Contains(starting, "Mei Chen") || !strings.Contains(starting, "Tenant council") || !strings.Contains(starting, "tomorrow") {
			t.Errorf("terms starting soon: %q; want Mei Chen in Tenant council, tomorrow", starting)
		}
		ending := eval[string](t, ctx, `document.querySelector('[aria-labelledby="h-ending"]').innerText`)
		if !strings.Contains(ending, "Luis Ortega") || !strings.Contains(ending, "today") {
			t.Errorf("terms ending soon: %q; want Luis Ortega, today", ending)
		}
		s.check(t, ctx, "bodies-starting-soon")
	})

	t.Run("the roster for a past and a coming day", func(t *testing.T) {
		s.visit(t, ctx, fmt.Sprintf("/bodies/%d", seed.board), "Tenant council")
		past := seed.today.AddDays(-40).String()
		fill(t, ctx, `input[name="on"]`, past)
		click(t, ctx, "button", "Show")
		waitFor(t, ctx, "the roster 40 days ago", fmt.Sprintf(`location.search === "?on=%s" && !document.querySelector("main[aria-busy]") && /Nobody holds a role here on/.test(document.querySelector('[aria-labelledby="h-roster"]')?.innerText || "")`, past))
		fill(t, ctx, `input[name="on"]`, seed.today.AddDays(-10).String())
		click(t, ctx, "button", "Show")
		waitFor(t, ctx, "the roster 10 days ago", `/Luis Ortega/.test(document.querySelector('[aria-labelledby="h-roster"]')?.innerText || "")`)
		if got := rosterText(t, ctx); !strings.Contains(got, "Who holds a role on") || strings.Contains(got, "Mei Chen") {
			t.Errorf("the roster 10 days ago: %q", got)
		}
		s.check(t, ctx, "body-roster-past")
		fill(t, ctx, `input[name="on"]`, tomorrow)
		click(t, ctx, "button", "Show")
		waitFor(t, ctx, "tomorrow's roster", `/Mei Chen/.test(document.querySelector('[aria-labelledby="h-roster"]')?.innerText || "")`)
		if got := rosterText(t, ctx); strings.Contains(got, "Luis Ortega") {
			t.Errorf("tomorrow's roster still shows Luis, whose last day is today: %q", got)
		}
		csv := eval[string](t, ctx, `fetch(document.querySelector('a[href*="roster.csv"]').href).then((r) => r.text())`)
		if !strings.Contains(csv, "Mei Chen") || strings.Contains(csv, "Luis Ortega") {
			t.Errorf("the download of tomorrow's roster says %q; want Mei and not Luis", csv)
		}
	})

	t.Run("the roster on screen, in print and in the download follow one public-story rule", func(t *testing.T) {
		s.visit(t, ctx, fmt.Sprintf("/bodies/%d", seed.committee), "Housing committee")
		const unnamed = "Member without public-story consent"
		for _, media := range []string{"screen", "print"} {
			emulateMedia(t, ctx, media)
			text := eval[string](t, ctx, `document.body.innerText`)
			if strings.Contains(text, "Rosa Quiet") || strings.Contains(text, "CM-PRIV-1") {
				t.Errorf("the %s view names Rosa, who has not agreed to share her story", media)
			}
			if !strings.Contains(text, unnamed) || !strings.Contains(text, "Joy Mensah") {
				t.Errorf("the %s view: %q; want Joy by name and Rosa as %q", media, text, unnamed)
			}
			if media == "print" {
				if strings.Contains(text, "End this role") || strings.Contains(text, "Show the roster on") {
					t.Error("the print view shows the page's forms")
				}
				s.check(t, ctx, "body-print")
			}
		}
		emulateMedia(t, ctx, "")
		csv := eval[string](t, ctx, `fetch(document.querySelector('a[href*="roster.csv"]').href).then((r) => r.text())`)
		if strings.Contains(csv, "Rosa Quiet") || strings.Contains(csv, "CM-PRIV-1") || !strings.Contains(csv, unnamed) || !strings.Contains(csv, "Joy Mensah") {
			t.Errorf("the download says %q; want Joy by name and Rosa as %q", csv, unnamed)
		}
		s.check(t, ctx, "body-public-story")
	})

	t.Run("a talk is recorded first, with speakers who were members on its date", func(t *testing.T) {
		s.visit(t, ctx, fmt.Sprintf("/bodies/%d", seed.bureau), "Voices bureau")
		if !eval[bool](t, ctx, `(() => { const f = document.querySelector("form.talk-form"), r = document.querySelector('[aria-labelledby="h-roster"]'); return f && r && f.getBoundingClientRect().top < r.getBoundingClientRect().top && f.getBoundingClientRect().top < 900; })()`) {
			t.Error("the talk form does not come first on the bureau's page")
		}
		if got := eval[int](t, ctx, `document.querySelectorAll(".talks > li").length`); got != 3 {
			t.Errorf("the bureau's page lists %d talks, want the latest 3 and a link to the rest", got)
		}
		waitFor(t, ctx, "today's speakers", `[...document.querySelectorAll('input[name="speaker_ids"]')].map((i) => i.labels[0].textContent).join("|").includes("Samir Haddad")`)
		setDate(t, ctx, `input[name="held_on"]`, seed.today.AddDays(-20).String())
		waitFor(t, ctx, "the speakers of 20 days ago", `(() => { const names = [...document.querySelectorAll('input[name="speaker_ids"]')].map((i) => i.labels[0].textContent).join("|"); return names.includes("Amara Diallo") && !names.includes("Samir Haddad"); })()`)
		s.check(t, ctx, "bureau-talk-form")
		do(t, ctx, "tick Amara", chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('input[name="speaker_ids"]')].filter((i) => i.labels[0].textContent.includes("Amara Diallo"))`)))
		fill(t, ctx, `input[name="topic"]`, "Why rent caps matter")
		click(t, ctx, "button", "Save speaking engagement")
		waitFor(t, ctx, "the talk recorded", `/Speaking engagement recorded/.test(document.getElementById("status").textContent) && document.querySelector(".talks").innerText.includes("Why rent caps matter")`)
		click(t, ctx, "a", "All past talks")
		waitPage(t, ctx, "Past talks of Voices bureau")
		if got := eval[int](t, ctx, `document.querySelectorAll(".talks > li").length`); got != 20 {
			t.Errorf("the first page of talks lists %d, want 20", got)
		}
		s.check(t, ctx, "bureau-talks")
		click(t, ctx, "button", "Show older talks")
		waitFor(t, ctx, "every talk", `document.querySelectorAll(".talks > li").length === 26 && document.querySelector("main button").hidden`)
		if !strings.Contains(mainText(ctx), "Why rent caps matter") {
			t.Error("the talk just recorded is not among the past talks")
		}
	})

	t.Run("in Spanish the pages show none of the English words", func(t *testing.T) {
		// Sets the language the way the app's switch does and draws the page again.
		speak := func(lang, path string) {
			eval[chromedp.Void](t, ctx, fmt.Sprintf(`import("/js/i18n.js").then((m) => { m.setLanguage(%s); history.pushState(null, "", %s); dispatchEvent(new PopStateEvent("popstate")); })`, js(lang), js(path)))
		}
		// The names of bodies and the titles of roles are data, not words of
		// the app: "Community advisory board" is not the audience
		// "Community", and a title stays as it was typed.
		english := func() []string {
			return eval[[]string](t, ctx, `import("/js/i18n/en.js").then((m) => {
				const text = document.querySelector("main").innerText.replaceAll("Community advisory board", "");
				return Object.entries(m.default).filter(([k, v]) => k.startsWith("bodies.") && !k.startsWith("bodies.seat.title_") && !v.includes("{") && v.length >= 4 && text.includes(v)).map(([k]) => k); })`)
		}
		for _, page := range []struct{ path, h1 string }{
			{"/bodies", "Consejos y grupos"},
			{fmt.Sprintf("/bodies/%d", seed.bureau), "Voices bureau"},
			{fmt.Sprintf("/bodies/%d", seed.committee), "Housing committee"},
			{fmt.Sprintf("/bodies/%d/talks", seed.bureau), "Charlas anteriores de Voices bureau"},
		} {
			speak("es", page.path)
			waitPage(t, ctx, page.h1)
			waitFor(t, ctx, "the Spanish page drawn", `!/Finding who was a member/.test(document.querySelector("main").innerText)`)
			if left := english(); len(left) > 0 {
				t.Errorf("%s in Spanish still shows the English of %v", page.path, left)
			}
		}
		if !strings.Contains(mainText(ctx), "Ver charlas más antiguas") {
			t.Errorf("the talks page in Spanish: %s", mainText(ctx))
		}
		speak("es", fmt.Sprintf("/bodies/%d", seed.committee))
		waitPage(t, ctx, "Housing committee")
		if text := mainText(ctx); !strings.Contains(text, "Integrante sin consentimiento para compartir su historia") || strings.Contains(text, "Rosa Quiet") {
			t.Errorf("the Spanish roster does not follow the public-story rule: %s", text)
		}
		s.check(t, ctx, "body-public-story-es")
		speak("en", "/bodies")
		waitPage(t, ctx, "Boards and bureaus")
	})
}
