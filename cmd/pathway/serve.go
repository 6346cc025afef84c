package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"pathway/internal/app"
	"pathway/internal/demo"
	"pathway/internal/httpapi"
	"pathway/internal/release"
	"pathway/internal/sqlite"
	"pathway/internal/webhook"
)

// serveConfig is everything serve reads from flags and the environment,
// checked and parsed before anything is opened.
type serveConfig struct {
	Addr           string
	DB             string
	LogFormat      string
	SecureCookies  bool
	SessionTTL     time.Duration
	AdminEmail     string
	Location       *time.Location // the organisation's time zone
	Releases       app.Config
	Demo           bool
	TrustedProxies []string
	MetricsAddr    string // where /metrics is served without authentication; "" for nowhere
	// AllowPrivateWebhooks lets webhooks reach private addresses and http.
	AllowPrivateWebhooks bool
	// PublicURL is where participants reach Pathway; personal links start with it.
	PublicURL string
}

// parseServeConfig reads serve's flags over the environment's defaults.
func parseServeConfig(args []string, env *Env) (serveConfig, error) {
	var cfg serveConfig
	var proxies string
	fs := newFlags("serve", env)
	fs.StringVar(&cfg.Addr, "addr", envOr(env, "PATHWAY_ADDR", "127.0.0.1:8080"), "listen address (PATHWAY_ADDR)")
	fs.StringVar(&cfg.DB, "db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	fs.StringVar(&cfg.LogFormat, "log-format", envOr(env, "PATHWAY_LOG_FORMAT", "json"), "json or text (PATHWAY_LOG_FORMAT)")
	secure, _ := strconv.ParseBool(envOr(env, "PATHWAY_SECURE_COOKIES", "false"))
	fs.BoolVar(&cfg.SecureCookies, "secure-cookies", secure, "mark the session cookie Secure; set behind HTTPS (PATHWAY_SECURE_COOKIES)")
	ttl, err := time.ParseDuration(envOr(env, "PATHWAY_SESSION_TTL", "12h"))
	if err != nil {
		return cfg, fmt.Errorf("PATHWAY_SESSION_TTL: %w", err)
	}
	fs.DurationVar(&cfg.SessionTTL, "session-ttl", ttl, "how long a browser stays signed in (PATHWAY_SESSION_TTL)")
	fs.StringVar(&cfg.AdminEmail, "admin-email", envOr(env, "PATHWAY_ADMIN_EMAIL", "admin@pathway.local"), "email of the admin created on first start (PATHWAY_ADMIN_EMAIL)")
	fs.StringVar(&proxies, "trusted-proxies", envOr(env, "PATHWAY_TRUSTED_PROXIES", ""), "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For is believed; none by default (PATHWAY_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", envOr(env, "PATHWAY_METRICS_ADDR", ""), "also serve /metrics without authentication on this address; off by default (PATHWAY_METRICS_ADDR)")
	allowPrivate, _ := strconv.ParseBool(envOr(env, "PATHWAY_ALLOW_PRIVATE_WEBHOOKS", "false"))
	fs.BoolVar(&cfg.AllowPrivateWebhooks, "allow-private-webhooks", allowPrivate, "let webhooks reach private addresses and plain http, for a case-management system on the same network (PATHWAY_ALLOW_PRIVATE_WEBHOOKS)")
	fs.StringVar(&cfg.PublicURL, "public-url", envOr(env, "PATHWAY_PUBLIC_URL", ""), "the address participants reach Pathway at, such as https://pathway.example.org; personal links start with it (PATHWAY_PUBLIC_URL)")
	fs.BoolVar(&cfg.Demo, "demo", false, "load the demo organisation first when the database has no participants")
	rs := addReleaseFlags(fs, env)
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	if cfg.Releases, cfg.Location, err = rs.check(); err != nil {
		return cfg, err
	}
	if cfg.TrustedProxies, err = parseProxies(proxies); err != nil {
		return cfg, err
	}
	if u, err := url.Parse(cfg.PublicURL); cfg.PublicURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "") {
		return cfg, fmt.Errorf("PATHWAY_PUBLIC_URL: %q is not an http or https address such as https://pathway.example.org", cfg.PublicURL)
	}
	return cfg, nil
}

