package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"time"
)

// outcome is how one request ended.
type outcome int

const (
	ok        outcome = iota // a 2xx answer
	non2xx                   // an answer outside 2xx
	transport                // no answer: refused, reset, timed out
)

// recorder keeps one worker's latencies, per operation, so that workers
// never share a lock while the load runs.
type recorder struct {
	ops map[string]*opStats
}

// opStats is what happened to one operation.
type opStats struct {
	latencies []time.Duration // of answered requests, 2xx or not
	ok        int
	non2xx    int
	transport int
	statuses  map[int]int // non-2xx statuses seen, for the report
}

func newRecorder() *recorder { return &recorder{ops: map[string]*opStats{}} }

func (r *recorder) record(op string, o outcome, status int, d time.Duration) {
	s := r.ops[op]
	if s == nil {
		s = &opStats{statuses: map[int]int{}}
		r.ops[op] = s
	}
	switch o {
	case ok:
		s.ok++
		s.latencies = append(s.latencies, d)
	case non2xx:
		s.non2xx++
		s.statuses[status]++
		s.latencies = append(s.latencies, d)
	case transport:
		s.transport++
	}
}

// merge adds other's figures to s.
func (s *opStats) merge(other *opStats) {
	s.latencies = append(s.latencies, other.latencies...)
	s.ok += other.ok
	s.non2xx += other.non2xx
	s.transport += other.transport
	for k, v := range other.statuses {
		s.statuses[k] += v
	}
}

// result is a run's figures, overall and per operation.
type result struct {
	Elapsed time.Duration
	Total   *opStats
	Ops     map[string]*opStats
}

// mergeRecorders combines the workers' recorders into one result.
func mergeRecorders(elapsed time.Duration, rs []*recorder) *result {
	res := &result{Elapsed: elapsed, Total: &opStats{statuses: map[int]int{}}, Ops: map[string]*opStats{}}
	for _, r := range rs {
		for name, s := range r.ops {
			o := res.Ops[name]
			if o == nil {
				o = &opStats{statuses: map[int]int{}}
				res.Ops[name] = o
			}
			o.merge(s)
			res.Total.merge(s)
		}
	}
	for _, o := range res.Ops {
		slices.Sort(o.latencies)
	}
	slices.Sort(res.Total.latencies)
	return res
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted: the smallest value with at least p % of the values at or below
// it. An empty slice gives 0.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// requests counts every request the operation sent.
func (s *opStats) requests() int { return s.ok + s.non2xx + s.transport }

// rate is requests per second over elapsed.
func rate(n int, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(n) / elapsed.Seconds()
}

// ms prints a duration in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// print writes the result: the whole run on one line, then each operation.
func (res *result) print(w io.Writer) {
	line := func(name string, s *opStats) {
		fmt.Fprintf(w, "%-12s %8d req %10.1f/s  p50 %10s  p99 %10s  max %10s  non-2xx %d  transport errors %d",
			name, s.requests(), rate(s.requests(), res.Elapsed),
			ms(percentile(s.latencies, 50)), ms(percentile(s.latencies, 99)), ms(percentile(s.latencies, 100)),
			s.non2xx, s.transport)
		if len(s.statuses) > 0 {
			codes := make([]int, 0, len(s.statuses))
			for c := range s.statuses {
				codes = append(codes, c)
			}
			sort.Ints(codes)
			fmt.Fprint(w, "  (")
			for i, c := range codes {
				if i > 0 {
					fmt.Fprint(w, ", ")
				}
				fmt.Fprintf(w, "%d×%d", s.statuses[c], c)
			}
			fmt.Fprint(w, ")")
		}
		fmt.Fprintln(w)
	}
	line("all", res.Total)
	names := make([]string, 0, len(res.Ops))
	for n := range res.Ops {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 1 {
		for _, n := range names {
			line("  "+n, res.Ops[n])
		}
	}
}
