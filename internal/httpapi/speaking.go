package httpapi

import (
	"encoding/base64"
	"net/http"
	"strconv"
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

// talkQuery holds the query parameters of GET /bodies/{id}/speaking-engagements.
type talkQuery struct {
	Limit  *int   `form:"limit" json:"limit" validate:"omitnil,min=1,max=200"`
	Cursor string `form:"cursor" json:"cursor" validate:"max=64"`
}

// talkPage is one page of a bureau's talks.
type talkPage struct {
	Items      []pathway.SpeakingEngagement `json:"items"`
	NextCursor *string                      `json:"next_cursor"`
}

// encodeTalkCursor names the place after talk k in the newest-first order.
func encodeTalkCursor(k pathway.TalkKey) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte(k.HeldOn.String() + "/" + strconv.FormatInt(k.ID, 10)))
	return &s
}

func decodeTalkCursor(s string) (*pathway.TalkKey, error) {
	if s == "" {
		return nil, nil
	}
	bad := pathway.Invalid("cursor", "is not a cursor this service gave out")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	day, idText, ok := strings.Cut(string(b), "/")
	if !ok {
		return nil, bad
	}
	held, err := pathway.ParseDate(day)
	if err != nil {
		return nil, bad
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, bad
	}
	return &pathway.TalkKey{HeldOn: held, ID: id}, nil
}

func (s *Server) listSpeakingEngagements(c *gin.Context) error {
	bodyID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var q talkQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	page := pathway.TalkPage{Limit: 50}
	if q.Limit != nil {
		page.Limit = *q.Limit
	}
	if page.After, err = decodeTalkCursor(q.Cursor); err != nil {
		return err
	}
	es, more, err := s.Bodies.ListSpeakingEngagements(c.Request.Context(), actor(c), bodyID, page)
	if err != nil {
		return err
	}
	out := talkPage{Items: es}
	if more {
		out.NextCursor = encodeTalkCursor(es[len(es)-1].Key())
	}
	c.JSON(http.StatusOK, out)
	return nil
}
