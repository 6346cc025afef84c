package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"pathway/internal/pathway"
)

// AuditService reads the audit trail.
type AuditService struct{ db *DB }

// NewAuditService returns an AuditService on db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

var _ pathway.AuditService = (*AuditService)(nil)

// ListAudit implements pathway.AuditService. It first waits for the
// entries of reads already answered to reach audit_log (readlog.go), so
// the trail it lists holds every read and write answered before it.
func (s *AuditService) ListAudit(ctx context.Context, a pathway.Actor, f pathway.AuditFilter) ([]pathway.AuditEntry, int64, error) {
	if err := s.db.FlushReads(ctx); err != nil {
		return nil, 0, err
	}
	var where strings.Builder
	var args []any
	where.WriteString(` WHERE 1=1`)
	add := func(cond string, v any) {
		where.WriteString(` AND ` + cond)
		args = append(args, v)
	}
	if f.Cursor > 0 {
		add(`id < ?`, f.Cursor)
	}
	if f.UserID > 0 {
		add(`user_id = ?`, f.UserID)
	}
	if f.Action != "" {
		add(`action = ?`, f.Action)
	}
	if f.Entity != "" {
		add(`entity = ?`, f.Entity)
	}
	if f.EntityID > 0 {
		add(`entity_id = ?`, f.EntityID)
	}
	if !f.Since.IsZero() {
		add(`at >= ?`, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		add(`at < ?`, formatTime(f.Until))
	}
	args = append(args, f.Limit+1)
	out := []pathway.AuditEntry{}
	var next int64
	err := s.db.read(ctx, a, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, at, user_id, user_email, action, entity, entity_id, remote_addr, by_participant FROM audit_log`+where.String()+` ORDER BY id DESC LIMIT ?`, args...)
		if err != nil {
			return fmt.Errorf("list audit: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e pathway.AuditEntry
			var at string
			var uid, eid sql.NullInt64
			if err := rows.Scan(&e.ID, &at, &uid, &e.User, &e.Action, &e.Entity, &eid, &e.RemoteAddr, &e.ByParticipant); err != nil {
				return err
			}
			if e.At, err = parseTime(at); err != nil {
				return err
			}
			if uid.Valid {
				e.UserID = &uid.Int64
			}
			if eid.Valid {
				e.EntityID = &eid.Int64
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, err
}
