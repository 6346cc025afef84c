package webapp_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pathway/internal/pathway"
)

// phone sets the tab to a phone's width, where the participant reads.
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "phone width", chromedp.EmulateViewport(375, 800))
}

// selfPage waits for the participant's page to show heading h1.
func selfPage(t *testing.T, ctx context.Context, h1 string) {
	t.Helper()
	waitFor(t, ctx, "the participant's page "+h1, `document.querySelector("main h1")?.textContent === `+js(h1))
}

func (s *site) testSelf(t *testing.T) {
	bg := context.Background()
	since := pathway.DateOf(time.Now(), time.Local).AddDays(-120)
	p, err := s.srv.Participants.CreateParticipant(bg, s.admin, pathway.NewParticipant{
		ExternalRef: "CM-7001", DisplayName: "Rosario Benítez", Rung: pathway.Observer, ProgramIDs: []int64{s.ids["Community meals"]},
		Consent: pathway.Consent{GivenOn: since, Method: pathway.ConsentVerbal, Scopes: []pathway.ConsentScope{pathway.ScopeTracking, pathway.ScopePublicStory}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.srv.Participants.AddPlacement(bg, s.admin, p.ID, &pathway.Placement{Rung: pathway.Member, EffectiveOn: since.AddDays(60), Note: "staff note, never shown to them"}); err != nil {
		t.Fatal(err)
	}
	if err := s.srv.Participants.AddCheckin(bg, s.admin, p.ID, &pathway.CapacityCheckin{AssessedOn: since.AddDays(30), Perspective: pathway.PerspectiveStaff, SelfAdvocacy: 2, RootCauseAnalysis: 1, Leadership: 2}); err != nil {
		t.Fatal(err)
	}

	// Staff make a Spanish link and see it as a QR code.
	staff := s.tab(t)
	s.signIn(t, staff, pathway.RoleStaff)
	s.visit(t, staff, "/participants/"+strconv.FormatInt(p.ID, 10), "Rosario Benítez")
	click(t, staff, "summary", "Give them a personal link")
	do(t, staff, "choose Spanish", chromedp.SetValue(chromedp.CSS(`#link-language`), "es"))
	click(t, staff, "button", "Make a personal link")
	waitFor(t, staff, "the QR code", `document.querySelector("img.qr")?.complete && document.querySelector("img.qr").naturalWidth > 200`)
	url := eval[string](t, staff, `document.getElementById("link-url").value`)
	if !strings.Contains(url, "/p/#pwp_") {
		t.Fatalf("the link reads %q", url)
	}
	waitFor(t, staff, "the link listed", `document.querySelector(".link-item")?.textContent.includes("español") || document.querySelector(".link-item")?.textContent.includes("Spanish")`)
	s.check(t, staff, "self-staff-link")

	// The participant opens it on their phone, in Spanish.
	me := s.tab(t)
	phone(t, me)
	do(t, me, "open the link", chromedp.Navigate(url))
	selfPage(t, me, "Hola, Rosario Benítez")
	if got := eval[string](t, me, `location.href`); strings.Contains(got, "pwp_") {
		t.Errorf("the token stays in the address bar and the history: %s", got)
	}
	if lang := eval[string](t, me, `document.documentElement.lang`); lang != "es" {
		t.Errorf("the page is in %q, want the link's language es", lang)
	}
	text := eval[string](t, me, `document.body.innerText`)
	for _, want := range []string{"Mi camino", "Participando como voz de la comunidad", "Conociendo la organización", "De palabra", "Compartir mi historia en público"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Spanish page does not say %q", want)
		}
	}
	for _, never := range []string{"staff note", "CM-7001", "Member", "score"} {
		if strings.Contains(text, never) {
			t.Errorf("the participant's page shows %q", never)
		}
	}
	s.check(t, me, "self-es")

	// The switch changes the language.
	phone(t, me)
	click(t, me, "#languages button", "English")
	selfPage(t, me, "Hello, Rosario Benítez")
	s.check(t, me, "self-en")
	do(t, me, "reload", chromedp.Reload())
	selfPage(t, me, "Hola, Rosario Benítez") // the same tab finds its link again, in the link's language
	click(t, me, "#languages button", "English")
	selfPage(t, me, "Hello, Rosario Benítez")

	// Their own check-in: a missing answer is said plainly, then it saves.
	phone(t, me)
	click(t, me, "button", "Save my check-in")
	waitFor(t, me, "the missing answers", `!document.querySelector("#h-checkin").parentElement.querySelector(".form-error").hidden`)
	for _, cap := range []string{"self_advocacy", "root_cause_analysis", "leadership"} {
		do(t, me, "answer "+cap, chromedp.Click(chromedp.CSS(`#`+cap+`-3`)))
	}
	click(t, me, "button", "Save my check-in")
	waitFor(t, me, "the thanks", `document.getElementById("checkin-saved")?.textContent.includes("Thank you")`)
	s.check(t, me, "self-checkin-en")

	// Staff see it beside theirs, marked as the participant's own.
	s.visit(t, staff, "/participants/"+strconv.FormatInt(p.ID, 10), "Rosario Benítez")
	waitFor(t, staff, "the two views", `document.querySelectorAll(".checkin-compare .checkin-list").length === 2`)
	own := eval[string](t, staff, `document.querySelectorAll(".checkin-compare .checkin-column")[0].textContent`)
	if !strings.Contains(own, "Recorded by them, through their personal link") {
		t.Errorf("the participant's own column reads %q, want it marked as theirs", own)
	}
	theirs := eval[string](t, staff, `document.querySelectorAll(".checkin-compare .checkin-column")[1].textContent`)
	if !strings.Contains(theirs, s.users[pathway.RoleAdmin].Email) {
		t.Errorf("the staff column reads %q, want who recorded it", theirs)
	}
	s.check(t, staff, "self-staff-compare")

	// Withdrawal, in Spanish: the explanation, an explicit confirmation, then the erasure.
	phone(t, me)
	click(t, me, "#languages button", "Español")
	selfPage(t, me, "Hola, Rosario Benítez")
	click(t, me, "button", "Quiero retirar mi consentimiento")
	waitFor(t, me, "the confirmation step", `!document.getElementById("confirm-step").hidden`)
	if got := eval[string](t, me, `document.querySelector(".withdraw").textContent`); !strings.Contains(got, "borra para siempre") || !strings.Contains(got, "No se puede deshacer") {
		t.Errorf("the explanation reads %q", got)
	}
	click(t, me, "button", "Retirar y borrar mi registro")
	waitFor(t, me, "the box must be ticked", `document.querySelector("#confirm-step .form-error")?.textContent.includes("marcar la casilla")`)
	if _, err := s.srv.Participants.FindParticipant(bg, s.admin, p.ID); err != nil {
		t.Fatalf("an unconfirmed withdrawal erased: %v", err)
	}
	s.check(t, me, "self-withdraw-es")
	phone(t, me)
	do(t, me, "tick the box", chromedp.Click(chromedp.CSS(`#understand`)))
	click(t, me, "button", "Retirar y borrar mi registro")
	selfPage(t, me, "El registro fue borrado")
	s.check(t, me, "self-erased-es")
	if _, err := s.srv.Participants.FindParticipant(bg, s.admin, p.ID); pathway.ErrorCode(err) != pathway.ENOTFOUND {
		t.Errorf("after their withdrawal, finding them gives %v, want not found", err)
	}
	if eval[string](t, me, `sessionStorage.getItem("pathway.self") || ""`) != "" {
		t.Error("the spent link stays in the tab's storage")
	}

	// The link no longer works; with the record gone, the page speaks the
	// browser's language, and the switch still works.
	again := s.tab(t)
	phone(t, again)
	do(t, again, "open the spent link", chromedp.Navigate(url))
	selfPage(t, again, "This link no longer works")
	s.check(t, again, "self-stopped-en")
	phone(t, again)
	click(t, again, "#languages button", "Español")
	selfPage(t, again, "Este enlace ya no funciona")

	// And an English link's withdrawal reads in English at phone width.
	q, err := s.srv.Participants.CreateParticipant(bg, s.admin, pathway.NewParticipant{
		ExternalRef: "CM-7002", DisplayName: "Dana Whitfield", Rung: pathway.Follower, ProgramIDs: []int64{s.ids["Community meals"]},
		Consent: pathway.Consent{GivenOn: since, Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.visit(t, staff, "/participants/"+strconv.FormatInt(q.ID, 10), "Dana Whitfield")
	click(t, staff, "summary", "Give them a personal link")
	do(t, staff, "choose English", chromedp.SetValue(chromedp.CSS(`#link-language`), "en"))
	click(t, staff, "button", "Make a personal link")
	waitFor(t, staff, "the link", `!!document.getElementById("link-url")`)
	enURL := eval[string](t, staff, `document.getElementById("link-url").value`)
	en := s.tab(t)
	phone(t, en)
	do(t, en, "open the English link", chromedp.Navigate(enURL))
	selfPage(t, en, "Hello, Dana Whitfield")
	click(t, en, "button", "I want to withdraw my consent")
	waitFor(t, en, "the confirmation step", `!document.getElementById("confirm-step").hidden`)
	s.check(t, en, "self-withdraw-en")
	phone(t, en)
	do(t, en, "tick the box", chromedp.Click(chromedp.CSS(`#understand`)))
	click(t, en, "button", "Withdraw and erase my record")
	selfPage(t, en, "The record was erased")
	s.check(t, en, "self-erased-en")
}
