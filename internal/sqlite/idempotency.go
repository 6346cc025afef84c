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

// FindResponse implements pathway.IdempotencyService.
func (s *IdempotencyService) FindResponse(ctx context.Context, accountID int64, key string) (*pathway.StoredResponse, error) {
	const q = `SELECT request_hash, status, content_type, location, body, created_at FROM idempotency_keys
WHERE account_id = ? AND key = ? AND created_at >= ?`
	var r pathway.StoredResponse
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		var created string
		err := tx.QueryRowContext(ctx, q, accountID, key, formatTime(tx.now.Add(-pathway.IdempotencyTTL))).Scan(&r.RequestHash, &r.Status, &r.ContentType, &r.Location, &r.Body, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Errorf(pathway.ENOTFOUND, "No response is stored under this key.")
		} else if err != nil {
			return fmt.Errorf("find stored response: %w", err)
		}
		r.CreatedAt, err = parseTime(created)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
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

// SaveResponse implements pathway.IdempotencyService.
func (s *IdempotencyService) SaveResponse(ctx context.Context, accountID int64, key string, r pathway.StoredResponse) error {
	const (
		purge = `DELETE FROM idempotency_keys WHERE created_at < ?`
		save  = `INSERT INTO idempotency_keys (account_id, key, participant_id, request_hash, status, content_type, location, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	)
	return s.db.commit(ctx, pathway.Actor{}, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, purge, formatTime(tx.now.Add(-pathway.IdempotencyTTL))); err != nil {
			return fmt.Errorf("purge expired keys: %w", err)
		}
		if _, err := tx.ExecContext(ctx, save, accountID, key, nullID(r.ParticipantID), r.RequestHash, r.Status, r.ContentType, r.Location, r.Body, formatTime(tx.now)); isPrimaryKeyViolation(err) {
			return pathway.Errorf(pathway.ECONFLICT, "A response is already stored under this key.")
		} else if err != nil {
			return fmt.Errorf("save response: %w", err)
		}
		return nil
	})
}
