package webapp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"pathway/internal/app"
	"pathway/internal/httpapi"
	"pathway/internal/pathway"
	"pathway/internal/release"
	"pathway/internal/sqlite"
	"pathway/internal/sqlite/sqlitetest"
)

// chromium is where Debian installs the browser the tests drive.
const chromium = "/usr/bin/chromium"

// site is a running Pathway with one account per role, seeded data and a
// browser to drive it.
type site struct {
	url     string
	srv     *httpapi.Server
	users   map[pathway.Role]pathway.User
	admin   pathway.Actor
	ids     map[string]int64 // seeded records by name
	browser context.Context
	axe     string // axe-core's source; empty when it is not installed

	// shots is where screenshots go, when PATHWAY_E2E_SCREENSHOTS names a folder.
	shots     string
	keepShots bool

	mu       sync.Mutex
	problems []string // uncaught exceptions and CSP violations seen by any tab
}

func TestWebApp(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("end-to-end tests need Debian's chromium: apt-get install chromium")
	}
	s := start(t)
	t.Run("each role sees only what it may", s.testRoles)
	t.Run("staff add a person, log an engagement, move a rung and erase them", s.testStaff)
	t.Run("a coordinator fills a seat", s.testCoordinator)
	t.Run("leadership reads trends from releases, with margins and fewer-than-k cells drawn as such", s.testLeadership)
	t.Run("staff correct a person's dates in a program and change their programs", s.testEnrolments)
	t.Run("an admin manages accounts, tokens and reads the audit log", s.testAdmin)
	t.Run("staff check a CSV export, read its problems by row and import it", s.testImport)
	t.Run("a coordinator ends a term, fills the seat from the next day, reads any day's roster and records a talk", s.testBodies)
	t.Run("everyone changes their own password, admins reset one, tokens expire, a record's audit opens from it", s.testAccounts)
	t.Run("a participant follows their personal link, checks in and withdraws, in Spanish and English", s.testSelf)
	t.Run("staff find people by any spelling, sort them, and log a supper of 30 in a few taps", s.testPeople)
	t.Run("a form shows the API's words by its fields, in the app's language", s.testWords)
	t.Run("shell: nothing typed is lost, sign-out forgets, every page in both languages fits a phone", s.testShell)
	t.Run("staff correct a journey: delete a move, undo an acceptance, dismiss and page suggestions", s.testCorrections)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.problems {
		t.Errorf("browser: %s", p)
	}
}

