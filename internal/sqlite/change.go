package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"pathway/internal/pathway"
)

// ChangeService reads the change feed.
type ChangeService struct{ db *DB }

// NewChangeService returns a ChangeService on db.
func NewChangeService(db *DB) *ChangeService { return &ChangeService{db: db} }

var _ pathway.ChangeService = (*ChangeService)(nil)

// change is one feed item to record; zero ids and rung are left out.
type change struct {
	typ                                                  pathway.ChangeType
	participantID                                        int64
	placementID, roleID, bodyID, engagementID, programID int64
	rung                                                 pathway.Rung
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// recordChange appends c to the change feed and queues it for every enabled
// webhook subscribed to its type, in the write's own transaction, so that
// a rolled-back write announces nothing and a committed one cannot be lost.
func (tx *Tx) recordChange(ctx context.Context, c change) error {
	const insertChange = `INSERT INTO changes (at, type, participant_id, placement_id, rung, role_id, body_id, engagement_id, program_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	const queue = `INSERT INTO outbox (endpoint_id, change_id, created_at, next_attempt_at, attempts)
SELECT w.id, ?1, ?2, ?2, 0 FROM webhooks w
WHERE w.disabled_at IS NULL AND instr(',' || w.events || ',', ',' || ?3 || ',') > 0`
	now := formatTime(tx.now)
	res, err := tx.ExecContext(ctx, insertChange, now, string(c.typ), c.participantID, nullID(c.placementID),
		nullID(int64(c.rung)), nullID(c.roleID), nullID(c.bodyID), nullID(c.engagementID), nullID(c.programID))
	if err != nil {
		return fmt.Errorf("record change %s: %w", c.typ, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("record change %s: %w", c.typ, err)
	}
	if _, err := tx.ExecContext(ctx, queue, id, now, string(c.typ)); err != nil {
		return fmt.Errorf("queue change %s: %w", c.typ, err)
	}
	return nil
}

// forgetChanges removes a participant's earlier feed items, and with them
// (by cascade) their pending deliveries and attempts, before an erasure.
func (tx *Tx) forgetChanges(ctx context.Context, participantID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE participant_id = ?`, participantID); err != nil {
		return fmt.Errorf("erase changes: %w", err)
	}
	return nil
}

const changeColumns = `c.id, c.at, c.type, c.participant_id, c.placement_id, c.rung, c.role_id, c.body_id, c.engagement_id, c.program_id`

// scanChange reads a row of changeColumns, after the columns scanned into
// first, when the query selects some before them.
func scanChange(row interface{ Scan(...any) error }, first ...any) (pathway.Change, error) {
	var c pathway.Change
	var at, typ string
	var placement, rung, role, body, engagement, program sql.NullInt64
	if err := row.Scan(append(first, &c.ID, &at, &typ, &c.ParticipantID, &placement, &rung, &role, &body, &engagement, &program)...); err != nil {
		return c, err
	}
	var err error
	if c.At, err = parseTime(at); err != nil {
		return c, err
	}
	c.Cursor = strconv.FormatInt(c.ID, 10)
	c.Type = pathway.ChangeType(typ)
	opt := func(n sql.NullInt64) *int64 {
		if !n.Valid {
			return nil
		}
		return &n.Int64
	}
	c.PlacementID, c.RoleID, c.BodyID, c.EngagementID, c.ProgramID = opt(placement), opt(role), opt(body), opt(engagement), opt(program)
	if rung.Valid {
		r := pathway.Rung(rung.Int64)
		c.Rung = &r
	}
	return c, nil
}

// ListChanges implements pathway.ChangeService. A scoped account sees the
// changes of the people in its caseload now; the erasure of a person is
// seen by unscoped accounts only, as nobody's caseload holds them any more.
func (s *ChangeService) ListChanges(ctx context.Context, a pathway.Actor, f pathway.ChangeFilter) ([]pathway.Change, bool, error) {
	out := []pathway.Change{}
	var more bool
	err := s.db.read(ctx, a, func(tx *Tx) error {
		clause, args := caseloadClause(a)
		q := `SELECT ` + changeColumns + ` FROM changes c LEFT JOIN participants p ON p.id = c.participant_id WHERE c.id > ?` + clause + ` ORDER BY c.id LIMIT ?`
		rows, err := tx.QueryContext(ctx, q, append(append([]any{f.After}, args...), f.Limit+1)...)
		if err != nil {
			return fmt.Errorf("list changes: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanChange(rows)
			if err != nil {
				return fmt.Errorf("list changes: %w", err)
			}
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list changes: %w", err)
		}
		if len(out) > f.Limit {
			out, more = out[:f.Limit], true
		}
		return tx.audit("change.list", "change", 0)
	})
	return out, more, err
}
