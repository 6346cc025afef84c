package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

type enrolmentRequest struct {
	ProgramID  int64   `json:"program_id" validate:"required,gt=0"`
	EnrolledOn string  `json:"enrolled_on" validate:"required,datetime=2006-01-02"`
	LeftOn     *string `json:"left_on" validate:"omitnil,datetime=2006-01-02"`
}

type enrolmentPatch struct {
	EnrolledOn optional[string] `json:"enrolled_on" validate:"omitnil,datetime=2006-01-02"`
	LeftOn     optional[string] `json:"left_on" validate:"omitnil,datetime=2006-01-02"`
}

// optionalDate reads an optional date field: nil when absent or null.
func optionalDate(field string, s *string) (*pathway.Date, error) {
	if s == nil {
		return nil, nil
	}
	d, err := parseDate(field, *s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func (s *Server) createEnrolment(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req enrolmentRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	e := &pathway.Enrolment{ProgramID: req.ProgramID}
	if e.EnrolledOn, err = parseDate("enrolled_on", req.EnrolledOn); err != nil {
		return err
	}
	if e.LeftOn, err = optionalDate("left_on", req.LeftOn); err != nil {
		return err
	}
	if err := s.Participants.AddEnrolment(c.Request.Context(), actor(c), id, e); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, e)
	return nil
}

func (s *Server) updateEnrolment(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	eid, err := pathID(c, "enrolment_id")
	if err != nil {
		return err
	}
	var req enrolmentPatch
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	var upd pathway.EnrolmentUpdate
	if req.EnrolledOn.Set && req.EnrolledOn.Value == nil {
		return pathway.Invalid("enrolled_on", "enrolment.first_day_null")
	}
	if upd.EnrolledOn, err = optionalDate("enrolled_on", req.EnrolledOn.Value); err != nil {
		return err
	}
	if req.LeftOn.Set { // null reopens the enrolment
		left, err := optionalDate("left_on", req.LeftOn.Value)
		if err != nil {
			return err
		}
		upd.LeftOn = &left
	}
	e, err := s.Participants.UpdateEnrolment(c.Request.Context(), actor(c), id, eid, upd)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, e)
	return nil
}
