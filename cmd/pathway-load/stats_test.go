package main

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestPercentileIsTheNearestRank(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value is every percentile", ms(7), 99, 7 * time.Millisecond},
		{"median of an odd count", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{"median of an even count is the lower middle", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"max", hundred, 100, 100 * time.Millisecond},
		{"p99 of ten values is the largest", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"a tiny percentile is the smallest", ms(4, 5, 6), 0.001, 4 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestMergedRecordersCountEveryOutcomeAndSortLatencies(t *testing.T) {
	a, b := newRecorder(), newRecorder()
	a.record("write", ok, 201, 3*time.Millisecond)
	a.record("write", non2xx, 503, 9*time.Millisecond)
	b.record("write", ok, 201, 1*time.Millisecond)
	b.record("write", transport, 0, 30*time.Second)
	b.record("one", ok, 200, 2*time.Millisecond)
	res := mergeRecorders(2*time.Second, []*recorder{a, b})

	w := res.Ops["write"]
	if w.ok != 2 || w.non2xx != 1 || w.transport != 1 || w.requests() != 4 {
		t.Errorf("write: ok %d non-2xx %d transport %d, want 2, 1, 1", w.ok, w.non2xx, w.transport)
	}
	if w.statuses[503] != 1 {
		t.Errorf("statuses %v, want one 503", w.statuses)
	}
	// A request with no answer has no latency to count: it is an error.
	want := []time.Duration{time.Millisecond, 3 * time.Millisecond, 9 * time.Millisecond}
	if len(w.latencies) != len(want) {
		t.Fatalf("latencies %v, want %v", w.latencies, want)
	}
	for i := range want {
		if w.latencies[i] != want[i] {
			t.Fatalf("latencies %v, want %v (sorted)", w.latencies, want)
		}
	}
	if res.Total.requests() != 5 || len(res.Total.latencies) != 4 {
		t.Errorf("total: %d requests, %d latencies; want 5 and 4", res.Total.requests(), len(res.Total.latencies))
	}
	if got := rate(res.Total.requests(), res.Elapsed); got != 2.5 {
		t.Errorf("rate %v, want 2.5/s", got)
	}

	var out bytes.Buffer
	res.print(&out)
	for _, s := range []string{"all", "  write", "  one", "non-2xx 1", "transport errors 1", "1×503", "2.5/s"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the report lacks %q:\n%s", s, out.String())
		}
	}
}

func TestTheMixedWorkloadDrawsOperationsInTheIssuesProportions(t *testing.T) {
	tgt := &pathwayTarget{c: newClient("http://127.0.0.1:1", 1), ids: []int64{1}, period: "2026-10"}
	w, err := tgt.workload("mixed")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"list50": 0.25, "one": 0.20, "release": 0.10, "suggestions": 0.05, "write": 0.40}
	p, err := newPicker(w)
	if err != nil {
		t.Fatal(err)
	}
	if p.total != 100 {
		t.Errorf("weights sum to %d, want 100 (they are percentages)", p.total)
	}
	const draws = 200000
	rng := rand.New(rand.NewPCG(1, 2))
	got := map[string]int{}
	for range draws {
		got[p.pick(rng).name]++
	}
	if len(got) != len(want) {
		t.Errorf("drew %v, want exactly the operations %v", got, want)
	}
	for name, share := range want {
		// Five standard deviations of a binomial count: a correct picker
		// essentially never strays this far.
		sd := draws * 0.0011
		if d := float64(got[name]) - share*draws; d > 5*sd || d < -5*sd {
			t.Errorf("%s drawn %d times in %d, want about %.0f", name, got[name], draws, share*draws)
		}
	}

	reads, err := tgt.workload("reads")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range reads.ops {
		if o.name == "write" {
			t.Error("the reads workload writes")
		}
	}
}

func TestEveryNamedWorkloadExistsAndAnUnknownOneIsRefused(t *testing.T) {
	tgt := &pathwayTarget{c: newClient("http://127.0.0.1:1", 1), ids: []int64{1}}
	for _, name := range strings.Split(workloadNames, ", ") {
		if _, err := tgt.workload(name); err != nil {
			t.Errorf("workload %s: %v", name, err)
		}
	}
	if _, err := tgt.workload("everything"); err == nil {
		t.Error("an unknown workload was accepted")
	}
	if _, err := newPicker(workload{name: "empty"}); err == nil {
		t.Error("a workload without operations was accepted")
	}
}
