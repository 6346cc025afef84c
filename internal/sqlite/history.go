package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"pathway/internal/pathway"
)

// insertPlacement appends a placement and brings the participant's current
// rung up to date.
func insertPlacement(ctx context.Context, tx *Tx, participantID int64, p *pathway.Placement) error {
	const q = `INSERT INTO placements (participant_id, rung, effective_on, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`
	res, err := tx.ExecContext(ctx, q, participantID, int(p.Rung), p.EffectiveOn.String(), p.Note, tx.actor.UserID, formatTime(tx.now))
	if err != nil {
		return fmt.Errorf("insert placement: %w", err)
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	p.ParticipantID, p.RecordedAt, p.RecordedBy, p.RecordedByID = participantID, tx.now, tx.actor.Email, tx.actor.UserID
	if err := resolveEvidence(ctx, tx, participantID, p.Evidence); err != nil {
		return err
	}
	if err := insertEvidence(ctx, tx, p.ID, p.Evidence); err != nil {
		return err
	}
	if p.Evidence == nil {
		p.Evidence = []pathway.Evidence{}
	}
	if len(p.Evidence) > 0 {
		until := tx.now.Add(pathway.UndoWindow)
		p.UndoUntil = &until
	}
	return refreshCurrentRung(ctx, tx, participantID)
}

// refreshCurrentRung sets current_rung to the latest effective placement,
// the later recorded winning a tie.
func refreshCurrentRung(ctx context.Context, tx *Tx, participantID int64) error {
	const q = `UPDATE participants SET updated_at = ?2, current_rung = (
    SELECT rung FROM placements WHERE participant_id = ?1 ORDER BY effective_on DESC, recorded_at DESC, id DESC LIMIT 1)
WHERE id = ?1`
	if _, err := tx.ExecContext(ctx, q, participantID, formatTime(tx.now)); err != nil {
		return fmt.Errorf("refresh current rung: %w", err)
	}
	return nil
}

// AddPlacement implements pathway.ParticipantService.
func (s *ParticipantService) AddPlacement(ctx context.Context, a pathway.Actor, participantID int64, p *pathway.Placement) error {
	return s.db.commit(ctx, a, func(tx *Tx) error {
		since, err := requireParticipant(ctx, tx, participantID)
		if err != nil {
			return err
		}
		if err := pathway.CheckHistoryDate("effective_on", p.EffectiveOn, since, tx.today()); err != nil {
			return err
		}
		if err := insertPlacement(ctx, tx, participantID, p); err != nil {
			return err
		}
		if err := tx.recordChange(ctx, change{typ: pathway.PlacementCreated, participantID: participantID, placementID: p.ID, rung: p.Rung}); err != nil {
			return err
		}
		return tx.audit("placement.create", "participant", participantID)
	})
}

const placementColumns = `pl.id, pl.participant_id, pl.rung, pl.effective_on, pl.note, pl.recorded_at, u.email, pl.recorded_by`

// scanPlacement reads the placementColumns of a row, and any columns after
// them into more.
func scanPlacement(row interface{ Scan(...any) error }, more ...any) (*pathway.Placement, error) {
	var p pathway.Placement
	var eff, rec string
	if err := row.Scan(append([]any{&p.ID, &p.ParticipantID, &p.Rung, &eff, &p.Note, &rec, &p.RecordedBy, &p.RecordedByID}, more...)...); err != nil {
		return nil, err
	}
	var err error
	if p.EffectiveOn, err = pathway.ParseDate(eff); err != nil {
		return nil, err
	}
	p.RecordedAt, err = parseTime(rec)
	return &p, err
}

// ListPlacements implements pathway.ParticipantService.
func (s *ParticipantService) ListPlacements(ctx context.Context, a pathway.Actor, participantID int64) ([]pathway.Placement, error) {
	var out []pathway.Placement
	err := s.db.read(ctx, a, func(tx *Tx) (err error) {
		if out, err = listPlacements(ctx, tx, participantID); err != nil {
			return err
		}
		return tx.audit("placement.list", "participant", participantID)
	})
	return out, err
}

// listPlacements reads a participant's placements, newest first, with their evidence; ENOTFOUND.
func listPlacements(ctx context.Context, tx *Tx, participantID int64) ([]pathway.Placement, error) {
	const q = `SELECT ` + placementColumns + ` FROM placements pl JOIN users u ON u.id = pl.recorded_by
WHERE pl.participant_id = ? ORDER BY pl.effective_on DESC, pl.recorded_at DESC, pl.id DESC`
	out := []pathway.Placement{}
	err := func() error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, q, participantID)
		if err != nil {
			return fmt.Errorf("list placements: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPlacement(rows)
			if err != nil {
				return err
			}
			out = append(out, *p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		evidence, err := placementEvidence(ctx, tx, participantID)
		if err != nil {
			return err
		}
		notes := tx.actor.Role.Can(pathway.ReadNotes)
		for i := range out {
			if !notes {
				out[i].Note = ""
			}
			out[i].Evidence = evidence[out[i].ID]
			if out[i].Evidence == nil {
				out[i].Evidence = []pathway.Evidence{}
			}
		}
		return nil
	}()
	return out, err
}

// DeletePlacement implements pathway.ParticipantService.
func (s *ParticipantService) DeletePlacement(ctx context.Context, a pathway.Actor, participantID, placementID int64) error {
	const q = `SELECT ` + placementColumns + ` FROM placements pl JOIN users u ON u.id = pl.recorded_by WHERE pl.id = ? AND pl.participant_id = ?`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		p, err := scanPlacement(tx.QueryRowContext(ctx, q, placementID, participantID))
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Errorf(pathway.ENOTFOUND, "placement.not_found")
		} else if err != nil {
			return fmt.Errorf("find placement: %w", err)
		}
		if a.Role != pathway.RoleAdmin && p.RecordedByID != a.UserID {
			return pathway.Errorf(pathway.EFORBIDDEN, "placement.delete_forbidden")
		}
		if err := removePlacement(ctx, tx, p); err != nil {
			return err
		}
		return tx.audit("placement.delete", "placement", placementID)
	})
}

