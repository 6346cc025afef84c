package httpapi

import (
	"net"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
	"pathway/internal/webhook"
)

type webhookRequest struct {
	URL    string   `json:"url" validate:"required,max=2000"`
	Events []string `json:"events" validate:"required,min=1,unique,dive,change_type"`
}

// createdWebhook carries the signing secret, shown this once.
type createdWebhook struct {
	pathway.Webhook
	Secret string `json:"secret"`
}

func (s *Server) createWebhook(c *gin.Context) error {
	var req webhookRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := webhook.CheckURL(c.Request.Context(), req.URL, s.AllowPrivateWebhooks, net.DefaultResolver); err != nil {
		return err
	}
	w := pathway.Webhook{URL: req.URL}
	for _, e := range req.Events {
		w.Events = append(w.Events, pathway.ChangeType(e))
	}
	secret := webhook.NewSecret()
	if err := s.Webhooks.CreateWebhook(c.Request.Context(), actor(c), &w, secret); err != nil {
		return err
	}
	c.Header("Location", "/api/v1/webhooks/"+strconv.FormatInt(w.ID, 10))
	c.JSON(http.StatusCreated, createdWebhook{Webhook: w, Secret: secret})
	return nil
}

func (s *Server) listWebhooks(c *gin.Context) error {
	ws, err := s.Webhooks.ListWebhooks(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": ws})
	return nil
}

func (s *Server) getWebhook(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	w, err := s.Webhooks.FindWebhook(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, w)
	return nil
}

func (s *Server) deleteWebhook(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Webhooks.DeleteWebhook(c.Request.Context(), actor(c), id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type deliveriesQuery struct {
	Limit  *int   `form:"limit" json:"limit" validate:"omitnil,min=1,max=500"`
	Cursor string `form:"cursor" json:"cursor"`
}

type deliveryPage struct {
	Items      []pathway.Delivery `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

func (s *Server) listDeliveries(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var q deliveriesQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	cursor, err := decodeCursor(q.Cursor)
	if err != nil {
		return err
	}
	limit := 100
	if q.Limit != nil {
		limit = *q.Limit
	}
	ds, next, err := s.Webhooks.ListDeliveries(c.Request.Context(), actor(c), id, cursor, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, deliveryPage{Items: ds, NextCursor: encodeCursor(next)})
	return nil
}
