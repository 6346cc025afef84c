package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"pathway/internal/pathway"
)

// BodyService stores bodies, roles and speaking engagements.
type BodyService struct{ db *DB }

// NewBodyService returns a BodyService on db.
func NewBodyService(db *DB) *BodyService { return &BodyService{db: db} }

var _ pathway.BodyService = (*BodyService)(nil)

const bodyColumns = `b.id, b.name, b.kind, b.description, b.seats, b.rung, b.term_months, b.term_limit, b.created_at, b.updated_at`

// filledOn counts the roles held in body b on a day (the ?-parameter).
const filledOn = `(SELECT count(*) FROM roles r WHERE r.body_id = b.id AND r.starts_on <= ? AND (r.ends_on IS NULL OR r.ends_on >= ?))`

// filledFor counts the roles held in body b on day, of the people the actor
// may see: a caseload-scoped account counts only its own, so that the count
// does not tell of people, or terms, it cannot see.
func filledFor(a pathway.Actor, day pathway.Date) (string, []any) {
	clause, args := caseloadOf(a, "r.participant_id")
	return `(SELECT count(*) FROM roles r WHERE r.body_id = b.id AND r.starts_on <= ? AND (r.ends_on IS NULL OR r.ends_on >= ?)` + clause + `)`,
		append([]any{day.String(), day.String()}, args...)
}

func scanBody(row interface{ Scan(...any) error }) (*pathway.Body, error) {
	var b pathway.Body
	var kind, created, updated string
	var seats, months, limit sql.NullInt64
	if err := row.Scan(&b.ID, &b.Name, &kind, &b.Description, &seats, &b.Rung, &months, &limit, &created, &updated, &b.SeatsFilled); err != nil {
		return nil, err
	}
	b.Kind = pathway.BodyKind(kind)
	b.Seats, b.TermMonths, b.TermLimit = nullInt(seats), nullInt(months), nullInt(limit)
	if b.Seats != nil {
		open := max(*b.Seats-b.SeatsFilled, 0)
		b.SeatsOpen = &open
	}
	var err error
	if b.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	b.UpdatedAt, err = parseTime(updated)
	return &b, err
}

func nullInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// findBody loads a body with its seats filled on day.
func findBody(ctx context.Context, tx *Tx, id int64, day pathway.Date) (*pathway.Body, error) {
	filled, args := filledFor(tx.actor, day)
	b, err := scanBody(tx.QueryRowContext(ctx, `SELECT `+bodyColumns+`, `+filled+` FROM bodies b WHERE b.id = ?`, append(args, id)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pathway.Errorf(pathway.ENOTFOUND, "body.not_found")
	} else if err != nil {
		return nil, fmt.Errorf("find body: %w", err)
	}
	return b, nil
}

// CreateBody implements pathway.BodyService.
func (s *BodyService) CreateBody(ctx context.Context, a pathway.Actor, b *pathway.Body) error {
	const q = `INSERT INTO bodies (name, kind, description, seats, rung, term_months, term_limit, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		if b.Rung == 0 {
			b.Rung = b.Kind.DefaultRung()
		}
		now := formatTime(tx.now)
		res, err := tx.ExecContext(ctx, q, b.Name, string(b.Kind), b.Description, b.Seats, int(b.Rung), b.TermMonths, b.TermLimit, now, now)
		if isUniqueViolation(err) {
			return pathway.Conflict("name", "body.name_taken")
		} else if err != nil {
			return fmt.Errorf("create body: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		created, err := findBody(ctx, tx, id, tx.today())
		if err != nil {
			return err
		}
		*b = *created
		return tx.audit("body.create", "body", id)
	})
}

// ListBodies implements pathway.BodyService.
func (s *BodyService) ListBodies(ctx context.Context, a pathway.Actor) ([]pathway.Body, error) {
	out := []pathway.Body{}
	err := s.db.read(ctx, a, func(tx *Tx) error {
		filled, args := filledFor(tx.actor, tx.today())
		rows, err := tx.QueryContext(ctx, `SELECT `+bodyColumns+`, `+filled+` FROM bodies b ORDER BY b.name`, args...)
		if err != nil {
			return fmt.Errorf("list bodies: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			b, err := scanBody(rows)
			if err != nil {
				return err
			}
			out = append(out, *b)
		}
		return rows.Err()
	})
	return out, err
}

// Roster implements pathway.BodyService.
func (s *BodyService) Roster(ctx context.Context, a pathway.Actor, id int64, asOf pathway.Date) (*pathway.Roster, error) {
	var r *pathway.Roster
	err := s.db.read(ctx, a, func(tx *Tx) error {
		if asOf.IsZero() {
			asOf = tx.today()
		}
		b, err := findBody(ctx, tx, id, asOf)
		if err != nil {
			return err
		}
		roles, err := queryRoles(ctx, tx, ` AND r.body_id = ? AND r.starts_on <= ? AND (r.ends_on IS NULL OR r.ends_on >= ?)`, id, asOf.String(), asOf.String())
		if err != nil {
			return err
		}
		r = &pathway.Roster{Body: *b, AsOf: asOf, Roles: roles}
		return tx.audit("body.roster", "body", id)
	})
	return r, err
}

// UpdateBody implements pathway.BodyService.
func (s *BodyService) UpdateBody(ctx context.Context, a pathway.Actor, id int64, upd pathway.BodyUpdate) (*pathway.Body, error) {
	const q = `UPDATE bodies SET name = ?, description = ?, seats = ?, rung = ?, term_months = ?, term_limit = ?, updated_at = ? WHERE id = ?`
	var b *pathway.Body
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		var err error
		if b, err = findBody(ctx, tx, id, tx.today()); err != nil {
			return err
		}
		if upd.Name != nil {
			b.Name = *upd.Name
		}
		if upd.Description != nil {
			b.Description = *upd.Description
		}
		if upd.Seats != nil {
			b.Seats = *upd.Seats
		}
		if upd.Rung != nil {
			b.Rung = *upd.Rung
		}
		if upd.TermMonths != nil {
			b.TermMonths = *upd.TermMonths
		}
		if upd.TermLimit != nil {
			b.TermLimit = *upd.TermLimit
		}
		if b.Seats != nil {
			held, err := heldTerms(ctx, tx, id, 0, pathway.Term{StartsOn: tx.today()})
			if err != nil {
				return err
			}
			if err := b.CheckSeats(held, tx.today()); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, q, b.Name, b.Description, b.Seats, int(b.Rung), b.TermMonths, b.TermLimit, formatTime(tx.now), id)
		if isUniqueViolation(err) {
			return pathway.Conflict("name", "body.name_taken")
		} else if err != nil {
			return fmt.Errorf("update body: %w", err)
		}
		if b, err = findBody(ctx, tx, id, tx.today()); err != nil {
			return err
		}
		return tx.audit("body.update", "body", id)
	})
	return b, err
}
