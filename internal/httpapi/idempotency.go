package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

// idempotencyHeader is the request header of the IETF httpapi draft
// "The Idempotency-Key HTTP Header Field".
const idempotencyHeader = "Idempotency-Key"

// keyLocks serialises requests that share an account and key, so that two
// copies of one request sent at once run one after the other and the second
// finds the first's response. Pathway has one writer process, so a lock in
// the process is enough.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	users int
}

// lock takes the lock of name and returns its release.
func (k *keyLocks) lock(name string) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[name]
	if l == nil {
		l = &keyLock{}
		k.locks[name] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, name)
		}
		k.mu.Unlock()
	}
}

// checkIdempotencyKey refuses a key that is empty, too long, or not
// printable ASCII.
func checkIdempotencyKey(key string) error {
	if key == "" || len(key) > pathway.MaxIdempotencyKeyLength || strings.ContainsFunc(key, func(r rune) bool { return r < ' ' || r > '~' }) {
		return pathway.Invalid(idempotencyHeader, "idempotency.key_format", pathway.MaxIdempotencyKeyLength)
	}
	return nil
}

// aboutParticipant names the participant a request was about, so that its
// stored response is erased with them: the participant in the path, the
// one a POST /participants created, or the participant_id of the answer.
func aboutParticipant(c *gin.Context, body []byte) int64 {
	if strings.HasPrefix(c.FullPath(), "/api/v1/participants/:id") {
		if id, err := strconv.ParseInt(c.Param("id"), 10, 64); err == nil {
			return id
		}
	}
	var top struct {
		ID            int64 `json:"id"`
		ParticipantID int64 `json:"participant_id"`
	}
	if json.Unmarshal(body, &top) != nil {
		return 0
	}
	if c.FullPath() == "/api/v1/participants" {
		return top.ID
	}
	return top.ParticipantID
}

// recorder keeps a copy of what a handler writes.
type recorder struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteString(s string) (int, error) {
	r.body.WriteString(s)
	return r.ResponseWriter.WriteString(s)
}

// idempotent makes a POST sent with an Idempotency-Key safe to retry: the
// key is claimed before the request runs, the first successful response is
// kept for a day under the account and key, and a retry of the same request
// (same method, path, query and body) gets it back, status, Content-Type,
// Location and body, without running again. The same key with a different
// request is refused. A request without the header is served as ever.
// Failed responses are not kept and free the key: they changed nothing, so
// running the retry again gives the same answer or a better one. A claim
// left by a process that died mid-request is answered 409: the outcome is
// unknown, and running it again could write twice.
func (s *Server) idempotent(c *gin.Context) {
	key, sent := c.Request.Header[idempotencyHeader]
	if c.Request.Method != http.MethodPost || !sent {
		c.Next()
		return
	}
	if len(key) != 1 {
		s.writeError(c, pathway.Invalid(idempotencyHeader, "idempotency.key_twice"))
		return
	}
	if err := checkIdempotencyKey(key[0]); err != nil {
		s.writeError(c, err)
		return
	}
	// The largest body the API takes is a CSV import's; each handler
	// still applies its own bound to what it reads back.
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, max(s.maxImport(), maxBody)))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.writeError(c, pathway.Errorf(codeTooLarge, "request.too_large_here"))
		return
	} else if err != nil {
		s.writeError(c, decodeError(err))
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	io.WriteString(h, c.Request.Method+" "+c.Request.URL.RequestURI()+"\n")
	h.Write(body)
	hash := hex.EncodeToString(h.Sum(nil))

	a := actor(c)
	defer s.keys.lock(fmt.Sprintf("%d\x00%s", a.UserID, key[0]))()
	ctx := c.Request.Context()
	_, err = s.Idempotency.ClaimKey(ctx, a.UserID, key[0], hash)
	var taken *pathway.KeyTaken
	switch {
	case errors.As(err, &taken) && taken.Stored.Status == 0:
		// Only an interrupted request leaves a claim without an answer:
		// a running one holds the lock.
		s.writeError(c, pathway.Errorf(pathway.ECONFLICT, "idempotency.interrupted"))
		return
	case taken != nil && taken.Stored.RequestHash != hash:
		s.writeError(c, pathway.Invalid(idempotencyHeader, "idempotency.key_reused"))
		return
	case taken != nil:
		c.Header("Idempotent-Replayed", "true")
		if taken.Stored.Location != "" {
			c.Header("Location", taken.Stored.Location)
		}
		c.Data(taken.Stored.Status, taken.Stored.ContentType, taken.Stored.Body)
		c.Abort()
		return
	case err != nil:
		s.writeError(c, err)
		return
	}
	rec := &recorder{ResponseWriter: c.Writer}
	c.Writer = rec
	c.Next()
	c.Writer = rec.ResponseWriter
	// The change, if any, is made: settle the claim even if the caller has gone.
	bg := context.WithoutCancel(ctx)
	if status := rec.Status(); status >= 200 && status < 300 {
		r := pathway.StoredResponse{ParticipantID: aboutParticipant(c, rec.body.Bytes()), RequestHash: hash, Status: status, ContentType: rec.Header().Get("Content-Type"), Location: rec.Header().Get("Location"), Body: rec.body.Bytes()}
		if err := s.Idempotency.SaveResponse(bg, a.UserID, key[0], r); err != nil {
			s.logger(c).Error("store idempotent response", slog.String("error", err.Error()))
		}
	} else if err := s.Idempotency.ReleaseKey(bg, a.UserID, key[0]); err != nil {
		s.logger(c).Error("release idempotency key", slog.String("error", err.Error()))
	}
}