// removePlacement deletes a placement, never a participant's only one,
// brings their current rung up to date and announces the deletion.
func removePlacement(ctx context.Context, tx *Tx, p *pathway.Placement) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM placements WHERE participant_id = ?`, p.ParticipantID).Scan(&n); err != nil {
		return fmt.Errorf("count placements: %w", err)
	}
	if n <= 1 {
		return pathway.Errorf(pathway.ECONFLICT, "placement.only_one")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM placements WHERE id = ?`, p.ID); err != nil {
		return fmt.Errorf("delete placement: %w", err)
	}
	if err := refreshCurrentRung(ctx, tx, p.ParticipantID); err != nil {
		return err
	}
	return tx.recordChange(ctx, change{typ: pathway.PlacementDeleted, participantID: p.ParticipantID, placementID: p.ID, rung: p.Rung})
}

// insertEngagement logs an engagement of a participant whose consent date
// is since, after the checks every way in shares (one engagement, an event's
// attendees, a CSV import), and audits it.
func insertEngagement(ctx context.Context, tx *Tx, participantID int64, since pathway.Date, e *pathway.Engagement) error {
	const q = `INSERT INTO engagements (participant_id, occurred_on, activity, program_id, strategy, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	if err := pathway.CheckHistoryDate("occurred_on", e.OccurredOn, since, tx.today()); err != nil {
		return err
	}
	if utf8.RuneCountInString(e.Note) > pathway.MaxNoteLength {
		return pathway.Invalid("note", "field.max_chars", pathway.MaxNoteLength)
	}
	res, err := tx.ExecContext(ctx, q, participantID, e.OccurredOn.String(), e.Activity, e.ProgramID, e.Strategy, e.Note, tx.actor.UserID, formatTime(tx.now))
	if err != nil {
		return fmt.Errorf("insert engagement: %w", err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	e.ParticipantID, e.RecordedAt, e.RecordedBy = participantID, tx.now, tx.actor.Email
	const engaged = `UPDATE participants SET last_engaged_on = max(last_engaged_on, ?) WHERE id = ?`
	if _, err := tx.ExecContext(ctx, engaged, e.OccurredOn.String(), participantID); err != nil {
		return fmt.Errorf("insert engagement: %w", err)
	}
	ch := change{typ: pathway.EngagementCreated, participantID: participantID, engagementID: e.ID}
	if e.ProgramID != nil {
		ch.programID = *e.ProgramID
	}
	if err := tx.recordChange(ctx, ch); err != nil {
		return err
	}
	return tx.audit("engagement.create", "participant", participantID)
}

// AddEngagement implements pathway.ParticipantService.
func (s *ParticipantService) AddEngagement(ctx context.Context, a pathway.Actor, participantID int64, e *pathway.Engagement) error {
	return s.db.commit(ctx, a, func(tx *Tx) error {
		since, err := requireParticipant(ctx, tx, participantID)
		if err != nil {
			return err
		}
		if e.ProgramID != nil {
			if err := requireProgram(ctx, tx, "program_id", *e.ProgramID); err != nil {
				return err
			}
		}
		return insertEngagement(ctx, tx, participantID, since, e)
	})
}

// LogEvent implements pathway.ParticipantService.
func (s *ParticipantService) LogEvent(ctx context.Context, a pathway.Actor, ev pathway.Event) ([]int64, error) {
	var ids []int64
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		ids = make([]int64, 0, len(ev.ParticipantIDs))
		if ev.ProgramID != nil {
			if err := requireProgram(ctx, tx, "program_id", *ev.ProgramID); err != nil {
				return err
			}
		}
		seen := make(map[int64]int, len(ev.ParticipantIDs))
		for i, pid := range ev.ParticipantIDs {
			field := fmt.Sprintf("participant_ids[%d]", i)
			if j, ok := seen[pid]; ok {
				return pathway.Invalid(field, "event.repeated_person", j+1)
			}
			seen[pid] = i
			since, err := requireParticipant(ctx, tx, pid)
			if pathway.ErrorCode(err) == pathway.ENOTFOUND {
				return pathway.Invalid(field, "participant.unknown")
			} else if err != nil {
				return err
			}
			e := &pathway.Engagement{OccurredOn: ev.OccurredOn, Activity: ev.Activity, ProgramID: ev.ProgramID, Strategy: ev.Strategy, Note: ev.Note}
			if err := insertEngagement(ctx, tx, pid, since, e); err != nil {
				return attendeeError(err, field)
			}
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// attendeeError names the attendee a rule failed for: "occurred_on cannot
// be before consent was given" becomes an error of participant_ids[i].
func attendeeError(err error, field string) error {
	var perr *pathway.Error
	if !errors.As(err, &perr) || len(perr.Fields) == 0 {
		return err
	}
	out := &pathway.Error{Code: perr.Code, Message: perr.Message, Args: perr.Args}
	for _, fe := range perr.Fields {
		out.Fields = append(out.Fields, pathway.FieldError{Field: field, Message: fe.Message, Args: fe.Args, Label: fe.Field})
	}
	return out
}

// ListEngagements implements pathway.ParticipantService.
func (s *ParticipantService) ListEngagements(ctx context.Context, a pathway.Actor, participantID int64) ([]pathway.Engagement, error) {
	var out []pathway.Engagement
	err := s.db.read(ctx, a, func(tx *Tx) (err error) {
		if out, err = listEngagements(ctx, tx, participantID); err != nil {
			return err
		}
		return tx.audit("engagement.list", "participant", participantID)
	})
	return out, err
}

// listEngagements reads a participant's engagements, newest first; ENOTFOUND.
func listEngagements(ctx context.Context, tx *Tx, participantID int64) ([]pathway.Engagement, error) {
	const q = `SELECT e.id, e.participant_id, e.occurred_on, e.activity, e.program_id, e.strategy, e.note, e.recorded_at, u.email
FROM engagements e JOIN users u ON u.id = e.recorded_by WHERE e.participant_id = ? ORDER BY e.occurred_on DESC, e.id DESC`
	out := []pathway.Engagement{}
	err := func() error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, q, participantID)
		if err != nil {
			return fmt.Errorf("list engagements: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e pathway.Engagement
			var occ, rec string
			var prog sql.NullInt64
			var strat sql.NullString
			if err := rows.Scan(&e.ID, &e.ParticipantID, &occ, &e.Activity, &prog, &strat, &e.Note, &rec, &e.RecordedBy); err != nil {
				return err
			}
			if e.OccurredOn, err = pathway.ParseDate(occ); err != nil {
				return err
			}
			if e.RecordedAt, err = parseTime(rec); err != nil {
				return err
			}
			if prog.Valid {
				e.ProgramID = &prog.Int64
			}
			if strat.Valid {
				st := pathway.Strategy(strat.String)
				e.Strategy = &st
			}
			out = append(out, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return nil
	}()
	return out, err
}

// AddCheckin implements pathway.ParticipantService.
func (s *ParticipantService) AddCheckin(ctx context.Context, a pathway.Actor, participantID int64, c *pathway.CapacityCheckin) error {
	const q = `INSERT INTO capacity_checkins (participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, note, recorded_by, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		since, err := requireParticipant(ctx, tx, participantID)
		if err != nil {
			return err
		}
		if c.AssessedOn.IsZero() {
			c.AssessedOn = tx.today() // a participant's own check-in is for today
		}
		if err := pathway.CheckHistoryDate("assessed_on", c.AssessedOn, since, tx.today()); err != nil {
			return err
		}
		// A participant's own check-in, through their link, has no staff recorder.
		var recordedBy any = a.UserID
		if a.ByParticipant() {
			recordedBy = nil
		}
		res, err := tx.ExecContext(ctx, q, participantID, c.AssessedOn.String(), string(c.Perspective), c.SelfAdvocacy, c.RootCauseAnalysis, c.Leadership, c.Note, recordedBy, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("insert check-in: %w", err)
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		c.ParticipantID, c.RecordedAt, c.RecordedBy, c.RecordedByParticipant = participantID, tx.now, a.Email, a.ByParticipant()
		return tx.audit("checkin.create", "participant", participantID)
	})
}

