package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

type speakingRequest struct {
	HeldOn     string  `json:"held_on" validate:"required,date"`
	Audience   string  `json:"audience" validate:"required,audience"`
	Topic      string  `json:"topic" validate:"notblank,max=200"`
	SpeakerIDs []int64 `json:"speaker_ids" validate:"required,min=1,max=50,unique,dive,gt=0"`
}

func (s *Server) createSpeakingEngagement(c *gin.Context) error {
	bodyID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req speakingRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	e := &pathway.SpeakingEngagement{BodyID: bodyID, Audience: pathway.Audience(req.Audience), Topic: strings.TrimSpace(req.Topic)}
	if e.HeldOn, err = parseDate("held_on", req.HeldOn); err != nil {
		return err
	}
	for _, id := range req.SpeakerIDs {
		e.Speakers = append(e.Speakers, pathway.Speaker{ParticipantID: id})
	}
	if err := s.Bodies.AddSpeakingEngagement(c.Request.Context(), actor(c), e); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, e)
	return nil
}

func (s *Server) listSpeakingEngagements(c *gin.Context) error {
	bodyID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	es, err := s.Bodies.ListSpeakingEngagements(c.Request.Context(), actor(c), bodyID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": es})
	return nil
}
