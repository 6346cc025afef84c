package pathway

import (
	"context"
	"time"
)

// IdempotencyTTL is how long the first response to a keyed request is kept.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKeyLength bounds an Idempotency-Key.
const MaxIdempotencyKeyLength = 255

// StoredResponse is the first response given to a request sent with an
// Idempotency-Key, replayed to every retry of the same request.
type StoredResponse struct {
	RequestHash string
	Status      int
	ContentType string
	Location    string // the Location header, if any
	// ParticipantID is the person the request was about, or 0: the stored
	// response goes when they are erased.
	ParticipantID int64
	Body          []byte
	CreatedAt     time.Time
}

// IdempotencyService keeps the first response to each account's keyed
// requests for IdempotencyTTL.
type IdempotencyService interface {
	// FindResponse returns the live response stored under the account's key.
	// ENOTFOUND when there is none, or it has expired.
	FindResponse(ctx context.Context, accountID int64, key string) (*StoredResponse, error)
	// SaveResponse stores the response under the account's key, purging
	// expired ones. ECONFLICT when the key already holds a live response.
	SaveResponse(ctx context.Context, accountID int64, key string, r StoredResponse) error
}