// start runs the server the way cmd/pathway does, over a fresh SQLite file,
// seeds it, and starts chromium.
func start(t *testing.T) *site {
	t.Helper()
	db := sqlitetest.MustOpenIn(t, time.Local) // the browser's "today" is local time too
	s := &site{
		srv:   app.NewServer(db, slog.New(slog.DiscardHandler), app.DefaultConfig),
		ids:   map[string]int64{},
		shots: os.Getenv("PATHWAY_E2E_SCREENSHOTS"),
	}
	hs := httptest.NewServer(s.srv.Handler())
	t.Cleanup(hs.Close)
	s.url = hs.URL
	s.seed(t, db)
	s.axe = loadAxe(t)
	if s.keepShots = s.shots != ""; s.keepShots {
		if err := os.MkdirAll(s.shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancel)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	s.browser = browser
	return s
}

// loadAxe reads axe-core from PATHWAY_AXE_JS or .ci/e2e/node_modules.
func loadAxe(t *testing.T) string {
	path, required := os.LookupEnv("PATHWAY_AXE_JS")
	if path == "" {
		_, file, _, _ := runtime.Caller(0)
		path = filepath.Join(filepath.Dir(file), "..", "..", ".ci", "e2e", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil && required {
		t.Fatalf("PATHWAY_AXE_JS names axe-core, but it cannot be read: %v", err)
	}
	if err != nil {
		t.Logf("accessibility checks skipped: axe-core is not installed (%v); run npm ci --prefix .ci/e2e or set PATHWAY_AXE_JS", err)
		return ""
	}
	return string(b)
}

// seed creates the accounts and an organisation small enough that some
// release counts read "fewer than k": 14 people on observer and 3 on
// follower, followed for 200 days. The release schedule then publishes
// every month and quarter of those days that is due, as it does in
// production.
func (s *site) seed(t *testing.T, db *sqlite.DB) {
	ctx := context.Background()
	s.users = sqlitetest.Accounts(t, s.srv.Users)
	a := s.users[pathway.RoleAdmin]
	s.admin = pathway.Actor{UserID: a.ID, Email: a.Email, Role: a.Role, RemoteAddr: "e2e"}

	program := func(name, desc string, rung pathway.Rung, st ...pathway.Strategy) int64 {
		p := &pathway.Program{Name: name, Description: desc, Rung: rung, Strategies: append([]pathway.Strategy{}, st...)}
		if err := s.srv.Programs.CreateProgram(ctx, s.admin, p); err != nil {
			t.Fatal(err)
		}
		s.ids[name] = p.ID
		return p.ID
	}
	meals := program("Community meals", "Shared meals twice a week.", pathway.Observer, pathway.Networking)
	program("Tenant organizing", "Neighbours organizing for safe, fair housing.", pathway.Member, pathway.Organizing, pathway.Advocacy)
	program("Story circle", "Shaping how programs are designed, from lived experience.", pathway.Contributor, pathway.Education)

	since := pathway.DateOf(time.Now(), time.Local).AddDays(-200)
	person := func(ref, name string, rung pathway.Rung) {
		p, err := s.srv.Participants.CreateParticipant(ctx, s.admin, pathway.NewParticipant{
			ExternalRef: ref, DisplayName: name, ProgramIDs: []int64{meals}, Rung: rung,
			Consent: pathway.Consent{GivenOn: since, Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking, pathway.ScopePublicStory}},
		})
		if err != nil {
			t.Fatal(err)
		}
		s.ids[name] = p.ID
	}
	observers := []string{"Grace Okafor", "Amara Diallo", "Luis Ortega", "Mei Chen", "Samir Haddad", "Joy Mensah", "Tomas Novak",
		"Ines Duarte", "Kofi Boateng", "Lena Fischer", "Ravi Patel", "Nadia Karim", "Owen Price", "Hana Sato"}
	for i, n := range observers {
		person(fmt.Sprintf("CM-%04d", i+1), n, pathway.Observer)
	}
	for i, n := range []string{"Yusuf Demir", "Clara Rossi", "Abel Tesfaye"} {
		person(fmt.Sprintf("CM-%04d", 100+i), n, pathway.Follower)
	}
	seats, term := 9, 24
	b := &pathway.Body{Name: "Community advisory board", Kind: pathway.AdvisoryBoard, Seats: &seats, TermMonths: &term, Rung: pathway.Leader,
		Description: "People with lived experience advising the board of directors."}
	if err := s.srv.Bodies.CreateBody(ctx, s.admin, b); err != nil {
		t.Fatal(err)
	}
	s.ids[b.Name] = b.ID

	sched := &release.Schedule{Service: app.NewReleases(db, app.DefaultConfig)}
	if got := sched.RunOnce(ctx); len(got) < 2 {
		t.Fatalf("the schedule published %q; the dashboard needs a few releases to draw a trend", got)
	}
}

// cspWatch records Content-Security-Policy violations, so that inline
// styles or scripts that the policy blocks fail the test.
const cspWatch = `window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));`

// tab opens a tab in a browser context of its own (its own cookies).
func (s *site) tab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatal(err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError && !strings.Contains(m.Text, "Failed to load resource") {
				s.mu.Lock()
				s.problems = append(s.problems, fmt.Sprintf("%s: %s (%s:%d)", t.Name(), m.Text, m.URL, m.Line+1))
				s.mu.Unlock()
			}
		}
	}()
	return ctx
}

// do runs browser actions, failing the test with what was being done.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatalf("%s: %v\npage: %s", what, err, mainText(ctx))
	}
}

// eval evaluates a JavaScript expression into T.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// mainText is what the page's main area says, for failure messages.
func mainText(ctx context.Context) string {
	tctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(document.getElementById("status")?.innerText || "") + " | " + (document.querySelector("main")?.innerText || "")`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	if len(v) > 1500 {
		v = v[:1500] + "…"
	}
	return v
}

// waitFor waits until a JavaScript condition holds.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil && (strings.Contains(err.Error(), "navigated or closed") || strings.Contains(err.Error(), "Cannot find context")) && tctx.Err() == nil {
			continue // the page loaded afresh (signing out does): wait on the new one
		}
		if err != nil {
			t.Fatalf("waiting for %s: %v\npage: %s", what, err, mainText(ctx))
		}
		return
	}
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitPage waits for a page whose heading is h1 to be drawn.
func waitPage(t *testing.T, ctx context.Context, h1 string) {
	t.Helper()
	waitFor(t, ctx, "the page "+h1, fmt.Sprintf(`document.querySelector("main h1")?.textContent === %s && !document.querySelector("main[aria-busy]")`, js(h1)))
}

// visit loads an address of the app afresh.
func (s *site) visit(t *testing.T, ctx context.Context, path, h1 string) {
	t.Helper()
	do(t, ctx, "open "+path, chromedp.Navigate(s.url+path))
	waitPage(t, ctx, h1)
}

// byText selects the first visible element matching css whose text is text.
func byText(css, text string) chromedp.JSPath {
	return chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll(%s)].filter((e) => e.textContent.trim() === %s && e.getClientRects().length)`, js(css), js(text)))
}

