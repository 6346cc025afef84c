package sqlite_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
	"pathway/internal/sqlite/sqlitetest"
)

// historyStore is a database on a fixed clock with a staff member, a second
// staff member and an admin.
type historyStore struct {
	db           *sqlite.DB
	participants *sqlite.ParticipantService
	programs     *sqlite.ProgramService
	audit        *sqlite.AuditService
	staff        pathway.Actor
	otherStaff   pathway.Actor
	admin        pathway.Actor
	today        pathway.Date
}

func newHistoryStore(tb testing.TB) *historyStore {
	tb.Helper()
	db := sqlitetest.MustOpen(tb)
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	db.Now = func() time.Time { return now }
	s := &historyStore{
		db:           db,
		participants: sqlite.NewParticipantService(db),
		programs:     sqlite.NewProgramService(db),
		audit:        sqlite.NewAuditService(db),
		today:        pathway.DateOf(now, time.UTC),
	}
	users := sqlite.NewUserService(db)
	account := func(email string, role pathway.Role) pathway.Actor {
		u := &pathway.User{Email: email, Role: role}
		if err := users.CreateUser(context.Background(), pathway.Actor{Email: "test"}, u, "not a real hash"); err != nil {
			tb.Fatal(err)
		}
		return pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role, RemoteAddr: "198.51.100.7"}
	}
	s.staff = account("staff@example.org", pathway.RoleStaff)
	s.otherStaff = account("other@example.org", pathway.RoleStaff)
	s.admin = account("admin@example.org", pathway.RoleAdmin)
	return s
}

