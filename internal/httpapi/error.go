package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/render"

	"pathway/internal/pathway"
	"pathway/internal/words"
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

// Problem is an RFC 9457 problem detail, in the language the request's
// Accept-Language asks for: its title, detail and each field's message.
type Problem struct {
	Type      string               `json:"type"`
	Title     string               `json:"title"`
	Status    int                  `json:"status"`
	Detail    string               `json:"detail"`
	Instance  string               `json:"instance"`
	RequestID string               `json:"request_id"`
	Errors    []pathway.FieldError `json:"errors,omitempty"`
}

// writeError writes err as problem JSON, in the words of the language the
// request asks for (Content-Language says which). Internal errors are logged
// with the request id; the client sees only a generic message.
func (s *Server) writeError(c *gin.Context, err error) {
	code := pathway.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status, code = http.StatusInternalServerError, pathway.EINTERNAL
	}
	if status >= 500 {
		s.logger(c).Error("request failed", slog.String("error", err.Error()))
	}
	lang := words.Negotiate(c.GetHeader("Accept-Language"))
	if status == http.StatusInternalServerError {
		err = nil // a fault of ours reads as the generic message, whatever its code
	}
	text := words.Explain(lang, err)
	p := Problem{
		Type:      "urn:pathway:problem:" + code,
		Title:     words.Title(lang, code),
		Status:    status,
		Detail:    text.Detail,
		Instance:  c.Request.URL.Path,
		RequestID: c.GetString(ctxRequestID),
		Errors:    text.Fields,
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Language", string(lang))
	c.Writer.Header().Add("Vary", "Accept-Language")
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