// click clicks the first visible element matching css whose text is text.
func click(t *testing.T, ctx context.Context, css, text string) {
	t.Helper()
	do(t, ctx, fmt.Sprintf("click %s %q", css, text), chromedp.Click(byText(css, text)))
}

// fill puts text into the input matching css, as typing would, firing
// its input event. (Key by key typing is slow; search typing uses it.)
func fill(t *testing.T, ctx context.Context, css, text string) {
	t.Helper()
	do(t, ctx, "focus "+css, chromedp.Focus(chromedp.CSS(css)))
	eval[chromedp.Void](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%s); e.value = %s; e.dispatchEvent(new Event("input", { bubbles: true })); })()`, js(css), js(text)))
}

// typeKeys types into the input matching css key by key.
func typeKeys(t *testing.T, ctx context.Context, css, text string) {
	t.Helper()
	do(t, ctx, "type into "+css, chromedp.Click(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), text))
}

// signIn signs in through the form as the role's account.
func (s *site) signIn(t *testing.T, ctx context.Context, role pathway.Role) {
	t.Helper()
	// The account keeps the language an earlier test chose; this signs in
	// in English, as the tests that use it read.
	s.speakEnglishTo(t, s.users[role])
	s.visit(t, ctx, "/", "Sign in to Pathway")
	fill(t, ctx, `input[name="email"]`, s.users[role].Email)
	fill(t, ctx, `input[name="password"]`, sqlitetest.Password)
	click(t, ctx, "button", "Sign in")
	waitFor(t, ctx, "signed in", `!document.getElementById("nav").hidden && document.querySelector("main h1") && document.querySelector("main h1").textContent !== "Sign in to Pathway" && !document.querySelector("main[aria-busy]")`)
}

// speakEnglishTo sets account u's language to English.
func (s *site) speakEnglishTo(t *testing.T, u pathway.User) { s.speak(t, u, pathway.English) }

// speak sets account u's language, as its own choice on "Your account"
// would.
func (s *site) speak(t *testing.T, u pathway.User, lang pathway.Language) {
	t.Helper()
	a := pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role, RemoteAddr: "e2e"}
	if _, err := s.srv.Users.ChangeOwnAccount(context.Background(), a, pathway.AccountChange{Language: &lang}); err != nil {
		t.Fatalf("set %s's language to %s: %v", u.Email, lang, err)
	}
}

// navLinks lists the main menu.
func navLinks(t *testing.T, ctx context.Context) []string {
	return eval[[]string](t, ctx, `[...document.querySelectorAll("#nav a")].map((a) => a.textContent.trim())`)
}

// violation is one axe-core finding.
type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// check runs axe-core on the page (failing on serious or critical
// findings), reports CSP violations and takes screenshots at phone and
// desktop widths.
func (s *site) check(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if csp := eval[[]string](t, ctx, `window.__csp || []`); len(csp) > 0 {
		t.Errorf("%s: Content-Security-Policy blocked: %s", name, strings.Join(csp, "; "))
	}
	if s.axe != "" {
		if !eval[bool](t, ctx, `typeof window.axe !== "undefined"`) {
			eval[chromedp.Void](t, ctx, s.axe)
		}
		vs := eval[[]violation](t, ctx, `axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }).then((r) => r.violations
			.filter((v) => v.impact === "serious" || v.impact === "critical")
			.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 6).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " ")) })))`)
		for _, v := range vs {
			t.Errorf("%s: accessibility (%s) %s: %s\n  %s", name, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
		}
	}
	for _, w := range []int64{375, 1280} {
		do(t, ctx, "resize", chromedp.EmulateViewport(w, 800), chromedp.Sleep(100*time.Millisecond))
		if w == 375 {
			if over := eval[string](t, ctx, `document.documentElement.scrollWidth <= innerWidth ? "" : document.documentElement.scrollWidth + " px wide; " +
				[...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 3).map((e) => e.tagName + "." + e.getAttribute("class")).join(", ")`); over != "" {
				t.Errorf("%s: at 375 px the page scrolls sideways: %s", name, over)
			}
		}
		if !s.keepShots {
			continue
		}
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(s.shots, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *site) testRoles(t *testing.T) {
	want := map[pathway.Role][]string{
		pathway.RoleAdmin:       {"People", "Log an event", "Import", "Ladder", "Boards and bureaus", "Dashboard", "Accounts", "API tokens", "Audit log", "Your account"},
		pathway.RoleStaff:       {"People", "Log an event", "Import", "Ladder", "Boards and bureaus", "Your account"},
		pathway.RoleCoordinator: {"People", "Ladder", "Boards and bureaus", "Your account"},
		pathway.RoleLeadership:  {"Ladder", "Dashboard", "Your account"},
	}
	home := map[pathway.Role]string{
		pathway.RoleAdmin: "People on the pathway", pathway.RoleStaff: "People on the pathway",
		pathway.RoleCoordinator: "Boards and bureaus", pathway.RoleLeadership: "How client voice is growing",
	}

	first := s.tab(t)
	ctx := first
	s.visit(t, ctx, "/", "Sign in to Pathway")
	s.check(t, ctx, "signin")
	do(t, ctx, "press Tab", chromedp.KeyEvent(kb.Tab))
	if got := eval[string](t, ctx, `document.activeElement.textContent`); got != "Skip to main content" {
		t.Errorf("the first Tab reaches %q, want the skip link", got)
	}
	fill(t, ctx, `input[name="email"]`, s.users[pathway.RoleStaff].Email)
	fill(t, ctx, `input[name="password"]`, "not the password at all")
	click(t, ctx, "button", "Sign in")
	waitFor(t, ctx, "a sign-in error", `!document.querySelector(".form-error").hidden && /do not match/.test(document.querySelector(".form-error").textContent)`)
	if got := eval[string](t, ctx, `document.querySelector('input[name="email"]').value`); got != s.users[pathway.RoleStaff].Email {
		t.Errorf("after a failed sign-in the email field holds %q, want what was typed", got)
	}

	for _, role := range pathway.Roles {
		ctx := first
		if role != pathway.RoleStaff {
			ctx = s.tab(t)
		}
		s.signIn(t, ctx, role)
		waitPage(t, ctx, home[role])
		if got := navLinks(t, ctx); !slices.Equal(got, want[role]) {
			t.Errorf("%s sees the menu %q, want %q", role, got, want[role])
		}
		if role == pathway.RoleLeadership || role == pathway.RoleCoordinator {
			// Pages outside the role say so, whatever the address typed.
			path, h1 := "/admin/users", "This page is not part of your role"
			if role == pathway.RoleLeadership {
				path = "/participants/" + fmt.Sprint(s.ids["Grace Okafor"])
			}
			s.visit(t, ctx, path, h1)
			if strings.Contains(mainText(ctx), "Grace") {
				t.Errorf("%s sees a participant's name on %s", role, path)
			}
		}
		if role == pathway.RoleCoordinator {
			s.visit(t, ctx, "/participants", "People on the pathway")
			if eval[bool](t, ctx, `!!document.querySelector('a[href="/participants/new"]')`) {
				t.Error("a coordinator is offered to add a person")
			}
		}
		if role == pathway.RoleStaff {
			click(t, ctx, "button", "Sign out")
			waitPage(t, ctx, "Sign in to Pathway")
			waitFor(t, ctx, "the signed-out message", `/signed out/.test(document.getElementById("status").textContent)`)
			s.visit(t, ctx, "/participants", "Sign in to Pathway")
		}
	}
}

func (s *site) testStaff(t *testing.T) {
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleStaff)
	waitPage(t, ctx, "People on the pathway")
	waitFor(t, ctx, "everyone listed", `document.querySelectorAll(".people li").length === 17`)
	typeKeys(t, ctx, `input[name="q"]`, "okafor")
	waitFor(t, ctx, "the search to find Grace", `document.querySelectorAll(".people li").length === 1 && document.querySelector(".people li").textContent.includes("Grace Okafor")`)
	s.check(t, ctx, "people")

	click(t, ctx, "a", "Add a person")
	waitPage(t, ctx, "Add a person")
	// A submit with missing fields shows the API's errors by the fields and keeps what was typed.
	fill(t, ctx, `input[name="display_name"]`, "Rosa Delgado")
	click(t, ctx, "button", "Add person")
	waitFor(t, ctx, "the field error for external_ref", `(() => { const f = document.querySelector('.field[data-field="external_ref"]'); return f && f.classList.contains("has-error") && !f.querySelector(".field-error").hidden && f.querySelector("input").getAttribute("aria-invalid") === "true"; })()`)
	if got := eval[string](t, ctx, `document.querySelector('input[name="display_name"]').value`); got != "Rosa Delgado" {
		t.Errorf("after a failed submit the name field holds %q, want what was typed", got)
	}
	if eval[bool](t, ctx, `document.querySelector('form button[type="submit"]').disabled`) {
		t.Error("the submit button stays disabled after the request failed")
	}
	s.check(t, ctx, "add-person")
	fill(t, ctx, `input[name="external_ref"]`, "CM-9001")
	do(t, ctx, "tick their consent to be followed", chromedp.Click(chromedp.CSS(`input[name="consent.scopes"][value="tracking"]`)))
	do(t, ctx, "tick Tenant organizing", chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('input[name="program_ids"]')].filter((i) => i.labels[0].textContent.trim() === "Tenant organizing")`)))
	click(t, ctx, "button", "Add person")
	waitPage(t, ctx, "Rosa Delgado")
	waitFor(t, ctx, "the added message", `/was added/.test(document.getElementById("status").textContent)`)
	id := eval[int64](t, ctx, `Number(location.pathname.split("/").pop())`)

	// Log an engagement in a program on the member rung.
	click(t, ctx, "summary", "Log an engagement")
	fill(t, ctx, `details[open] input[name="activity"]`, "Tenant meeting")
	do(t, ctx, "choose the program", chromedp.SetValue(chromedp.CSS(`details[open] select[name="program_id"]`), fmt.Sprint(s.ids["Tenant organizing"])))
	click(t, ctx, "button", "Log engagement")
	waitFor(t, ctx, "the engagement listed", `document.querySelector("#h-engagements").parentElement.textContent.includes("Tenant meeting")`)

	// The engagement suggests the member rung; accept it, confirming.
	waitFor(t, ctx, "a suggestion", `!!document.querySelector(".suggestion")`)
	click(t, ctx, ".suggestion button", "Move to Member")
	click(t, ctx, "dialog button", "Move to Member")
	waitFor(t, ctx, "the person on member", `document.querySelector(".facts dd .rung-tag")?.textContent === "Member"`)
	if got := eval[string](t, ctx, `document.querySelector(".timeline li .evidence")?.textContent || ""`); !strings.Contains(got, "Tenant meeting") {
		t.Errorf("the accepted move shows evidence %q, want the tenant meeting", got)
	}

	// Move a rung by hand.
	click(t, ctx, "summary", "Record a move on the pathway")
	do(t, ctx, "choose contributor", chromedp.Click(chromedp.CSS(`details[open] input[name="rung"][value="contributor"]`)))
	click(t, ctx, "button", "Save move")
	waitFor(t, ctx, "the move on the timeline", `(() => { const li = document.querySelector(".timeline li"); return li && li.textContent.includes("Contributor") && li.textContent.includes("From Member"); })()`)
	s.check(t, ctx, "person")

	// Withdrawing consent asks first, says the data will be erased, then erases.
	click(t, ctx, ".withdraw button", "Withdraw consent and erase")
	waitFor(t, ctx, "the confirmation dialog", `!!document.querySelector("dialog[open]")`)
	if got := eval[string](t, ctx, `document.querySelector("dialog[open]").textContent`); !strings.Contains(got, "erases") || !strings.Contains(got, "cannot be undone") {
		t.Errorf("the dialog says %q; it should say plainly that the data will be erased", got)
	}
	if got := eval[string](t, ctx, `document.activeElement.textContent`); got != "Keep the record" {
		t.Errorf("the dialog opens with focus on %q, want the safe choice", got)
	}
	s.check(t, ctx, "erase-dialog")
	click(t, ctx, "dialog button", "Withdraw consent and erase")
	waitPage(t, ctx, "People on the pathway")
	waitFor(t, ctx, "the erased message", `/record erased/.test(document.getElementById("status").textContent)`)
	if _, err := s.srv.Participants.FindParticipant(context.Background(), s.admin, id); pathway.ErrorCode(err) != pathway.ENOTFOUND {
		t.Errorf("after erasure, finding the person gives %v, want not found", err)
	}
}