// ListCheckins implements pathway.ParticipantService.
func (s *ParticipantService) ListCheckins(ctx context.Context, a pathway.Actor, participantID int64) ([]pathway.CapacityCheckin, error) {
	var out []pathway.CapacityCheckin
	err := s.db.read(ctx, a, func(tx *Tx) (err error) {
		if out, err = listCheckins(ctx, tx, participantID); err != nil {
			return err
		}
		return tx.audit("checkin.list", "participant", participantID)
	})
	return out, err
}

// listCheckins reads a participant's capacity check-ins, newest first; ENOTFOUND.
func listCheckins(ctx context.Context, tx *Tx, participantID int64) ([]pathway.CapacityCheckin, error) {
	const q = `SELECT c.id, c.participant_id, c.assessed_on, c.perspective, c.self_advocacy, c.root_cause_analysis, c.leadership, c.note, c.recorded_at, coalesce(u.email, ''), c.recorded_by IS NULL
FROM capacity_checkins c LEFT JOIN users u ON u.id = c.recorded_by WHERE c.participant_id = ? ORDER BY c.assessed_on DESC, c.id DESC`
	out := []pathway.CapacityCheckin{}
	err := func() error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, q, participantID)
		if err != nil {
			return fmt.Errorf("list check-ins: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c pathway.CapacityCheckin
			var on, persp, rec string
			if err := rows.Scan(&c.ID, &c.ParticipantID, &on, &persp, &c.SelfAdvocacy, &c.RootCauseAnalysis, &c.Leadership, &c.Note, &rec, &c.RecordedBy, &c.RecordedByParticipant); err != nil {
				return err
			}
			if c.AssessedOn, err = pathway.ParseDate(on); err != nil {
				return err
			}
			if c.RecordedAt, err = parseTime(rec); err != nil {
				return err
			}
			c.Perspective = pathway.Perspective(persp)
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return nil
	}()
	return out, err
}
