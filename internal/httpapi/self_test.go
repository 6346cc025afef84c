package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skip2/go-qrcode"
	"golang.org/x/time/rate"

	"pathway/internal/httpapi"
	"pathway/internal/pathway"
	"pathway/internal/sqlite/sqlitetest"
)

// createdLink is the answer to making a personal link.
type createdLink struct {
	pathway.Invitation
	URL    string `json:"url"`
	QRCode string `json:"qr_code"`
}

// token is the link's token: what follows # in its URL.
func (l createdLink) token(tb testing.TB) string {
	tb.Helper()
	_, tok, ok := strings.Cut(l.URL, "/p/#")
	if !ok || tok == "" {
		tb.Fatalf("link %q has no token after /p/#", l.URL)
	}
	return tok
}

// makeLink makes a personal link for a participant as staff.
func (e *env) makeLink(participantID int64, body map[string]any) createdLink {
	e.t.Helper()
	var l createdLink
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/invitations", participantID), body).must(e.t, 201).decode(e.t, &l)
	return l
}

// invite makes a link in lang for a participant and returns its token.
func (e *env) invite(participantID int64, lang string) string {
	e.t.Helper()
	return e.makeLink(participantID, map[string]any{"language": lang}).token(e.t)
}

// self calls the participant's API with a link's token.
func (e *env) self(token, method, p string, body any) *response {
	e.t.Helper()
	return e.call(request{Method: method, Path: path("%s", p), Body: body, Token: token})
}

// selfAudit returns the audit entries the participant made themself.
func (e *env) selfAudit() []pathway.AuditEntry {
	e.t.Helper()
	var page struct{ Items []pathway.AuditEntry }
	e.as(pathway.RoleAdmin, "GET", path("/audit?limit=500"), nil).must(e.t, 200).decode(e.t, &page)
	var out []pathway.AuditEntry
	for _, en := range page.Items {
		if en.ByParticipant {
			out = append(out, en)
		}
	}
	return out
}

var checkin = map[string]any{"self_advocacy": 3, "root_cause_analysis": 2, "leadership": 4}

// walkSelf produces, for the contract walk, every answer the personal link
// routes document.
func walkSelf(t *testing.T, w *walker) {
	e := w.e
	staff := pathway.RoleStaff
	p := e.participant("CMS-WALK-LINK", "Lina Link")
	var l createdLink
	w.as(staff, "POST", path("/participants/%d/invitations", p.ID), map[string]any{"language": "es", "expires_in_days": 3}, 201).decode(t, &l)
	w.as(staff, "POST", path("/participants/%d/invitations", p.ID), map[string]any{"language": "fr"}, 422)
	w.as(staff, "GET", path("/participants/%d/invitations", p.ID), nil, 200)
	other := e.makeLink(p.ID, map[string]any{"language": "en"})
	w.as(staff, "DELETE", path("/participants/%d/invitations/%d", p.ID, other.ID), nil, 204)
	tok := l.token(t)
	w.do(e, request{Method: "GET", Path: "/p/"}, 200)
	w.do(e, request{Method: "GET", Path: path("/self"), Token: tok}, 200)
	w.do(e, request{Method: "GET", Path: path("/self"), Token: other.token(t)}, 401)
	w.do(e, request{Method: "POST", Path: path("/self/capacity-checkins"), Token: tok, Body: checkin}, 201)

	slow := e.variant(func(s *httpapi.Server) { s.Self = httpapi.SelfLimits{PerLink: rate.Every(time.Hour), LinkBurst: 1} })
	w.do(slow, request{Method: "GET", Path: path("/self"), Token: tok}, 200)
	w.do(slow, request{Method: "GET", Path: path("/self"), Token: tok}, 429)
	w.do(slow, request{Method: "POST", Path: path("/self/capacity-checkins"), Token: tok, Body: checkin}, 429)
	w.do(slow, request{Method: "POST", Path: path("/self/consent/withdrawal"), Token: tok, Body: map[string]any{"confirm": true}}, 429)

	w.do(e, request{Method: "POST", Path: path("/self/consent/withdrawal"), Token: tok, Body: map[string]any{"confirm": true}}, 204)
	held := e.participant("CMS-WALK-LINK-HELD", "Held Link")
	heldTok := e.invite(held.ID, "en")
	release := e.holdLog()
	w.do(e, request{Method: "POST", Path: path("/self/consent/withdrawal"), Token: heldTok, Body: map[string]any{"confirm": true}}, 202)
	release()
}

