package httpapi_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/httpapi"
	"pathway/internal/pathway"
)

type changePage struct {
	Items      []pathway.Change `json:"items"`
	NextCursor string           `json:"next_cursor"`
	HasMore    bool             `json:"has_more"`
}

// changes reads one page of the feed with token.
func (e *env) changes(t *testing.T, token, query string) (changePage, string) {
	t.Helper()
	res := e.call(request{Method: "GET", Path: path("/changes%s", query), Token: token}).must(t, 200)
	var page changePage
	res.decode(t, &page)
	return page, string(res.Body)
}

func TestTheChangeFeedIsOrderedResumableAndScoped(t *testing.T) {
	e := newEnv(t)
	mine := e.program("Tenant organising", pathway.Member)
	theirs := e.program("Food access", pathway.Observer)
	_, scoped := e.newAccount("caseload@example.org", pathway.RoleStaff, mine)
	admin := e.tokens[pathway.RoleAdmin]

	in := e.participant("CM-IN-1", "Lucía Fernández", mine)
	out := e.participant("CM-OUT-1", "Tomasz Wiśniewski", theirs)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", in.ID), map[string]any{
		"rung": "member", "effective_on": e.today.String(), "note": "led the stairwell meeting",
	}).must(t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", out.ID), map[string]any{
		"occurred_on": e.today.String(), "activity": "Pantry shift", "note": "asked about the board",
	}).must(t, 201)

	all, body := e.changes(t, admin, "")
	var got []string
	for _, c := range all.Items {
		got = append(got, string(c.Type))
	}
	want := []string{"participant.created", "participant.created", "placement.created", "engagement.created"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("feed (-want +got):\n%s", diff)
	}
	for _, secret := range []string{"Lucía", "Fernández", "Tomasz", "CM-IN-1", "CM-OUT-1", "stairwell", "Pantry", "board"} {
		if strings.Contains(body, secret) {
			t.Errorf("the feed holds %q: %s", secret, body)
		}
	}

	// Two pages of two, then an empty page that keeps the cursor.
	first, _ := e.changes(t, admin, "?limit=2")
	if len(first.Items) != 2 || !first.HasMore || first.NextCursor != first.Items[1].Cursor {
		t.Fatalf("first page %+v", first)
	}
	second, _ := e.changes(t, admin, "?limit=2&after="+first.NextCursor)
	if diff := cmp.Diff(all.Items[2:], second.Items); diff != "" {
		t.Errorf("resumed page (-want +got):\n%s", diff)
	}
	empty, _ := e.changes(t, admin, "?after="+all.NextCursor)
	if len(empty.Items) != 0 || empty.NextCursor != all.NextCursor || empty.HasMore {
		t.Errorf("after the last item: %+v, want no items and the same cursor", empty)
	}

	// A caseload sees only its people.
	page, _ := e.changes(t, scoped, "")
	for _, c := range page.Items {
		if c.ParticipantID != in.ID {
			t.Errorf("a caseload account sees %s about participant %d, outside its programs", c.Type, c.ParticipantID)
		}
	}
	if len(page.Items) != 2 {
		t.Errorf("a caseload account sees %d items, want its person's 2", len(page.Items))
	}

	// Withdrawal leaves only the erasure, which is what the feed says last.
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/consent/withdrawal", in.ID), nil).must(t, 204)
	after, _ := e.changes(t, admin, "")
	var theirsLeft []pathway.ChangeType
	for _, c := range after.Items {
		if c.ParticipantID == in.ID {
			theirsLeft = append(theirsLeft, c.Type)
		}
	}
	if diff := cmp.Diff([]pathway.ChangeType{pathway.ParticipantErased}, theirsLeft); diff != "" {
		t.Errorf("an erased person's items (-want +got):\n%s", diff)
	}
	if last := after.Items[len(after.Items)-1]; last.Type != pathway.ParticipantErased || last.ParticipantID != in.ID {
		t.Errorf("the last item is %+v, want the erasure", last)
	}
}

func TestAFailedWriteAddsNothingToTheFeed(t *testing.T) {
	e := newEnv(t)
	p := e.participant("CM-1", "Someone")
	before, _ := e.changes(t, e.tokens[pathway.RoleAdmin], "")
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), map[string]any{
		"rung": "member", "effective_on": e.today.AddDays(1).String(),
	}).must(t, 422)
	e.as(pathway.RoleStaff, "POST", path("/participants"), e.participantBody("CM-1", "Duplicate")).must(t, 409)
	after, _ := e.changes(t, e.tokens[pathway.RoleAdmin], "")
	if len(after.Items) != len(before.Items) {
		t.Errorf("refused writes added %d feed items", len(after.Items)-len(before.Items))
	}
}

func TestWebhookURLsMustBePublicHTTPSUnlessPrivateIsAllowed(t *testing.T) {
	e := newEnv(t)
	events := []string{"participant.created"}
	for _, url := range []string{"http://93.184.216.34/hooks", "https://127.0.0.1/hooks", "https://10.0.0.8/hooks", "https://[::1]/hooks", "https://169.254.169.254/latest"} {
		res := e.as(pathway.RoleAdmin, "POST", path("/webhooks"), map[string]any{"url": url, "events": events}).must(t, 422)
		if res.fieldMessage(t, "url") == "" {
			t.Errorf("%s refused without naming url: %s", url, res.Body)
		}
	}
	e.as(pathway.RoleAdmin, "POST", path("/webhooks"), map[string]any{"url": "https://93.184.216.34/hooks", "events": []string{"participant.renamed"}}).must(t, 422)
	private := e.variant(func(s *httpapi.Server) { s.AllowPrivateWebhooks = true })
	res := private.as(pathway.RoleAdmin, "POST", path("/webhooks"), map[string]any{"url": "http://127.0.0.1:9/hooks", "events": events}).must(t, 201)
	var created struct {
		Secret string `json:"secret"`
	}
	res.decode(t, &created)
	if !strings.HasPrefix(created.Secret, "whsec_") {
		t.Errorf("secret %q", created.Secret)
	}
	list := private.as(pathway.RoleAdmin, "GET", path("/webhooks"), nil).must(t, 200)
	if strings.Contains(string(list.Body), created.Secret) || strings.Contains(string(list.Body), "whsec_") {
		t.Error("the webhook list shows the secret again")
	}
}
