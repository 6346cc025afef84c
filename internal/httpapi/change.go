package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

// changesQuery holds the query parameters of GET /changes.
type changesQuery struct {
	After string `form:"after" json:"after"`
	Limit *int   `form:"limit" json:"limit" validate:"omitnil,min=1,max=500"`
}

// changePage is a page of the change feed. NextCursor is where to resume:
// the last item's cursor, or the one asked after when the page is empty.
type changePage struct {
	Items      []pathway.Change `json:"items"`
	NextCursor string           `json:"next_cursor"`
	HasMore    bool             `json:"has_more"`
}

func (s *Server) listChanges(c *gin.Context) error {
	var q changesQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	f := pathway.ChangeFilter{Limit: 100}
	if q.After != "" {
		after, err := strconv.ParseInt(q.After, 10, 64)
		if err != nil || after < 0 {
			return pathway.Invalid("after", "query.cursor")
		}
		f.After = after
	}
	if q.Limit != nil {
		f.Limit = *q.Limit
	}
	items, more, err := s.Changes.ListChanges(c.Request.Context(), actor(c), f)
	if err != nil {
		return err
	}
	next := strconv.FormatInt(f.After, 10)
	if len(items) > 0 {
		next = items[len(items)-1].Cursor
	}
	c.JSON(http.StatusOK, changePage{Items: items, NextCursor: next, HasMore: more})
	return nil
}
