package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type suggestionQuery struct {
	ParticipantID int64 `form:"participant_id" json:"participant_id" validate:"omitempty,gt=0"`
}

func (s *Server) listSuggestions(c *gin.Context) error {
	var q suggestionQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	ss, err := s.Suggestions.Suggestions(c.Request.Context(), actor(c), q.ParticipantID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": ss})
	return nil
}
