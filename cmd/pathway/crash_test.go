package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// child is "pathway serve" running as its own process.
type child struct {
	cmd    *exec.Cmd
	URL    string
	stderr *syncBuffer
	exited chan struct{}
}

// childEnv keeps the machine's PATHWAY_* settings away from the child.
var childEnv = []string{"PATHWAY_LOG_FORMAT=json", "PATHWAY_TIMEZONE=UTC"}

// buildBinary compiles the command into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pathway")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary runs a short command of the binary and returns its stdout.
func runBinary(t *testing.T, bin, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pathway %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// startChild starts "pathway serve" on an ephemeral port of 127.0.0.1.
func startChild(t *testing.T, bin, db string) *child {
	t.Helper()
	c := &child{
		cmd:    exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db),
		stderr: &syncBuffer{},
		exited: make(chan struct{}),
	}
	c.cmd.Env = childEnv
	c.cmd.Stderr = c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.kill)

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		_ = c.cmd.Wait()
		close(c.exited)
	}()
	select {
	case c.URL = <-found:
	case <-c.exited:
		t.Fatalf("serve exited before listening\nstderr: %s", c.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not say where it listens within 30s\nstderr: %s", c.stderr)
	}
	return c
}

// kill ends the child at once, as a power cut or the OOM killer would.
func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
	}
}

// crashRun is a database with an admin, their token, and "pathway serve"
// running on it, with a load ready to write to it as the admin.
type crashRun struct {
	bin, db, token string
	first          *child
	load           *load
}

// startCrashRun builds the binary, adds an admin and a token, and serves.
func startCrashRun(t *testing.T) crashRun {
	t.Helper()
	r := crashRun{bin: buildBinary(t), db: filepath.Join(t.TempDir(), "pathway.db")}
	runBinary(t, r.bin, "a long enough password\n", "user", "add", "--db", r.db, "--email", "sync@example.org", "--role", "admin", "--password-stdin")
	r.token = strings.TrimSpace(runBinary(t, r.bin, "", "token", "issue", "--db", r.db, "--email", "sync@example.org"))
	r.first = startChild(t, r.bin, r.db)
	r.load = &load{
		url:    r.first.URL,
		token:  r.token,
		today:  time.Now().UTC().Format("2006-01-02"),
		client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}},
	}
	return r
}

// ack is a write the service acknowledged with a 2xx.
type ack struct {
	participantID int64
	ref           string
	engagementID  int64 // 0 for the participant's creation
}

// load fires writes at the service from several clients and records the
// acknowledged ones, until stop closes or its own bounds are reached.
type load struct {
	url, token, today string
	client            *http.Client

	mu      sync.Mutex
	acks    []ack
	refused []string // 5xx or "database is locked" answers
	lost    int      // requests that got no answer
}

func (l *load) post(path string, body any) (int, []byte, error) {
	j, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest("POST", l.url+path, bytes.NewReader(j))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+l.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := l.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// write sends one request and records how it went; it reports whether the
// write was acknowledged and the id the service gave it.
func (l *load) write(path string, body any) (int64, bool) {
	code, b, err := l.post(path, body)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.lost++
		return 0, false
	}
	if code >= 500 || strings.Contains(string(b), "database is locked") {
		l.refused = append(l.refused, fmt.Sprintf("POST %s: %d %s", path, code, b))
		return 0, false
	}
	if code < 200 || code > 299 {
		l.refused = append(l.refused, fmt.Sprintf("POST %s: unexpected %d %s", path, code, b))
		return 0, false
	}
	var v struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &v); err != nil || v.ID == 0 {
		l.refused = append(l.refused, fmt.Sprintf("POST %s: %d with no id: %s", path, code, b))
		return 0, false
	}
	return v.ID, true
}

func (l *load) record(a ack) {
	l.mu.Lock()
	l.acks = append(l.acks, a)
	l.mu.Unlock()
}

// worker creates participants and logs three engagements for each.
func (l *load) worker(n int, stop <-chan struct{}) {
	const maxIterations = 2000
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; i < maxIterations && time.Now().Before(deadline); i++ {
		select {
		case <-stop:
			return
		default:
		}
		ref := fmt.Sprintf("CRASH-%d-%d", n, i)
		pid, ok := l.write("/api/v1/participants", map[string]any{
			"external_ref": ref,
			"display_name": "Crash test " + ref,
			"program_ids":  []int64{},
			"consent":      map[string]any{"given_on": l.today, "method": "electronic", "scopes": []string{"tracking"}},
		})
		if !ok {
			continue
		}
		l.record(ack{participantID: pid, ref: ref})
		for range 3 {
			eid, ok := l.write(fmt.Sprintf("/api/v1/participants/%d/engagements", pid), map[string]any{
				"occurred_on": l.today,
				"activity":    "community meeting",
				"strategy":    "organizing",
			})
			if ok {
				l.record(ack{participantID: pid, ref: ref, engagementID: eid})
			}
		}
	}
}

func TestAcknowledgedWritesSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it mid-write")
	}
	r := startCrashRun(t)
	bin, db, token, first, l := r.bin, r.db, r.token, r.first, r.load
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for n := range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); l.worker(n, stop) }()
	}
	time.Sleep(2 * time.Second)
	first.kill() // mid-stream: the workers are still writing
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	l.client.CloseIdleConnections()

	for _, r := range l.refused {
		t.Errorf("a client was refused: %s", r)
	}
	if len(l.acks) < 50 {
		t.Fatalf("only %d writes were acknowledged before the kill; the test proves little", len(l.acks))
	}
	if l.lost == 0 {
		t.Log("no request was cut off by the kill")
	}
	t.Logf("%d writes acknowledged, %d requests got no answer (cut off by the kill, or sent after it)", len(l.acks), l.lost)

	second := startChild(t, bin, db)
	get := func(path string, v any) int {
		t.Helper()
		req, _ := http.NewRequest("GET", second.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := l.client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		if res.StatusCode == http.StatusOK {
			if err := json.NewDecoder(res.Body).Decode(v); err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
		}
		return res.StatusCode
	}

	engagements := map[int64][]int64{} // participant -> acknowledged engagements
	refs := map[int64]string{}
	for _, a := range l.acks {
		refs[a.participantID] = a.ref
		if a.engagementID != 0 {
			engagements[a.participantID] = append(engagements[a.participantID], a.engagementID)
		}
	}
	missing := 0
	for pid, ref := range refs {
		var p struct {
			ExternalRef string `json:"external_ref"`
		}
		if code := get(fmt.Sprintf("/api/v1/participants/%d", pid), &p); code != http.StatusOK || p.ExternalRef != ref {
			t.Errorf("acknowledged participant %d (%s) after restart: status %d, external_ref %q", pid, ref, code, p.ExternalRef)
			missing++
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		if code := get(fmt.Sprintf("/api/v1/participants/%d/engagements", pid), &page); code != http.StatusOK {
			t.Errorf("engagements of participant %d after restart: status %d", pid, code)
			continue
		}
		stored := map[int64]bool{}
		for _, e := range page.Items {
			stored[e.ID] = true
		}
		for _, eid := range engagements[pid] {
			if !stored[eid] {
				t.Errorf("acknowledged engagement %d of participant %d is gone after restart", eid, pid)
				missing++
			}
		}
		if missing > 20 {
			t.Fatal("too many acknowledged writes lost; stopping")
		}
	}
	if strings.Contains(second.stderr.String(), `"level":"ERROR"`) {
		t.Errorf("the restarted service logged errors:\n%s", second.stderr)
	}
}
