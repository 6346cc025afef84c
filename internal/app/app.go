// Package app wires Pathway together: the SQLite stores behind the HTTP
// API and the embedded web app. It is the one place that knows which store
// serves which interface, for the binary and for the tests alike.
package app

import (
	"log/slog"

	"pathway/internal/httpapi"
	"pathway/internal/report"
	"pathway/internal/sqlite"
	"pathway/static"
)

// NewServer returns an API server over the open database db whose reports
// suppress counts below minCellSize. Callers set the cookie, session and
// proxy settings on the result before its first use.
func NewServer(db *sqlite.DB, logger *slog.Logger, minCellSize int) *httpapi.Server {
	return &httpapi.Server{
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
