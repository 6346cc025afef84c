package httpapi

import (
	"net/http"
	"strconv"
	"strings"

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

type tokenRequest struct {
	Email string `json:"email" validate:"required,email,max=254"`
	Name  string `json:"name" validate:"max=100"`
}

// issuedToken carries the secret once; only its hash is kept.
type issuedToken struct {
	Token    string           `json:"token"`
	APIToken pathway.APIToken `json:"api_token"`
}

func (s *Server) createToken(c *gin.Context) error {
	var req tokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	token := secret.NewToken(secret.TokenPrefix)
	t, err := s.Users.CreateToken(c.Request.Context(), actor(c), req.Email, strings.TrimSpace(req.Name), secret.HashToken(token))
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