func TestAPersonalLinkIsLongRandomAndShownAsAQRCode(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-QR", "Quinn Rivera")
	l := e.makeLink(p.ID, map[string]any{"language": "es"})
	tok := l.token(t)
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "pwp_"))
	if !strings.HasPrefix(tok, "pwp_") || err != nil || len(raw)*8 < 128 {
		t.Errorf("token %q: want pwp_ and at least 128 random bits, got %d bits (%v)", tok, len(raw)*8, err)
	}
	if again := e.invite(p.ID, "es"); again == tok {
		t.Error("two links share a token")
	}
	if !strings.HasPrefix(l.URL, "http://example.com/p/#pwp_") {
		t.Errorf("url %q: want the request's address, /p/ and the token after #", l.URL)
	}
	want := e.db.Now().Add(pathway.DefaultInvitationDays * 24 * time.Hour)
	if d := l.ExpiresAt.Sub(want); d < -time.Minute || d > time.Minute {
		t.Errorf("expires at %v, want 7 days from now (%v)", l.ExpiresAt, want)
	}
	b64, ok := strings.CutPrefix(l.QRCode, "data:image/png;base64,")
	if !ok {
		t.Fatalf("qr_code is not a PNG data URL: %.40s", l.QRCode)
	}
	img, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width < 200 {
		t.Errorf("qr_code does not decode as a PNG large enough to scan: %+v %v", cfg, err)
	}
	// Only the hash is kept: the token's text is nowhere in the files.
	if bytes.Contains(e.fileBytes(), []byte(tok)) || bytes.Contains(e.fileBytes(), []byte(strings.TrimPrefix(tok, "pwp_"))) {
		t.Error("the token is stored as it is")
	}
}

func TestMakingALinkRefusesBadChoicesAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-BAD", "Bea Dawes")
	base := path("/participants/%d/invitations", p.ID)
	for _, tt := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"a language Pathway does not speak", map[string]any{"language": "fr"}, "language"},
		{"no language", map[string]any{}, "language"},
		{"more days than a link may last", map[string]any{"language": "en", "expires_in_days": pathway.MaxInvitationDays + 1}, "expires_in_days"},
		{"no days", map[string]any{"language": "en", "expires_in_days": 0}, "expires_in_days"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.as(pathway.RoleStaff, "POST", base, tt.body).must(t, 422)
			if res.fieldMessage(t, tt.field) == "" {
				t.Errorf("no message for %s: %s", tt.field, res.Body)
			}
		})
	}
	t.Run("an Idempotency-Key, which would keep the link", func(t *testing.T) {
		res := e.call(request{Method: "POST", Path: base, Body: map[string]any{"language": "en"}, Role: pathway.RoleStaff, Header: http.Header{"Idempotency-Key": {"k1"}}}).must(t, 422)
		if res.fieldMessage(t, "Idempotency-Key") == "" {
			t.Errorf("the key is not named: %s", res.Body)
		}
	})
	if n := e.rowCount("invitations"); n != 0 {
		t.Errorf("refused requests stored %d links", n)
	}
	t.Run("someone outside the caseload", func(t *testing.T) {
		e.as(pathway.RoleStaff, "POST", path("/participants/%d/invitations", 999999), map[string]any{"language": "en"}).must(t, 404)
	})
}

