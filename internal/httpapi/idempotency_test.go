package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"pathway/internal/pathway"
)

// keyed is a POST with an Idempotency-Key.
func keyed(role pathway.Role, p, key string, body any) request {
	return request{Method: "POST", Path: p, Body: body, Role: role, Header: http.Header{"Idempotency-Key": {key}}}
}

func (e *env) engagementBody(activity string) map[string]any {
	return map[string]any{"occurred_on": e.today.String(), "activity": activity}
}

func TestARetryWithTheSameKeyGetsTheFirstResponseAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-1", "Ana")
	target := path("/participants/%d/engagements", p.ID)
	before := e.rowCounts("engagements")["engagements"]
	first := e.call(keyed(pathway.RoleStaff, target, "retry-1", e.engagementBody("Rally"))).must(t, 201)
	again := e.call(keyed(pathway.RoleStaff, target, "retry-1", e.engagementBody("Rally"))).must(t, 201)
	if !bytes.Equal(first.Body, again.Body) {
		t.Errorf("replayed body differs:\n%s\n%s", first.Body, again.Body)
	}
	if a, b := first.Header.Get("Content-Type"), again.Header.Get("Content-Type"); a != b {
		t.Errorf("Content-Type %q, replayed %q", a, b)
	}
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("a replay does not say it is one")
	}
	if n := e.rowCounts("engagements")["engagements"] - before; n != 1 {
		t.Errorf("%d engagements written, want 1", n)
	}
	// Without a key, each request is a request of its own.
	e.as(pathway.RoleStaff, "POST", target, e.engagementBody("Rally")).must(t, 201)
	if n := e.rowCounts("engagements")["engagements"] - before; n != 2 {
		t.Errorf("%d engagements after an unkeyed post, want 2", n)
	}
}

func TestTwoCopiesOfAKeyedRequestSentAtOnceWriteOnce(t *testing.T) {
	e := newEnv(t)
	before := e.rowCounts("participants")["participants"]
	body := e.participantBody("CM-77", "Ana")
	const copies = 8
	res := make([]*response, copies)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range copies {
		wg.Go(func() {
			<-start
			res[i] = e.call(keyed(pathway.RoleStaff, path("/participants"), "same-key", body))
		})
	}
	close(start)
	wg.Wait()
	for i, r := range res {
		if r.Code != 201 {
			t.Errorf("copy %d: status %d %s", i, r.Code, r.Body)
		} else if !bytes.Equal(r.Body, res[0].Body) {
			t.Errorf("copy %d got another answer: %s", i, r.Body)
		}
	}
	if n := e.rowCounts("participants")["participants"] - before; n != 1 {
		t.Errorf("%d participants written, want 1", n)
	}
}

func TestTheSameKeyForAnotherRequestIsRefused(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-1", "Ana")
	target := path("/participants/%d/engagements", p.ID)
	e.call(keyed(pathway.RoleStaff, target, "k", e.engagementBody("Rally"))).must(t, 201)
	before := e.rowCounts("engagements")
	res := e.call(keyed(pathway.RoleStaff, target, "k", e.engagementBody("Meeting"))).must(t, 422)
	if msg := res.fieldMessage(t, "Idempotency-Key"); !strings.Contains(msg, "different request") {
		t.Errorf("message %q", msg)
	}
	if after := e.rowCounts("engagements"); after["engagements"] != before["engagements"] {
		t.Error("a refused key wrote an engagement")
	}
	// Another account's key is its own.
	e.call(keyed(pathway.RoleAdmin, target, "k", e.engagementBody("Meeting"))).must(t, 201)
}

