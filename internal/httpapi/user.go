package httpapi

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
	"pathway/internal/secret"
)

type userRequest struct {
	Email      string  `json:"email" validate:"required,email,max=254"`
	Role       string  `json:"role" validate:"required,role"`
	Password   string  `json:"password" validate:"required,password"`
	ProgramIDs []int64 `json:"program_ids" validate:"omitempty,unique,dive,gt=0"`
}

type userPatch struct {
	Role       *string  `json:"role" validate:"omitnil,role"`
	Password   *string  `json:"password" validate:"omitnil,password"`
	Disabled   *bool    `json:"disabled"`
	ProgramIDs *[]int64 `json:"program_ids" validate:"omitnil,unique,dive,gt=0"`
}

func (s *Server) createUser(c *gin.Context) error {
	var req userRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	hash, err := secret.HashPassword(req.Password)
	if err != nil {
		return err
	}
	u := &pathway.User{Email: strings.TrimSpace(req.Email), Role: pathway.Role(req.Role), ProgramIDs: req.ProgramIDs}
	if err := s.Users.CreateUser(c.Request.Context(), actor(c), u, hash); err != nil {
		return err
	}
	c.Header("Location", "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	c.JSON(http.StatusCreated, u)
	return nil
}

func (s *Server) listUsers(c *gin.Context) error {
	us, err := s.Users.ListUsers(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": us})
	return nil
}

func (s *Server) getUser(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.Users.FindUser(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, u)
	return nil
}

func (s *Server) updateUser(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req userPatch
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	upd := pathway.UserUpdate{Disabled: req.Disabled, ProgramIDs: req.ProgramIDs}
	if req.Role != nil {
		r := pathway.Role(*req.Role)
		upd.Role = &r
	}
	if req.Password != nil {
		hash, err := secret.HashPassword(*req.Password)
		if err != nil {
			return err
		}
		upd.PasswordHash = &hash
	}
	u, err := s.Users.UpdateUser(c.Request.Context(), actor(c), id, upd)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, u)
	return nil
}

// tokenRequest names the token, the account it acts as (chosen, never
// assumed) and, optionally, when it stops working: at expires_at, or
// expires_in_days days from now.
type tokenRequest struct {
	Email         string  `json:"email" validate:"required,email,max=254"`
	Name          string  `json:"name" validate:"max=100"`
	ExpiresAt     *string `json:"expires_at"`
	ExpiresInDays *int    `json:"expires_in_days"`
}

// issuedToken carries the secret once; only its hash is kept.
type issuedToken struct {
	Token    string           `json:"token"`
	APIToken pathway.APIToken `json:"api_token"`
}

// tokenExpiry checks a token request's name and expiry, and returns when
// the token stops working (nil: never).
func tokenExpiry(req tokenRequest, now time.Time) (*time.Time, error) {
	var fields []pathway.FieldError
	if strings.TrimSpace(req.Name) == "" {
		fields = append(fields, pathway.FieldError{Field: "name", Message: "must say what the token is for, so it can be recognised later"})
	}
	var at *time.Time
	limit := now.AddDate(0, 0, pathway.MaxTokenDays)
	switch {
	case req.ExpiresAt != nil && req.ExpiresInDays != nil:
		fields = append(fields, pathway.FieldError{Field: "expires_in_days", Message: "cannot be combined with an end date: give one or the other"})
	case req.ExpiresInDays != nil:
		if d := *req.ExpiresInDays; d < 1 || d > pathway.MaxTokenDays {
			fields = append(fields, pathway.FieldError{Field: "expires_in_days", Message: fmt.Sprintf("must be from 1 to %d days", pathway.MaxTokenDays)})
		} else {
			t := now.AddDate(0, 0, d)
			at = &t
		}
	case req.ExpiresAt != nil:
		t, err := time.Parse(time.RFC3339, *req.ExpiresAt)
		switch {
		case err != nil:
			fields = append(fields, pathway.FieldError{Field: "expires_at", Message: "must be a date and time such as 2030-01-31T17:00:00Z"})
		case !t.After(now):
			fields = append(fields, pathway.FieldError{Field: "expires_at", Message: "must be in the future"})
		case t.After(limit):
			fields = append(fields, pathway.FieldError{Field: "expires_at", Message: fmt.Sprintf("must be within %d days", pathway.MaxTokenDays)})
		default:
			t = t.UTC()
			at = &t
		}
	}
	if len(fields) > 0 {
		return nil, &pathway.Error{Code: pathway.EINVALID, Message: "The token was not created.", Fields: fields}
	}
	return at, nil
}

func (s *Server) createToken(c *gin.Context) error {
	var req tokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	expires, err := tokenExpiry(req, s.Now().UTC())
	if err != nil {
		return err
	}
	token := secret.NewToken(secret.TokenPrefix)
	t, err := s.Users.CreateTokenUntil(c.Request.Context(), actor(c), req.Email, strings.TrimSpace(req.Name), expires, secret.HashToken(token))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, issuedToken{Token: token, APIToken: *t})
	return nil
}

