package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"pathway/internal/pathway"
)

// Corrections: undoing an accepted suggestion, dismissing one, paging them,
// and who reads notes.

// setClock moves the store's clock to t; calls run one after another, so
// every later write reads it.
func (e *env) setClock(t time.Time) { e.db.Now = func() time.Time { return t } }

// suggestionFor returns the participant's suggestion as staff, or nil.
func (e *env) suggestionFor(id int64) *pathway.Suggestion {
	e.t.Helper()
	var page struct {
		Items []pathway.Suggestion `json:"items"`
	}
	e.as(pathway.RoleStaff, "GET", path("/suggestions?participant_id=%d", id), nil).must(e.t, 200).decode(e.t, &page)
	if len(page.Items) == 0 {
		return nil
	}
	return &page.Items[0]
}

// evidenceIDs lists the ids of a suggestion's evidence, in order.
func evidenceIDs(sg *pathway.Suggestion) []int64 {
	var out []int64
	for _, ev := range sg.Evidence {
		out = append(out, ev.ID)
	}
	return out
}

// engageIn logs an engagement in a program, days ago, as staff.
func (e *env) engageIn(participantID, programID int64, daysAgo int, activity string) pathway.Engagement {
	e.t.Helper()
	var eng pathway.Engagement
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", participantID), map[string]any{
		"occurred_on": e.on(-daysAgo), "activity": activity, "program_id": programID,
	}).must(e.t, 201).decode(e.t, &eng)
	return eng
}

// acceptAs records the suggestion's placement with its evidence.
func (e *env) acceptAs(token string, sg *pathway.Suggestion) pathway.Placement {
	e.t.Helper()
	var evidence []map[string]any
	for _, ev := range sg.Evidence {
		evidence = append(evidence, map[string]any{"kind": ev.Kind, "id": ev.ID})
	}
	var pl pathway.Placement
	e.call(request{Method: "POST", Path: path("/participants/%d/placements", sg.ParticipantID), Token: token, Body: map[string]any{
		"rung": sg.SuggestedRung.String(), "effective_on": e.on(0), "evidence": evidence,
	}}).must(e.t, 201).decode(e.t, &pl)
	return pl
}

func TestAnAcceptedSuggestionCanBeUndoneForTenMinutesByWhoAcceptedIt(t *testing.T) {
	e := newEnv(t)
	start := time.Now().UTC().Truncate(time.Second)
	e.setClock(start)
	workshop := e.program("Workshop leads", pathway.Leader)
	p := e.participant("CMS-UNDO-1", "Undo Person", workshop)
	e.engageIn(p.ID, workshop, 3, "Ran a workshop")
	staff := e.tokens[pathway.RoleStaff]
	_, otherStaff := e.newAccount("other.staff@example.org", pathway.RoleStaff)

	undo := func(token string, placementID int64) *response {
		return e.call(request{Method: "POST", Path: path("/participants/%d/placements/%d/undo", p.ID, placementID), Token: token})
	}

	accepted := e.acceptAs(staff, e.suggestionFor(p.ID))
	t.Run("the answer says until when it can be undone", func(t *testing.T) {
		if accepted.UndoUntil == nil || !accepted.UndoUntil.Equal(start.Add(10*time.Minute)) {
			t.Errorf("undo_until %v, want %v", accepted.UndoUntil, start.Add(10*time.Minute))
		}
		if e.suggestionFor(p.ID) != nil {
			t.Error("the suggestion is still listed after it was accepted")
		}
	})
	t.Run("nobody else may undo it, not even an admin", func(t *testing.T) {
		for _, token := range []string{otherStaff, e.tokens[pathway.RoleAdmin]} {
			before := e.rowCounts(historyTables...)
			res := undo(token, accepted.ID).must(t, 403)
			if d := res.problem(t).Detail; !strings.Contains(d, "delete the move") {
				t.Errorf("the refusal does not say what to do instead: %q", d)
			}
			if diff := cmp.Diff(before, e.rowCounts(historyTables...)); diff != "" {
				t.Errorf("a refused undo changed rows (-before +after):\n%s", diff)
			}
		}
	})
	t.Run("within ten minutes it is undone, audited, and the suggestion is back", func(t *testing.T) {
		e.setClock(start.Add(10 * time.Minute))
		undo(staff, accepted.ID).must(t, 204)
		a := e.lastAudit()
		want := pathway.AuditEntry{
			UserID: ptr(e.users[pathway.RoleStaff].ID), User: e.users[pathway.RoleStaff].Email, Action: "suggestion.undo",
			Entity: "placement", EntityID: ptr(accepted.ID), RemoteAddr: "192.0.2.10",
		}
		if diff := cmp.Diff(want, a, cmpopts.IgnoreFields(pathway.AuditEntry{}, "ID", "At")); diff != "" {
			t.Errorf("audit entry (-want +got):\n%s", diff)
		}
		if got := e.getParticipant(p.ID).CurrentRung; got != pathway.Observer {
			t.Errorf("current rung %s after the undo, want observer", got)
		}
		if e.suggestionFor(p.ID) == nil {
			t.Error("the suggestion did not come back after the undo")
		}
		undo(staff, accepted.ID).must(t, 404)
	})
	t.Run("after ten minutes the undo is refused with a clear message", func(t *testing.T) {
		again := e.acceptAs(staff, e.suggestionFor(p.ID))
		e.setClock(start.Add(20*time.Minute + time.Microsecond))
		before := e.rowCounts(historyTables...)
		res := undo(staff, again.ID).must(t, 409)
		d := res.problem(t).Detail
		for _, want := range []string{"more than 10 minutes ago", "delete the move"} {
			if !strings.Contains(d, want) {
				t.Errorf("message %q does not say %q", d, want)
			}
		}
		if diff := cmp.Diff(before, e.rowCounts(historyTables...)); diff != "" {
			t.Errorf("a refused undo changed rows (-before +after):\n%s", diff)
		}
		if got := e.getParticipant(p.ID).CurrentRung; got != pathway.Leader {
			t.Errorf("current rung %s after a refused undo, want leader", got)
		}
	})
	t.Run("a move recorded by hand is not an acceptance to undo", func(t *testing.T) {
		var pl pathway.Placement
		e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), map[string]any{"rung": "member", "effective_on": e.on(0)}).must(t, 201).decode(t, &pl)
		if pl.UndoUntil != nil {
			t.Errorf("a placement without evidence offers an undo until %v", pl.UndoUntil)
		}
		res := undo(staff, pl.ID).must(t, 409)
		if d := res.problem(t).Detail; !strings.Contains(d, "Only a move accepted from a suggestion") {
			t.Errorf("message %q", d)
		}
	})
	t.Run("a coordinator may not undo", func(t *testing.T) {
		undo(e.tokens[pathway.RoleCoordinator], accepted.ID).must(t, 403)
	})
}

