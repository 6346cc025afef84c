// Package httpapi serves Pathway's JSON API (under /api/v1) and the web app,
// with authentication, least-privilege roles, CSRF protection and problem
// JSON errors.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"pathway/internal/pathway"
)

// Context keys.
const (
	ctxRequestID = "pathway.request_id"
	ctxActor     = "pathway.actor"
	ctxViaCookie = "pathway.via_cookie"
	ctxSession   = "pathway.session_hash"
)

// Readier reports whether the database can serve reads and take writes.
type Readier interface {
	Ready(ctx context.Context) error
}

// Server holds the services the API speaks to and its settings.
type Server struct {
	Users        pathway.UserService
	Programs     pathway.ProgramService
	Participants pathway.ParticipantService
	Records      pathway.RecordService // a person's page in one audited read
	Audit        pathway.AuditService
	Bodies       pathway.BodyService
	Suggestions  pathway.SuggestionService
	Releases     pathway.ReleaseService
	Changes      pathway.ChangeService
	Webhooks     pathway.WebhookService
	Idempotency  pathway.IdempotencyService
	Imports      pathway.Importer // CSV imports, run in the background; Close stops them
	DB           Readier
	Logger       *slog.Logger
	Static       fs.FS // the web app; nil serves none
	Now          func() time.Time

	// SecureCookies marks the session cookie Secure (set behind HTTPS).
	SecureCookies bool
	// SessionTTL is how long a browser stays signed in.
	SessionTTL time.Duration
	// MaxImportBytes bounds the CSV file of an import; zero means 64 MiB.
	MaxImportBytes int64
	// TrustedProxies are the addresses (IPs or CIDRs) of reverse proxies whose
	// X-Forwarded-For is believed; by default none is, so a client cannot
	// forge the address the audit trail records.
	TrustedProxies []string
	// Metrics is the registry /metrics serves, with the request figures
	// added; nil gets NewMetrics. app.NewServer registers the store's and
	// the releases' collectors on it.
	Metrics *prometheus.Registry
	// AllowPrivateWebhooks lets webhooks point at private addresses and
	// plain http: a case-management system on the same network.
	AllowPrivateWebhooks bool
	// SignIn bounds password checks and sign-in attempts (ratelimit.go).
	SignIn SignInLimits
	// Invitations holds personal links and the participant's own pages.
	Invitations pathway.InvitationService
	// PublicURL is the address participants reach Pathway at, such as
	// https://pathway.example.org, that personal links start with; empty
	// takes the address of the request that makes the link.
	PublicURL string
	// Self bounds the requests of personal links (self.go).
	Self SelfLimits

	signIn signInState
	self   selfState
	router *gin.Engine
	keys   keyLocks // requests in flight per Idempotency-Key

	// tokens keeps accepted API tokens for TokenCacheTTL (tokencache.go).
	tokens tokenCache
}

func init() { gin.SetMode(gin.ReleaseMode) }

// Handler builds the router once and returns it.
func (s *Server) Handler() http.Handler {
	if s.router == nil {
		s.router = s.routes()
	}
	return s.router
}

// Routes lists every registered method and path, for the contract test.
func (s *Server) Routes() gin.RoutesInfo {
	s.Handler()
	return s.router.Routes()
}

