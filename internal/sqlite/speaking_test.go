package sqlite_test

import (
	"context"
	"testing"

	"pathway/internal/pathway"
)

func TestAFaultReadingASpeakerIsNotReportedAsAMissingParticipant(t *testing.T) {
	f := newBodyFixture(t)
	ctx := context.Background()
	b := &pathway.Body{Name: "Speakers", Kind: pathway.SpeakersBureau}
	if err := f.bodies.CreateBody(ctx, f.actor, b); err != nil {
		t.Fatal(err)
	}
	p := f.person(t)
	// A stored date that no longer parses is a fault of ours, not of the request.
	if _, err := f.db.Writer().ExecContext(ctx, `UPDATE participants SET consented_since = '2020-13-01' WHERE id = ?`, p); err != nil {
		t.Fatal(err)
	}
	e := &pathway.SpeakingEngagement{BodyID: b.ID, HeldOn: f.day(-1), Audience: "media", Topic: "Rent", Speakers: []pathway.Speaker{{ParticipantID: p}}}
	err := f.bodies.AddSpeakingEngagement(ctx, f.actor, e)
	if code := pathway.ErrorCode(err); code != pathway.EINTERNAL {
		t.Fatalf("error %v (code %q), want the fault itself (%q)", err, code, pathway.EINTERNAL)
	}
}
