package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

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
	b, err := scanBody(tx.QueryRowContext(ctx, `SELECT `+bodyColumns+`, `+filledOn+` FROM bodies b WHERE b.id = ?`, day.String(), day.String(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pathway.Errorf(pathway.ENOTFOUND, "No body with id %d.", id)
	} else if err != nil {
		return nil, fmt.Errorf("find body: %w", err)
	}
	return b, nil
}

// CreateBody implements pathway.BodyService.
func (s *BodyService) CreateBody(ctx context.Context, a pathway.Actor, b *pathway.Body) error {
	const q = `INSERT INTO bodies (name, kind, description, seats, rung, term_months, term_limit, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	return s.db.write(ctx, a, func(tx *Tx) error {
		if b.Rung == 0 {
			b.Rung = b.Kind.DefaultRung()
		}
		now := formatTime(tx.now)
		res, err := tx.ExecContext(ctx, q, b.Name, string(b.Kind), b.Description, b.Seats, int(b.Rung), b.TermMonths, b.TermLimit, now, now)
		if isUniqueViolation(err) {
			return pathway.Conflict("name", "a body with this name already exists")
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
		today := tx.today().String()
		rows, err := tx.QueryContext(ctx, `SELECT `+bodyColumns+`, `+filledOn+` FROM bodies b ORDER BY b.name`, today, today)
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
	err := s.db.write(ctx, a, func(tx *Tx) error {
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
	err := s.db.write(ctx, a, func(tx *Tx) error {
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
			return pathway.Conflict("name", "a body with this name already exists")
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
		r.PublicStory = pathway.Consent{Scopes: splitList[pathway.ConsentScope](scopes)}.Has(pathway.ScopePublicStory)
		r.BodyKind = pathway.BodyKind(kind)
		if r.StartsOn, err = pathway.ParseDate(starts); err != nil {
			return nil, err
		}
		if ends.Valid {
			d, err := pathway.ParseDate(ends.String)
			if err != nil {
				return nil, err
			}
			r.EndsOn = &d
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
		return nil, pathway.Errorf(pathway.ENOTFOUND, "No role with id %d.", id)
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
		if ends.Valid {
			d, err := pathway.ParseDate(ends.String)
			if err != nil {
				return nil, err
			}
			t.EndsOn = &d
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
	return s.db.write(ctx, a, func(tx *Tx) error {
		b, err := findBody(ctx, tx, r.BodyID, tx.today())
		if err != nil {
			return err
		}
		since, err := requireParticipant(ctx, tx, r.ParticipantID)
		if pathway.ErrorCode(err) == pathway.ENOTFOUND {
			return pathway.Invalid("participant_id", "there is no participant with id %d", r.ParticipantID)
		} else if err != nil {
			return err
		}
		if r.StartsOn.Before(since) {
			return pathway.Invalid("starts_on", "cannot be before consent was given (%s)", since)
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
		return tx.audit("role.create", "role", r.ID)
	})
}

// requirePublicStory checks that a participant's current consent covers
// public-facing activity.
func requirePublicStory(ctx context.Context, tx *Tx, field string, participantID int64) error {
	var scopes string
	err := tx.QueryRowContext(ctx, `SELECT scopes FROM consents WHERE participant_id = ? ORDER BY id DESC LIMIT 1`, participantID).Scan(&scopes)
	if err != nil {
		return fmt.Errorf("consent scopes: %w", err)
	}
	c := pathway.Consent{Scopes: splitList[pathway.ConsentScope](scopes)}
	if !c.Has(pathway.ScopePublicStory) {
		return pathway.Invalid(field, "participant %d has not consented to %q, which public-facing roles need", participantID, pathway.ScopePublicStory)
	}
	return nil
}

// UpdateRole implements pathway.BodyService.
func (s *BodyService) UpdateRole(ctx context.Context, a pathway.Actor, id int64, upd pathway.RoleUpdate) (*pathway.BodyRole, error) {
	var r *pathway.BodyRole
	err := s.db.write(ctx, a, func(tx *Tx) error {
		var err error
		if r, err = findRole(ctx, tx, id); err != nil {
			return err
		}
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
		return tx.audit("role.update", "role", id)
	})
	return r, err
}

// ListRoles implements pathway.BodyService.
func (s *BodyService) ListRoles(ctx context.Context, a pathway.Actor, f pathway.RoleFilter) ([]pathway.BodyRole, error) {
	var out []pathway.BodyRole
	err := s.db.write(ctx, a, func(tx *Tx) error {
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
		var err error
		if out, err = queryRoles(ctx, tx, cond.String(), args...); err != nil {
			return err
		}
		return tx.audit("role.list", "role", 0)
	})
	return out, err
}

// AddSpeakingEngagement implements pathway.BodyService.
func (s *BodyService) AddSpeakingEngagement(ctx context.Context, a pathway.Actor, e *pathway.SpeakingEngagement) error {
	const q = `INSERT INTO speaking_engagements (body_id, held_on, audience, topic, speaker_count, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	return s.db.write(ctx, a, func(tx *Tx) error {
		b, err := findBody(ctx, tx, e.BodyID, tx.today())
		if err != nil {
			return err
		}
		if b.Kind != pathway.SpeakersBureau {
			return pathway.Errorf(pathway.EINVALID, "Speaking engagements belong to a speakers bureau; %s is a %s.", b.Name, b.Kind)
		}
		if e.HeldOn.After(tx.today()) {
			return pathway.Invalid("held_on", "cannot be in the future; record a talk once it has happened")
		}
		for i, sp := range e.Speakers {
			field := fmt.Sprintf("speaker_ids[%d]", i)
			if _, err := requireParticipant(ctx, tx, sp.ParticipantID); pathway.ErrorCode(err) == pathway.ENOTFOUND {
				return pathway.Invalid(field, "there is no participant with id %d", sp.ParticipantID)
			} else if err != nil {
				return err
			}
			var n int
			const active = `SELECT count(*) FROM roles WHERE body_id = ? AND participant_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)`
			if err := tx.QueryRowContext(ctx, active, b.ID, sp.ParticipantID, e.HeldOn.String(), e.HeldOn.String()).Scan(&n); err != nil {
				return fmt.Errorf("speaker role: %w", err)
			}
			if n == 0 {
				return pathway.Invalid(field, "participant %d held no role in %s on %s", sp.ParticipantID, b.Name, e.HeldOn)
			}
			if err := requirePublicStory(ctx, tx, field, sp.ParticipantID); err != nil {
				return err
			}
		}
		e.SpeakerCount = len(e.Speakers)
		res, err := tx.ExecContext(ctx, q, e.BodyID, e.HeldOn.String(), string(e.Audience), e.Topic, e.SpeakerCount, a.UserID, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("add speaking engagement: %w", err)
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, sp := range e.Speakers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO speakers (speaking_engagement_id, participant_id) VALUES (?, ?)`, e.ID, sp.ParticipantID); err != nil {
				return fmt.Errorf("add speaker: %w", err)
			}
		}
		list, err := listSpeakingEngagements(ctx, tx, b.ID, e.ID)
		if err != nil {
			return err
		}
		*e = list[0]
		return tx.audit("speaking_engagement.create", "speaking_engagement", e.ID)
	})
}

// listSpeakingEngagements returns a body's talks (one when only is set),
// newest first, with the speakers the actor may see.
func listSpeakingEngagements(ctx context.Context, tx *Tx, bodyID, only int64) ([]pathway.SpeakingEngagement, error) {
	const q = `SELECT se.id, se.body_id, se.held_on, se.audience, se.topic, se.speaker_count, se.recorded_at, u.email
FROM speaking_engagements se JOIN users u ON u.id = se.recorded_by
WHERE se.body_id = ? AND (? = 0 OR se.id = ?) ORDER BY se.held_on DESC, se.id DESC`
	rows, err := tx.QueryContext(ctx, q, bodyID, only, only)
	if err != nil {
		return nil, fmt.Errorf("list speaking engagements: %w", err)
	}
	defer rows.Close()
	out := []pathway.SpeakingEngagement{}
	byID := map[int64]int{}
	for rows.Next() {
		var e pathway.SpeakingEngagement
		var held, audience, recorded string
		if err := rows.Scan(&e.ID, &e.BodyID, &held, &audience, &e.Topic, &e.SpeakerCount, &recorded, &e.RecordedBy); err != nil {
			return nil, err
		}
		if e.HeldOn, err = pathway.ParseDate(held); err != nil {
			return nil, err
		}
		if e.RecordedAt, err = parseTime(recorded); err != nil {
			return nil, err
		}
		e.Audience = pathway.Audience(audience)
		e.Speakers = []pathway.Speaker{}
		byID[e.ID] = len(out)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	clause, cargs := caseloadClause(tx.actor)
	const sq = `SELECT sp.speaking_engagement_id, p.id, p.display_name FROM speakers sp
JOIN speaking_engagements se ON se.id = sp.speaking_engagement_id JOIN participants p ON p.id = sp.participant_id
WHERE se.body_id = ? AND (? = 0 OR se.id = ?)`
	srows, err := tx.QueryContext(ctx, sq+clause+` ORDER BY p.id`, append([]any{bodyID, only, only}, cargs...)...)
	if err != nil {
		return nil, fmt.Errorf("list speakers: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var eid int64
		var sp pathway.Speaker
		if err := srows.Scan(&eid, &sp.ParticipantID, &sp.DisplayName); err != nil {
			return nil, err
		}
		out[byID[eid]].Speakers = append(out[byID[eid]].Speakers, sp)
	}
	return out, srows.Err()
}

// ListSpeakingEngagements implements pathway.BodyService.
func (s *BodyService) ListSpeakingEngagements(ctx context.Context, a pathway.Actor, bodyID int64) ([]pathway.SpeakingEngagement, error) {
	var out []pathway.SpeakingEngagement
	err := s.db.write(ctx, a, func(tx *Tx) error {
		if _, err := findBody(ctx, tx, bodyID, tx.today()); err != nil {
			return err
		}
		var err error
		if out, err = listSpeakingEngagements(ctx, tx, bodyID, 0); err != nil {
			return err
		}
		return tx.audit("speaking_engagement.list", "body", bodyID)
	})
	return out, err
}