func (s *Server) routes() *gin.Engine {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.SessionTTL == 0 {
		s.SessionTTL = 12 * time.Hour
	}
	r := gin.New()
	if err := r.SetTrustedProxies(s.TrustedProxies); err != nil {
		panic("httpapi: TrustedProxies: " + err.Error())
	}
	r.HandleMethodNotAllowed = true
	if s.Metrics == nil {
		s.Metrics = NewMetrics()
	}
	r.Use(newHTTPMetrics(s.Metrics).observe, s.requestContext, s.recover, s.securityHeaders)
	r.Use(s.forgetTokensOnChange)
	r.NoRoute(s.hq(func(c *gin.Context) error {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") || s.Static == nil {
			return pathway.Errorf(pathway.ENOTFOUND, "route.not_found")
		}
		return s.serveStatic(c)
	}))
	r.NoMethod(s.hq(func(c *gin.Context) error {
		return pathway.Errorf(codeMethodNotAllowed, "route.method", c.Request.Method)
	}))

	r.GET("/healthz", s.h(func(c *gin.Context) error { c.JSON(http.StatusOK, gin.H{"status": "ok"}); return nil }))
	r.GET("/readyz", s.h(s.ready))
	metrics := promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{})
	r.GET("/metrics", s.authenticate, s.allowAbility(pathway.Administer), s.h(func(c *gin.Context) error {
		metrics.ServeHTTP(c.Writer, c.Request)
		return nil
	}))

	api := r.Group("/api/v1")
	api.POST("/session", s.h(s.login))

	// Every POST a signed-in caller makes may carry an Idempotency-Key.
	authed := api.Group("", s.authenticate, s.untilPasswordChanged, s.idempotent)
	authed.DELETE("/session", s.h(s.logout))
	authed.GET("/me", s.h(s.me))
	authed.PATCH("/me", s.h(s.updateMe))

	everyone := authed.Group("", s.allow(pathway.Roles...))
	everyone.GET("/ladder", s.h(s.ladder))
	everyone.GET("/programs", s.h(s.listPrograms))
	everyone.GET("/programs/:id", s.h(s.getProgram))

	inventory := authed.Group("", s.allowAbility(pathway.EditPrograms))
	inventory.POST("/programs", s.h(s.createProgram))
	inventory.PATCH("/programs/:id", s.h(s.updateProgram))

	// Identifiable records: never leadership.
	readers := authed.Group("/participants", s.allowAbility(pathway.ReadPeople))
	readers.GET("", s.hq(s.listParticipants))
	readers.GET("/counts", s.h(s.countParticipants))
	readers.GET("/:id", s.hq(s.getParticipant))
	readers.GET("/:id/placements", s.h(s.listPlacements))

	writers := authed.Group("/participants", s.allowAbility(pathway.WritePeople))
	writers.POST("", s.h(s.createParticipant))
	writers.PATCH("/:id", s.h(s.updateParticipant))
	writers.POST("/:id/placements", s.h(s.createPlacement))
	writers.DELETE("/:id/placements/:placement_id", s.h(s.deletePlacement))
	writers.POST("/:id/enrolments", s.h(s.createEnrolment))
	writers.PATCH("/:id/enrolments/:enrolment_id", s.h(s.updateEnrolment))
	writers.GET("/:id/engagements", s.h(s.listEngagements))
	writers.POST("/:id/engagements", s.h(s.createEngagement))
	writers.GET("/:id/capacity-checkins", s.h(s.listCheckins))
	writers.POST("/:id/capacity-checkins", s.h(s.createCheckin))
	writers.PUT("/:id/consent", s.h(s.renewConsent))
	writers.POST("/:id/consent/withdrawal", s.h(s.withdrawConsent))
	// Corrections: undoing an accepted suggestion, dismissing one.
	writers.POST("/:id/placements/:placement_id/undo", s.h(s.undoAcceptance))
	writers.POST("/:id/suggestion-dismissals", s.h(s.dismissSuggestion))

	// The change feed, for a case-management system to follow: ids and
	// rungs only, limited to the caller's caseload.
	authed.GET("/changes", s.allowAbility(pathway.WritePeople), s.hq(s.listChanges))

	// An event's attendance: one engagement per attendee, all or none.
	authed.POST("/events", s.allowAbility(pathway.WritePeople), s.h(s.logEvent))

	// CSV imports from a case-management system's export.
	imports := authed.Group("/imports", s.allowAbility(pathway.WritePeople))
	imports.POST("", s.hq(s.startImport))
	imports.GET("/:id", s.h(s.getImport))

	// Bodies: coordinators and admins run them, staff read them; leadership
	// sees the list of bodies without head-counts, never who holds a seat.
	everyone.GET("/bodies", s.h(s.listBodies))
	bodyReaders := authed.Group("", s.allowAbility(pathway.ReadBodies))
	bodyReaders.GET("/bodies/:id", s.hq(s.getBody))
	bodyReaders.GET("/bodies/:id/speaking-engagements", s.hq(s.listSpeakingEngagements))
	bodyReaders.GET("/roles", s.hq(s.listRoles))
	bodyReaders.GET("/suggestions", s.hq(s.listSuggestions))
	coordinators := authed.Group("", s.allowAbility(pathway.RunBodies))
	coordinators.POST("/bodies", s.h(s.createBody))
	coordinators.PATCH("/bodies/:id", s.h(s.updateBody))
	coordinators.GET("/bodies/:id/roster.csv", s.hq(s.rosterCSV))
	coordinators.POST("/bodies/:id/roles", s.h(s.createRole))
	coordinators.PATCH("/roles/:id", s.h(s.updateRole))
	coordinators.POST("/bodies/:id/speaking-engagements", s.h(s.createSpeakingEngagement))

	// Anonymised reports: leadership and admin only. Every count of people
	// in them is a table of a published release, served as stored.
	reports := authed.Group("/reports", s.allowAbility(pathway.ReadReports))
	reports.GET("/distribution", s.hq(s.reportTable(pathway.TableDistribution)))
	reports.GET("/distribution/programs", s.hq(s.reportTable(pathway.TablePrograms)))
	reports.GET("/movement", s.hq(s.reportTable(pathway.TableMovement)))
	reports.GET("/roles", s.hq(s.reportTable(pathway.TableRoles)))
	reports.GET("/capacity", s.hq(s.reportTable(pathway.TableCapacitySelf)))
	reports.GET("/ladder", s.hq(s.ladderReport))
	releases := authed.Group("/releases", s.allowAbility(pathway.ReadReports))
	releases.GET("", s.h(s.listReleases))
	releases.GET("/:period", s.h(s.getRelease))
	authed.POST("/releases", s.allowAbility(pathway.Administer), s.h(s.publishRelease))

	// Personal links, made and revoked by staff who may write people. They
	// take no Idempotency-Key: the answer holds the link, never kept.
	invitations := api.Group("/participants/:id/invitations", s.authenticate, s.allowAbility(pathway.WritePeople), s.refuseIdempotencyKey)
	invitations.POST("", s.h(s.createInvitation))
	invitations.GET("", s.h(s.listInvitations))
	invitations.DELETE("/:invitation_id", s.h(s.revokeInvitation))
	// The participant's own pages and API, reached only with their link.
	r.GET("/p/", s.h(s.selfPage))
	self := api.Group("/self", s.selfAuth)
	self.GET("", s.h(s.selfJourney))
	self.POST("/capacity-checkins", s.h(s.createSelfCheckin))
	self.POST("/consent/withdrawal", s.h(s.selfWithdraw))

	admin := authed.Group("", s.allowAbility(pathway.Administer))
	admin.GET("/users", s.h(s.listUsers))
	admin.POST("/users", s.h(s.createUser))
	admin.GET("/users/:id", s.h(s.getUser))
	admin.PATCH("/users/:id", s.h(s.updateUser))
	admin.POST("/users/:id/password-reset", s.h(s.resetPassword))
	admin.GET("/tokens", s.h(s.listTokens))
	admin.POST("/tokens", s.h(s.createToken))
	admin.DELETE("/tokens/:id", s.h(s.revokeToken))
	admin.GET("/audit", s.hq(s.listAudit))
	admin.POST("/webhooks", s.h(s.createWebhook))
	admin.GET("/webhooks", s.h(s.listWebhooks))
	admin.GET("/webhooks/:id", s.h(s.getWebhook))
	admin.DELETE("/webhooks/:id", s.h(s.deleteWebhook))
	admin.GET("/webhooks/:id/deliveries", s.hq(s.listDeliveries))
	return r
}

