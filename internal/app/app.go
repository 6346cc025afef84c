// Package app wires Pathway together: the SQLite stores behind the HTTP
// API, the embedded web app and the demo loader. It is the one place that
// knows which store serves which interface, for the binary and for the
// tests alike.
package app

import (
	"log/slog"

	"pathway/internal/csvimport"
	"pathway/internal/demo"
	"pathway/internal/httpapi"
	"pathway/internal/pathway"
	"pathway/internal/release"
	"pathway/internal/sqlite"
	"pathway/static"
)

// Config is how releases are made and published.
type Config struct {
	// MinCellSize is k: a noised count below it reads "fewer than k".
	MinCellSize int
	// ReleaseEpsilon is the ε one release spends; PrivacyBudget the most
	// the releases of one calendar year may spend.
	ReleaseEpsilon float64
	PrivacyBudget  float64
	// ReleaseAfterDays is how long after a period ends it is published.
	ReleaseAfterDays int
}

// DefaultConfig is the configuration a newcomer gets.
var DefaultConfig = Config{
	MinCellSize:      pathway.DefaultMinCellSize,
	ReleaseEpsilon:   release.DefaultEpsilon,
	PrivacyBudget:    release.DefaultBudget,
	ReleaseAfterDays: release.DefaultAfterDays,
}

// NewServer returns an API server over the open database db. Callers set
// the cookie, session and proxy settings on the result before its first use.
func NewServer(db *sqlite.DB, logger *slog.Logger, cfg Config) *httpapi.Server {
	releases := NewReleases(db, cfg)
	metrics := httpapi.NewMetrics()
	metrics.MustRegister(db.Collector(), releases.Collector())
	participants := sqlite.NewParticipantService(db)
	return &httpapi.Server{
		Metrics:      metrics,
		Users:        sqlite.NewUserService(db),
		Programs:     sqlite.NewProgramService(db),
		Participants: participants,
		Records:      participants,
		Audit:        sqlite.NewAuditService(db),
		Bodies:       sqlite.NewBodyService(db),
		Suggestions:  sqlite.NewSuggestionService(db),
		Releases:     releases,
		Changes:      sqlite.NewChangeService(db),
		Webhooks:     sqlite.NewWebhookService(db),
		Idempotency:  sqlite.NewIdempotencyService(db),
		Imports:      &csvimport.Runner{Store: sqlite.NewImportStore(db), Logger: logger},
		Invitations:  sqlite.NewInvitationService(db),
		DB:           db,
		Logger:       logger,
		Static:       static.FS,
	}
}

// NewReleases returns the release service over db.
func NewReleases(db *sqlite.DB, cfg Config) *release.Service {
	return &release.Service{
		Store:     sqlite.NewReleaseStore(db),
		Config:    release.Config{Epsilon: cfg.ReleaseEpsilon, K: cfg.MinCellSize},
		Budget:    cfg.PrivacyBudget,
		AfterDays: cfg.ReleaseAfterDays,
		Now:       db.Now,
	}
}

// DemoServices returns the services of srv that the demo loader writes
// through, so the demo goes through the same stores, rules and audit trail
// as the API.
func DemoServices(srv *httpapi.Server) demo.Services {
	return demo.Services{
		Users:        srv.Users,
		Programs:     srv.Programs,
		Participants: srv.Participants,
		Bodies:       srv.Bodies,
	}
}
