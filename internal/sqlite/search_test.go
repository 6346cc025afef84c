package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pathway/internal/pathway"
)

// names lists the display names of ps, in order.
func names(ps []pathway.Participant) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.DisplayName)
	}
	return out
}

// list lists what a actor sees with f, 50 to a page.
func (s *historyStore) list(tb testing.TB, a pathway.Actor, f pathway.ParticipantFilter) []pathway.Participant {
	tb.Helper()
	if f.Limit == 0 {
		f.Limit = 50
	}
	ps, _, err := s.participants.ListParticipants(context.Background(), a, f)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

func TestSearchIgnoresCaseAndAccents(t *testing.T) {
	s := newHistoryStore(t)
	s.add(t, "CM-1", "Lucía Gómez")
	s.add(t, "CM-2", "LUCIA PEREZ")
	s.add(t, "CM-3", "lucia díaz")
	s.add(t, "CM-4", "Marco Straße")
	s.add(t, "CM-5", "Luciano Ibáñez")
	for _, tc := range []struct {
		name, q string
		want    []string
	}{
		{"plain", "lucia", []string{"Lucía Gómez", "LUCIA PEREZ", "lucia díaz", "Luciano Ibáñez"}},
		{"accented", "Lucía", []string{"Lucía Gómez", "LUCIA PEREZ", "lucia díaz", "Luciano Ibáñez"}},
		{"capitals", "LUCÍA", []string{"Lucía Gómez", "LUCIA PEREZ", "lucia díaz", "Luciano Ibáñez"}},
		{"a surname without its accent", "gomez", []string{"Lucía Gómez"}},
		{"the start of a word", "ibá", []string{"Luciano Ibáñez"}},
		{"two words in any order", "perez lucia", []string{"LUCIA PEREZ"}},
		{"case folding beyond accents", "STRASSE", []string{"Marco Straße"}},
		{"a single letter starts a word", "G", []string{"Lucía Gómez"}},
		{"nobody", "xochitl", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := names(s.list(t, s.staff, pathway.ParticipantFilter{Text: tc.q}))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("search %q (-want +got):\n%s", tc.q, diff)
			}
		})
	}
}

func TestSearchFindsAnExactExternalRef(t *testing.T) {
	s := newHistoryStore(t)
	s.add(t, "CM-0001234", "Rosa")
	s.add(t, "CM-0001235", "Iris")
	s.add(t, "Q7", "Olga")
	for _, tc := range []struct{ q, want string }{
		{"CM-0001234", "Rosa"},
		{"cm-0001234", "Rosa"},
		{" ＣＭ-0001234 ", "Rosa"},
		{"0001235", "Iris"},
		{"q7", "Olga"},
	} {
		got := names(s.list(t, s.staff, pathway.ParticipantFilter{Text: tc.q}))
		if diff := cmp.Diff([]string{tc.want}, got); diff != "" {
			t.Errorf("search %q (-want +got):\n%s", tc.q, diff)
		}
	}
}

func TestSearchFollowsARename(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CM-1", "Tomasa")
	renamed := "Valentina"
	if _, err := s.participants.UpdateParticipant(context.Background(), s.staff, p.ID, pathway.ParticipantUpdate{DisplayName: &renamed}); err != nil {
		t.Fatal(err)
	}
	if got := names(s.list(t, s.staff, pathway.ParticipantFilter{Text: "tomasa"})); len(got) != 0 {
		t.Errorf("the old name still finds %v", got)
	}
	if got := names(s.list(t, s.staff, pathway.ParticipantFilter{Text: "valentina"})); !cmp.Equal(got, []string{"Valentina"}) {
		t.Errorf("the new name finds %v", got)
	}
}

// pages lists every page of f, two at a time, through the cursors.
func (s *historyStore) pages(tb testing.TB, f pathway.ParticipantFilter) []string {
	tb.Helper()
	f.Limit = 2
	var out []string
	for {
		ps, next, err := s.participants.ListParticipants(context.Background(), s.staff, f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, names(ps)...)
		if next == 0 {
			return out
		}
		f.After = next
	}
}