func (s *Server) listTokens(c *gin.Context) error {
	ts, err := s.Users.ListTokens(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": ts})
	return nil
}

func (s *Server) revokeToken(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Users.RevokeToken(c.Request.Context(), actor(c), id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// meRequest is a person's change to their own account: a new password
// (with the current one) and the language the web app speaks to them.
type meRequest struct {
	CurrentPassword *string `json:"current_password"`
	NewPassword     *string `json:"new_password"`
	Language        *string `json:"language"`
}

// check applies the own-account rules that need no password check, naming
// each field that breaks one.
func (req meRequest) check() ([]pathway.FieldError, error) {
	var fields []pathway.FieldError
	bad := func(field, msg string) { fields = append(fields, pathway.FieldError{Field: field, Message: msg}) }
	if req.CurrentPassword == nil && req.NewPassword == nil && req.Language == nil {
		return nil, pathway.Errorf(pathway.EINVALID, "Nothing to change: send a new password or a language.")
	}
	if req.Language != nil {
		if _, err := pathway.ParseLanguage(*req.Language); err != nil {
			bad("language", "must be English or Spanish")
		}
	}
	switch {
	case req.NewPassword == nil && req.CurrentPassword != nil:
		bad("new_password", "must be given with the current password")
	case req.NewPassword != nil && (req.CurrentPassword == nil || *req.CurrentPassword == ""):
		bad("current_password", "is needed to set a new password")
	}
	if req.NewPassword != nil {
		switch n := len([]rune(*req.NewPassword)); {
		case n < pathway.MinPasswordLength:
			bad("new_password", fmt.Sprintf("must be at least %d characters", pathway.MinPasswordLength))
		case n > pathway.MaxPasswordLength:
			bad("new_password", fmt.Sprintf("must be at most %d characters", pathway.MaxPasswordLength))
		case req.CurrentPassword != nil && *req.NewPassword == *req.CurrentPassword:
			bad("new_password", "must differ from your current password")
		}
	}
	if req.CurrentPassword != nil && len(*req.CurrentPassword) > pathway.MaxPasswordLength {
		bad("current_password", "is not your current password")
	}
	return fields, nil
}

// updateMe changes the caller's own password or language. A new password
// needs the current one, checked and throttled as a sign-in is, and ends
// every other session of the account; a wrong one changes nothing.
func (s *Server) updateMe(c *gin.Context) error {
	var req meRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	fields, err := req.check()
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		return &pathway.Error{Code: pathway.EINVALID, Message: "Your account was not changed.", Fields: fields}
	}
	a := actor(c)
	ctx := c.Request.Context()
	var ch pathway.AccountChange
	if req.Language != nil {
		l := pathway.Language(*req.Language)
		ch.Language = &l
	}
	if req.NewPassword != nil {
		g := s.guard()
		// Wrong current passwords are throttled for the account: whoever
		// sends them is signed in as it, so nobody else is locked out.
		key := "me:" + strconv.FormatInt(a.UserID, 10)
		if err := g.throttle(c, key); err != nil {
			return err
		}
		var ok bool
		if err := g.check(c, func() error {
			cred, err := s.Users.CredentialsByEmail(ctx, a.Email)
			if err != nil {
				return err
			}
			ok, err = secret.CheckPassword(cred.PasswordHash, *req.CurrentPassword)
			return err
		}); err != nil {
			return err
		}
		if !ok {
			return &pathway.Error{Code: pathway.EINVALID, Message: "Your account was not changed.",
				Fields: []pathway.FieldError{{Field: "current_password", Message: "is not your current password"}}}
		}
		g.accounts.forget(key)
		hash, err := secret.HashPassword(*req.NewPassword)
		if err != nil {
			return err
		}
		ch.PasswordHash = &hash
		if hash, ok := c.Get(ctxSession); ok {
			ch.KeepSession = hash.([]byte)
		}
	}
	u, err := s.Users.ChangeOwnAccount(ctx, a, ch)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, meResponse{User: *u, Abilities: u.Role.Abilities(), CSRFToken: c.GetString(ctxCSRF)})
	return nil
}

// oneTimeAlphabet leaves out letters and digits that are easily confused
// when a password is read out over the phone (0/o, 1/l/i).
const oneTimeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// oneTimePassword returns four groups of four characters from
// oneTimeAlphabet, such as "kp7m-x3rt-9wqz-h4nd": about 79 bits, easy to
// read out and type once.
func oneTimePassword() string {
	b := make([]byte, 0, 19)
	for i := range 16 {
		if i > 0 && i%4 == 0 {
			b = append(b, '-')
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(oneTimeAlphabet))))
		if err != nil {
			panic(fmt.Sprintf("one-time password: %v", err)) // the system's randomness failing is not recoverable
		}
		b = append(b, oneTimeAlphabet[n.Int64()])
	}
	return string(b)
}

// passwordReset is an admin's one-time reset: the password is shown this
// once and must be replaced at the next sign-in.
type passwordReset struct {
	Password string       `json:"password"`
	User     pathway.User `json:"user"`
}

func (s *Server) resetPassword(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	password := oneTimePassword()
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	u, err := s.Users.ResetPassword(c.Request.Context(), actor(c), id, hash)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, passwordReset{Password: password, User: *u})
	return nil
}

// untilPasswordChanged holds a browser signed in with a one-time password
// to choosing its own: it may read and change its own account and sign
// out, nothing else. API tokens are credentials of their own and are not
// held.
func (s *Server) untilPasswordChanged(c *gin.Context) {
	a, ok := actorOf(c)
	if !ok || !a.MustChangePassword || !c.GetBool(ctxViaCookie) {
		c.Next()
		return
	}
	route := c.Request.Method + " " + c.FullPath()
	if slices.Contains([]string{"GET /api/v1/me", "PATCH /api/v1/me", "DELETE /api/v1/session"}, route) {
		c.Next()
		return
	}
	s.writeError(c, pathway.Errorf(pathway.EFORBIDDEN, "Choose a new password first: the one you signed in with was for one use only."))
}