// serve runs the service until ctx ends, then shuts it down gracefully.
func serve(ctx context.Context, args []string, env *Env) error {
	cfg, err := parseServeConfig(args, env)
	if err != nil {
		return err
	}
	m := &Main{Config: cfg, Logger: newLogger(cfg.LogFormat, env.Stderr), Out: env.Stdout}
	if err := m.Open(ctx); err != nil {
		m.Close()
		return err
	}
	select {
	case err := <-m.served:
		m.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	return m.Close()
}

// newLogger returns a logger writing format ("json" or "text") to w.
func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// Main is a running "pathway serve": its configuration and what it opened.
type Main struct {
	Config serveConfig
	Logger *slog.Logger
	Out    io.Writer // where a person at the terminal reads one-time passwords

	DB     *sqlite.DB
	Server *httpapi.Server
	HTTP   *http.Server
	// Schedule publishes due releases until Close.
	Schedule *release.Schedule
	// Deliverer sends the change feed to webhooks until Close.
	Deliverer *webhook.Deliverer
	// Addr is the address the service listens on, once Open has returned.
	Addr net.Addr
	// MetricsHTTP serves /metrics on MetricsAddr when Config.MetricsAddr is set.
	MetricsHTTP *http.Server
	MetricsAddr net.Addr

	served chan error // what the HTTP server's Serve returned
}

// Open opens and migrates the database, creates the first admin (and the
// demo organisation, if asked) on an empty one, and starts serving HTTP.
func (m *Main) Open(ctx context.Context) error {
	cfg := m.Config
	m.Logger.Info("starting", slog.String("addr", cfg.Addr), slog.String("db", cfg.DB), slog.Bool("secure_cookies", cfg.SecureCookies),
		slog.Duration("session_ttl", cfg.SessionTTL), slog.String("timezone", cfg.Location.String()), slog.Int("min_cell_size", cfg.Releases.MinCellSize),
		slog.Float64("release_epsilon", cfg.Releases.ReleaseEpsilon), slog.Float64("privacy_budget", cfg.Releases.PrivacyBudget),
		slog.Int("release_after_days", cfg.Releases.ReleaseAfterDays),
		slog.String("trusted_proxies", strings.Join(cfg.TrustedProxies, ",")), slog.String("metrics_addr", cfg.MetricsAddr),
		slog.Bool("allow_private_webhooks", cfg.AllowPrivateWebhooks), slog.String("public_url", cfg.PublicURL))

	db := sqlite.NewDB(cfg.DB)
	db.Location, db.Logger = cfg.Location, m.Logger
	if err := db.Open(); err != nil {
		return err
	}
	m.DB = db
	m.Server = app.NewServer(db, m.Logger, cfg.Releases)
	m.Server.SecureCookies, m.Server.SessionTTL, m.Server.TrustedProxies = cfg.SecureCookies, cfg.SessionTTL, cfg.TrustedProxies
	m.Server.AllowPrivateWebhooks = cfg.AllowPrivateWebhooks
	m.Server.PublicURL = cfg.PublicURL
	if err := bootstrapAdmin(ctx, m.Server.Users, cfg.AdminEmail, m.Out); err != nil {
		return err
	}
	if cfg.Demo {
		if err := loadDemo(ctx, m.Server, db, m.Out); err != nil && !errors.Is(err, demo.ErrNotEmpty) {
			return err
		}
	}

	// Due releases are published in the background, at start and daily,
	// so a first start on years of history does not hold up serving.
	m.Schedule = &release.Schedule{Service: app.NewReleases(db, cfg.Releases), Logger: m.Logger}
	m.Schedule.Start()

	// Committed changes are delivered to webhooks from the outbox, picking
	// up whatever an earlier run left undelivered.
	m.Deliverer = &webhook.Deliverer{Store: sqlite.NewWebhookService(db), Logger: m.Logger, AllowPrivate: cfg.AllowPrivateWebhooks}
	m.Deliverer.Start()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.Addr = ln.Addr()
	m.HTTP = &http.Server{
		Handler:           m.Server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	m.served = make(chan error, 2)
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen for metrics: %w", err)
		}
		m.MetricsAddr = mln.Addr()
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Server.MetricsHandler())
		m.MetricsHTTP = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		m.Logger.Info("serving metrics", slog.String("addr", m.MetricsAddr.String()))
		go func() { m.served <- m.MetricsHTTP.Serve(mln) }()
	}
	fmt.Fprintf(m.Out, "Pathway is listening on http://%s\n", m.Addr)
	m.Logger.Info("listening", slog.String("addr", m.Addr.String()))
	go func() { m.served <- m.HTTP.Serve(ln) }()
	return nil
}

// Close stops serving, letting requests in flight finish, and closes the
// database. It is safe to call after a failed Open.
func (m *Main) Close() error {
	var err error
	serving := m.HTTP != nil
	if serving {
		m.Logger.Info("shutting down")
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if serr := m.HTTP.Shutdown(ctx); serr != nil {
			err = fmt.Errorf("shut down: %w", serr)
		}
		m.HTTP = nil
	}
	if m.Server != nil {
		_ = m.Server.Close() // imports in progress record that they stopped
	}
	if m.Schedule != nil {
		_ = m.Schedule.Close()
		m.Schedule = nil
	}
	if m.Deliverer != nil {
		_ = m.Deliverer.Close()
		m.Deliverer = nil
	}
	if m.MetricsHTTP != nil {
		if serr := m.MetricsHTTP.Close(); serr != nil && err == nil {
			err = fmt.Errorf("stop metrics: %w", serr)
		}
		m.MetricsHTTP = nil
	}
	if m.DB != nil {
		if cerr := m.DB.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
		m.DB = nil
	}
	if serving && err == nil {
		m.Logger.Info("stopped")
	}
	return err
}

// parseProxies reads a comma-separated list of IPs and CIDRs.
func parseProxies(list string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is neither an IP address nor a CIDR range", p)
		}
		out = append(out, p)
	}
	return out, nil
}
