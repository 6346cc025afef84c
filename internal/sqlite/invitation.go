package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"pathway/internal/pathway"
)

// InvitationService stores personal links and answers the participant who
// follows one.
type InvitationService struct{ db *DB }

// NewInvitationService returns an InvitationService on db.
func NewInvitationService(db *DB) *InvitationService { return &InvitationService{db: db} }

var _ pathway.InvitationService = (*InvitationService)(nil)

const invitationSelect = `SELECT i.id, i.participant_id, i.language, i.created_at, u.email, i.expires_at, i.revoked_at
FROM invitations i JOIN users u ON u.id = i.created_by`

func scanInvitation(row interface{ Scan(...any) error }) (*pathway.Invitation, error) {
	var inv pathway.Invitation
	var lang, created, expires string
	var revoked sql.NullString
	if err := row.Scan(&inv.ID, &inv.ParticipantID, &lang, &created, &inv.CreatedBy, &expires, &revoked); err != nil {
		return nil, err
	}
	inv.Language = pathway.Language(lang)
	var err error
	if inv.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if inv.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, err
	}
	inv.RevokedAt, err = nullTime(revoked)
	return &inv, err
}

// CreateInvitation implements pathway.InvitationService.
func (s *InvitationService) CreateInvitation(ctx context.Context, a pathway.Actor, participantID int64, ni pathway.NewInvitation) (*pathway.Invitation, error) {
	const q = `INSERT INTO invitations (participant_id, token_hash, language, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`
	var inv *pathway.Invitation
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, q, participantID, ni.TokenHash, string(ni.Language), a.UserID, formatTime(tx.now), formatTime(tx.now.Add(ni.ExpiresIn)))
		if err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if inv, err = scanInvitation(tx.QueryRowContext(ctx, invitationSelect+` WHERE i.id = ?`, id)); err != nil {
			return fmt.Errorf("read invitation: %w", err)
		}
		return tx.audit("invitation.create", "participant", participantID)
	})
	return inv, err
}

// ListInvitations implements pathway.InvitationService.
func (s *InvitationService) ListInvitations(ctx context.Context, a pathway.Actor, participantID int64) ([]pathway.Invitation, error) {
	out := []pathway.Invitation{}
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, invitationSelect+` WHERE i.participant_id = ? AND i.revoked_at IS NULL AND i.expires_at > ? ORDER BY i.id DESC`, participantID, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("list invitations: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			inv, err := scanInvitation(rows)
			if err != nil {
				return err
			}
			out = append(out, *inv)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.audit("invitation.list", "participant", participantID)
	})
	return out, err
}

// RevokeInvitation implements pathway.InvitationService. Revoking a link
// that already stopped working is answered as done.
func (s *InvitationService) RevokeInvitation(ctx context.Context, a pathway.Actor, participantID, id int64) error {
	return s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND participant_id = ?`, formatTime(tx.now), id, participantID)
		if err != nil {
			return fmt.Errorf("revoke invitation: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return pathway.Errorf(pathway.ENOTFOUND, "This person has no personal link with id %d.", id)
		}
		return tx.audit("invitation.revoke", "participant", participantID)
	})
}

// errLinkStopped is the answer to a link that is unknown, expired or
// revoked, or whose participant is erased: all alike, so that a caller
// learns nothing about a token it does not hold.
var errLinkStopped = pathway.Errorf(pathway.EUNAUTHORIZED, "This personal link no longer works. Please ask the staff who gave it to you for a new one.")

// selfQuery finds the working link with a token hash. A link stops with
// the account that made it: a person who left the organisation leaves no
// open door behind.
const selfQuery = `SELECT i.id, i.participant_id, i.language, i.expires_at
FROM invitations i JOIN users u ON u.id = i.created_by
WHERE i.token_hash = ? AND i.revoked_at IS NULL AND i.expires_at > ? AND u.disabled_at IS NULL`

func findSelf(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, tokenHash []byte, now time.Time) (*pathway.Self, error) {
	var s pathway.Self
	var lang, expires string
	err := q.QueryRowContext(ctx, selfQuery, tokenHash, formatTime(now)).Scan(&s.InvitationID, &s.ParticipantID, &lang, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errLinkStopped
	} else if err != nil {
		return nil, fmt.Errorf("find personal link: %w", err)
	}
	s.Language = pathway.Language(lang)
	if s.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, err
	}
	return &s, nil
}

// SelfByToken implements pathway.InvitationService. It reads without a
// transaction: every request of a participant's page comes here first.
func (s *InvitationService) SelfByToken(ctx context.Context, tokenHash []byte, remoteAddr string) (*pathway.Self, error) {
	self, err := findSelf(ctx, s.db.reader, tokenHash, s.db.Now().UTC())
	if err != nil {
		return nil, err
	}
	self.RemoteAddr = remoteAddr
	return self, nil
}

// stillWorks checks, inside a transaction, that the link of s still works.
func stillWorks(ctx context.Context, tx *Tx, s pathway.Self) error {
	var ok bool
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM invitations i JOIN users u ON u.id = i.created_by
WHERE i.id = ? AND i.participant_id = ? AND i.revoked_at IS NULL AND i.expires_at > ? AND u.disabled_at IS NULL`, s.InvitationID, s.ParticipantID, formatTime(tx.now)).Scan(&ok)
	if errors.Is(err, sql.ErrNoRows) {
		return errLinkStopped
	}
	return err
}