func (s *site) testEnrolments(t *testing.T) {
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleStaff)
	waitPage(t, ctx, "People on the pathway")
	id := s.ids["Luis Ortega"] // in Community meals since consent, 200 days ago
	s.visit(t, ctx, fmt.Sprintf("/participants/%d", id), "Luis Ortega")
	panel := `document.querySelector("#h-programs").parentElement`
	waitFor(t, ctx, "the program with its start", panel+`.textContent.includes("Community meals since")`)

	// A last day before the first is refused beside the field, and nothing changes.
	since := pathway.DateOf(time.Now(), time.Local).AddDays(-200)
	click(t, ctx, "summary", "Correct the dates for Community meals, since "+eval[string](t, ctx, `document.querySelector(".enrolment .muted").textContent.replace(/^since /, "")`))
	fill(t, ctx, `details[open] input[name="left_on"]`, since.AddDays(-1).String())
	click(t, ctx, "details[open] button", "Save dates")
	waitFor(t, ctx, "the field error for the last day", `(() => { const f = document.querySelector('details[open] .field[data-field="left_on"]'); return f && f.classList.contains("has-error") && !f.querySelector(".field-error").hidden; })()`)
	s.check(t, ctx, "person-programs-error")

	// A right last day moves the time in the program to "Earlier".
	fill(t, ctx, `details[open] input[name="left_on"]`, since.AddDays(100).String())
	click(t, ctx, "details[open] button", "Save dates")
	waitFor(t, ctx, "the time in the program listed as earlier", panel+`.querySelector("h3")?.textContent === "Earlier" && `+panel+`.textContent.includes("–")`)
	waitFor(t, ctx, "the saved message", `/Dates saved/.test(document.getElementById("status").textContent)`)

	// Ticking a program starts a new time in it today.
	click(t, ctx, "summary", "Change programs")
	do(t, ctx, "tick Story circle", chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('details[open] input[name="program_ids"]')].filter((i) => i.labels[0].textContent.trim() === "Story circle")`)))
	click(t, ctx, "details[open] button", "Save programs")
	waitFor(t, ctx, "Story circle since today", panel+`.querySelector("ul").textContent.includes("Story circle since")`)
	s.check(t, ctx, "person-programs")

	p, err := s.srv.Participants.FindParticipant(context.Background(), s.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Enrolments) != 2 || p.Enrolments[0].LeftOn == nil || p.Enrolments[1].LeftOn != nil {
		t.Errorf("enrolments after the page's changes: %+v, want one ended and one open", p.Enrolments)
	}
}

func (s *site) testImport(t *testing.T) {
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleStaff)
	waitPage(t, ctx, "People on the pathway")
	click(t, ctx, "nav a", "Import")
	waitPage(t, ctx, "Import")
	given := pathway.DateOf(time.Now(), time.Local).AddDays(-20).String()
	file := filepath.Join(t.TempDir(), "export.csv")
	csv := "Client ID,display_name,consent_given_on,consent_method,consent_scopes\n" +
		"CM-9001,Imported Ines," + given + ",written,tracking\n" +
		"CM-9002,Imported Omar,2999-01-01,written,tracking\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "choose the file", chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file}))
	fill(t, ctx, `input[name="map"]`, "external_ref:Client ID")
	click(t, ctx, "button", "Check the file")
	waitFor(t, ctx, "the dry run's summary", `document.querySelector(".import-result h2")?.textContent === "What the import would do"`)
	waitFor(t, ctx, "row 3 named with its problem", `[...document.querySelectorAll(".import-result tbody tr")].some((r) => r.cells[0].textContent === "3" && r.cells[1].textContent === "consent_given_on")`)
	if !eval[bool](t, ctx, `[...document.querySelectorAll("button")].find((b) => b.textContent === "Import these rows").disabled`) {
		t.Error("an aborting import with a bad row may still be confirmed")
	}
	s.check(t, ctx, "import-dry-run")
	do(t, ctx, "tick skip", chromedp.Click(chromedp.CSS(`input[name="skip"]`)))
	click(t, ctx, "button", "Check the file")
	waitFor(t, ctx, "a dry run that may go ahead", `[...document.querySelectorAll("button")].some((b) => b.textContent === "Import these rows" && !b.disabled)`)
	click(t, ctx, "button", "Import these rows")
	waitFor(t, ctx, "the import's end", `document.querySelector(".import-result h2")?.textContent === "Import finished" && document.querySelector(".import-result p").textContent.includes("1 added")`)
	s.check(t, ctx, "import-done")
	ps, _, err := s.srv.Participants.ListParticipants(context.Background(), s.admin, pathway.ParticipantFilter{ExternalRef: "cm-9001", Limit: 5})
	if err != nil || len(ps) != 1 || ps[0].DisplayName != "Imported Ines" {
		t.Errorf("after the import: %+v, %v", ps, err)
	}
}

func (s *site) testCoordinator(t *testing.T) {
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleCoordinator)
	waitPage(t, ctx, "Boards and bureaus")
	s.check(t, ctx, "bodies")
	click(t, ctx, "a", "Community advisory board")
	waitPage(t, ctx, "Community advisory board")
	fill(t, ctx, `input[name="find"]`, "okafor")
	waitFor(t, ctx, "Grace found", `(() => { const r = document.querySelector('input[name="participant_id"]'); return r && r.checked && r.labels[0].textContent.includes("Grace Okafor"); })()`)
	click(t, ctx, "button", "Add to seat")
	waitFor(t, ctx, "Grace on the roster", `document.querySelector(".roster")?.textContent.includes("Grace Okafor") && document.querySelector("p.seats").textContent.startsWith("1 of 9 seats filled")`)
	csv := eval[string](t, ctx, `fetch(document.querySelector('a[href$="roster.csv"]').href).then((r) => r.text())`)
	if !strings.Contains(csv, "Grace Okafor") {
		t.Errorf("the roster download says %q, want Grace on it", csv)
	}
	s.check(t, ctx, "body")
}

func (s *site) testLeadership(t *testing.T) {
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleLeadership)
	waitPage(t, ctx, "How client voice is growing")
	waitFor(t, ctx, "the charts", `document.querySelectorAll(".chart svg").length >= 8`)
	if got := eval[string](t, ctx, `document.querySelector(".published")?.textContent || ""`); !strings.Contains(got, "published on") {
		t.Errorf("the dashboard says %q; it should name the release shown and when it was published", got)
	}
	thisMonth := time.Now().Format("2006-01")
	if eval[bool](t, ctx, fmt.Sprintf(`[...document.querySelectorAll("#period option")].some((o) => o.value === %s)`, js(thisMonth))) {
		t.Errorf("the period picker offers %s, which is not over and never published", thisMonth)
	}
	trend := `document.querySelector("#h-people-on-each-rung-month-by-month").parentElement`
	if n := eval[int](t, ctx, trend+`.querySelectorAll(".chart svg rect.bar, .chart svg rect.bar-hidden").length`); n < 10 {
		t.Errorf("the month-by-month chart draws %d columns, want one per rung and month", n)
	}
	if got := eval[string](t, ctx, trend+`.querySelector(".chart svg").getAttribute("aria-label") || ""`); !strings.Contains(got, "month by month") {
		t.Errorf("the trend chart's text alternative says %q", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".chart .whisker").length`); n == 0 {
		t.Error("no chart draws an error margin")
	}
	if got := eval[string](t, ctx, `document.querySelector(".headline")?.textContent || ""`); !strings.Contains(got, "moved up") {
		t.Errorf("the headline reads %q; it should say how many moved up last quarter", got)
	}
	if !eval[bool](t, ctx, `document.querySelector("main").innerText.includes("±")`) {
		t.Error("the dashboard shows no margin next to its counts")
	}
	// With 17 people, most cells come out under k: they read "fewer than
	// 11", hatched, never as a zero.
	if n := eval[int](t, ctx, `document.querySelectorAll(".chart .bar-hidden").length`); n == 0 {
		t.Error("no count below k is drawn hatched in the charts")
	}
	if !eval[bool](t, ctx, `[...document.querySelectorAll(".chart svg")].some((svg) => svg.textContent.includes("fewer than 11"))`) {
		t.Error("no chart labels its hatched counts as fewer than 11")
	}
	if !eval[bool](t, ctx, `[...document.querySelectorAll(".cell-hidden .hidden-count")].some((e) => e.textContent === "fewer than 11")`) {
		t.Error("no table cell reads fewer than 11")
	}
	if text := eval[string](t, ctx, `document.querySelector("main").innerText`); strings.Contains(text, "Okafor") || strings.Contains(text, "CM-0") {
		t.Error("the dashboard shows a name or a case-management ID")
	}
	if got := eval[string](t, ctx, `fetch(document.querySelector("a.csv[href*='period=']").href).then((r) => r.status + " " + r.headers.get("Content-Type"))`); got != "200 text/csv; charset=utf-8" {
		t.Errorf("a CSV download answers %q", got)
	}
	if small := eval[[]string](t, ctx, `[...document.querySelectorAll("main button, main select, main summary, main a.csv")].filter((e) => e.getClientRects().length)
		.filter((e) => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; }).map((e) => e.tagName + " " + e.textContent.trim().slice(0, 40))`); len(small) > 0 {
		t.Errorf("targets smaller than 24 by 24 px: %q", small)
	}
	s.check(t, ctx, "dashboard")

	// Choosing a quarter shows it, says when it was published and moves
	// focus to its details.
	quarter := eval[string](t, ctx, `document.querySelector('#period optgroup[label="Quarters"] option')?.value || ""`)
	if quarter == "" {
		t.Fatal("the period picker lists no quarter")
	}
	do(t, ctx, "choose "+quarter, chromedp.SetValue(chromedp.CSS("#period"), quarter))
	click(t, ctx, "button", "Show")
	waitFor(t, ctx, "the quarter shown", fmt.Sprintf(`location.search === %s && /published on/.test(document.querySelector(".published")?.textContent) && document.activeElement?.id?.endsWith("-in-detail")`, js("?period="+quarter)))

	// An open period is never shown: asking for it says when it comes.
	s.visit(t, ctx, "/dashboard?period="+thisMonth, "How client voice is growing")
	if got := eval[string](t, ctx, `document.querySelector("main .notice")?.textContent || ""`); !strings.Contains(got, "never published") {
		t.Errorf("asking for this month says %q; it should say an open period is never published", got)
	}
	if eval[bool](t, ctx, `!!document.querySelector(".published")`) {
		t.Error("the dashboard claims a release for the open month")
	}

	click(t, ctx, "#nav a", "Ladder")
	waitPage(t, ctx, "The ladder of engagement")
	waitFor(t, ctx, "a rung reading fewer than 11", `[...document.querySelectorAll(".rung .hidden-count")].some((e) => e.textContent === "fewer than 11")`)
	if n := eval[int](t, ctx, `document.querySelectorAll(".rung-empty").length`); n != 2 {
		t.Errorf("%d empty rungs shown, want 2 (follower and leader have no programs)", n)
	}
	s.check(t, ctx, "ladder")
}

