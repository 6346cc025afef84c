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
	// Status is the response's HTTP status, or 0 while the first request
	// runs, and for good if it was interrupted before its answer was kept.
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
	// ClaimKey claims the account's key for a request before it runs,
	// purging expired keys. A *KeyTaken error, holding the live response
	// under the key (Status 0 when its request never finished), when the
	// key is taken.
	ClaimKey(ctx context.Context, accountID int64, key, requestHash string) (*StoredResponse, error)
	// SaveResponse keeps the response of the request that claimed the key.
	// ENOTFOUND when the claim is gone.
	SaveResponse(ctx context.Context, accountID int64, key string, r StoredResponse) error
	// ReleaseKey gives up a claim whose request failed, so the key can be
	// used again.
	ReleaseKey(ctx context.Context, accountID int64, key string) error
}

// KeyTaken is the error ClaimKey returns for a key already in use.
type KeyTaken struct{ Stored StoredResponse }

// Error implements the error interface.
func (k *KeyTaken) Error() string { return "idempotency key already used" }