func TestADismissedSuggestionReturnsOnlyWithNewEvidence(t *testing.T) {
	e := newEnv(t)
	start := time.Now().UTC().Truncate(time.Second)
	e.setClock(start)
	workshop := e.program("Workshop leads", pathway.Leader)
	meetings := e.program("Community meetings", pathway.Member)
	board := e.newBody(map[string]any{"name": "Advisory Board", "kind": "advisory_board"})
	p := e.participant("CMS-DISMISS-1", "Dismissed Person", workshop, meetings)
	other := e.participant("CMS-DISMISS-2", "Still Suggested", workshop)
	old := e.engageIn(p.ID, workshop, 20, "Ran a workshop")
	e.engageIn(other.ID, workshop, 5, "Ran a workshop")
	dismiss := func(id int64, body map[string]any) *response {
		return e.as(pathway.RoleStaff, "POST", path("/participants/%d/suggestion-dismissals", id), body)
	}

	e.setClock(start.Add(time.Minute))
	var d pathway.Dismissal
	dismiss(p.ID, map[string]any{"reason": "  Talked it over: not now.  "}).must(t, 201).decode(t, &d)
	t.Run("the dismissal is stored, says who and when, and is audited", func(t *testing.T) {
		want := pathway.Dismissal{ParticipantID: p.ID, DismissedAt: start.Add(time.Minute), DismissedBy: e.users[pathway.RoleStaff].Email, Reason: "Talked it over: not now."}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("dismissal (-want +got):\n%s", diff)
		}
		a := e.lastAudit()
		wantEntry := pathway.AuditEntry{
			UserID: ptr(e.users[pathway.RoleStaff].ID), User: e.users[pathway.RoleStaff].Email, Action: "suggestion.dismiss",
			Entity: "participant", EntityID: ptr(p.ID), RemoteAddr: "192.0.2.10",
		}
		if diff := cmp.Diff(wantEntry, a, cmpopts.IgnoreFields(pathway.AuditEntry{}, "ID", "At")); diff != "" {
			t.Errorf("audit entry (-want +got):\n%s", diff)
		}
		if n := e.rowCounts("suggestion_dismissals")["suggestion_dismissals"]; n != 1 {
			t.Errorf("%d dismissals stored, want 1", n)
		}
	})
	t.Run("it is gone from the list, and only it", func(t *testing.T) {
		if e.suggestionFor(p.ID) != nil {
			t.Error("a dismissed suggestion is still listed")
		}
		var names []string
		for _, sg := range e.suggestions() {
			names = append(names, sg.DisplayName)
		}
		if diff := cmp.Diff([]string{"Still Suggested"}, names); diff != "" {
			t.Errorf("suggestions (-want +got):\n%s", diff)
		}
	})
	t.Run("dismissing again with nothing to dismiss is refused and stores nothing", func(t *testing.T) {
		before := e.rowCounts("suggestion_dismissals", "audit_log")
		res := dismiss(p.ID, map[string]any{}).must(t, 409)
		if d := res.problem(t).Detail; !strings.Contains(d, "no suggestion") {
			t.Errorf("message %q", d)
		}
		if diff := cmp.Diff(before, e.rowCounts("suggestion_dismissals", "audit_log")); diff != "" {
			t.Errorf("a refused dismissal changed rows (-before +after):\n%s", diff)
		}
	})
	t.Run("a reason longer than 200 characters is refused by field", func(t *testing.T) {
		wantProblem(t, dismiss(other.ID, map[string]any{"reason": strings.Repeat("é", 201)}), 422, "reason")
	})
	t.Run("evidence recorded later, even dated earlier, brings it back with only the new evidence", func(t *testing.T) {
		e.setClock(start.Add(2 * time.Minute))
		late := e.engageIn(p.ID, meetings, 30, "Came to a coalition table")
		sg := e.suggestionFor(p.ID)
		if sg == nil {
			t.Fatal("new evidence did not bring the suggestion back")
		}
		if diff := cmp.Diff([]int64{late.ID}, evidenceIDs(sg)); diff != "" {
			t.Errorf("evidence (-want +got); the old engagement %d must not count:\n%s", old.ID, diff)
		}
		if sg.SuggestedRung != pathway.Member {
			t.Errorf("suggested %s, want member (the old leader-rung evidence was dismissed)", sg.SuggestedRung)
		}
	})
	t.Run("a role recorded after a second dismissal brings it back", func(t *testing.T) {
		e.setClock(start.Add(3 * time.Minute))
		dismiss(p.ID, map[string]any{}).must(t, 201)
		if n := e.rowCounts("suggestion_dismissals")["suggestion_dismissals"]; n != 1 {
			t.Errorf("%d dismissals stored after a second one, want the latest only", n)
		}
		if e.suggestionFor(p.ID) != nil {
			t.Fatal("the second dismissal did not hold")
		}
		e.setClock(start.Add(4 * time.Minute))
		role := e.addRole(board.ID, p.ID, "Member", e.on(-2), "")
		sg := e.suggestionFor(p.ID)
		if sg == nil || !slices.Equal(evidenceIDs(sg), []int64{role.ID}) {
			t.Fatalf("after a new role, suggestion %+v, want one on the role alone", sg)
		}
	})
	t.Run("only writers dismiss, and only people they may see", func(t *testing.T) {
		e.as(pathway.RoleCoordinator, "POST", path("/participants/%d/suggestion-dismissals", other.ID), map[string]any{}).must(t, 403)
		e.as(pathway.RoleLeadership, "POST", path("/participants/%d/suggestion-dismissals", other.ID), map[string]any{}).must(t, 403)
		caseload := e.program("Somewhere else", pathway.Observer)
		_, scoped := e.newAccount("scoped@example.org", pathway.RoleStaff, caseload)
		e.call(request{Method: "POST", Path: path("/participants/%d/suggestion-dismissals", other.ID), Token: scoped, Body: map[string]any{}}).must(t, 404)
		if e.suggestionFor(other.ID) == nil {
			t.Error("a refused dismissal dismissed")
		}
	})
}

