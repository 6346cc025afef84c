package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/render"

	"pathway/internal/pathway"
)

// Error codes that belong to HTTP alone: they describe the request as sent,
// not anything the domain decides.
const (
	codeMalformed        = "malformed"          // the request body cannot be read as JSON at all
	codeTooLarge         = "too_large"          // the request body is larger than allowed
	codeUnsupported      = "unsupported"        // the request body is not JSON
	codeMethodNotAllowed = "method_not_allowed" // the path exists but not with this method
)

// retryAfter is the Retry-After, in seconds, of a 503 answer.
const retryAfter = "10"

// statuses maps every error code, domain and transport, to its HTTP status.
var statuses = map[string]int{
	pathway.EINVALID:      http.StatusUnprocessableEntity,
	pathway.ENOTFOUND:     http.StatusNotFound,
	pathway.ECONFLICT:     http.StatusConflict,
	pathway.EUNAUTHORIZED: http.StatusUnauthorized,
	pathway.EFORBIDDEN:    http.StatusForbidden,
	pathway.ELOCKED:       http.StatusTooManyRequests,
	pathway.EINTERNAL:     http.StatusInternalServerError,
	pathway.EUNAVAILABLE:  http.StatusServiceUnavailable,
	codeMalformed:         http.StatusBadRequest,
	codeTooLarge:          http.StatusRequestEntityTooLarge,
	codeUnsupported:       http.StatusUnsupportedMediaType,
	codeMethodNotAllowed:  http.StatusMethodNotAllowed,
}

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type      string               `json:"type"`
	Title     string               `json:"title"`
	Status    int                  `json:"status"`
	Detail    string               `json:"detail"`
	Instance  string               `json:"instance"`
	RequestID string               `json:"request_id"`
	Errors    []pathway.FieldError `json:"errors,omitempty"`
}

// writeError writes err as problem JSON. Internal errors are logged with the
// request id; the client sees only a generic message.
func (s *Server) writeError(c *gin.Context, err error) {
	code := pathway.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.logger(c).Error("request failed", slog.String("error", err.Error()))
	}
	p := Problem{
		Type:      "urn:pathway:problem:" + code,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    pathway.ErrorMessage(err),
		Instance:  c.Request.URL.Path,
		RequestID: c.GetString(ctxRequestID),
		Errors:    pathway.ErrorFields(err),
	}
	c.Header("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable {
		// The database is full, read-only or closing: worth a retry later.
		c.Header("Retry-After", retryAfter)
	}
	c.Render(status, problemRender{p})
	c.Abort()
}

// problemRender writes JSON with the problem media type.
type problemRender struct{ p Problem }

func (r problemRender) Render(w http.ResponseWriter) error {
	r.WriteContentType(w)
	return render.JSON{Data: r.p}.Render(w)
}

func (r problemRender) WriteContentType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/problem+json")
}
