package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// BenchmarkBureauTalks reads a speakers bureau's talks, newest first, with
// 5,000 talks recorded: the few the bureau's page shows, a page of the
// past-talks page, a page deep in the history (by cursor), and the largest
// page the API gives.
func BenchmarkBureauTalks(b *testing.B) {
	e := newBench(b)
	ctx := context.Background()
	a := e.actor // the store checks no role; whoever records must be an account
	bodies := sqlite.NewBodyService(e.db)
	bureau := &pathway.Body{Name: "Speakers Bureau", Kind: pathway.SpeakersBureau}
	if err := bodies.CreateBody(ctx, a, bureau); err != nil {
		b.Fatal(err)
	}
	ps := sqlite.NewParticipantService(e.db)
	var speakers []int64
	for i := range 20 {
		p, err := ps.CreateParticipant(ctx, e.actor, pathway.NewParticipant{
			ExternalRef: fmt.Sprintf("CMS-S%d", i), DisplayName: fmt.Sprintf("Speaker %d", i), Rung: pathway.Contributor,
			Consent: pathway.Consent{GivenOn: e.today.AddDays(-2000), Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking, pathway.ScopePublicStory}},
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := bodies.AddRole(ctx, a, &pathway.BodyRole{BodyID: bureau.ID, ParticipantID: p.ID, Title: "Speaker", StartsOn: e.today.AddDays(-1900)}); err != nil {
			b.Fatal(err)
		}
		speakers = append(speakers, p.ID)
	}
	const talks = 5000
	for i := range talks {
		t := &pathway.SpeakingEngagement{BodyID: bureau.ID, HeldOn: e.today.AddDays(-1800 + i*1800/talks), Audience: "community",
			Topic: fmt.Sprintf("Talk %d", i), Speakers: []pathway.Speaker{{ParticipantID: speakers[i%len(speakers)]}, {ParticipantID: speakers[(i+1)%len(speakers)]}}}
		if err := bodies.AddSpeakingEngagement(ctx, a, t); err != nil {
			b.Fatal(err)
		}
	}
	base := fmt.Sprintf("/api/v1/bodies/%d/speaking-engagements", bureau.ID)
	// Follow the cursor 20 pages of 200 deep, as a reader paging back would.
	cursor := ""
	for range 20 {
		req := httptest.NewRequest("GET", base+"?limit=200&cursor="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+e.token)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		var page struct {
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || page.NextCursor == nil {
			b.Fatalf("page: %v %s", err, rec.Body)
		}
		cursor = *page.NextCursor
	}
	for _, c := range []struct{ name, query string }{
		{"bureau page, latest 3", "?limit=3"},
		{"past-talks page, 20", "?limit=20"},
		{"20 after the 4000th", "?limit=20&cursor=" + cursor},
		{"largest page, 200", "?limit=200"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !e.serve(b, "GET", base+c.query, "", 200) {
					return
				}
			}
		})
	}
}