func TestSuggestionsPageInParticipantOrder(t *testing.T) {
	e := newEnv(t)
	workshop := e.program("Workshop leads", pathway.Leader)
	var want []int64
	for i := range 7 {
		p := e.participant(fmt.Sprintf("CMS-PAGE-%d", i), fmt.Sprintf("Paged %d", i), workshop)
		if i == 3 {
			continue // no evidence, no suggestion
		}
		for j := range 3 { // several rows per person must not split them across pages
			e.engageIn(p.ID, workshop, j+1, "Ran a workshop")
		}
		want = append(want, p.ID)
	}
	page := func(q string) (ids []int64, next *string) {
		var pg struct {
			Items      []pathway.Suggestion `json:"items"`
			NextCursor *string              `json:"next_cursor"`
		}
		e.as(pathway.RoleStaff, "GET", path("/suggestions?%s", q), nil).must(t, 200).decode(t, &pg)
		for _, sg := range pg.Items {
			ids = append(ids, sg.ParticipantID)
			if len(sg.Evidence) != 3 {
				t.Errorf("participant %d has %d pieces of evidence on the page, want all 3", sg.ParticipantID, len(sg.Evidence))
			}
		}
		return ids, pg.NextCursor
	}
	for _, limit := range []int{1, 2, 4, 6, 100} {
		t.Run(fmt.Sprintf("pages of %d hold everyone once", limit), func(t *testing.T) {
			var got []int64
			q := fmt.Sprintf("limit=%d", limit)
			for range 10 {
				ids, next := page(q)
				if len(ids) > limit {
					t.Fatalf("a page of %d holds %d", limit, len(ids))
				}
				got = append(got, ids...)
				if next == nil {
					break
				}
				q = fmt.Sprintf("limit=%d&cursor=%s", limit, *next)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("participants over the pages (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("the default page holds 25", func(t *testing.T) {
		ids, next := page("")
		if !slices.Equal(ids, want) || next != nil {
			t.Errorf("default page %v next %v", ids, next)
		}
	})
	t.Run("bad paging is refused by field", func(t *testing.T) {
		for _, tc := range []struct{ q, field string }{
			{"limit=0", "limit"}, {"limit=101", "limit"}, {"cursor=not-one", "cursor"},
		} {
			wantProblem(t, e.as(pathway.RoleStaff, "GET", path("/suggestions?%s", tc.q), nil), 422, tc.field)
		}
	})
}

func TestOnlyTheRolesThatWriteNotesReadThem(t *testing.T) {
	e := newEnv(t)
	prog := e.program("Community meetings", pathway.Follower)
	p := e.participant("CMS-NOTES-1", "Noted Person", prog)
	const note = "Prefers a call in the evening"
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/placements", p.ID), map[string]any{"rung": "member", "effective_on": e.on(0), "note": note}).must(t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/engagements", p.ID), map[string]any{"occurred_on": e.on(0), "activity": "Meeting", "program_id": prog, "note": note}).must(t, 201)
	e.as(pathway.RoleStaff, "POST", path("/participants/%d/capacity-checkins", p.ID), map[string]any{
		"assessed_on": e.on(0), "perspective": "staff", "self_advocacy": 2, "root_cause_analysis": 2, "leadership": 2, "note": note,
	}).must(t, 201)

	for _, tc := range []struct {
		role  pathway.Role
		reads bool
	}{
		{pathway.RoleAdmin, true}, {pathway.RoleStaff, true}, {pathway.RoleCoordinator, false}, {pathway.RoleLeadership, false},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			var me struct {
				Abilities []pathway.Ability `json:"abilities"`
			}
			e.as(tc.role, "GET", path("/me"), nil).must(t, 200).decode(t, &me)
			if got := slices.Contains(me.Abilities, pathway.ReadNotes); got != tc.reads {
				t.Errorf("/me says read_notes %v, want %v", got, tc.reads)
			}
			var answers [][]byte
			for _, route := range []string{"/participants/%d/placements", "/participants/%d/engagements", "/participants/%d/capacity-checkins", "/participants/%d",
				"/participants/%d?include=placements", "/participants/%d?include=placements,engagements,capacity_checkins"} {
				res := e.as(tc.role, "GET", path(route, p.ID), nil)
				if res.Code == http.StatusOK {
					answers = append(answers, res.Body)
				}
			}
			shown := false
			for _, b := range answers {
				shown = shown || strings.Contains(string(b), note)
			}
			if shown != tc.reads {
				t.Errorf("a note reached %s: %v, want %v", tc.role, shown, tc.reads)
			}
			if tc.role != pathway.RoleCoordinator {
				return
			}
			// A coordinator reads the journey, without the note field at all.
			var hist struct {
				Items []map[string]json.RawMessage `json:"items"`
			}
			e.as(tc.role, "GET", path("/participants/%d/placements", p.ID), nil).must(t, 200).decode(t, &hist)
			if len(hist.Items) != 2 {
				t.Fatalf("coordinator sees %d placements, want 2", len(hist.Items))
			}
			var rec struct {
				Placements []map[string]json.RawMessage `json:"placements"`
			}
			e.as(tc.role, "GET", path("/participants/%d?include=placements", p.ID), nil).must(t, 200).decode(t, &rec)
			if len(rec.Placements) != 2 {
				t.Fatalf("coordinator's record holds %d placements, want 2", len(rec.Placements))
			}
			for _, pl := range append(hist.Items, rec.Placements...) {
				if _, ok := pl["note"]; ok {
					t.Errorf("a coordinator's placement carries a note field: %s", pl["note"])
				}
			}
		})
	}
}
