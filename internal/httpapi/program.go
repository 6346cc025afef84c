package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

type programRequest struct {
	Name            string   `json:"name" validate:"notblank,max=200"`
	Description     string   `json:"description" validate:"max=2000"`
	Beneficiaries   string   `json:"beneficiaries" validate:"max=500"`
	EstimatedServed *int     `json:"estimated_served" nullable:"true" validate:"omitnil,min=0,max=100000000"`
	Rung            string   `json:"rung" validate:"required,rung"`
	Strategies      []string `json:"strategies" validate:"omitempty,unique,dive,strategy"`
}

type programPatch struct {
	Name            *string       `json:"name" validate:"omitnil,notblank,max=200"`
	Description     *string       `json:"description" validate:"omitnil,max=2000"`
	Beneficiaries   *string       `json:"beneficiaries" validate:"omitnil,max=500"`
	EstimatedServed optional[int] `json:"estimated_served" validate:"omitnil,min=0,max=100000000"`
	Rung            *string       `json:"rung" validate:"omitnil,rung"`
	Strategies      *[]string     `json:"strategies" validate:"omitnil,unique,dive,strategy"`
}

// strategies converts validated strategy names.
func strategies(names []string) []pathway.Strategy {
	out := make([]pathway.Strategy, 0, len(names))
	for _, n := range names {
		st, _ := pathway.ParseStrategy(n)
		out = append(out, st)
	}
	return out
}

// rung converts a validated rung name.
func rung(name string) pathway.Rung {
	r, _ := pathway.ParseRung(name)
	return r
}

func (s *Server) createProgram(c *gin.Context) error {
	var req programRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := &pathway.Program{
		Name: req.Name, Description: req.Description, Beneficiaries: req.Beneficiaries,
		EstimatedServed: req.EstimatedServed, Rung: rung(req.Rung), Strategies: strategies(req.Strategies),
	}
	if err := s.Programs.CreateProgram(c.Request.Context(), actor(c), p); err != nil {
		return err
	}
	c.Header("Location", "/api/v1/programs/"+strconv.FormatInt(p.ID, 10))
	c.JSON(http.StatusCreated, p)
	return nil
}

func (s *Server) getProgram(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.Programs.FindProgram(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

func (s *Server) listPrograms(c *gin.Context) error {
	ps, err := s.Programs.ListPrograms(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": ps})
	return nil
}

func (s *Server) updateProgram(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req programPatch
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	upd := pathway.ProgramUpdate{Name: req.Name, Description: req.Description, Beneficiaries: req.Beneficiaries, EstimatedServed: req.EstimatedServed.update()}
	if req.Rung != nil {
		r := rung(*req.Rung)
		upd.Rung = &r
	}
	if req.Strategies != nil {
		st := strategies(*req.Strategies)
		upd.Strategies = &st
	}
	p, err := s.Programs.UpdateProgram(c.Request.Context(), actor(c), id, upd)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

func (s *Server) ladder(c *gin.Context) error {
	l, err := s.Programs.Ladder(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"rungs": l})
	return nil
}
