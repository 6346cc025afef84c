package httpapi_test

import (
	"fmt"
	"testing"
)

// BenchmarkPersonPage compares what a person's page costs: the four reads
// it made before (participant, placements, engagements, check-ins; four
// audit entries) against one read with include= (one audit entry).
func BenchmarkPersonPage(b *testing.B) {
	e := newBench(b)
	id := e.participants(b, 1)[0]
	base := fmt.Sprintf("/api/v1/participants/%d", id)
	b.Run("four calls", func(b *testing.B) {
		for b.Loop() {
			for _, p := range []string{"", "/placements", "/engagements", "/capacity-checkins"} {
				if !e.serve(b, "GET", base+p, "", 200) {
					return
				}
			}
		}
	})
	b.Run("one call with include", func(b *testing.B) {
		for b.Loop() {
			if !e.serve(b, "GET", base+"?include=placements,engagements,capacity_checkins", "", 200) {
				return
			}
		}
	})
}