func TestALinkReachesOnlyItsOwnParticipant(t *testing.T) {
	e := newEnv(t)
	mine := e.participant("CM-MINE", "Mina Solis")
	other := e.participant("CM-OTHER", "Otto Brandt")
	tok := e.invite(mine.ID, "en")

	var j pathway.Journey
	e.self(tok, "GET", "/self", nil).must(t, 200).decode(t, &j)
	if j.DisplayName != "Mina Solis" {
		t.Errorf("journey of %q, want Mina Solis", j.DisplayName)
	}
	t.Run("no staff route takes the link", func(t *testing.T) {
		for _, r := range []struct{ method, path string }{
			{"GET", path("/participants/%d", mine.ID)},
			{"GET", path("/participants/%d", other.ID)},
			{"GET", path("/participants/%d/capacity-checkins", mine.ID)},
			{"POST", path("/participants/%d/consent/withdrawal", other.ID)},
			{"GET", path("/participants")},
			{"GET", path("/me")},
			{"GET", path("/audit")},
			{"GET", "/metrics"},
		} {
			res := e.call(request{Method: r.method, Path: r.path, Token: tok})
			if res.Code != 401 && res.Code != 403 {
				t.Errorf("%s %s with a personal link: %d, want 401 or 403", r.method, r.path, res.Code)
			}
			if bytes.Contains(res.Body, []byte("Mina")) || bytes.Contains(res.Body, []byte("Otto")) {
				t.Errorf("%s %s: the refusal names someone: %s", r.method, r.path, res.Body)
			}
		}
	})
	t.Run("the participant's API names no one but its own participant", func(t *testing.T) {
		res := e.self(tok, "GET", "/self", nil)
		if bytes.Contains(res.Body, []byte("Otto")) || bytes.Contains(res.Body, []byte("CM-")) {
			t.Errorf("the journey holds another person or a case-management ID: %s", res.Body)
		}
	})
	t.Run("staff credentials do not open the participant's API", func(t *testing.T) {
		for _, role := range pathway.Roles {
			e.call(request{Method: "GET", Path: path("/self"), Role: role}).must(t, 403)
		}
		cookie := sessionCookieOf(t, e.login(e.users[pathway.RoleAdmin].Email, sqlitetest.Password).must(t, 201))
		e.call(request{Method: "GET", Path: path("/self"), Cookies: []*http.Cookie{cookie}}).must(t, 403)
		e.call(request{Method: "GET", Path: path("/self")}).must(t, 401)
		e.call(request{Method: "GET", Path: path("/self"), Token: "pwp_" + strings.Repeat("A", 43)}).must(t, 401)
	})
}

