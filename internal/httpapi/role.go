package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

type roleRequest struct {
	ParticipantID int64  `json:"participant_id" validate:"required,gt=0"`
	Title         string `json:"title" validate:"notblank,max=100"`
	StartsOn      string `json:"starts_on" validate:"required,date"`
	EndsOn        string `json:"ends_on" validate:"omitempty,date"`
}

func (s *Server) createRole(c *gin.Context) error {
	bodyID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req roleRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	r := &pathway.BodyRole{BodyID: bodyID, ParticipantID: req.ParticipantID, Title: strings.TrimSpace(req.Title)}
	if r.StartsOn, err = parseDate("starts_on", req.StartsOn); err != nil {
		return err
	}
	if req.EndsOn != "" {
		d, err := parseDate("ends_on", req.EndsOn)
		if err != nil {
			return err
		}
		r.EndsOn = &d
	}
	if err := s.Bodies.AddRole(c.Request.Context(), actor(c), r); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, r)
	return nil
}

type rolePatch struct {
	Title  *string          `json:"title" validate:"omitnil,notblank,max=100"`
	EndsOn optional[string] `json:"ends_on" validate:"omitnil,date"`
}

func (s *Server) updateRole(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req rolePatch
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	upd := pathway.RoleUpdate{Title: req.Title}
	if req.EndsOn.Set {
		var ends *pathway.Date // null reopens the term
		if req.EndsOn.Value != nil {
			d, err := parseDate("ends_on", *req.EndsOn.Value)
			if err != nil {
				return err
			}
			ends = &d
		}
		upd.EndsOn = &ends
	}
	r, err := s.Bodies.UpdateRole(c.Request.Context(), actor(c), id, upd)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r)
	return nil
}

type roleQuery struct {
	BodyID             int64  `form:"body_id" json:"body_id" validate:"omitempty,gt=0"`
	ParticipantID      int64  `form:"participant_id" json:"participant_id" validate:"omitempty,gt=0"`
	Active             string `form:"active" json:"active" validate:"omitempty,oneof=true false"`
	EndingWithinDays   *int   `form:"ending_within_days" json:"ending_within_days" validate:"omitnil,min=0,max=3650"`
	StartingWithinDays *int   `form:"starting_within_days" json:"starting_within_days" validate:"omitnil,min=1,max=3650"`
}

func (s *Server) listRoles(c *gin.Context) error {
	var q roleQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	f := pathway.RoleFilter{BodyID: q.BodyID, ParticipantID: q.ParticipantID, EndingWithinDays: q.EndingWithinDays, StartingWithinDays: q.StartingWithinDays}
	if q.Active != "" {
		active := q.Active == "true"
		f.Active = &active
	}
	rs, err := s.Bodies.ListRoles(c.Request.Context(), actor(c), f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": rs})
	return nil
}
