package httpapi

import (
	"cmp"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"pathway/internal/pathway"
	"pathway/internal/secret"
)

// The participant's own pages (/p/) and the API they call (/api/v1/self),
// reached only with the token of a personal link, sent as a bearer token.
// Staff cookies and API tokens mean nothing here, and the link's token
// means nothing anywhere else.

const ctxSelf = "pathway.self"

// SelfLimits bounds how often a personal link, and one client address, may
// call the participant's API. Zero fields take the defaults.
type SelfLimits struct {
	// PerLink and LinkBurst limit the requests made with one link.
	PerLink   rate.Limit
	LinkBurst int
	// PerClient and ClientBurst limit the requests of one client address,
	// with a link or without: a room of people at an event may share one.
	PerClient   rate.Limit
	ClientBurst int
}

// The default limits: a page load is one request, a check-in another.
const (
	defaultPerLink     = rate.Limit(0.5) // one every two seconds...
	defaultLinkBurst   = 20              // ...after twenty at once
	defaultSelfClient  = rate.Limit(2)
	defaultSelfCBurst  = 120
	selfTokenMaxLength = 100
)

// selfGuard holds the limiters of the participant's API.
type selfGuard struct {
	links   *limiterMap
	clients *limiterMap
}

type selfState struct {
	once  sync.Once
	guard *selfGuard
}

func (s *Server) selfGuard() *selfGuard {
	s.self.once.Do(func() {
		l := s.Self
		l.PerLink = cmp.Or(l.PerLink, defaultPerLink)
		l.LinkBurst = cmp.Or(l.LinkBurst, defaultLinkBurst)
		l.PerClient = cmp.Or(l.PerClient, defaultSelfClient)
		l.ClientBurst = cmp.Or(l.ClientBurst, defaultSelfCBurst)
		s.self.guard = &selfGuard{
			links:   newLimiterMap(l.PerLink, l.LinkBurst, maxLimiterKeys),
			clients: newLimiterMap(l.PerClient, l.ClientBurst, maxLimiterKeys),
		}
	})
	return s.self.guard
}

// selfAuth lets through only a request that carries the token of a working
// personal link, within the rate limits, and notes whose link it is. The
// client's budget is spent before the token is looked up, so guessing
// tokens costs the guesser, not the database.
func (s *Server) selfAuth(c *gin.Context) {
	if err := refuseUnknownQuery(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	g, now := s.selfGuard(), time.Now()
	if wait, ok := g.clients.take(clientKey(c.ClientIP()), now); !ok {
		s.writeError(c, tooMany(c, wait, "self.too_many_minute", "self.too_many"))
		return
	}
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if staffCredentials(c, token) {
		s.writeError(c, pathway.Errorf(pathway.EFORBIDDEN, "self.staff_sign_in"))
		return
	}
	if !ok || !strings.HasPrefix(token, invitationTokenPrefix) || len(token) > selfTokenMaxLength {
		s.writeError(c, pathway.Errorf(pathway.EUNAUTHORIZED, "self.open_link_again"))
		return
	}
	hash := secret.HashToken(token)
	if wait, ok := g.links.take(hex.EncodeToString(hash), now); !ok {
		s.writeError(c, tooMany(c, wait, "self.too_many_minute", "self.too_many"))
		return
	}
	self, err := s.Invitations.SelfByToken(c.Request.Context(), hash, c.ClientIP())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Set(ctxSelf, *self)
	c.Next()
}

// staffCredentials reports whether a request to the participant's API
// came with a staff member's API token or session cookie, neither of which
// is ever looked up there.
func staffCredentials(c *gin.Context, bearer string) bool {
	if strings.HasPrefix(bearer, secret.TokenPrefix) {
		return true
	}
	cookie, err := c.Cookie(sessionCookie)
	return err == nil && cookie != "" && bearer == ""
}

func selfOf(c *gin.Context) pathway.Self { return c.MustGet(ctxSelf).(pathway.Self) }

// selfPage serves the participant's page. It holds no token (that stays
// in the browser, after #), but it is never cached all the same.
func (s *Server) selfPage(c *gin.Context) error {
	if s.Static == nil {
		return pathway.Errorf(pathway.ENOTFOUND, "route.not_found")
	}
	b, err := fs.ReadFile(s.Static, "p.html")
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", b)
	return nil
}

func (s *Server) selfJourney(c *gin.Context) error {
	j, err := s.Invitations.Journey(c.Request.Context(), selfOf(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, j)
	return nil
}

type selfCheckinRequest struct {
	SelfAdvocacy      *int `json:"self_advocacy" validate:"required,min=1,max=4"`
	RootCauseAnalysis *int `json:"root_cause_analysis" validate:"required,min=1,max=4"`
	Leadership        *int `json:"leadership" validate:"required,min=1,max=4"`
}

// createSelfCheckin records the participant's own check-in for today,
// through the same store method as a staff member's, as by the participant.
func (s *Server) createSelfCheckin(c *gin.Context) error {
	var req selfCheckinRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	self := selfOf(c)
	ci := &pathway.CapacityCheckin{
		Perspective:  pathway.PerspectiveSelf, // dated today, in the organisation's time zone, by the store
		SelfAdvocacy: *req.SelfAdvocacy, RootCauseAnalysis: *req.RootCauseAnalysis, Leadership: *req.Leadership,
	}
	if err := s.Participants.AddCheckin(c.Request.Context(), self.Actor(), self.ParticipantID, ci); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, pathway.SelfCheckin{
		AssessedOn: ci.AssessedOn, SelfAdvocacy: ci.SelfAdvocacy, RootCauseAnalysis: ci.RootCauseAnalysis, Leadership: ci.Leadership,
	})
	return nil
}

type selfWithdrawalRequest struct {
	// Confirm must be true: the participant has read what erasure means
	// and said yes to it.
	Confirm bool `json:"confirm" validate:"required"`
}

// selfWithdraw is the participant withdrawing their own consent: exactly
// the erasure staff make (rule 2), recorded as by the participant. Their
// link goes with their record.
func (s *Server) selfWithdraw(c *gin.Context) error {
	var req selfWithdrawalRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	self := selfOf(c)
	pending, err := s.Participants.WithdrawConsent(c.Request.Context(), self.Actor(), self.ParticipantID)
	if err != nil {
		return err
	}
	if pending {
		c.JSON(http.StatusAccepted, gin.H{"scrub": "pending"})
		return nil
	}
	c.Status(http.StatusNoContent)
	return nil
}