func TestExpiredAndRevokedLinksStopWorking(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-STOP", "Stella Ortiz")
	short := e.makeLink(p.ID, map[string]any{"language": "en", "expires_in_days": 1})
	revoked := e.makeLink(p.ID, map[string]any{"language": "en"})
	kept := e.makeLink(p.ID, map[string]any{"language": "es"})
	for _, l := range []createdLink{short, revoked, kept} {
		e.self(l.token(t), "GET", "/self", nil).must(t, 200)
	}

	e.as(pathway.RoleStaff, "DELETE", path("/participants/%d/invitations/%d", p.ID, revoked.ID), nil).must(t, 204)
	e.self(revoked.token(t), "GET", "/self", nil).must(t, 401)
	e.self(revoked.token(t), "POST", "/self/capacity-checkins", checkin).must(t, 401)
	e.as(pathway.RoleStaff, "DELETE", path("/participants/%d/invitations/%d", p.ID, revoked.ID), nil).must(t, 204) // again: nothing changes
	e.as(pathway.RoleStaff, "DELETE", path("/participants/%d/invitations/%d", p.ID+1, revoked.ID), nil).must(t, 404)

	now := time.Now()
	e.db.Now = func() time.Time { return now.Add(25 * time.Hour) }
	e.self(short.token(t), "GET", "/self", nil).must(t, 401)
	e.self(kept.token(t), "GET", "/self", nil).must(t, 200)

	var list struct{ Items []pathway.Invitation }
	e.as(pathway.RoleStaff, "GET", path("/participants/%d/invitations", p.ID), nil).must(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != kept.ID {
		t.Errorf("links still working: %+v, want only %d", list.Items, kept.ID)
	}

	// A link stops with the account that made it.
	disabled := true
	if _, err := e.srv.Users.UpdateUser(t.Context(), pathway.Actor{Role: pathway.RoleAdmin}, e.users[pathway.RoleStaff].ID, pathway.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	e.self(kept.token(t), "GET", "/self", nil).must(t, 401)
}

func TestLinkRequestsAreRateLimitedPerLinkAndPerAddress(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-RATE", "Rafa Tellez")
	a, b := e.invite(p.ID, "en"), e.invite(p.ID, "en")

	perLink := e.variant(func(s *httpapi.Server) {
		s.Self = httpapi.SelfLimits{PerLink: rate.Every(time.Hour), LinkBurst: 3, PerClient: rate.Every(time.Hour), ClientBurst: 100}
	})
	for range 3 {
		perLink.self(a, "GET", "/self", nil).must(t, 200)
	}
	res := perLink.self(a, "GET", "/self", nil).must(t, 429)
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s <= 0 {
		t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	perLink.self(b, "GET", "/self", nil).must(t, 200) // another link has its own budget

	perAddress := e.variant(func(s *httpapi.Server) {
		s.Self = httpapi.SelfLimits{PerLink: rate.Every(time.Hour), LinkBurst: 100, PerClient: rate.Every(time.Hour), ClientBurst: 2}
	})
	guess := "pwp_" + strings.Repeat("B", 43)
	perAddress.call(request{Method: "GET", Path: path("/self"), Token: guess, RemoteAddr: "198.51.100.9:1"}).must(t, 401)
	perAddress.call(request{Method: "GET", Path: path("/self"), Token: guess, RemoteAddr: "198.51.100.9:2"}).must(t, 401)
	perAddress.call(request{Method: "GET", Path: path("/self"), Token: a, RemoteAddr: "198.51.100.9:3"}).must(t, 429)
	perAddress.call(request{Method: "GET", Path: path("/self"), Token: a, RemoteAddr: "198.51.100.10:1"}).must(t, 200)
}

func TestASelfCheckinIsRecordedAsByTheParticipantAndShownToStaff(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-SELF", "Selma Ruiz")
	tok := e.invite(p.ID, "es")
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", p.ID), map[string]any{
		"assessed_on": e.today.String(), "perspective": "staff", "self_advocacy": 2, "root_cause_analysis": 2, "leadership": 2,
	}).must(t, 201)
	var got pathway.SelfCheckin
	e.self(tok, "POST", "/self/capacity-checkins", checkin).must(t, 201).decode(t, &got)
	if got.AssessedOn != e.today || got.Leadership != 4 {
		t.Errorf("check-in %+v, want today's with leadership 4", got)
	}
	res := e.self(tok, "POST", "/self/capacity-checkins", map[string]any{"self_advocacy": 5, "root_cause_analysis": 2, "leadership": 1}).must(t, 422)
	if res.fieldMessage(t, "self_advocacy") == "" {
		t.Errorf("no message for self_advocacy: %s", res.Body)
	}
	e.self(tok, "POST", "/self/capacity-checkins", map[string]any{"self_advocacy": 3, "root_cause_analysis": 2, "leadership": 1, "perspective": "staff"}).must(t, 422)

	var list struct{ Items []pathway.CapacityCheckin }
	e.as(pathway.RoleStaff, "GET", path("/participants/%d/capacity-checkins", p.ID), nil).must(t, 200).decode(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("%d check-ins, want 2", len(list.Items))
	}
	var own, staffs int
	for _, c := range list.Items {
		switch {
		case c.RecordedByParticipant && c.Perspective == pathway.PerspectiveSelf && c.RecordedBy == "":
			own++
		case !c.RecordedByParticipant && c.RecordedBy == e.users[pathway.RoleStaff].Email:
			staffs++
		default:
			t.Errorf("check-in %+v is marked neither as the participant's nor as staff's", c)
		}
	}
	if own != 1 || staffs != 1 {
		t.Errorf("%d by the participant, %d by staff; want one each", own, staffs)
	}
	var j pathway.Journey
	e.self(tok, "GET", "/self", nil).must(t, 200).decode(t, &j)
	if len(j.Checkins) != 1 {
		t.Errorf("the participant sees %d check-ins, want only their own", len(j.Checkins))
	}

	var actions []string
	for _, en := range e.selfAudit() {
		if en.UserID != nil || en.User != "" || en.EntityID == nil || *en.EntityID != p.ID {
			t.Errorf("a participant's own entry names an account or another record: %+v", en)
		}
		actions = append(actions, en.Action)
	}
	if strings.Join(actions, " ") != "self.journey.read checkin.create" {
		t.Errorf("the participant's own audit entries: %v, want the check-in and the read, newest first", actions)
	}
}

func TestWithdrawingThroughTheLinkErasesExactlyAsStaffDoAndStopsTheLink(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau", "rung": "contributor"})
	gone := e.person("CMS-GONE-7781", "Philippa Quenby", true, e.on(-300))
	keep := e.person("CMS-KEEP-7782", "Horatio Vance", true, e.on(-300))
	e.addRole(board.ID, gone.ID, "Speaker osprey", e.on(-200), "")
	traces := []string{"Philippa Quenby", "CMS-GONE-7781", "placement note kestrel", "engagement note wren", "check-in note finch"}
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", gone.ID), map[string]any{"rung": "member", "effective_on": e.today.String(), "note": traces[2]}).must(t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", gone.ID), map[string]any{"occurred_on": e.today.String(), "activity": "Tenant meeting", "note": traces[3]}).must(t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", gone.ID), map[string]any{
		"assessed_on": e.today.String(), "perspective": "staff", "self_advocacy": 2, "root_cause_analysis": 2, "leadership": 2, "note": traces[4],
	}).must(t, 201)
	tok := e.invite(gone.ID, "es")
	keepTok := e.invite(keep.ID, "en")
	e.self(tok, "POST", "/self/capacity-checkins", checkin).must(t, 201)
	var j pathway.Journey
	e.self(tok, "GET", "/self", nil).must(t, 200).decode(t, &j)
	if len(j.Roles) != 1 || len(j.Steps) != 2 || j.Consent.GivenOn.IsZero() {
		t.Errorf("journey before: %+v", j)
	}
	for _, s := range traces[2:] {
		if strings.Contains(string(e.self(tok, "GET", "/self", nil).Body), s) {
			t.Errorf("the participant's journey shows a staff note %q", s)
		}
	}
	if !bytes.Contains(e.fileBytes(), []byte(traces[0])) {
		t.Fatal("the scan cannot see the participant before the erasure")
	}

	t.Run("without confirming nothing is erased", func(t *testing.T) {
		e.self(tok, "POST", "/self/consent/withdrawal", map[string]any{"confirm": false}).must(t, 422)
		e.self(tok, "POST", "/self/consent/withdrawal", map[string]any{}).must(t, 422)
		e.getParticipant(gone.ID)
	})

	e.self(tok, "POST", "/self/consent/withdrawal", map[string]any{"confirm": true}).must(t, 204)

	e.self(tok, "GET", "/self", nil).must(t, 401)
	e.self(tok, "POST", "/self/capacity-checkins", checkin).must(t, 401)
	e.as(pathway.RoleStaff, "GET", path("/participants/%d", gone.ID), nil).must(t, 404)
	if n := e.rowCount("invitations"); n != 1 {
		t.Errorf("%d links remain, want only the other participant's", n)
	}
	files := e.fileBytes()
	for _, s := range traces {
		if bytes.Contains(files, []byte(s)) {
			t.Errorf("%q is still in the database files after the participant withdrew", s)
		}
	}
	e.self(keepTok, "GET", "/self", nil).must(t, 200) // someone else's link still works
	e.getParticipant(keep.ID)

	var page struct{ Items []pathway.AuditEntry }
	e.as(pathway.RoleAdmin, "GET", path("/audit?action=participant.erase"), nil).must(t, 200).decode(t, &page)
	if len(page.Items) != 1 {
		t.Fatalf("%d erasure entries, want 1", len(page.Items))
	}
	if en := page.Items[0]; !en.ByParticipant || en.UserID != nil || en.EntityID == nil || *en.EntityID != gone.ID || en.RemoteAddr == "" {
		t.Errorf("the erasure entry does not say the participant erased themself: %+v", en)
	}
}

