package sqlite

import (
	"context"
	"fmt"

	"pathway/internal/pathway"
)

// AddSpeakingEngagement implements pathway.BodyService.
func (s *BodyService) AddSpeakingEngagement(ctx context.Context, a pathway.Actor, e *pathway.SpeakingEngagement) error {
	const q = `INSERT INTO speaking_engagements (body_id, held_on, audience, topic, speaker_count, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		b, err := findBody(ctx, tx, e.BodyID, tx.today())
		if err != nil {
			return err
		}
		if b.Kind != pathway.SpeakersBureau {
			return pathway.Errorf(pathway.EINVALID, "speaking.not_bureau", b.Name)
		}
		if e.HeldOn.After(tx.today()) {
			return pathway.Invalid("held_on", "speaking.future")
		}
		for i, sp := range e.Speakers {
			field := fmt.Sprintf("speaker_ids[%d]", i)
			if _, err := requireParticipant(ctx, tx, sp.ParticipantID); pathway.ErrorCode(err) == pathway.ENOTFOUND {
				return pathway.Invalid(field, "participant.unknown")
			} else if err != nil {
				return err
			}
			var n int
			const active = `SELECT count(*) FROM roles WHERE body_id = ? AND participant_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)`
			if err := tx.QueryRowContext(ctx, active, b.ID, sp.ParticipantID, e.HeldOn.String(), e.HeldOn.String()).Scan(&n); err != nil {
				return fmt.Errorf("speaker role: %w", err)
			}
			if n == 0 {
				return notMemberOn(ctx, tx, field, sp.ParticipantID, b, e.HeldOn)
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
		list, _, err := listSpeakingEngagements(ctx, tx, b.ID, e.ID, pathway.TalkPage{})
		if err != nil {
			return err
		}
		*e = list[0]
		return tx.audit("speaking_engagement.create", "speaking_engagement", e.ID)
	})
}

// notMemberOn is the problem with a speaker who held no role in bureau b on
// day: it names them, so the person recording the talk knows whom to untick.
func notMemberOn(ctx context.Context, tx *Tx, field string, participantID int64, b *pathway.Body, day pathway.Date) error {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT display_name FROM participants WHERE id = ?`, participantID).Scan(&name); err != nil {
		return fmt.Errorf("speaker name: %w", err)
	}
	return pathway.Invalid(field, "speaking.not_member", name, b.Name, day)
}

// listSpeakingEngagements returns a page of a body's talks (one when only
// is set), newest first, with the speakers the actor may see, and whether
// more follow; for a caseload-scoped actor, only the talks with a speaker
// it may see, each counting only those speakers.
func listSpeakingEngagements(ctx context.Context, tx *Tx, bodyID, only int64, page pathway.TalkPage) ([]pathway.SpeakingEngagement, bool, error) {
	q := `SELECT se.id, se.body_id, se.held_on, se.audience, se.topic, se.speaker_count, se.recorded_at, u.email
FROM speaking_engagements se JOIN users u ON u.id = se.recorded_by
WHERE se.body_id = ? AND (? = 0 OR se.id = ?)`
	args := []any{bodyID, only, only}
	if page.After != nil {
		// A row value, so the (body_id, held_on) index finds the place.
		q += ` AND (se.held_on, se.id) < (?, ?)`
		args = append(args, page.After.HeldOn.String(), page.After.ID)
	}
	if tx.actor.Scoped() {
		// A caseload-scoped account sees only the talks of people it may
		// see: a talk of others alone would tell when, where and on what
		// they spoke.
		clause, cargs := caseloadOf(tx.actor, "vs.participant_id")
		q += ` AND EXISTS (SELECT 1 FROM speakers vs WHERE vs.speaking_engagement_id = se.id` + clause + `)`
		args = append(args, cargs...)
	}
	q += ` ORDER BY se.held_on DESC, se.id DESC`
	if page.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, page.Limit+1)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("list speaking engagements: %w", err)
	}
	defer rows.Close()
	out := []pathway.SpeakingEngagement{}
	byID := map[int64]int{}
	for rows.Next() {
		var e pathway.SpeakingEngagement
		var held, audience, recorded string
		if err := rows.Scan(&e.ID, &e.BodyID, &held, &audience, &e.Topic, &e.SpeakerCount, &recorded, &e.RecordedBy); err != nil {
			return nil, false, err
		}
		if e.HeldOn, err = pathway.ParseDate(held); err != nil {
			return nil, false, err
		}
		if e.RecordedAt, err = parseTime(recorded); err != nil {
			return nil, false, err
		}
		e.Audience = pathway.Audience(audience)
		e.Speakers = []pathway.Speaker{}
		byID[e.ID] = len(out)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := page.Limit > 0 && len(out) > page.Limit
	if more {
		delete(byID, out[page.Limit].ID)
		out = out[:page.Limit]
	}
	if len(out) == 0 {
		return out, false, nil
	}
	ids := make([]int64, 0, len(out))
	for _, e := range out {
		ids = append(ids, e.ID)
	}
	in, inArgs := inList(ids)
	clause, cargs := caseloadClause(tx.actor)
	sq := `SELECT sp.speaking_engagement_id, p.id, p.display_name FROM speakers sp
JOIN participants p ON p.id = sp.participant_id
WHERE sp.speaking_engagement_id IN (` + in + `)`
	srows, err := tx.QueryContext(ctx, sq+clause+` ORDER BY p.id`, append(inArgs, cargs...)...)
	if err != nil {
		return nil, false, fmt.Errorf("list speakers: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var eid int64
		var sp pathway.Speaker
		if err := srows.Scan(&eid, &sp.ParticipantID, &sp.DisplayName); err != nil {
			return nil, false, err
		}
		out[byID[eid]].Speakers = append(out[byID[eid]].Speakers, sp)
	}
	if err := srows.Err(); err != nil {
		return nil, false, err
	}
	if tx.actor.Scoped() {
		for i := range out {
			out[i].SpeakerCount = len(out[i].Speakers)
		}
	}
	return out, more, nil
}

// ListSpeakingEngagements implements pathway.BodyService.
func (s *BodyService) ListSpeakingEngagements(ctx context.Context, a pathway.Actor, bodyID int64, page pathway.TalkPage) ([]pathway.SpeakingEngagement, bool, error) {
	var out []pathway.SpeakingEngagement
	var more bool
	err := s.db.read(ctx, a, func(tx *Tx) error {
		if _, err := findBody(ctx, tx, bodyID, tx.today()); err != nil {
			return err
		}
		var err error
		if out, more, err = listSpeakingEngagements(ctx, tx, bodyID, 0, page); err != nil {
			return err
		}
		return tx.audit("speaking_engagement.list", "body", bodyID)
	})
	return out, more, err
}
