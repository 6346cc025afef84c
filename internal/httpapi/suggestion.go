package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

// defaultSuggestionPage is how many suggestions a page holds when the
// caller does not say.
const defaultSuggestionPage = 25

type suggestionQuery struct {
	ParticipantID int64  `form:"participant_id" json:"participant_id" validate:"omitempty,gt=0"`
	Limit         *int   `form:"limit" json:"limit" validate:"omitnil,min=1,max=100"`
	Cursor        string `form:"cursor" json:"cursor"`
}

type suggestionPage struct {
	Items      []pathway.Suggestion `json:"items"`
	NextCursor *string              `json:"next_cursor"`
}

func (s *Server) listSuggestions(c *gin.Context) error {
	var q suggestionQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	after, err := decodeCursor(q.Cursor)
	if err != nil {
		return err
	}
	f := pathway.SuggestionFilter{ParticipantID: q.ParticipantID, After: after, Limit: defaultSuggestionPage}
	if q.Limit != nil {
		f.Limit = *q.Limit
	}
	ss, next, err := s.Suggestions.Suggestions(c.Request.Context(), actor(c), f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, suggestionPage{Items: ss, NextCursor: encodeCursor(next)})
	return nil
}

type dismissalRequest struct {
	Reason string `json:"reason" validate:"max=200"`
}

func (s *Server) dismissSuggestion(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req dismissalRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	d, err := s.Suggestions.Dismiss(c.Request.Context(), actor(c), id, req.Reason)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, d)
	return nil
}

func (s *Server) undoAcceptance(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(c, "placement_id")
	if err != nil {
		return err
	}
	if err := s.Suggestions.UndoAcceptance(c.Request.Context(), actor(c), id, pid); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