func TestParticipantPagesAndAnswersAreNeverCachedNorReferred(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-CACHE", "Cara Dunn")
	tok := e.invite(p.ID, "en")
	for _, r := range []request{
		{Method: "GET", Path: "/p/"},
		{Method: "GET", Path: path("/self"), Token: tok},
		{Method: "POST", Path: path("/self/capacity-checkins"), Token: tok, Body: checkin},
		{Method: "GET", Path: path("/self")},
	} {
		res := e.call(r)
		if res.Code >= 500 {
			t.Fatalf("%s %s: %d", r.Method, r.Path, res.Code)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s: Cache-Control %q, want no-store", r.Method, r.Path, got)
		}
		if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s %s: Referrer-Policy %q, want no-referrer", r.Method, r.Path, got)
		}
	}
	page := e.call(request{Method: "GET", Path: "/p/"})
	if !strings.Contains(page.Header.Get("Content-Type"), "text/html") || !bytes.Contains(page.Body, []byte(`name="referrer" content="no-referrer"`)) {
		t.Errorf("the participant's page: %s %.200s", page.Header.Get("Content-Type"), page.Body)
	}
}

// syncBuffer is a log destination the server may write from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestALinksTokenNeverReachesTheLogs(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t)
	e = e.variant(func(s *httpapi.Server) {
		s.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		s.Self = httpapi.SelfLimits{LinkBurst: 2, PerLink: rate.Every(time.Hour)}
	})
	p := e.participant("CM-LOG", "Lola Green")
	l := e.makeLink(p.ID, map[string]any{"language": "en"})
	tok := l.token(t)
	e.self(tok, "GET", "/self", nil).must(t, 200)
	e.self(tok, "POST", "/self/capacity-checkins", map[string]any{"self_advocacy": 9}).must(t, 422)
	e.self(tok, "GET", "/self", nil).must(t, 429)
	e.call(request{Method: "GET", Path: "/p/?t=" + tok}).must(t, 422)
	e.call(request{Method: "GET", Path: path("/self?t=%s", tok), Token: tok}).must(t, 422)
	e.call(request{Method: "GET", Path: path("/participants"), Token: tok}).must(t, 401)
	e.as(pathway.RoleStaff, "DELETE", path("/participants/%d/invitations/%d", p.ID, l.ID), nil).must(t, 204)

	out := logs.String()
	if !strings.Contains(out, `"route":"/api/v1/self"`) {
		t.Fatalf("the requests were not logged: %s", out)
	}
	secretPart := strings.TrimPrefix(tok, "pwp_")
	if strings.Contains(out, secretPart[:16]) {
		t.Errorf("the logs hold the link's token:\n%s", out)
	}
}

