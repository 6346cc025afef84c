package httpapi

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/skip2/go-qrcode"

	"pathway/internal/pathway"
	"pathway/internal/secret"
)

// invitationTokenPrefix marks a personal link's token, so that it is easy to
// tell from an API token in a leak, and one is never taken for the other.
const invitationTokenPrefix = "pwp_"

// qrSize is the side, in pixels, of the QR code drawn for a personal link:
// large enough to scan from a screen at arm's length.
const qrSize = 320

type invitationRequest struct {
	Language      string `json:"language" validate:"required,oneof=en es"`
	ExpiresInDays *int   `json:"expires_in_days" validate:"omitnil,min=1,max=30"`
}

// invitationCreated is the one answer that holds a personal link's token:
// as a URL and as a QR code of that URL. Neither is kept.
type invitationCreated struct {
	pathway.Invitation
	URL string `json:"url"`
	// QRCode is the URL drawn as a PNG QR code, as a data: URL an <img>
	// can show.
	QRCode string `json:"qr_code"`
}

// refuseIdempotencyKey keeps personal links out of the stored answers of
// retried requests: the answer holds the link's token, which Pathway keeps
// only as a hash.
func (s *Server) refuseIdempotencyKey(c *gin.Context) {
	if _, sent := c.Request.Header[idempotencyHeader]; sent {
		s.writeError(c, pathway.Invalid(idempotencyHeader, "is not accepted here: a personal link is shown once and never kept; send the request without it"))
		return
	}
	c.Next()
}

// publicBase is the address participants' links start with: PublicURL when
// set, else the address this request came to.
func (s *Server) publicBase(c *gin.Context) string {
	if s.PublicURL != "" {
		return strings.TrimRight(s.PublicURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil || s.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// createInvitation makes a personal link for a participant. The token goes
// after # in the URL: browsers never send that part to a server, so it
// stays out of access logs, proxies and Referer headers.
func (s *Server) createInvitation(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req invitationRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	lang, err := pathway.ParseLanguage(req.Language)
	if err != nil {
		return pathway.Invalid("language", "must be one of: en, es")
	}
	days := pathway.DefaultInvitationDays
	if req.ExpiresInDays != nil {
		days = *req.ExpiresInDays
	}
	token := secret.NewToken(invitationTokenPrefix)
	inv, err := s.Invitations.CreateInvitation(c.Request.Context(), actor(c), id, pathway.NewInvitation{
		Language: lang, ExpiresIn: time.Duration(days) * 24 * time.Hour, TokenHash: secret.HashToken(token),
	})
	if err != nil {
		return err
	}
	url := s.publicBase(c) + "/p/#" + token
	png, err := qrcode.Encode(url, qrcode.Medium, qrSize)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, invitationCreated{
		Invitation: *inv, URL: url,
		QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png),
	})
	return nil
}

func (s *Server) listInvitations(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	invs, err := s.Invitations.ListInvitations(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": invs})
	return nil
}

func (s *Server) revokeInvitation(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	invID, err := pathID(c, "invitation_id")
	if err != nil {
		return err
	}
	if err := s.Invitations.RevokeInvitation(c.Request.Context(), actor(c), id, invID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
