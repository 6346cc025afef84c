package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
	"pathway/internal/webhook"
)

// clock is a settable time shared by the database and the deliverer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// received is one request a receiver got.
type received struct {
	Header http.Header
	Body   []byte
}

// receiver is a webhook endpoint on 127.0.0.1 that answers from a script of
// statuses (200 once the script runs out) and keeps what it got.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	script []int
	got    []received
}

func newReceiver(tb testing.TB, script ...int) *receiver {
	return startReceiver(tb, httptest.NewServer, script)
}

func startReceiver(tb testing.TB, start func(http.Handler) *httptest.Server, script []int) *receiver {
	r := &receiver{script: script}
	r.Server = start(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{Header: req.Header.Clone(), Body: body})
		status := http.StatusOK
		if len(r.script) > 0 {
			status, r.script = r.script[0], r.script[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte("a body that must never be stored"))
	}))
	tb.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// fixture is a database on a file with an admin and a staff account.
type fixture struct {
	db           *sqlite.DB
	clock        *clock
	participants *sqlite.ParticipantService
	hooks        *sqlite.WebhookService
	admin, staff pathway.Actor
}

func openAt(tb testing.TB, path string, c *clock) *sqlite.DB {
	tb.Helper()
	db := sqlite.NewDB(path)
	db.Location, db.Now = time.UTC, c.Now
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	return db
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	db := openAt(tb, filepath.Join(tb.TempDir(), "pathway.db"), c)
	f := &fixture{db: db, clock: c}
	tb.Cleanup(func() { f.db.Close() }) // the database open when the test ends
	f.use(db)
	users := sqlite.NewUserService(db)
	for _, role := range []pathway.Role{pathway.RoleAdmin, pathway.RoleStaff} {
		u := &pathway.User{Email: string(role) + "@example.org", Role: role}
		if err := users.CreateUser(context.Background(), pathway.Actor{Email: "test"}, u, "not a real hash"); err != nil {
			tb.Fatal(err)
		}
		a := pathway.Actor{UserID: u.ID, Email: u.Email, Role: role}
		if role == pathway.RoleAdmin {
			f.admin = a
		} else {
			f.staff = a
		}
	}
	return f
}

// use points the fixture's services at db.
func (f *fixture) use(db *sqlite.DB) {
	f.db, f.participants, f.hooks = db, sqlite.NewParticipantService(db), sqlite.NewWebhookService(db)
}

// subscribe registers url for every change type and returns it with its secret.
func (f *fixture) subscribe(tb testing.TB, url string) (*pathway.Webhook, string) {
	tb.Helper()
	secret := webhook.NewSecret()
	w := &pathway.Webhook{URL: url, Events: pathway.ChangeTypes}
	if err := f.hooks.CreateWebhook(context.Background(), f.admin, w, secret); err != nil {
		tb.Fatal(err)
	}
	return w, secret
}

