package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// A term's ends_on is its last day: the holder keeps the seat through it,
// and the seat is free from the next day.
func TestTermEndsOnItsLastDayAndTheSeatIsFreeTheNextDay(t *testing.T) {
	e := newEnv(t)
	board := e.newBody(map[string]any{"name": "Board", "kind": "advisory_board", "seats": 1, "term_months": 12})
	ana := e.participant("CMS-ANA", "Ana")
	ben := e.participant("CMS-BEN", "Ben")
	cy := e.participant("CMS-CY", "Cy")
	held := e.addRole(board.ID, ana.ID, "Member", e.on(-100), "")

	// Ana's term ends today.
	e.as(pathway.RoleCoordinator, "PATCH", path("/roles/%d", held.ID), map[string]any{"ends_on": e.on(0)}).must(t, 200)

	t.Run("a term ending today still counts today", func(t *testing.T) {
		today := e.rosterOf(board.ID, "")
		if diff := cmp.Diff([]string{"Ana"}, holders(today)); diff != "" {
			t.Errorf("today's roster (-want +got):\n%s", diff)
		}
		if today.SeatsFilled != 1 || today.SeatsOpen == nil || *today.SeatsOpen != 0 {
			t.Errorf("today %d filled, %v open; want 1 and 0", today.SeatsFilled, today.SeatsOpen)
		}
		if got := holders(e.rosterOf(board.ID, e.on(1))); len(got) != 0 {
			t.Errorf("tomorrow's roster holds %v; want nobody once Ana's last day is over", got)
		}
	})
	t.Run("the seat cannot be filled the same day: the board is full", func(t *testing.T) {
		before := e.rowCount("roles")
		wantProblem(t, e.postRole(board.ID, ben.ID, "Member", e.on(0), ""), 409, "starts_on", "full", e.on(0))
		if after := e.rowCount("roles"); after != before {
			t.Errorf("a refused term changed roles from %d to %d", before, after)
		}
	})
	var next pathway.BodyRole
	t.Run("the seat is filled from the next day", func(t *testing.T) {
		next = e.addRole(board.ID, ben.ID, "Member", e.on(1), "")
		if next.EndsOn == nil || next.EndsOn.String() != e.today.AddDays(1).AddMonths(12).AddDays(-1).String() {
			t.Errorf("the new term ends %v; want the day before its anniversary", next.EndsOn)
		}
		if diff := cmp.Diff([]string{"Ana"}, holders(e.rosterOf(board.ID, ""))); diff != "" {
			t.Errorf("today's roster after filling from tomorrow (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Ben"}, holders(e.rosterOf(board.ID, e.on(1)))); diff != "" {
			t.Errorf("tomorrow's roster (-want +got):\n%s", diff)
		}
	})
	t.Run("a term starting soon is listed as such", func(t *testing.T) {
		got := e.listRoles(fmt.Sprintf("body_id=%d&starting_within_days=30", board.ID))
		if len(got) != 1 || got[0].ID != next.ID {
			t.Errorf("terms starting within 30 days: %+v; want only Ben's", got)
		}
		if got := e.listRoles(fmt.Sprintf("body_id=%d&starting_within_days=1", board.ID)); len(got) != 1 {
			t.Errorf("a term starting tomorrow is not within 1 day: %+v", got)
		}
		wantProblem(t, e.as(pathway.RoleCoordinator, "GET", path("/roles?starting_within_days=0"), nil), 422, "starting_within_days")
	})
	t.Run("overlap is still refused, last day included", func(t *testing.T) {
		// Cy cannot take the seat on Ben's last day; the day after, they can.
		last := *next.EndsOn
		wantProblem(t, e.postRole(board.ID, cy.ID, "Member", last.String(), ""), 409, "starts_on", "full")
		e.addRole(board.ID, cy.ID, "Member", last.AddDays(1).String(), "")
		// Ana's own next term may not start on her last day, but may the day after...
		committee := e.newBody(map[string]any{"name": "Committee", "kind": "committee"})
		first := e.addRole(committee.ID, ana.ID, "Member", e.on(-10), e.on(5))
		wantProblem(t, e.postRole(committee.ID, ana.ID, "Chair", e.on(5), ""), 409, "participant_id", "already holds")
		e.addRole(committee.ID, ana.ID, "Chair", e.on(6), "")
		// ...and her first term cannot then be stretched over the second.
		wantProblem(t, e.as(pathway.RoleCoordinator, "PATCH", path("/roles/%d", first.ID), map[string]any{"ends_on": e.on(6)}), 409, "participant_id")
	})
}

func TestSpeakingEngagementsArePaged(t *testing.T) {
	e := newEnv(t)
	bureau := e.newBody(map[string]any{"name": "Speakers Bureau", "kind": "speakers_bureau"})
	ana := e.person("CMS-ANA", "Ana", true, e.on(-365))
	e.addRole(bureau.ID, ana.ID, "Speaker", e.on(-100), "")
	for i := range 7 {
		day := e.on(-1 - i/2) // two talks on most days: the order breaks ties by id
		e.as(pathway.RoleCoordinator, "POST", path("/bodies/%d/speaking-engagements", bureau.ID), map[string]any{
			"held_on": day, "audience": "school", "topic": fmt.Sprintf("Talk %d", i), "speaker_ids": []int64{ana.ID},
		}).must(t, 201)
	}
	// Newest first: later days first, and on one day the later record first.
	want := []string{"Talk 1", "Talk 0", "Talk 3", "Talk 2", "Talk 5", "Talk 4", "Talk 6"}
	var got []string
	cursor, pages := "", 0
	for {
		var page struct {
			Items      []pathway.SpeakingEngagement `json:"items"`
			NextCursor *string                      `json:"next_cursor"`
		}
		p := path("/bodies/%d/speaking-engagements?limit=3", bureau.ID)
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		e.as(pathway.RoleCoordinator, "GET", p, nil).must(t, 200).decode(t, &page)
		pages++
		for _, s := range page.Items {
			got = append(got, s.Topic)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
		if pages > 5 {
			t.Fatal("the pages never end")
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("talks across pages (-want +got):\n%s", diff)
	}
	if pages != 3 {
		t.Errorf("7 talks in pages of 3 took %d pages, want 3", pages)
	}
	wantProblem(t, e.as(pathway.RoleCoordinator, "GET", path("/bodies/%d/speaking-engagements?cursor=nonsense", bureau.ID), nil), 422, "cursor")
	wantProblem(t, e.as(pathway.RoleCoordinator, "GET", path("/bodies/%d/speaking-engagements?limit=0", bureau.ID), nil), 422, "limit")
	wantProblem(t, e.as(pathway.RoleCoordinator, "GET", path("/bodies/%d/speaking-engagements?colour=red", bureau.ID), nil), 422, "")
}
