// Package app wires Pathway together: the SQLite stores behind the HTTP
// API, the embedded web app and the demo loader. It is the one place that
// knows which store serves which interface, for the binary and for the
// tests alike.
package app

import (
	"log/slog"

	"pathway/internal/demo"
	"pathway/internal/httpapi"
	"pathway/internal/report"
	"pathway/internal/sqlite"
	"pathway/static"
)

// NewServer returns an API server over the open database db whose reports
// suppress counts below minCellSize. Callers set the cookie, session and
// proxy settings on the result before its first use.
func NewServer(db *sqlite.DB, logger *slog.Logger, minCellSize int) *httpapi.Server {
	metrics := httpapi.NewMetrics()
	metrics.MustRegister(db.Collector())
	return &httpapi.Server{
		Metrics:      metrics,
		Users:        sqlite.NewUserService(db),
		Programs:     sqlite.NewProgramService(db),
		Participants: sqlite.NewParticipantService(db),
		Audit:        sqlite.NewAuditService(db),
		Bodies:       sqlite.NewBodyService(db),
		Suggestions:  sqlite.NewSuggestionService(db),
		Reports:      &report.Service{Store: sqlite.NewReportStore(db), K: minCellSize},
		DB:           db,
		Logger:       logger,
		Static:       static.FS,
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
