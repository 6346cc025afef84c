package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"pathway/internal/pathway"
)

const roleSelect = `SELECT r.id, r.body_id, b.name, b.kind, r.participant_id, p.display_name, r.title, r.starts_on, r.ends_on, r.recorded_at, u.email,
  p.external_ref, (SELECT c.scopes FROM consents c WHERE c.participant_id = p.id ORDER BY c.id DESC LIMIT 1)
FROM roles r JOIN bodies b ON b.id = r.body_id JOIN participants p ON p.id = r.participant_id JOIN users u ON u.id = r.recorded_by
WHERE 1=1`

// queryRoles returns the roles matching the extra conditions, limited to
// the actor's caseload, soonest ending first (open-ended last).
func queryRoles(ctx context.Context, tx *Tx, cond string, args ...any) ([]pathway.BodyRole, error) {
	clause, cargs := caseloadClause(tx.actor)
	rows, err := tx.QueryContext(ctx, roleSelect+cond+clause+` ORDER BY r.ends_on IS NULL, r.ends_on, r.starts_on, r.id`, append(args, cargs...)...)
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	defer rows.Close()
	out := []pathway.BodyRole{}
	for rows.Next() {
		var r pathway.BodyRole
		var kind, starts, recorded string
		var ends sql.NullString
		var scopes string
		if err := rows.Scan(&r.ID, &r.BodyID, &r.BodyName, &kind, &r.ParticipantID, &r.DisplayName, &r.Title, &starts, &ends, &recorded, &r.RecordedBy, &r.ExternalRef, &scopes); err != nil {
			return nil, err
		}
		r.SetPublicStory(pathway.Consent{Scopes: splitList[pathway.ConsentScope](scopes)}.Has(pathway.ScopePublicStory))
		r.BodyKind = pathway.BodyKind(kind)
		if r.StartsOn, err = pathway.ParseDate(starts); err != nil {
			return nil, err
		}
		if r.EndsOn, err = scanNullDate(ends); err != nil {
			return nil, err
		}
		if r.RecordedAt, err = parseTime(recorded); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func findRole(ctx context.Context, tx *Tx, id int64) (*pathway.BodyRole, error) {
	roles, err := queryRoles(ctx, tx, ` AND r.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return nil, pathway.Errorf(pathway.ENOTFOUND, "role.not_found")
	}
	return &roles[0], nil
}

// heldTerms returns the terms held in a body on any day of span, leaving
// out role except.
func heldTerms(ctx context.Context, tx *Tx, bodyID, except int64, span pathway.Term) ([]pathway.Term, error) {
	const q = `SELECT starts_on, ends_on FROM roles WHERE body_id = ? AND id != ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)`
	end := "9999-12-31"
	if span.EndsOn != nil {
		end = span.EndsOn.String()
	}
	terms, err := queryTerms(ctx, tx, q, bodyID, except, end, span.StartsOn.String())
	if err != nil {
		return nil, fmt.Errorf("seat occupancy: %w", err)
	}
	return terms, nil
}

// ownTerms returns a person's terms in a body, leaving out role except.
func ownTerms(ctx context.Context, tx *Tx, bodyID, participantID, except int64) ([]pathway.Term, error) {
	const q = `SELECT starts_on, ends_on FROM roles WHERE body_id = ? AND participant_id = ? AND id != ?`
	terms, err := queryTerms(ctx, tx, q, bodyID, participantID, except)
	if err != nil {
		return nil, fmt.Errorf("terms: %w", err)
	}
	return terms, nil
}

// queryTerms runs q, which selects starts_on and ends_on, and returns the terms.
func queryTerms(ctx context.Context, tx *Tx, q string, args ...any) ([]pathway.Term, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pathway.Term
	for rows.Next() {
		var starts string
		var ends sql.NullString
		if err := rows.Scan(&starts, &ends); err != nil {
			return nil, err
		}
		var t pathway.Term
		if t.StartsOn, err = pathway.ParseDate(starts); err != nil {
			return nil, err
		}
		if t.EndsOn, err = scanNullDate(ends); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// checkRole applies the body's rules of a term to r (ID 0 for a new one),
// over the terms stored in the same transaction as the write that follows,
// so no other write can slip in between the check and the change.
func checkRole(ctx context.Context, tx *Tx, b *pathway.Body, r *pathway.BodyRole) error {
	t := r.Term()
	own, err := ownTerms(ctx, tx, b.ID, r.ParticipantID, r.ID)
	if err != nil {
		return err
	}
	var held []pathway.Term
	if b.Seats != nil {
		if held, err = heldTerms(ctx, tx, b.ID, r.ID, t); err != nil {
			return err
		}
	}
	return b.CheckTerm(t, own, held)
}

// AddRole implements pathway.BodyService. The checks and the insert run in
// one write transaction on the single writer connection, so two
// coordinators filling the last seat at once cannot both win.
func (s *BodyService) AddRole(ctx context.Context, a pathway.Actor, r *pathway.BodyRole) error {
	const q = `INSERT INTO roles (body_id, participant_id, title, starts_on, ends_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		b, err := findBody(ctx, tx, r.BodyID, tx.today())
		if err != nil {
			return err
		}
		since, err := requireParticipant(ctx, tx, r.ParticipantID)
		if pathway.ErrorCode(err) == pathway.ENOTFOUND {
			return pathway.Invalid("participant_id", "participant.unknown")
		} else if err != nil {
			return err
		}
		if r.StartsOn.Before(since) {
			return pathway.Invalid("starts_on", "date.before_consent", since)
		}
		if r.EndsOn == nil && b.TermMonths != nil {
			end := r.StartsOn.AddMonths(*b.TermMonths).AddDays(-1)
			r.EndsOn = &end
		}
		if b.Kind == pathway.SpeakersBureau {
			if err := requirePublicStory(ctx, tx, "participant_id", r.ParticipantID); err != nil {
				return err
			}
		}
		if err := checkRole(ctx, tx, b, r); err != nil {
			return err
		}
		var ends any
		if r.EndsOn != nil {
			ends = r.EndsOn.String()
		}
		res, err := tx.ExecContext(ctx, q, r.BodyID, r.ParticipantID, r.Title, r.StartsOn.String(), ends, a.UserID, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("add role: %w", err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		created, err := findRole(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		*r = *created
		if err := recordRoleChanges(ctx, tx, r, nil, true); err != nil {
			return err
		}
		return tx.audit("role.create", "role", r.ID)
	})
}

// UpdateRole implements pathway.BodyService.
func (s *BodyService) UpdateRole(ctx context.Context, a pathway.Actor, id int64, upd pathway.RoleUpdate) (*pathway.BodyRole, error) {
	var r *pathway.BodyRole
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		var err error
		if r, err = findRole(ctx, tx, id); err != nil {
			return err
		}
		before := r.EndsOn
		if upd.Title != nil {
			r.Title = *upd.Title
		}
		if upd.EndsOn != nil {
			r.EndsOn = *upd.EndsOn
		}
		b, err := findBody(ctx, tx, r.BodyID, tx.today())
		if err != nil {
			return err
		}
		if err := checkRole(ctx, tx, b, r); err != nil {
			return err
		}
		var ends any
		if r.EndsOn != nil {
			ends = r.EndsOn.String()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE roles SET title = ?, ends_on = ? WHERE id = ?`, r.Title, ends, id); err != nil {
			return fmt.Errorf("update role: %w", err)
		}
		if r, err = findRole(ctx, tx, id); err != nil {
			return err
		}
		if err := recordRoleChanges(ctx, tx, r, before, false); err != nil {
			return err
		}
		return tx.audit("role.update", "role", id)
	})
	return r, err
}

// ListRoles implements pathway.BodyService.
func (s *BodyService) ListRoles(ctx context.Context, a pathway.Actor, f pathway.RoleFilter) ([]pathway.BodyRole, error) {
	var out []pathway.BodyRole
	err := s.db.read(ctx, a, func(tx *Tx) error {
		var cond strings.Builder
		var args []any
		today := tx.today().String()
		if f.BodyID != 0 {
			cond.WriteString(` AND r.body_id = ?`)
			args = append(args, f.BodyID)
		}
		if f.ParticipantID != 0 {
			cond.WriteString(` AND r.participant_id = ?`)
			args = append(args, f.ParticipantID)
		}
		if f.Active != nil {
			if *f.Active {
				cond.WriteString(` AND r.starts_on <= ? AND (r.ends_on IS NULL OR r.ends_on >= ?)`)
			} else {
				cond.WriteString(` AND NOT (r.starts_on <= ? AND (r.ends_on IS NULL OR r.ends_on >= ?))`)
			}
			args = append(args, today, today)
		}
		if f.EndingWithinDays != nil {
			cond.WriteString(` AND r.ends_on >= ? AND r.ends_on <= ?`)
			args = append(args, today, tx.today().AddDays(*f.EndingWithinDays).String())
		}
		if f.StartingWithinDays != nil {
			cond.WriteString(` AND r.starts_on > ? AND r.starts_on <= ?`)
			args = append(args, today, tx.today().AddDays(*f.StartingWithinDays).String())
		}
		var err error
		if out, err = queryRoles(ctx, tx, cond.String(), args...); err != nil {
			return err
		}
		return tx.audit("role.list", "role", 0)
	})
	return out, err
}

// recordRoleChanges announces a role's start when it is created, and its
// end whenever its end date is set or moved, by an edit or by the body's
// term; clearing the end date announces the role as started again.
func recordRoleChanges(ctx context.Context, tx *Tx, r *pathway.BodyRole, endedBefore *pathway.Date, created bool) error {
	ch := change{participantID: r.ParticipantID, roleID: r.ID, bodyID: r.BodyID}
	reopened := !created && endedBefore != nil && r.EndsOn == nil
	if created || reopened {
		ch.typ = pathway.RoleStarted
		if err := tx.recordChange(ctx, ch); err != nil {
			return err
		}
	}
	if r.EndsOn != nil && (endedBefore == nil || endedBefore.String() != r.EndsOn.String()) {
		ch.typ = pathway.RoleEnded
		return tx.recordChange(ctx, ch)
	}
	return nil
}