// serveRaw sends a request straight to the router, without the contract
// check env.call makes, so that a benchmark times the server alone.
func (e *env) serveRaw(tb testing.TB, r request, want int) {
	tb.Helper()
	req := newRequest(tb, r)
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	} else if r.Role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[r.Role])
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != want {
		tb.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
	}
}

// BenchmarkSelfJourney is a participant's page load: the link checked, the
// journey read and the read audited (a write, through the group commit).
func BenchmarkSelfJourney(b *testing.B) {
	e := newEnv(b)
	e.srv.Self = httpapi.SelfLimits{PerLink: rate.Inf, LinkBurst: 1, PerClient: rate.Inf, ClientBurst: 1}
	p := e.participant("CM-BENCH", "Bea Bench")
	tok := e.invite(p.ID, "es")
	for b.Loop() {
		e.serveRaw(b, request{Method: "GET", Path: path("/self"), Token: tok}, 200)
	}
}

// BenchmarkCreateInvitation is making a personal link, QR code included.
func BenchmarkCreateInvitation(b *testing.B) {
	e := newEnv(b)
	p := e.participant("CM-BENCH", "Bea Bench")
	for b.Loop() {
		e.serveRaw(b, request{Method: "POST", Path: path("/participants/%d/invitations", p.ID), Body: map[string]any{"language": "en"}, Role: pathway.RoleStaff}, 201)
	}
}

// BenchmarkQRCode is drawing one link's QR code.
func BenchmarkQRCode(b *testing.B) {
	url := "https://pathway.example.org/p/#pwp_" + strings.Repeat("A", 43)
	for b.Loop() {
		if _, err := qrcode.Encode(url, qrcode.Medium, 320); err != nil {
			b.Fatal(err)
		}
	}
}