func (s *site) testAdmin(t *testing.T) {
	ctx := s.tab(t)
	s.signIn(t, ctx, pathway.RoleAdmin)
	click(t, ctx, "#nav a", "Accounts")
	waitPage(t, ctx, "Accounts")
	click(t, ctx, "summary", "Add an account")
	fill(t, ctx, `details[open] input[name="email"]`, "new.staff@example.org")
	fill(t, ctx, `details[open] input[name="password"]`, "short")
	click(t, ctx, "button", "Add account")
	waitFor(t, ctx, "the password error", `!document.querySelector('details[open] .field[data-field="password"] .field-error').hidden`)
	if got := eval[string](t, ctx, `document.querySelector('details[open] input[name="email"]').value`); got != "new.staff@example.org" {
		t.Errorf("after a failed submit the email field holds %q", got)
	}
	s.check(t, ctx, "users")

	click(t, ctx, "#nav a", "API tokens")
	waitPage(t, ctx, "API tokens")
	do(t, ctx, "choose the account", chromedp.SetValue(chromedp.CSS(`select[name="email"]`), s.users[pathway.RoleStaff].Email))
	fill(t, ctx, `input[name="name"]`, "Case-management sync")
	click(t, ctx, "button", "Create token")
	waitFor(t, ctx, "the new token", `document.getElementById("new-token")?.value.startsWith("pw_")`)
	if !eval[bool](t, ctx, `[...document.querySelectorAll("button")].some((b) => b.textContent === "Copy")`) {
		t.Error("the new token has no copy button")
	}
	s.check(t, ctx, "tokens")
	token := eval[string](t, ctx, `document.getElementById("new-token").value`)
	s.visit(t, ctx, "/admin/tokens", "API tokens")
	waitFor(t, ctx, "the token listed", `document.querySelector("main").textContent.includes("Case-management sync")`)
	if strings.Contains(mainText(ctx), token) {
		t.Error("the token is shown again after leaving the page")
	}

	click(t, ctx, "#nav a", "Audit log")
	waitPage(t, ctx, "Audit log")
	waitFor(t, ctx, "audit entries", `document.querySelectorAll("main tbody tr").length > 0`)
	if text := mainText(ctx); !strings.Contains(text, "person") && !strings.Contains(text, "people") {
		t.Error("the audit log shows no participant entries")
	}
	s.check(t, ctx, "audit")
	if s.keepShots {
		t.Logf("screenshots at 375 and 1280 px wide: %s", s.shots)
	}
}
