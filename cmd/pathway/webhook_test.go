package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServeDeliversCommittedChangesToAWebhook(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pathway.db")
	mustCommand(t, "a long enough password\n", "user", "add", "--db", db, "--email", "sync@example.org", "--role", "admin", "--password-stdin")
	token := strings.TrimSpace(mustCommand(t, "", "token", "issue", "--db", db, "--email", "sync@example.org"))

	var mu sync.Mutex
	var bodies []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Header.Get("webhook-id")+" "+string(b))
		mu.Unlock()
	}))
	defer rcv.Close()

	env, _, _ := newEnv("")
	env.Getenv = func(k string) string {
		if k == "PATHWAY_ALLOW_PRIVATE_WEBHOOKS" {
			return "true"
		}
		return ""
	}
	cfg, err := parseServeConfig([]string{"--addr", "127.0.0.1:0", "--db", db, "--timezone", "UTC"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.AllowPrivateWebhooks {
		t.Fatal("PATHWAY_ALLOW_PRIVATE_WEBHOOKS=true did not allow private webhooks")
	}
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler), Out: io.Discard}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	post := func(path string, body any) int {
		t.Helper()
		j, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", "http://"+m.Addr.String()+path, bytes.NewReader(j))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := post("/api/v1/webhooks", map[string]any{"url": rcv.URL + "/hooks", "events": []string{"participant.created"}}); code != http.StatusCreated {
		t.Fatalf("create webhook: %d", code)
	}
	today := time.Now().UTC().Format("2006-01-02")
	if code := post("/api/v1/participants", map[string]any{"external_ref": "CM-77", "display_name": "Delivered Person",
		"consent": map[string]any{"given_on": today, "method": "written", "scopes": []string{"tracking"}}}); code != http.StatusCreated {
		t.Fatalf("create participant: %d", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(bodies)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 || !strings.HasPrefix(bodies[0], "msg_") || !strings.Contains(bodies[0], `"type":"participant.created"`) {
		t.Fatalf("the receiver got %q, want one participant.created delivery", bodies)
	}
	if strings.Contains(bodies[0], "Delivered Person") || strings.Contains(bodies[0], "CM-77") {
		t.Errorf("a delivery names the person: %s", bodies[0])
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}