func TestAnIdempotencyKeyMustBeShortPrintableASCII(t *testing.T) {
	e := newEnv(t)
	for _, key := range []string{strings.Repeat("k", 256), "clé", "tab\there", ""} {
		before := e.rowCounts("participants")
		res := e.call(keyed(pathway.RoleStaff, path("/participants"), key, e.participantBody("CM-9", "Ana"))).must(t, 422)
		if res.fieldMessage(t, "Idempotency-Key") == "" {
			t.Errorf("%q: refusal does not name the header: %s", key, res.Body)
		}
		if after := e.rowCounts("participants"); after["participants"] != before["participants"] {
			t.Errorf("%q: a refused key wrote a participant", key)
		}
	}
	e.call(keyed(pathway.RoleStaff, path("/participants"), strings.Repeat("k", 255), e.participantBody("CM-9", "Ana"))).must(t, 201)
}

func TestAnIdempotencyKeyExpiresAfterADay(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-1", "Ana")
	target := path("/participants/%d/engagements", p.ID)
	e.call(keyed(pathway.RoleStaff, target, "daily", e.engagementBody("Rally"))).must(t, 201)
	before := e.rowCounts("engagements")["engagements"]
	later := time.Now().Add(pathway.IdempotencyTTL + time.Hour)
	e.db.Now = func() time.Time { return later }
	e.call(keyed(pathway.RoleStaff, target, "daily", e.engagementBody("Rally"))).must(t, 201)
	if n := e.rowCounts("engagements")["engagements"] - before; n != 1 {
		t.Errorf("an expired key still replayed: %d new engagements", n)
	}
	if n := e.rowCounts("idempotency_keys")["idempotency_keys"]; n != 1 {
		t.Errorf("%d keys kept, want the expired one purged", n)
	}
}

func TestErasingAPersonTakesTheStoredResponsesThatNameThem(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-KEEP-1", "Someone Staying")
	var gone pathway.Participant
	e.call(keyed(pathway.RoleStaff, path("/participants"), "create", e.participantBody("CMS-GONE-4417", "Quintana Erased"))).must(t, 201).decode(t, &gone)
	note := e.engagementBody("Rally")
	note["note"] = "a private note 5521"
	e.call(keyed(pathway.RoleStaff, path("/participants/%d/engagements", gone.ID), "note", note)).must(t, 201)
	e.call(keyed(pathway.RoleStaff, path("/participants/%d/engagements", p.ID), "other", e.engagementBody("Rally"))).must(t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", gone.ID), nil).must(t, 204)
	if n := e.rowCounts("idempotency_keys")["idempotency_keys"]; n != 1 {
		t.Errorf("%d stored responses remain, want only the one about someone else", n)
	}
	raw := e.fileBytes()
	for _, s := range []string{"CMS-GONE-4417", "Quintana Erased", "a private note 5521"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the database files still hold %q", s)
		}
	}
}

func TestAKeyWhoseRequestWasInterruptedIsNotRunAgain(t *testing.T) {
	e := newEnv(t)
	// A process that died after claiming the key leaves the claim, and no
	// answer; whether its write committed is unknown.
	staff := e.users[pathway.RoleStaff]
	if _, err := e.srv.Idempotency.ClaimKey(context.Background(), staff.ID, "interrupted", "the hash of the lost request"); err != nil {
		t.Fatal(err)
	}
	before := e.rowCounts("participants")
	res := e.call(keyed(pathway.RoleStaff, path("/participants"), "interrupted", e.participantBody("CM-5", "Ana"))).must(t, http.StatusConflict)
	if !strings.Contains(res.problem(t).Detail, "new key") {
		t.Errorf("the answer does not say what to do: %s", res.Body)
	}
	if after := e.rowCounts("participants"); after["participants"] != before["participants"] {
		t.Error("an interrupted key ran its request again")
	}
}

func TestAFailedRequestFreesItsKey(t *testing.T) {
	e := newEnv(t)
	bad := e.participantBody("CM-6", "Ana")
	bad["consent"].(map[string]any)["scopes"] = []string{"public_story"}
	e.call(keyed(pathway.RoleStaff, path("/participants"), "fix-and-retry", bad)).must(t, 422)
	e.call(keyed(pathway.RoleStaff, path("/participants"), "fix-and-retry", e.participantBody("CM-6", "Ana"))).must(t, 201)
}
