package httpapi

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
	"pathway/internal/secret"
)

// The session cookie's name and the header that carries its CSRF token.
const (
	sessionCookie = "pathway_session"
	csrfHeader    = "X-CSRF-Token"
)

// actorOf returns the authenticated actor of the request.
func actorOf(c *gin.Context) (pathway.Actor, bool) {
	v, ok := c.Get(ctxActor)
	if !ok {
		return pathway.Actor{}, false
	}
	return v.(pathway.Actor), true
}

// actor returns the authenticated actor; routes behind authenticate always have one.
func actor(c *gin.Context) pathway.Actor {
	a, _ := actorOf(c)
	return a
}

// authenticate accepts a bearer API token or a session cookie. Writes made
// with a cookie must carry the session's CSRF token in X-CSRF-Token.
func (s *Server) authenticate(c *gin.Context) {
	var a *pathway.Actor
	var err error
	if h := c.GetHeader("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			s.writeError(c, pathway.Errorf(pathway.EUNAUTHORIZED, "auth.bearer"))
			return
		}
		a, err = s.tokens.actor(c.Request.Context(), secret.HashToken(token), s.Users.ActorByToken) // tokencache.go
	} else if cookie, cerr := c.Cookie(sessionCookie); cerr == nil && cookie != "" {
		hash := secret.HashToken(cookie)
		var csrf string
		a, csrf, err = s.Users.ActorBySession(c.Request.Context(), hash)
		if err == nil && !safeMethod(c.Request.Method) && subtle.ConstantTimeCompare([]byte(c.GetHeader(csrfHeader)), []byte(csrf)) != 1 {
			err = pathway.Errorf(pathway.EFORBIDDEN, "auth.csrf")
		}
		c.Set(ctxViaCookie, true)
		c.Set(ctxSession, hash)
		c.Set(ctxCSRF, csrf)
	} else {
		err = pathway.Errorf(pathway.EUNAUTHORIZED, "auth.sign_in")
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	a.RemoteAddr = c.ClientIP()
	c.Set(ctxActor, *a)
	c.Next()
}

const ctxCSRF = "pathway.csrf"

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// allow lets only the given roles through; others get 403.
func (s *Server) allow(roles ...pathway.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(roles, actor(c).Role) {
			s.writeError(c, pathway.Errorf(pathway.EFORBIDDEN, "auth.role"))
			return
		}
		c.Next()
	}
}

// allowAbility lets through only the roles that hold ab; others get 403.
func (s *Server) allowAbility(ab pathway.Ability) gin.HandlerFunc { return s.allow(ab.Roles()...) }

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=1024"`
}

// meResponse is the signed-in account and what its role may do; csrf_token
// is present for browser sessions.
type meResponse struct {
	User      pathway.User      `json:"user"`
	Abilities []pathway.Ability `json:"abilities"`
	CSRFToken string            `json:"csrf_token,omitempty"`
}

// login signs a browser in. Known and unknown emails are answered alike,
// after the same password check: an unknown email is checked against a
// dummy hash. Wrong passwords are throttled per client address and email,
// never for the account as a whole, so nobody can lock another person out.
func (s *Server) login(c *gin.Context) error {
	g := s.guard()
	client := c.ClientIP()
	if err := g.admit(c, client); err != nil {
		return err
	}
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	key := clientKey(client) + " " + strings.ToLower(strings.TrimSpace(req.Email))
	if err := g.throttle(c, key); err != nil {
		return err
	}
	ctx := c.Request.Context()
	var cred *pathway.Credentials
	var known, ok bool
	if err := g.check(c, func() (err error) {
		cred, err = s.Users.CredentialsByEmail(ctx, req.Email)
		if pathway.ErrorCode(err) == pathway.ENOTFOUND {
			secret.CheckNoAccount(req.Password)
			return nil
		} else if err != nil {
			return err
		}
		known = true
		ok, err = secret.CheckPassword(cred.PasswordHash, req.Password)
		return err
	}); err != nil {
		return err
	}
	if !ok || cred.User.DisabledAt != nil {
		var userID int64
		if known {
			userID = cred.User.ID
		}
		if err := s.Users.RecordLogin(ctx, userID, false, client, nil, nil); err != nil {
			return err
		}
		return pathway.Errorf(pathway.EUNAUTHORIZED, "auth.mismatch")
	}
	g.accounts.forget(key)
	now := s.Now().UTC()
	token := secret.NewToken("")
	sess := &pathway.Session{UserID: cred.User.ID, CSRFToken: secret.NewToken(""), ExpiresAt: now.Add(s.SessionTTL)}
	if err := s.Users.RecordLogin(ctx, cred.User.ID, true, client, sess, secret.HashToken(token)); err != nil {
		return err
	}
	u, err := s.Users.FindUser(ctx, pathway.Actor{UserID: cred.User.ID}, cred.User.ID)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, int(s.SessionTTL.Seconds()))
	c.JSON(http.StatusCreated, meResponse{User: *u, Abilities: u.Role.Abilities(), CSRFToken: sess.CSRFToken})
	return nil
}

func (s *Server) setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     sessionCookie,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.SecureCookies || c.Request.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) logout(c *gin.Context) error {
	if hash, ok := c.Get(ctxSession); ok {
		if err := s.Users.DeleteSession(c.Request.Context(), actor(c), hash.([]byte)); err != nil {
			return err
		}
	}
	s.setSessionCookie(c, "", -1)
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) me(c *gin.Context) error {
	a := actor(c)
	u, err := s.Users.FindUser(c.Request.Context(), a, a.UserID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, meResponse{User: *u, Abilities: u.Role.Abilities(), CSRFToken: c.GetString(ctxCSRF)})
	return nil
}