func TestListSortsByNameAndByLastEngagement(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	engage := func(p *pathway.Participant, daysAgo int) {
		if err := s.participants.AddEngagement(ctx, s.staff, p.ID, &pathway.Engagement{OccurredOn: s.today.AddDays(-daysAgo), Activity: "Meeting"}); err != nil {
			t.Fatal(err)
		}
	}
	zoe := s.add(t, "CM-1", "Zoë")
	ana := s.add(t, "CM-2", "ana")
	oscar := s.add(t, "CM-3", "Óscar")
	s.add(t, "CM-4", "Bea")
	marta := s.add(t, "CM-5", "Marta")
	engage(zoe, 30)
	engage(ana, 2)
	engage(ana, 40) // an older engagement logged later leaves the latest
	engage(oscar, 10)
	engage(marta, 10)

	if diff := cmp.Diff([]string{"ana", "Bea", "Marta", "Óscar", "Zoë"}, s.pages(t, pathway.ParticipantFilter{Sort: pathway.SortByName})); diff != "" {
		t.Errorf("by name, ignoring case and accents (-want +got):\n%s", diff)
	}
	// Ties go to the later added; people never engaged come last.
	if diff := cmp.Diff([]string{"ana", "Marta", "Óscar", "Zoë", "Bea"}, s.pages(t, pathway.ParticipantFilter{Sort: pathway.SortByLastEngaged})); diff != "" {
		t.Errorf("by last engagement (-want +got):\n%s", diff)
	}
	if got := s.find(t, ana.ID).LastEngagedOn; got == nil || *got != s.today.AddDays(-2) {
		t.Errorf("ana's last engagement = %v, want %v", got, s.today.AddDays(-2))
	}
	// Every reference starts "CM": a search that finds them all keeps the order.
	if diff := cmp.Diff([]string{"ana", "Bea", "Marta", "Óscar", "Zoë"}, s.pages(t, pathway.ParticipantFilter{Sort: pathway.SortByName, Text: "cm"})); diff != "" {
		t.Errorf("a search by name (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ana", "Marta", "Óscar", "Zoë", "Bea"}, s.pages(t, pathway.ParticipantFilter{Sort: pathway.SortByLastEngaged, Text: "cm"})); diff != "" {
		t.Errorf("a search by last engagement (-want +got):\n%s", diff)
	}
}

