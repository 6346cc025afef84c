package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"pathway/internal/httpapi"
	"pathway/internal/pathway"
)

// The sign-in flood: how many connections, for how long, and the memory
// the process may reach while it lasts.
const (
	floodConns    = 64
	floodFor      = 3 * time.Second
	floodMaxBytes = 150 << 20
)

// TestSignInFloodKeepsMemoryBoundedAndOthersServed is a bounded load test:
// it serves the real router on 127.0.0.1:0, has 64 connections post wrong
// sign-ins for a few seconds while a signed-in client reads /me, and holds
// the process's peak memory under 150 MB. It runs the flood twice: with the
// default limits (one client address, so the rate limits answer most of
// it), and with every rate limit lifted, as a flood from many addresses
// would see, where only the cap on password checks running at once bounds
// the memory. The /me latencies are logged, not asserted: a shared machine
// is too noisy for that. go test -run Flood -v ./internal/httpapi shows them.
func TestSignInFloodKeepsMemoryBoundedAndOthersServed(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of several seconds")
	}
	if _, ok := residentBytes(); !ok {
		t.Skip("no /proc/self/status to read the resident memory from")
	}
	e := newEnv(t)
	phases := []struct {
		name   string
		conns  int
		limits httpapi.SignInLimits
	}{
		{"no flood, for comparison", 0, httpapi.SignInLimits{}},
		{"default limits", floodConns, httpapi.SignInLimits{}},
		{"rate limits lifted", floodConns, httpapi.SignInLimits{PerClient: rate.Inf, Global: rate.Inf, PerAccount: rate.Inf}},
	}
	for _, ph := range phases {
		t.Run(ph.name, func(t *testing.T) {
			v := e.variant(func(s *httpapi.Server) { s.SignIn = ph.limits })
			r := flood(t, v, ph.conns)
			t.Logf("GOMAXPROCS %d; %d connections for %v: %d sign-ins answered (%s); resident memory %.0f MB before, %.0f MB at most",
				runtime.GOMAXPROCS(0), ph.conns, floodFor, r.attempts, r.statuses, mb(r.before), mb(r.peak))
			t.Logf("GET /me during the flood: %d reads, p50 %v, p99 %v, max %v; %d failed",
				len(r.me), r.percentile(50), r.percentile(99), r.percentile(100), r.meFailed)
			if raceEnabled {
				t.Log("the race detector is on: its shadow memory makes the memory bound meaningless, so it is not checked")
			} else if r.peak >= floodMaxBytes {
				t.Errorf("resident memory reached %.0f MB during the flood, want under %.0f MB", mb(r.peak), mb(floodMaxBytes))
			}
			if r.meFailed > 0 {
				t.Errorf("%d reads of /me failed during the flood", r.meFailed)
			}
			if ph.conns > 0 && r.statuses[401] == 0 {
				t.Error("no sign-in was checked at all during the flood")
			}
		})
	}
}

// floodResult is what one flood measured.
type floodResult struct {
	attempts int64
	statuses statusCounts
	before   uint64
	peak     uint64
	me       []time.Duration
	meFailed int
}

// statusCounts counts responses by status.
type statusCounts map[int]int64

func (s statusCounts) String() string {
	codes := make([]int, 0, len(s))
	for c := range s {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d: %d", c, s[c]))
	}
	return strings.Join(parts, ", ")
}

