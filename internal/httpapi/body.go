package httpapi

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
	"pathway/internal/release"
)

type bodyRequest struct {
	Name        string `json:"name" validate:"notblank,max=200"`
	Kind        string `json:"kind" validate:"required,body_kind"`
	Description string `json:"description" validate:"max=2000"`
	Seats       *int   `json:"seats" nullable:"true" validate:"omitnil,min=1,max=10000"`
	Rung        string `json:"rung" validate:"omitempty,rung"`
	TermMonths  *int   `json:"term_months" nullable:"true" validate:"omitnil,min=1,max=240"`
	TermLimit   *int   `json:"term_limit" nullable:"true" validate:"omitnil,min=1,max=100"`
}

type bodyPatch struct {
	Name        *string       `json:"name" validate:"omitnil,notblank,max=200"`
	Description *string       `json:"description" validate:"omitnil,max=2000"`
	Seats       optional[int] `json:"seats" validate:"omitnil,min=1,max=10000"`
	Rung        *string       `json:"rung" validate:"omitnil,rung"`
	TermMonths  optional[int] `json:"term_months" validate:"omitnil,min=1,max=240"`
	TermLimit   optional[int] `json:"term_limit" validate:"omitnil,min=1,max=100"`
}

func (s *Server) createBody(c *gin.Context) error {
	var req bodyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	b := &pathway.Body{
		Name: strings.TrimSpace(req.Name), Kind: pathway.BodyKind(req.Kind), Description: req.Description,
		Seats: req.Seats, TermMonths: req.TermMonths, TermLimit: req.TermLimit,
	}
	if req.Rung != "" {
		b.Rung = rung(req.Rung)
	}
	if err := s.Bodies.CreateBody(c.Request.Context(), actor(c), b); err != nil {
		return err
	}
	c.Header("Location", "/api/v1/bodies/"+strconv.FormatInt(b.ID, 10))
	c.JSON(http.StatusCreated, b)
	return nil
}

// bodySummary is a body without today's head-counts: what a role that may
// not read people sees in the list of bodies. A live count of who holds a
// seat would let leadership follow one person's comings and goings by
// comparing two days; it reads the noised counts of releases instead.
type bodySummary struct {
	ID          int64            `json:"id"`
	Name        string           `json:"name"`
	Kind        pathway.BodyKind `json:"kind"`
	Description string           `json:"description"`
	Seats       *int             `json:"seats"`
	Rung        pathway.Rung     `json:"rung"`
	TermMonths  *int             `json:"term_months"`
	TermLimit   *int             `json:"term_limit"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

func (s *Server) listBodies(c *gin.Context) error {
	a := actor(c)
	bs, err := s.Bodies.ListBodies(c.Request.Context(), a)
	if err != nil {
		return err
	}
	if a.Role.Can(pathway.ReadPeople) {
		c.JSON(http.StatusOK, gin.H{"items": bs})
		return nil
	}
	items := make([]bodySummary, len(bs))
	for i, b := range bs {
		items[i] = bodySummary{
			ID: b.ID, Name: b.Name, Kind: b.Kind, Description: b.Description, Seats: b.Seats, Rung: b.Rung,
			TermMonths: b.TermMonths, TermLimit: b.TermLimit, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

type asOfQuery struct {
	AsOf string `form:"as_of" json:"as_of" validate:"omitempty,date"`
}

// roster reads the body id and as_of of a roster request and loads it.
func (s *Server) roster(c *gin.Context) (*pathway.Roster, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	var q asOfQuery
	if err := bindQuery(c, &q); err != nil {
		return nil, err
	}
	var asOf pathway.Date
	if q.AsOf != "" {
		if asOf, err = parseDate("as_of", q.AsOf); err != nil {
			return nil, err
		}
	}
	return s.Bodies.Roster(c.Request.Context(), actor(c), id, asOf)
}

func (s *Server) getBody(c *gin.Context) error {
	r, err := s.roster(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r)
	return nil
}

// rosterCSV exports who holds a role on a day under the roster's one
// public-story rule, as the screen and its print view show it: a name
// appears only with public_story consent; otherwise the row says
// pathway.UnnamedMember.
func (s *Server) rosterCSV(c *gin.Context) error {
	r, err := s.roster(c)
	if err != nil {
		return err
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="roster-%d-%s.csv"`, r.ID, r.AsOf))
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"participant", "title", "starts_on", "ends_on"})
	for _, role := range r.Roles {
		ends := ""
		if role.EndsOn != nil {
			ends = role.EndsOn.String()
		}
		_ = w.Write([]string{release.SafeCSVCell(role.RosterName()), release.SafeCSVCell(role.Title), role.StartsOn.String(), ends})
	}
	w.Flush()
	return w.Error()
}

func (s *Server) updateBody(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req bodyPatch
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	upd := pathway.BodyUpdate{Name: req.Name, Description: req.Description, Seats: req.Seats.update(), TermMonths: req.TermMonths.update(), TermLimit: req.TermLimit.update()}
	if req.Rung != nil {
		r := rung(*req.Rung)
		upd.Rung = &r
	}
	b, err := s.Bodies.UpdateBody(c.Request.Context(), actor(c), id, upd)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, b)
	return nil
}