// Journey implements pathway.InvitationService.
func (s *InvitationService) Journey(ctx context.Context, self pathway.Self) (*pathway.Journey, error) {
	var j *pathway.Journey
	err := s.db.commit(ctx, self.Actor(), func(tx *Tx) error {
		if err := stillWorks(ctx, tx, self); err != nil {
			return err
		}
		p, err := findParticipant(ctx, tx, self.ParticipantID)
		if err != nil {
			return err
		}
		j = &pathway.Journey{
			DisplayName: p.DisplayName, Language: self.Language, ExpiresAt: self.ExpiresAt,
			Steps: []pathway.JourneyStep{}, Roles: []pathway.JourneyRole{}, Talks: []pathway.JourneyTalk{}, Checkins: []pathway.SelfCheckin{},
			Consent: pathway.JourneyConsent{GivenOn: p.Consent.GivenOn, Method: p.Consent.Method, Scopes: p.Consent.Scopes},
		}
		for _, r := range p.Roles {
			j.Roles = append(j.Roles, pathway.JourneyRole{Title: r.Title, BodyName: r.BodyName, BodyKind: r.BodyKind, StartsOn: r.StartsOn, EndsOn: r.EndsOn})
		}
		if err := journeySteps(ctx, tx, self.ParticipantID, j); err != nil {
			return err
		}
		if err := journeyTalks(ctx, tx, self.ParticipantID, j); err != nil {
			return err
		}
		if err := journeyCheckins(ctx, tx, self.ParticipantID, j); err != nil {
			return err
		}
		return tx.audit("self.journey.read", "participant", self.ParticipantID)
	})
	return j, err
}

// journeySteps fills the rung history, oldest first, as of each day: of
// two placements on one day the later recorded is the one that stood.
func journeySteps(ctx context.Context, tx *Tx, participantID int64, j *pathway.Journey) error {
	const q = `SELECT rung, effective_on FROM placements WHERE participant_id = ? ORDER BY effective_on, recorded_at, id`
	return each(ctx, tx, q, []any{participantID}, func(rows *sql.Rows) error {
		var st pathway.JourneyStep
		var on string
		if err := rows.Scan(&st.Rung, &on); err != nil {
			return err
		}
		d, err := pathway.ParseDate(on)
		if err != nil {
			return err
		}
		st.EffectiveOn = d
		if n := len(j.Steps); n > 0 && j.Steps[n-1].EffectiveOn == d {
			j.Steps[n-1] = st
			return nil
		}
		j.Steps = append(j.Steps, st)
		return nil
	})
}

// journeyTalks fills the talks the participant spoke at, newest first.
func journeyTalks(ctx context.Context, tx *Tx, participantID int64, j *pathway.Journey) error {
	const q = `SELECT se.held_on, se.audience, se.topic, b.name FROM speakers sp
JOIN speaking_engagements se ON se.id = sp.speaking_engagement_id JOIN bodies b ON b.id = se.body_id
WHERE sp.participant_id = ? ORDER BY se.held_on DESC, se.id DESC`
	return each(ctx, tx, q, []any{participantID}, func(rows *sql.Rows) error {
		var t pathway.JourneyTalk
		var held, audience string
		if err := rows.Scan(&held, &audience, &t.Topic, &t.BodyName); err != nil {
			return err
		}
		d, err := pathway.ParseDate(held)
		if err != nil {
			return err
		}
		t.HeldOn, t.Audience = d, pathway.Audience(audience)
		j.Talks = append(j.Talks, t)
		return nil
	})
}

// journeyCheckins fills the check-ins the participant recorded themself.
func journeyCheckins(ctx context.Context, tx *Tx, participantID int64, j *pathway.Journey) error {
	const q = `SELECT assessed_on, self_advocacy, root_cause_analysis, leadership FROM capacity_checkins
WHERE participant_id = ? AND recorded_by IS NULL ORDER BY assessed_on DESC, id DESC`
	return each(ctx, tx, q, []any{participantID}, func(rows *sql.Rows) error {
		var c pathway.SelfCheckin
		var on string
		if err := rows.Scan(&on, &c.SelfAdvocacy, &c.RootCauseAnalysis, &c.Leadership); err != nil {
			return err
		}
		d, err := pathway.ParseDate(on)
		if err != nil {
			return err
		}
		c.AssessedOn = d
		j.Checkins = append(j.Checkins, c)
		return nil
	})
}