// percentile returns the p-th percentile of the /me latencies.
func (r *floodResult) percentile(p int) time.Duration {
	if len(r.me) == 0 {
		return 0
	}
	d := slices.Clone(r.me)
	slices.Sort(d)
	i := min(len(d)-1, (len(d)*p+99)/100-1)
	return d[max(i, 0)]
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// flood serves e on 127.0.0.1:0 and floods it with sign-ins while reading
// /me and sampling memory. It stops early once memory passes the bound, so
// that a server without limits fails the test rather than the machine.
func flood(t *testing.T, e *env, conns int) *floodResult {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: e.handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	debug.FreeOSMemory()
	r := &floodResult{statuses: statusCounts{}}
	r.before, _ = residentBytes()
	r.peak = r.before

	// The measuring ends when the flood does, or after floodFor when there
	// is none, or at once when memory passes the bound.
	ctx, cancel := context.WithTimeout(context.Background(), floodFor+time.Minute)
	defer cancel()
	if conns == 0 {
		ctx, cancel = context.WithTimeout(ctx, floodFor)
		defer cancel()
	}
	var wg sync.WaitGroup
	var mu sync.Mutex

	// The flood comes from another process, as it would from another
	// machine, at the lowest priority so that on a machine of few cores it
	// does not take the server's share: what is measured is the server's
	// own work for the flood, in CPU and in memory.
	var child *exec.Cmd
	var tooBig atomic.Bool
	if conns > 0 {
		args := []string{os.Args[0], "-test.run=^TestSignInFloodClient$", "-test.count=1"}
		if nice, err := exec.LookPath("nice"); err == nil {
			args = append([]string{nice, "-n", "19"}, args...)
		}
		child = exec.Command(args[0], args[1:]...)
		child.Env = append(os.Environ(),
			"PATHWAY_FLOOD_URL="+base+"/api/v1/session",
			"PATHWAY_FLOOD_CONNS="+strconv.Itoa(conns),
			"PATHWAY_FLOOD_FOR="+floodFor.String(),
			"PATHWAY_FLOOD_EMAIL="+e.users[pathway.RoleAdmin].Email,
		)
		var out bytes.Buffer
		child.Stdout, child.Stderr = &out, &out
		if err := child.Start(); err != nil {
			t.Fatalf("start the flood: %v", err)
		}
		wg.Go(func() {
			err := child.Wait()
			for line := range strings.Lines(out.String()) {
				if rest, ok := strings.CutPrefix(line, "FLOOD "); ok {
					if err := json.Unmarshal([]byte(rest), &r.statuses); err != nil {
						t.Errorf("read the flood's counts %q: %v", rest, err)
					}
				}
			}
			if err != nil && !tooBig.Load() {
				t.Errorf("the flood failed: %v\n%s", err, out.String())
			}
			cancel()
		})
	}

	// Memory, sampled every 10 ms.
	var peak atomic.Uint64
	peak.Store(r.before)
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss, ok := residentBytes(); ok && rss > peak.Load() {
				peak.Store(rss)
				if rss >= floodMaxBytes && !raceEnabled {
					tooBig.Store(true)
					cancel()
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})

	// A signed-in client reading /me every 20 ms.
	reader := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer reader.CloseIdleConnections()
	wg.Go(func() {
		for ctx.Err() == nil {
			req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+e.tokens[pathway.RoleStaff])
			start := time.Now()
			res, err := reader.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			d := time.Since(start)
			mu.Lock()
			if err != nil || res.StatusCode != http.StatusOK {
				r.meFailed++
			} else {
				r.me = append(r.me, d)
			}
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
	})
	<-ctx.Done()
	if child != nil {
		_ = child.Process.Kill() // when memory ran out first; harmless after its end
	}
	wg.Wait()
	r.peak = peak.Load()
	for _, n := range r.statuses {
		r.attempts += n
	}
	return r
}

// TestSignInFloodClient is the flood of the load test above, run in a
// process of its own; it does nothing unless that test starts it.
func TestSignInFloodClient(t *testing.T) {
	url := os.Getenv("PATHWAY_FLOOD_URL")
	if url == "" {
		t.Skip("started only by TestSignInFloodKeepsMemoryBoundedAndOthersServed")
	}
	conns, err := strconv.Atoi(os.Getenv("PATHWAY_FLOOD_CONNS"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := time.ParseDuration(os.Getenv("PATHWAY_FLOOD_FOR"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	body := fmt.Sprintf(`{"email": %q, "password": "a wrong but long password"}`, os.Getenv("PATHWAY_FLOOD_EMAIL"))
	counts := statusCounts{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				mu.Lock()
				counts[res.StatusCode]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	b, _ := json.Marshal(counts)
	fmt.Printf("FLOOD %s\n", b)
}

// residentBytes reads the process's resident memory (VmRSS) from
// /proc/self/status.
func residentBytes() (uint64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:"))
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
		if err != nil {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}