func TestACursorOfAnErasedPersonIsRefusedInANamedOrder(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	s.add(t, "CM-1", "Ana")
	b := s.add(t, "CM-2", "Bea")
	s.add(t, "CM-3", "Cruz")
	if _, err := s.participants.WithdrawConsent(ctx, s.staff, b.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.participants.ListParticipants(ctx, s.staff, pathway.ParticipantFilter{Sort: pathway.SortByName, After: b.ID, Limit: 2})
	if pathway.ErrorCode(err) != pathway.EINVALID {
		t.Errorf("a cursor that leads nowhere: %v, want EINVALID", err)
	}
}

func TestRecentPeopleAreTheOnesThisAccountOpened(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	ana, bea, cruz := s.add(t, "CM-1", "Ana"), s.add(t, "CM-2", "Bea"), s.add(t, "CM-3", "Cruz")
	s.add(t, "CM-4", "Dora")
	open := func(a pathway.Actor, p *pathway.Participant) {
		if _, err := s.participants.FindParticipant(ctx, a, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	open(s.staff, ana)
	open(s.staff, bea)
	open(s.staff, cruz)
	open(s.staff, ana)
	open(s.otherStaff, bea)
	recent := func(a pathway.Actor) []string { return names(s.list(t, a, pathway.ParticipantFilter{Recent: true})) }
	if diff := cmp.Diff([]string{"Ana", "Cruz", "Bea"}, recent(s.staff)); diff != "" {
		t.Errorf("staff's recent people, the latest opened first (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Bea"}, recent(s.otherStaff)); diff != "" {
		t.Errorf("another account's recent people (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Cruz"}, names(s.list(t, s.staff, pathway.ParticipantFilter{Recent: true, Text: "cruz"}))); diff != "" {
		t.Errorf("recent people searched (-want +got):\n%s", diff)
	}
	if _, err := s.participants.WithdrawConsent(ctx, s.staff, bea.ID); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Ana", "Cruz"}, recent(s.staff)); diff != "" {
		t.Errorf("after Bea's erasure (-want +got):\n%s", diff)
	}
	if n := s.count(t, `SELECT count(*) FROM participant_views WHERE participant_id = ?`, bea.ID); n != 0 {
		t.Errorf("%d views of the erased person remain", n)
	}
}

func TestRecentPeopleKeepOnlyTheLatestFifty(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	for i := range 55 {
		p := s.add(t, "CM-"+string(rune('A'+i%26))+string(rune('a'+i/26)), "Person")
		if _, err := s.participants.FindParticipant(ctx, s.staff, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.count(t, `SELECT count(*) FROM participant_views WHERE user_id = ?`, s.staff.UserID); n != 50 {
		t.Errorf("%d views kept, want 50", n)
	}
}

func TestErasureEmptiesTheSearchIndex(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	// Words no one else's name or reference starts with, so the index holds
	// them whole and a scan of the files would find them.
	gone := s.add(t, "VQJ-88", "Zyxwq Ojjkv")
	s.add(t, "CM-2", "Marisol Penhallow")
	traces := []string{"zyxwq", "ojjkv", "zyxwq ojjkv", "vqj"}
	raw := fileBytes(t, s.db)
	for _, tr := range traces {
		if !bytes.Contains(raw, []byte(tr)) {
			t.Fatalf("before erasure the scan does not find %q: it could not catch a leak", tr)
		}
	}
	if _, err := s.participants.WithdrawConsent(ctx, s.staff, gone.ID); err != nil {
		t.Fatal(err)
	}
	raw = fileBytes(t, s.db)
	for _, tr := range traces {
		if i := bytes.Index(raw, []byte(tr)); i >= 0 {
			t.Errorf("%q remains at byte %d of the database files", tr, i)
		}
	}
	if got := names(s.list(t, s.staff, pathway.ParticipantFilter{Text: "zyxwq"})); len(got) != 0 {
		t.Errorf("the erased person is still found: %v", got)
	}
	if got := names(s.list(t, s.staff, pathway.ParticipantFilter{Text: "marisol"})); !cmp.Equal(got, []string{"Marisol Penhallow"}) {
		t.Errorf("the other person is found as %v", got)
	}
}

// TestASearchWithManyMatchesSortsAsOneWithFew: past sortMatchesMax matches
// a search sorted by name walks the name index instead of sorting its
// matches; both ways give the same people in the same order, page by page.
func TestASearchWithManyMatchesSortsAsOneWithFew(t *testing.T) {
	s := newHistoryStore(t)
	const many = 420 // above sortMatchesMax
	var want []string
	for i := range many {
		name := fmt.Sprintf("Lucía %c%03d", 'Z'-rune(i%26), i)
		s.add(t, fmt.Sprintf("CM-%04d", i), name)
		want = append(want, name)
		s.add(t, fmt.Sprintf("OT-%04d", i), fmt.Sprintf("Marta %03d", i))
	}
	slices.SortFunc(want, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	got := names(s.list(t, s.staff, pathway.ParticipantFilter{Text: "lucia", Sort: pathway.SortByName, Limit: many + 10}))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%d matches sorted by name (-want +got):\n%s", many, diff)
	}
	var paged []string
	f := pathway.ParticipantFilter{Text: "lucia", Sort: pathway.SortByName, Limit: 50}
	for {
		ps, next, err := s.participants.ListParticipants(context.Background(), s.staff, f)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, names(ps)...)
		if next == 0 {
			break
		}
		f.After = next
	}
	if diff := cmp.Diff(want, paged); diff != "" {
		t.Errorf("the same, 50 to a page (-want +got):\n%s", diff)
	}
	few := names(s.list(t, s.staff, pathway.ParticipantFilter{Text: "lucia z", Sort: pathway.SortByName}))
	if len(few) == 0 || len(few) > 50 || !slices.IsSortedFunc(few, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("a search with few matches sorted by name gave %q", few)
	}
}
