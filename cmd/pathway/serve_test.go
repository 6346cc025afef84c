package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestServeConfigTakesFlagsOverTheEnvironment(t *testing.T) {
	env, _, _ := newEnv("")
	vars := map[string]string{
		"PATHWAY_ADDR":            "127.0.0.1:9999",
		"PATHWAY_DB":              "from-env.db",
		"PATHWAY_SESSION_TTL":     "1h",
		"PATHWAY_TIMEZONE":        "America/Chicago",
		"PATHWAY_MIN_CELL_SIZE":   "5",
		"PATHWAY_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
	}
	env.Getenv = func(k string) string { return vars[k] }
	cfg, err := parseServeConfig([]string{"--db", "from-flag.db", "--min-cell-size", "7"}, env)
	if err != nil {
		t.Fatal(err)
	}
	got := struct {
		Addr, DB, Location string
		TTL                time.Duration
		K                  int
		Proxies            []string
	}{cfg.Addr, cfg.DB, cfg.Location.String(), cfg.SessionTTL, cfg.Releases.MinCellSize, cfg.TrustedProxies}
	want := struct {
		Addr, DB, Location string
		TTL                time.Duration
		K                  int
		Proxies            []string
	}{"127.0.0.1:9999", "from-flag.db", "America/Chicago", time.Hour, 7, []string{"10.0.0.1", "192.168.0.0/16"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestServeConfigRefusesBadSettingsBeforeOpeningAnything(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a minimum cell size below 2", []string{"--min-cell-size", "1"}, "--min-cell-size"},
		{"an unknown time zone", []string{"--timezone", "Mars/Olympus"}, "--timezone"},
		{"a proxy that is no address", []string{"--trusted-proxies", "proxy.example"}, "--trusted-proxies"},
		{"stray arguments", []string{"extra"}, "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, _, _ := newEnv("")
			path := filepath.Join(t.TempDir(), "never.db")
			_, err := parseServeConfig(append([]string{"--db", path}, tc.args...), env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one naming %s", err, tc.want)
			}
			if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the database file was touched: %v", err)
			}
		})
	}
}

func TestMainOpensServesAndCloses(t *testing.T) {
	env, _, _ := newEnv("")
	cfg, err := parseServeConfig([]string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "pathway.db"), "--timezone", "UTC"}, env)
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler), Out: io.Discard}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	res, err := client.Get("http://" + m.Addr.String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /readyz: %d, want 200", res.StatusCode)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("a second Close: %v, want nil", err)
	}
	if _, err := client.Get("http://" + m.Addr.String() + "/readyz"); err == nil {
		t.Error("the service still answers after Close")
	}
}

func TestMetricsAddrServesMetricsWithoutAuthenticationOnItsOwnListener(t *testing.T) {
	env, _, _ := newEnv("")
	cfg, err := parseServeConfig([]string{"--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "pathway.db"), "--timezone", "UTC"}, env)
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler), Out: io.Discard}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	get := func(url string) (int, string) {
		t.Helper()
		res, err := client.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get("http://" + m.Addr.String() + "/readyz"); code != http.StatusOK {
		t.Fatalf("GET /readyz: %d", code)
	}
	code, body := get("http://" + m.MetricsAddr.String() + "/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics on the metrics address: %d, want 200", code)
	}
	for _, want := range []string{
		`pathway_http_requests_total{method="GET",route="/readyz",status="200"} 1`,
		"pathway_privacy_epsilon_limit 20",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%.2000s", want, body)
		}
	}
	if code, _ := get("http://" + m.Addr.String() + "/metrics"); code != http.StatusUnauthorized {
		t.Errorf("GET /metrics on the service address without credentials: %d, want 401", code)
	}
	if code, _ := get("http://" + m.MetricsAddr.String() + "/api/v1/ladder"); code != http.StatusNotFound {
		t.Errorf("the metrics address serves the API: %d", code)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Get("http://" + m.MetricsAddr.String() + "/metrics"); err == nil {
		t.Error("metrics still answer after Close")
	}
}
