package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"pathway/internal/pathway"
)

// IdempotencyService stores the first responses to keyed requests.
type IdempotencyService struct{ db *DB }

// NewIdempotencyService returns an IdempotencyService on db.
func NewIdempotencyService(db *DB) *IdempotencyService { return &IdempotencyService{db: db} }

var _ pathway.IdempotencyService = (*IdempotencyService)(nil)

// ClaimKey implements pathway.IdempotencyService. The claim is a row with
// status 0, written before the request runs: if the process dies between
// the request's commit and SaveResponse, the key stays claimed, and a
// retry is told the outcome is unknown rather than run a second time.
func (s *IdempotencyService) ClaimKey(ctx context.Context, accountID int64, key, requestHash string) (*pathway.StoredResponse, error) {
	const (
		purge = `DELETE FROM idempotency_keys WHERE created_at < ?`
		find  = `SELECT request_hash, status, content_type, location, body, created_at FROM idempotency_keys WHERE account_id = ? AND key = ?`
		claim = `INSERT INTO idempotency_keys (account_id, key, request_hash, status, content_type, location, body, created_at) VALUES (?, ?, ?, 0, '', '', x'', ?)`
	)
	var taken *pathway.KeyTaken
	err := s.db.commit(ctx, pathway.Actor{}, func(tx *Tx) error {
		taken = nil
		if _, err := tx.ExecContext(ctx, purge, formatTime(tx.now.Add(-pathway.IdempotencyTTL))); err != nil {
			return fmt.Errorf("purge expired keys: %w", err)
		}
		var r pathway.StoredResponse
		var created string
		err := tx.QueryRowContext(ctx, find, accountID, key).Scan(&r.RequestHash, &r.Status, &r.ContentType, &r.Location, &r.Body, &created)
		if err == nil {
			if r.CreatedAt, err = parseTime(created); err != nil {
				return err
			}
			taken = &pathway.KeyTaken{Stored: r}
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find key: %w", err)
		}
		if _, err := tx.ExecContext(ctx, claim, accountID, key, requestHash, formatTime(tx.now)); err != nil {
			return fmt.Errorf("claim key: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if taken != nil {
		return &taken.Stored, taken
	}
	return &pathway.StoredResponse{RequestHash: requestHash}, nil
}

// SaveResponse implements pathway.IdempotencyService.
func (s *IdempotencyService) SaveResponse(ctx context.Context, accountID int64, key string, r pathway.StoredResponse) error {
	const q = `UPDATE idempotency_keys SET participant_id = ?, status = ?, content_type = ?, location = ?, body = ?
WHERE account_id = ? AND key = ? AND request_hash = ? AND status = 0`
	return s.db.commit(ctx, pathway.Actor{}, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, q, nullID(r.ParticipantID), r.Status, r.ContentType, r.Location, r.Body, accountID, key, r.RequestHash)
		if err != nil {
			return fmt.Errorf("save response: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return pathway.Errorf(pathway.ENOTFOUND, "idempotency.claim_gone")
		}
		return nil
	})
}

// ReleaseKey implements pathway.IdempotencyService.
func (s *IdempotencyService) ReleaseKey(ctx context.Context, accountID int64, key string) error {
	const q = `DELETE FROM idempotency_keys WHERE account_id = ? AND key = ? AND status = 0`
	return s.db.commit(ctx, pathway.Actor{}, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, q, accountID, key); err != nil {
			return fmt.Errorf("release key: %w", err)
		}
		return nil
	})
}

// forgetResponses removes every stored response that names a participant
// about to be erased: those about them go with their row (ON DELETE
// CASCADE); this takes any other whose body holds their reference or name
// as a JSON string.
func forgetResponses(ctx context.Context, tx *Tx, ref, name string) error {
	const q = `DELETE FROM idempotency_keys WHERE instr(body, ?) > 0 OR instr(body, ?) > 0`
	r, err := json.Marshal(ref)
	if err != nil {
		return err
	}
	n, err := json.Marshal(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, q, r, n); err != nil {
		return fmt.Errorf("forget stored responses: %w", err)
	}
	return nil
}
