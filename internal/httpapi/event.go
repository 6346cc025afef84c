package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

// eventRequest is the body of POST /events: one occasion and who attended.
// A repeated attendee is refused by the store, which names the repeat.
type eventRequest struct {
	OccurredOn     string  `json:"occurred_on" validate:"required,datetime=2006-01-02"`
	Activity       string  `json:"activity" validate:"notblank,max=200"`
	ProgramID      *int64  `json:"program_id" validate:"omitnil,gt=0"`
	Strategy       string  `json:"strategy" validate:"omitempty,strategy"`
	Note           string  `json:"note" validate:"max=500"`
	ParticipantIDs []int64 `json:"participant_ids" validate:"required,min=1,max=1000,dive,gt=0"`
}

// eventResult answers a logged event.
type eventResult struct {
	Count         int     `json:"count"`
	EngagementIDs []int64 `json:"engagement_ids"`
}

// logEvent logs one engagement per attendee, all or none.
func (s *Server) logEvent(c *gin.Context) error {
	var req eventRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	d, err := parseDate("occurred_on", req.OccurredOn)
	if err != nil {
		return err
	}
	ev := pathway.Event{OccurredOn: d, Activity: strings.TrimSpace(req.Activity), ProgramID: req.ProgramID, Note: strings.TrimSpace(req.Note), ParticipantIDs: req.ParticipantIDs}
	if req.Strategy != "" {
		st := pathway.Strategy(req.Strategy)
		ev.Strategy = &st
	}
	ids, err := s.Participants.LogEvent(c.Request.Context(), actor(c), ev)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, eventResult{Count: len(ids), EngagementIDs: ids})
	return nil
}