// add follows a new participant who consented 100 days ago.
func (s *historyStore) add(tb testing.TB, ref, name string, programIDs ...int64) *pathway.Participant {
	tb.Helper()
	p, err := s.participants.CreateParticipant(context.Background(), s.staff, pathway.NewParticipant{
		ExternalRef: ref,
		DisplayName: name,
		ProgramIDs:  programIDs,
		Consent:     pathway.Consent{GivenOn: s.today.AddDays(-100), Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
		Rung:        pathway.Observer,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// fileBytes reads the database file and its write-ahead log.
func fileBytes(tb testing.TB, db *sqlite.DB) []byte {
	tb.Helper()
	var all []byte
	for _, name := range []string{db.Path, db.Path + "-wal"} {
		b, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			tb.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// record gives p a renamed display name and a note on each kind of history,
// and returns every string that identifies them.
func (s *historyStore) record(tb testing.TB, p *pathway.Participant, tag string) []string {
	tb.Helper()
	ctx := context.Background()
	renamed := p.DisplayName + " Renamed"
	if _, err := s.participants.UpdateParticipant(ctx, s.staff, p.ID, pathway.ParticipantUpdate{DisplayName: &renamed}); err != nil {
		tb.Fatal(err)
	}
	traces := []string{p.DisplayName, renamed, p.ExternalRef, "placement note heron " + tag, "engagement note osprey " + tag, "check-in note plover " + tag, "dismissal reason egret " + tag}
	// The search keeps the name and reference folded (lower case, no
	// accents): in participants.name_key and in the participant_search index.
	traces = append(traces, strings.ToLower(renamed), strings.ToLower(p.ExternalRef))
	if err := s.participants.AddPlacement(ctx, s.staff, p.ID, &pathway.Placement{Rung: pathway.Member, EffectiveOn: s.today, Note: traces[3]}); err != nil {
		tb.Fatal(err)
	}
	if err := s.participants.AddEngagement(ctx, s.staff, p.ID, &pathway.Engagement{OccurredOn: s.today, Activity: "Tenant meeting", Note: traces[4]}); err != nil {
		tb.Fatal(err)
	}
	if err := s.participants.AddCheckin(ctx, s.staff, p.ID, &pathway.CapacityCheckin{
		AssessedOn: s.today, Perspective: pathway.PerspectiveSelf, SelfAdvocacy: 2, RootCauseAnalysis: 3, Leadership: 1, Note: traces[5],
	}); err != nil {
		tb.Fatal(err)
	}
	// A suggestion they were given and someone dismissed, with a reason.
	lead := &pathway.Program{Name: "Workshop leads " + tag, Rung: pathway.Leader, Strategies: []pathway.Strategy{}}
	if err := s.programs.CreateProgram(ctx, s.admin, lead); err != nil {
		tb.Fatal(err)
	}
	if err := s.participants.AddEngagement(ctx, s.staff, p.ID, &pathway.Engagement{OccurredOn: s.today, Activity: "Ran a workshop", ProgramID: &lead.ID}); err != nil {
		tb.Fatal(err)
	}
	if _, err := sqlite.NewSuggestionService(s.db).Dismiss(ctx, s.staff, p.ID, traces[6]); err != nil {
		tb.Fatal(err)
	}
	return traces
}

func TestWithdrawConsentLeavesNoTraceInTheFiles(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	gone := s.add(t, "CMS-GONE-5521", "Thaddeus Wrenfield")
	keep := s.add(t, "CMS-KEEP-5522", "Marisol Penhallow")
	// Part of the history in the database file, part still in the log.
	if err := s.db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	goneTraces := s.record(t, gone, "gone")
	keepTraces := s.record(t, keep, "keep")

	raw := fileBytes(t, s.db)
	for _, tr := range append(goneTraces, keepTraces...) {
		if !bytes.Contains(raw, []byte(tr)) {
			t.Fatalf("before withdrawal the scan does not find %q: it could not catch a leak", tr)
		}
	}

	if pending, err := s.participants.WithdrawConsent(ctx, s.staff, gone.ID); err != nil {
		t.Fatal(err)
	} else if pending {
		t.Fatal("with no reader holding the log, the erasure left its scrub pending")
	}

	raw = fileBytes(t, s.db)
	for _, tr := range goneTraces {
		t.Run("erased "+tr, func(t *testing.T) {
			if i := bytes.Index(raw, []byte(tr)); i >= 0 {
				t.Errorf("remains at byte %d of the database files", i)
			}
		})
	}
	for _, tr := range keepTraces {
		t.Run("kept "+tr, func(t *testing.T) {
			if !bytes.Contains(raw, []byte(tr)) {
				t.Error("erasing one participant lost another's history")
			}
		})
	}

	reads := []struct {
		name string
		err  error
	}{
		{"find", func() error { _, err := s.participants.FindParticipant(ctx, s.admin, gone.ID); return err }()},
		{"placements", func() error { _, err := s.participants.ListPlacements(ctx, s.admin, gone.ID); return err }()},
		{"engagements", func() error { _, err := s.participants.ListEngagements(ctx, s.admin, gone.ID); return err }()},
		{"check-ins", func() error { _, err := s.participants.ListCheckins(ctx, s.admin, gone.ID); return err }()},
		{"withdraw again", func() error { _, err := s.participants.WithdrawConsent(ctx, s.admin, gone.ID); return err }()},
	}
	for _, r := range reads {
		t.Run("after erasure "+r.name+" finds nothing", func(t *testing.T) {
			if code := pathway.ErrorCode(r.err); code != pathway.ENOTFOUND {
				t.Errorf("error %v (code %q), want %s", r.err, code, pathway.ENOTFOUND)
			}
		})
	}

	entries, _, err := s.audit.ListAudit(ctx, s.admin, pathway.AuditFilter{Entity: "participant", EntityID: gone.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no audit entries for the erased participant")
	}
	want := pathway.AuditEntry{
		UserID: &s.staff.UserID, User: s.staff.Email, Action: "participant.erase", Entity: "participant",
		EntityID: &gone.ID, RemoteAddr: "198.51.100.7", At: s.db.Now().UTC(),
	}
	if diff := cmp.Diff(want, entries[0], cmpopts.IgnoreFields(pathway.AuditEntry{}, "ID")); diff != "" {
		t.Errorf("newest audit entry (-want +got):\n%s", diff)
	}
	all, _, err := s.audit.ListAudit(ctx, s.admin, pathway.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	trail, _ := json.Marshal(all)
	for _, tr := range append(goneTraces, keepTraces...) {
		if bytes.Contains(trail, []byte(tr)) {
			t.Errorf("the audit trail holds %q", tr)
		}
	}
}

func TestWithdrawConsentOutsideTheCaseloadErasesNothing(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	progA := &pathway.Program{Name: "A", Rung: pathway.Member}
	progB := &pathway.Program{Name: "B", Rung: pathway.Member}
	for _, p := range []*pathway.Program{progA, progB} {
		if err := s.programs.CreateProgram(ctx, s.admin, p); err != nil {
			t.Fatal(err)
		}
	}
	inB := s.add(t, "CMS-B", "Only In B", progB.ID)
	scoped := s.otherStaff
	scoped.ProgramIDs = []int64{progA.ID}

	tests := []struct {
		name  string
		actor pathway.Actor
		id    int64
		code  string
	}{
		{"staff scoped to another program cannot erase", scoped, inB.ID, pathway.ENOTFOUND},
		{"nobody can erase an unknown participant", s.admin, inB.ID + 1000, pathway.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.participants.WithdrawConsent(ctx, tt.actor, tt.id)
			if code := pathway.ErrorCode(err); code != tt.code {
				t.Errorf("error %v (code %q), want %s", err, code, tt.code)
			}
			if _, err := s.participants.FindParticipant(ctx, s.admin, inB.ID); err != nil {
				t.Errorf("the participant is gone after a refused withdrawal: %v", err)
			}
		})
	}
}

func TestWithdrawalWhileAReaderHoldsTheLogStillErases(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	gone := s.add(t, "CMS-HELD-7781", "Octavia Quillfeather")
	traces := s.record(t, gone, "held")

	// A reader in the middle of a long query keeps the log from being truncated.
	reader, err := s.db.Reader().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRowContext(ctx, `SELECT count(*) FROM participants`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	pendingAnswer := make(chan bool, 1)
	go func() {
		pending, err := s.participants.WithdrawConsent(ctx, s.staff, gone.ID)
		pendingAnswer <- pending
		done <- err
	}()
	// While the erasure waits for the reader, other writes go on.
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	other := s.add(t, "CMS-OTHER-7782", "Someone Else")
	if err := s.participants.AddEngagement(ctx, s.staff, other.ID, &pathway.Engagement{OccurredOn: s.today, Activity: "Supper"}); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("a write waited %v behind the erasure's checkpoint", waited)
	}
	if err := <-done; err != nil {
		t.Fatalf("erasure failed while a reader held the log: %v", err)
	}
	if !<-pendingAnswer {
		t.Error("the erasure reported the files clean while a reader held the log")
	}
	if _, err := s.participants.FindParticipant(ctx, s.admin, gone.ID); pathway.ErrorCode(err) != pathway.ENOTFOUND {
		t.Fatalf("after erasure the participant is still found: %v", err)
	}
	if err := reader.Rollback(); err != nil {
		t.Fatal(err)
	}
	// Once the reader lets go, the background checkpoint clears the log.
	deadline := time.Now().Add(10 * time.Second)
	for {
		raw := fileBytes(t, s.db)
		left := ""
		for _, tr := range traces {
			if bytes.Contains(raw, []byte(tr)) {
				left = tr
			}
		}
		if left == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q still in the database files 10 s after the reader finished", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestAnErasedParticipantsIDIsNeverReused(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	gone := s.add(t, "CMS-LAST-1", "Last Added")
	if _, err := s.participants.WithdrawConsent(ctx, s.staff, gone.ID); err != nil {
		t.Fatal(err)
	}
	next := s.add(t, "CMS-NEXT-2", "Added After")
	if next.ID == gone.ID {
		t.Fatalf("participant id %d was given to someone else after erasure: the audit trail would mix two people", gone.ID)
	}
}

func TestErasureUnlinksEarlierAuditEntriesButKeepsTheErasureEntry(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	p := s.add(t, "CM-AUDIT-1", "Audited Person")
	other := s.add(t, "CM-AUDIT-2", "Someone Staying")
	s.record(t, p, "audit")
	s.record(t, other, "stays")
	if _, err := s.participants.FindParticipant(ctx, s.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.participants.ListEngagements(ctx, s.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	bodies := sqlite.NewBodyService(s.db)
	b := &pathway.Body{Name: "Advisory board", Kind: pathway.AdvisoryBoard}
	if err := bodies.CreateBody(ctx, s.admin, b); err != nil {
		t.Fatal(err)
	}
	role := &pathway.BodyRole{BodyID: b.ID, ParticipantID: p.ID, Title: "Member", StartsOn: s.today.AddDays(-10)}
	if err := bodies.AddRole(ctx, s.admin, role); err != nil {
		t.Fatal(err)
	}
	title := "Chair"
	if _, err := bodies.UpdateRole(ctx, s.admin, role.ID, pathway.RoleUpdate{Title: &title}); err != nil {
		t.Fatal(err)
	}
	placements, err := s.participants.ListPlacements(ctx, s.staff, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	// linked lists the audit entries that lead to the person: about them,
	// their placements or their roles.
	placementIDs, _ := json.Marshal(ids(placements, func(pl pathway.Placement) int64 { return pl.ID }))
	linked := func() []string {
		const q = `SELECT action FROM audit_log
WHERE (entity = 'participant' AND entity_id = ?)
   OR (entity = 'placement' AND entity_id IN (SELECT value FROM json_each(?)))
   OR (entity = 'role' AND entity_id = ?)
ORDER BY id`
		if err := s.db.FlushReads(ctx); err != nil {
			t.Fatal(err)
		}
		rows, err := s.db.Reader().QueryContext(ctx, q, p.ID, string(placementIDs), role.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var actions []string
		for rows.Next() {
			var a string
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			actions = append(actions, a)
		}
		return actions
	}
	countAll := func() int {
		var n int
		if err := s.db.FlushReads(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before, total := linked(), countAll()
	if len(before) < 8 {
		t.Fatalf("only %d entries lead to the person before the erasure (%v): the test could not catch a leak", len(before), before)
	}
	otherBefore := len(s.auditFor(t, other.ID))

	if _, err := s.participants.WithdrawConsent(ctx, s.staff, p.ID); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"participant.erase"}, linked()); diff != "" {
		t.Errorf("audit entries leading to the erased person (-want +got):\n%s", diff)
	}
	if got := countAll(); got != total+1 {
		t.Errorf("the audit trail holds %d entries after the erasure, want the %d before and the erasure's", got, total)
	}
	if got := len(s.auditFor(t, other.ID)); got != otherBefore {
		t.Errorf("another participant's entries went from %d to %d", otherBefore, got)
	}
}

// auditFor returns the audit entries about participant id.
func (s *historyStore) auditFor(tb testing.TB, id int64) []pathway.AuditEntry {
	tb.Helper()
	entries, _, err := s.audit.ListAudit(context.Background(), s.admin, pathway.AuditFilter{Entity: "participant", EntityID: id, Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	return entries
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}
