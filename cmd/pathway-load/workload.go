package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// op is one kind of request a workload sends.
type op struct {
	name   string
	weight int // share of the workload, out of the sum of the weights
	// do sends one request; rng is the worker's own.
	do func(ctx context.Context, rng *rand.Rand) (outcome, int)
}

// workload is a weighted mix of operations.
type workload struct {
	name string
	ops  []op
}

// picker chooses operations in proportion to their weights.
type picker struct {
	ops   []op
	total int
}

func newPicker(w workload) (*picker, error) {
	p := &picker{ops: w.ops}
	for _, o := range w.ops {
		if o.weight < 0 {
			return nil, fmt.Errorf("workload %s: operation %s has a negative weight", w.name, o.name)
		}
		p.total += o.weight
	}
	if p.total == 0 {
		return nil, fmt.Errorf("workload %s has no operations", w.name)
	}
	return p, nil
}

// pick returns the operation a draw of rng lands on.
func (p *picker) pick(rng *rand.Rand) *op {
	n := rng.IntN(p.total)
	for i := range p.ops {
		if n < p.ops[i].weight {
			return &p.ops[i]
		}
		n -= p.ops[i].weight
	}
	panic("unreachable")
}

// drive runs w from connections workers until duration has passed or ctx
// ends, each worker sending one request at a time (a closed loop, as wrk
// does), and returns what happened. A request in flight when the time is
// up is waited for and counted, so every write the server took is in the
// figures. Worker i draws from a generator seeded with seed and i, so a
// run's sequence of operations is reproducible.
func drive(ctx context.Context, w workload, connections int, duration time.Duration, seed uint64) (*result, error) {
	p, err := newPicker(w)
	if err != nil {
		return nil, err
	}
	recs := make([]*recorder, connections)
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(duration)
	for i := range connections {
		recs[i] = newRecorder()
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			rec := recs[i]
			for ctx.Err() == nil && time.Now().Before(end) {
				o := p.pick(rng)
				t0 := time.Now()
				out, status := o.do(ctx, rng)
				rec.record(o.name, out, status, time.Since(t0))
			}
		}()
	}
	wg.Wait()
	return mergeRecorders(time.Since(start), recs), nil
}
