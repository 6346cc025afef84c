package sqlite_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/sqlite"
)

// BenchmarkAddEngagement logs engagements straight through the store, for
// comparison with the same write through the HTTP stack.
func BenchmarkAddEngagement(b *testing.B) {
	f := newFixture(b)
	ps := sqlite.NewParticipantService(f.db)
	ctx := context.Background()
	ids := []int64{f.participant.ID}
	for i := range 99 {
		p, err := ps.CreateParticipant(ctx, f.actor, pathway.NewParticipant{
			ExternalRef: fmt.Sprintf("CMS-B-%d", i),
			DisplayName: "Bench",
			Consent:     pathway.Consent{GivenOn: f.today.AddDays(-30), Method: pathway.ConsentWritten, Scopes: []pathway.ConsentScope{pathway.ScopeTracking}},
			Rung:        pathway.Observer,
		})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	b.SetParallelism(8) // several writers at once, as a busy organisation has
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			e := &pathway.Engagement{OccurredOn: f.today, Activity: "community meeting", Note: "came with a neighbour"}
			if err := ps.AddEngagement(ctx, f.actor, ids[int(i)%len(ids)], e); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	perOp := float64(processCPU(b)-cpu0) / float64(b.N) / float64(time.Microsecond)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
	b.ReportMetric(perOp, "cpu-µs/write")
	b.ReportMetric(2e6/perOp, "writes/s@2cpu")
}

// processCPU is the processor time, user and system, the process has spent:
// on a shared machine it says what a write costs when wall time cannot.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
