package sqlite_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// TestWithdrawalThroughAPersonalLinkLeavesNoTraceInTheFiles is the scan of
// TestWithdrawConsentLeavesNoTraceInTheFiles, for the participant erasing
// themself: the same erasure, recorded as theirs, with their link gone.
func TestWithdrawalThroughAPersonalLinkLeavesNoTraceInTheFiles(t *testing.T) {
	s := newHistoryStore(t)
	ctx := context.Background()
	links := sqlite.NewInvitationService(s.db)
	gone := s.add(t, "CMS-GONE-6631", "Ottoline Brackwater")
	keep := s.add(t, "CMS-KEEP-6632", "Severin Ashdown")
	if err := s.db.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	goneTraces := s.record(t, gone, "gone")
	keepTraces := s.record(t, keep, "keep")
	hash := bytes.Repeat([]byte{0xA7}, 32)
	if _, err := links.CreateInvitation(ctx, s.staff, gone.ID, pathway.NewInvitation{Language: pathway.Spanish, ExpiresIn: 7 * 24 * time.Hour, TokenHash: hash}); err != nil {
		t.Fatal(err)
	}
	self, err := links.SelfByToken(ctx, hash, "203.0.113.5")
	if err != nil {
		t.Fatal(err)
	}
	if self.ParticipantID != gone.ID || self.Language != pathway.Spanish {
		t.Fatalf("the link speaks for %+v", self)
	}
	own := &pathway.CapacityCheckin{Perspective: pathway.PerspectiveSelf, SelfAdvocacy: 4, RootCauseAnalysis: 3, Leadership: 2}
	if err := s.participants.AddCheckin(ctx, self.Actor(), gone.ID, own); err != nil {
		t.Fatal(err)
	}
	if own.AssessedOn != s.today || !own.RecordedByParticipant {
		t.Errorf("the participant's own check-in: %+v", own)
	}
	raw := fileBytes(t, s.db)
	for _, tr := range append(goneTraces, keepTraces...) {
		if !bytes.Contains(raw, []byte(tr)) {
			t.Fatalf("before withdrawal the scan does not find %q: it could not catch a leak", tr)
		}
	}

	if pending, err := s.participants.WithdrawConsent(ctx, self.Actor(), gone.ID); err != nil {
		t.Fatal(err)
	} else if pending {
		t.Fatal("with no reader holding the log, the erasure left its scrub pending")
	}

	raw = fileBytes(t, s.db)
	for _, tr := range goneTraces {
		if i := bytes.Index(raw, []byte(tr)); i >= 0 {
			t.Errorf("%q remains at byte %d of the database files", tr, i)
		}
	}
	for _, tr := range keepTraces {
		if !bytes.Contains(raw, []byte(tr)) {
			t.Errorf("erasing one participant lost another's %q", tr)
		}
	}
	if _, err := links.SelfByToken(ctx, hash, "203.0.113.5"); pathway.ErrorCode(err) != pathway.EUNAUTHORIZED {
		t.Errorf("the erased participant's link: %v, want %s", err, pathway.EUNAUTHORIZED)
	}
	entries, _, err := s.audit.ListAudit(ctx, s.admin, pathway.AuditFilter{Action: "participant.erase", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []pathway.AuditEntry{{
		Action: "participant.erase", Entity: "participant", EntityID: &gone.ID, RemoteAddr: "203.0.113.5",
		At: s.db.Now().UTC(), ByParticipant: true,
	}}
	if diff := cmp.Diff(want, entries, cmpopts.IgnoreFields(pathway.AuditEntry{}, "ID")); diff != "" {
		t.Errorf("the erasure entry (-want +got):\n%s", diff)
	}
}

func TestACheckinWithoutAStaffRecorderIsOnlyTheParticipantsOwnView(t *testing.T) {
	s := newHistoryStore(t)
	p := s.add(t, "CMS-VIEW-1", "Wilhelmina Oakes")
	self := pathway.Self{ParticipantID: p.ID}
	c := &pathway.CapacityCheckin{Perspective: pathway.PerspectiveStaff, SelfAdvocacy: 1, RootCauseAnalysis: 1, Leadership: 1}
	if err := s.participants.AddCheckin(context.Background(), self.Actor(), p.ID, c); err == nil {
		t.Fatal("a participant recorded a staff view of themself")
	}
	list, err := s.participants.ListCheckins(context.Background(), s.admin, p.ID)
	if err != nil || len(list) != 0 {
		t.Errorf("check-ins after the refusal: %v %v", list, err)
	}
}