// h adapts a handler that returns an error: every error goes through
// writeError. The handler takes no query parameters, so any sent is refused
// by name before it runs; handlers that read a query register with hq.
func (s *Server) h(fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := refuseUnknownQuery(c, nil); err != nil {
			s.writeError(c, err)
			return
		}
		if err := fn(c); err != nil {
			s.writeError(c, err)
		}
	}
}

// hq is h for a handler that reads its query through bindQuery, which
// refuses the parameters its struct does not name.
func (s *Server) hq(fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.writeError(c, err)
		}
	}
}

// logger returns the request's logger, carrying its id.
func (s *Server) logger(c *gin.Context) *slog.Logger {
	return s.Logger.With(slog.String("request_id", c.GetString(ctxRequestID)))
}

// requestContext gives every request an id and logs it when done. Only the
// route pattern is logged, never the query string (it may hold a search for
// a person's name).
func (s *Server) requestContext(c *gin.Context) {
	id := c.GetHeader("X-Request-Id")
	if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < '!' || r > '~' }) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-Id", id)
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(unmatched)"
	}
	attrs := []any{
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", c.Writer.Status()),
		slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
	}
	if a, ok := actorOf(c); ok {
		attrs = append(attrs, slog.Int64("user_id", a.UserID))
	}
	s.logger(c).Info("request", attrs...)
}

// recover turns a panic into a logged 500 problem.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			s.logger(c).Error("panic", slog.Any("panic", p))
			s.writeError(c, pathway.Errorf(pathway.EINTERNAL, pathway.MsgInternal))
		}
	}()
	c.Next()
}

// securityHeaders keeps responses out of caches and frames.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		h.Set("Cache-Control", "no-store")
	}
	c.Next()
}

// ready answers 200 when the database answers and takes writes.
func (s *Server) ready(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ready(ctx); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
	return nil
}

// serveStatic serves the web app, falling back to index.html for app routes.
func (s *Server) serveStatic(c *gin.Context) error {
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return pathway.Errorf(pathway.ENOTFOUND, "route.not_found")
	}
	name := strings.TrimPrefix(c.Request.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	if f, err := fs.Stat(s.Static, name); err != nil || f.IsDir() {
		name = "index.html"
	}
	http.ServeFileFS(c.Writer, c.Request, s.Static, name)
	return nil
}