// person follows a participant who consented ten days ago.
func (f *fixture) person(tb testing.TB, ref, name string) *pathway.Participant {
	tb.Helper()
	p, err := f.participants.CreateParticipant(context.Background(), f.staff, pathway.NewParticipant{
		ExternalRef: ref, DisplayName: name, Rung: pathway.Observer,
		Consent: pathway.Consent{GivenOn: pathway.DateOf(f.clock.Now(), time.UTC).AddDays(-10), Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func (f *fixture) deliverer() *webhook.Deliverer {
	return &webhook.Deliverer{Store: f.hooks, AllowPrivate: true, Now: f.clock.Now, Rand: func() float64 { return 0 },
		Base: time.Minute, MaxWait: time.Hour, Poll: 10 * time.Millisecond}
}

func (f *fixture) deliveries(tb testing.TB, id int64) []pathway.Delivery {
	tb.Helper()
	ds, _, err := f.hooks.ListDeliveries(context.Background(), f.admin, id, 0, 100)
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

func runOnce(tb testing.TB, d *webhook.Deliverer) int {
	tb.Helper()
	n, err := d.RunOnce(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// verify checks a request the way a receiver following the Standard
// Webhooks specification would, without using the code under test.
func verify(tb testing.TB, secret string, r received, now time.Time) {
	tb.Helper()
	id, ts, sigs := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		tb.Errorf("webhook-timestamp %q is not within five minutes of %s", ts, now)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		tb.Fatal(err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(r.Body)))
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, sig, _ := strings.Cut(s, ",")
		got, err := base64.StdEncoding.DecodeString(sig)
		if version == "v1" && err == nil && hmac.Equal(got, want) {
			return
		}
	}
	tb.Errorf("no valid v1 signature in %q for message %s", sigs, id)
}

func TestAReceiverThatFailsTwiceGetsTheThirdTryWithTheSameIDAndAValidSignature(t *testing.T) {
	f := newFixture(t)
	rcv := newReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable)
	w, secret := f.subscribe(t, rcv.URL)
	p := f.person(t, "CM-1", "Third Try")
	d := f.deliverer()

	runOnce(t, d) // 500
	if n := runOnce(t, d); n != 0 {
		t.Fatalf("a failed delivery was tried again at once (%d sent) instead of after its backoff", n)
	}
	f.clock.Add(time.Minute) // past the first wait (half a minute to a minute)
	runOnce(t, d)            // 503
	f.clock.Add(2 * time.Minute)
	runOnce(t, d) // 200

	got := rcv.requests()
	if len(got) != 3 {
		t.Fatalf("receiver got %d requests, want 3", len(got))
	}
	for i, r := range got {
		if id := r.Header.Get("webhook-id"); id != got[0].Header.Get("webhook-id") || id == "" {
			t.Errorf("attempt %d has webhook-id %q, want the first attempt's %q", i+1, id, got[0].Header.Get("webhook-id"))
		}
		verify(t, secret, r, f.clock.Now())
	}
	var body struct {
		Type string         `json:"type"`
		Data pathway.Change `json:"data"`
	}
	if err := json.Unmarshal(got[2].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != string(pathway.ParticipantCreated) || body.Data.ParticipantID != p.ID {
		t.Errorf("delivered %s", got[2].Body)
	}
	var outcomes []string
	for _, dl := range f.deliveries(t, w.ID) {
		outcomes = append(outcomes, dl.Outcome)
		if dl.MessageID != got[0].Header.Get("webhook-id") || strings.Contains(dl.Error, "must never be stored") {
			t.Errorf("delivery record %+v", dl)
		}
	}
	if want := "delivered retrying retrying"; strings.Join(outcomes, " ") != want {
		t.Errorf("attempts newest first %v, want %s", outcomes, want)
	}
	if runOnce(t, d) != 0 || len(rcv.requests()) != 3 {
		t.Error("a delivered change was sent again")
	}
}

func TestARolledBackWriteSendsNothing(t *testing.T) {
	f := newFixture(t)
	rcv := newReceiver(t)
	f.subscribe(t, rcv.URL)
	p := f.person(t, "CM-1", "Rolled Back")
	runOnce(t, f.deliverer())
	// The audit entry of a placement is refused, so the placement write
	// fails after its change was recorded and must roll back with it.
	raw, err := sql.Open("sqlite", "file:"+f.db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'placement.create'
BEGIN SELECT RAISE(ABORT, 'audit refused'); END`); err != nil {
		t.Fatal(err)
	}
	err = f.participants.AddPlacement(context.Background(), f.staff, p.ID, &pathway.Placement{Rung: pathway.Member, EffectiveOn: pathway.DateOf(f.clock.Now(), time.UTC)})
	if err == nil {
		t.Fatal("the placement was stored; the test needs it to fail")
	}
	before := len(rcv.requests())
	if n := runOnce(t, f.deliverer()); n != 0 || len(rcv.requests()) != before {
		t.Errorf("a rolled-back write was sent (%d attempts)", n)
	}
}

func TestAChangeCommittedBeforeACrashIsDeliveredAfterARestart(t *testing.T) {
	f := newFixture(t)
	rcv := newReceiver(t)
	f.subscribe(t, rcv.URL)
	p := f.person(t, "CM-1", "Survives A Crash")
	path := f.db.Path
	// Nothing delivered it before the database went away.
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	f.use(openAt(t, path, f.clock))
	d := f.deliverer()
	d.Start()
	defer d.Close()
	deadline := time.Now().Add(10 * time.Second)
	for len(rcv.requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := rcv.requests()
	if len(got) != 1 || !strings.Contains(string(got[0].Body), `"participant_id":`+strconv.FormatInt(p.ID, 10)) {
		t.Fatalf("after the restart the receiver got %d requests: %v", len(got), got)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

func TestAnEndpointFailingForADayIsDisabledAndSaysSo(t *testing.T) {
	f := newFixture(t)
	rcv := newReceiver(t, 503, 503, 503, 503, 503, 503)
	w, _ := f.subscribe(t, rcv.URL)
	f.person(t, "CM-1", "Someone")
	d := f.deliverer()
	runOnce(t, d)
	f.clock.Add(23 * time.Hour)
	runOnce(t, d)
	if got, _ := f.hooks.FindWebhook(context.Background(), f.admin, w.ID); got.DisabledAt != nil {
		t.Fatalf("disabled after 23 hours of failures: %+v", got)
	}
	f.clock.Add(90 * time.Minute)
	runOnce(t, d)
	got, err := f.hooks.FindWebhook(context.Background(), f.admin, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisabledAt == nil || got.DisabledReason == nil || !strings.Contains(*got.DisabledReason, "503") {
		t.Fatalf("after a day of failures the webhook reads %+v, want disabled with the reason", got)
	}
	// A disabled endpoint is sent nothing more.
	f.person(t, "CM-2", "Someone Else")
	f.clock.Add(24 * time.Hour)
	before := len(rcv.requests())
	if n := runOnce(t, d); n != 0 || len(rcv.requests()) != before {
		t.Errorf("a disabled endpoint was sent %d more deliveries", n)
	}
}

func TestNoNameReferenceOrNoteReachesAReceiver(t *testing.T) {
	f := newFixture(t)
	rcv := newReceiver(t)
	f.subscribe(t, rcv.URL)
	ctx := context.Background()
	p := f.person(t, "CM-SECRET-4471", "Marisol Quintanilla")
	today := pathway.DateOf(f.clock.Now(), time.UTC)
	name := "Marisol Q. Quintanilla"
	if _, err := f.participants.UpdateParticipant(ctx, f.staff, p.ID, pathway.ParticipantUpdate{DisplayName: &name}); err != nil {
		t.Fatal(err)
	}
	if err := f.participants.AddPlacement(ctx, f.staff, p.ID, &pathway.Placement{Rung: pathway.Member, EffectiveOn: today, Note: "spoke about her landlord"}); err != nil {
		t.Fatal(err)
	}
	if err := f.participants.AddEngagement(ctx, f.staff, p.ID, &pathway.Engagement{OccurredOn: today, Activity: "Tenant meeting", Note: "brought her cousin"}); err != nil {
		t.Fatal(err)
	}
	if runOnce(t, f.deliverer()) != 4 {
		t.Fatalf("want four deliveries")
	}
	for _, r := range rcv.requests() {
		for _, secret := range []string{"Marisol", "Quintanilla", "CM-SECRET-4471", "landlord", "cousin", "Tenant meeting"} {
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("payload %s holds %q", r.Body, secret)
			}
		}
	}
}

func TestErasingAPersonDropsTheirPendingDeliveriesButAnnouncesTheErasure(t *testing.T) {
	f := newFixture(t)
	rcv := newReceiver(t)
	f.subscribe(t, rcv.URL)
	p := f.person(t, "CM-1", "To Be Erased")
	if _, err := f.participants.WithdrawConsent(context.Background(), f.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	runOnce(t, f.deliverer())
	got := rcv.requests()
	if len(got) != 1 || !strings.Contains(string(got[0].Body), `"type":"participant.erased"`) {
		t.Fatalf("receiver got %d requests; want only the erasure: %v", len(got), got)
	}
}

func TestDeliveryRefusesAPrivateAddressWhenPrivateIsNotAllowed(t *testing.T) {
	// The endpoint was accepted while private addresses were allowed (or
	// its name has since been rebound); the address is checked again when
	// connecting.
	f := newFixture(t)
	rcv := startReceiver(t, httptest.NewTLSServer, nil) // https on 127.0.0.1
	w, _ := f.subscribe(t, rcv.URL)
	f.person(t, "CM-1", "Someone")
	d := f.deliverer()
	d.AllowPrivate = false
	runOnce(t, d)
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("a loopback receiver got %d requests", n)
	}
	ds := f.deliveries(t, w.ID)
	if len(ds) != 1 || ds[0].Outcome != pathway.Retrying || !strings.Contains(ds[0].Error, "not public") {
		t.Errorf("deliveries %+v, want one refused attempt saying the address is not public", ds)
	}
}

func TestAfterAFailureTheRestOfAnEndpointsQueueWaitsForTheNextPass(t *testing.T) {
	f := newFixture(t)
	rcv := newReceiver(t, 500)
	f.subscribe(t, rcv.URL)
	f.person(t, "CM-1", "First")
	f.person(t, "CM-2", "Second")
	d := f.deliverer()
	runOnce(t, d)
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("a failing endpoint was sent %d requests in one pass, want 1", n)
	}
	runOnce(t, d) // the second change is due; the first waits out its backoff
	if got := rcv.requests(); len(got) != 2 || got[1].Header.Get("webhook-id") == got[0].Header.Get("webhook-id") {
		t.Errorf("the next pass sent %d requests in all; want the second change", len(got))
	}
}

func TestPlainHTTPIsRefusedAtDeliveryWhenPrivateIsNotAllowed(t *testing.T) {
	f := newFixture(t)
	rcv := newReceiver(t)
	w, _ := f.subscribe(t, rcv.URL)
	f.person(t, "CM-1", "Someone")
	d := f.deliverer()
	d.AllowPrivate = false
	runOnce(t, d)
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("an http receiver got %d requests", n)
	}
	if ds := f.deliveries(t, w.ID); len(ds) != 1 || !strings.Contains(ds[0].Error, "https") {
		t.Errorf("deliveries %+v, want one refused for not being https", ds)
	}
}

func TestOneEndpointsBacklogDoesNotHoldUpAnother(t *testing.T) {
	f := newFixture(t)
	down := newReceiver(t, 503)
	f.subscribe(t, down.URL)
	for i := range 55 { // more than any one pass reads
		f.person(t, "CM-"+strconv.Itoa(i), "Backlog")
	}
	up := newReceiver(t)
	f.subscribe(t, up.URL)
	f.person(t, "CM-LAST", "Newest")
	d := f.deliverer()
	runOnce(t, d)
	if n := len(up.requests()); n != 1 {
		t.Errorf("a working endpoint got %d deliveries while another's backlog was failing, want 1", n)
	}
}
