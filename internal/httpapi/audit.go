package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

type auditQuery struct {
	UserID   int64  `form:"user_id" json:"user_id" validate:"omitempty,gt=0"`
	Action   string `form:"action" json:"action" validate:"max=100"`
	Entity   string `form:"entity" json:"entity" validate:"max=100"`
	EntityID int64  `form:"entity_id" json:"entity_id" validate:"omitempty,gt=0"`
	Since    string `form:"since" json:"since" validate:"omitempty,date"`
	Until    string `form:"until" json:"until" validate:"omitempty,date"`
	Limit    *int   `form:"limit" json:"limit" validate:"omitnil,min=1,max=500"`
	Cursor   string `form:"cursor" json:"cursor"`
}

// auditItem is an entry with the role its account holds now, so that the
// web app can say "ana@… (staff) viewed this person's record"; the role is
// null once the account is gone.
type auditItem struct {
	pathway.AuditEntry
	UserRole *pathway.Role `json:"user_role"`
}

type auditPage struct {
	Items      []auditItem `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

func (s *Server) listAudit(c *gin.Context) error {
	var q auditQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	cursor, err := decodeCursor(q.Cursor)
	if err != nil {
		return err
	}
	f := pathway.AuditFilter{UserID: q.UserID, Action: q.Action, Entity: q.Entity, EntityID: q.EntityID, Cursor: cursor, Limit: 100}
	if q.Limit != nil {
		f.Limit = *q.Limit
	}
	if q.Since != "" {
		f.Since, _ = time.Parse(pathway.DateLayout, q.Since)
	}
	if q.Until != "" {
		until, _ := time.Parse(pathway.DateLayout, q.Until)
		f.Until = until.AddDate(0, 0, 1) // through the end of that day
	}
	es, next, err := s.Audit.ListAudit(c.Request.Context(), actor(c), f)
	if err != nil {
		return err
	}
	users, err := s.Users.ListUsers(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	roles := make(map[int64]pathway.Role, len(users))
	for _, u := range users {
		roles[u.ID] = u.Role
	}
	items := make([]auditItem, len(es))
	for i, e := range es {
		items[i].AuditEntry = e
		if e.UserID != nil {
			if r, ok := roles[*e.UserID]; ok {
				items[i].UserRole = &r
			}
		}
	}
	c.JSON(http.StatusOK, auditPage{Items: items, NextCursor: encodeCursor(next)})
	return nil
}
