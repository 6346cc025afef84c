package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"pathway/internal/pathway"
)

// SuggestionService finds the participants whose evidence points past
// their current rung.
type SuggestionService struct{ db *DB }

// NewSuggestionService returns a SuggestionService on db.
func NewSuggestionService(db *DB) *SuggestionService { return &SuggestionService{db: db} }

var _ pathway.SuggestionService = (*SuggestionService)(nil)

// suggestedSQL finds, in ID order, the participants after a cursor (first
// parameter) with evidence pointing past their current rung: a role held
// today (second) or an engagement since a day (third) in a program on a
// higher rung, recorded after their latest dismissal if any. It walks the
// participants by primary key and stops at the page's end, each person
// costing a seek or two in engagements_participant and roles_participant,
// so a page does not read the whole organisation's evidence.
const suggestedSQL = `
SELECT p.id FROM participants p LEFT JOIN suggestion_dismissals d ON d.participant_id = p.id
WHERE p.id > ?1 AND p.current_rung < 5 AND (
    EXISTS (SELECT 1 FROM engagements e JOIN programs pr ON pr.id = e.program_id
            WHERE e.participant_id = p.id AND e.occurred_on >= ?3 AND pr.rung > p.current_rung
              AND e.recorded_at > coalesce(d.dismissed_at, ''))
 OR EXISTS (SELECT 1 FROM roles r JOIN bodies b ON b.id = r.body_id
            WHERE r.participant_id = p.id AND r.starts_on <= ?2 AND (r.ends_on IS NULL OR r.ends_on >= ?2) AND b.rung > p.current_rung
              AND r.recorded_at > coalesce(d.dismissed_at, '')))`

// evidenceSQL lists the evidence of the participants named by the IN list
// that stands for %s, with the same rules as suggestedSQL.
const evidenceSQL = `
SELECT p.id, p.display_name, p.current_rung, ev.kind, ev.ref, ev.rung, ev.on_date, ev.src, ev.title
FROM (
    SELECT 'role' AS kind, r.id AS ref, r.participant_id AS pid, b.rung AS rung, r.starts_on AS on_date, r.recorded_at AS recorded_at, r.body_id AS src, r.title AS title
    FROM roles r JOIN bodies b ON b.id = r.body_id
    WHERE r.participant_id IN (%[1]s) AND r.starts_on <= ?2 AND (r.ends_on IS NULL OR r.ends_on >= ?2)
    UNION ALL
    SELECT 'engagement', e.id, e.participant_id, pr.rung, e.occurred_on, e.recorded_at, e.program_id, NULL
    FROM engagements e JOIN programs pr ON pr.id = e.program_id
    WHERE e.participant_id IN (%[1]s) AND e.occurred_on >= ?3
) ev JOIN participants p ON p.id = ev.pid
LEFT JOIN suggestion_dismissals d ON d.participant_id = ev.pid
WHERE ev.rung > p.current_rung AND ev.recorded_at > coalesce(d.dismissed_at, '')
ORDER BY p.id, ev.rung DESC, ev.on_date DESC, ev.ref DESC`

// maxEvidence bounds the evidence listed for one suggestion.
const maxEvidence = 10

// Suggestions implements pathway.SuggestionService. The page is read on a
// reader connection, and its audit entry kept in the read log, so a long
// walk never holds up the writer nor waits for it.
func (s *SuggestionService) Suggestions(ctx context.Context, a pathway.Actor, f pathway.SuggestionFilter) ([]pathway.Suggestion, int64, error) {
	var out []pathway.Suggestion
	var next int64
	err := s.db.read(ctx, a, func(tx *Tx) error {
		var err error
		if out, next, err = suggestions(ctx, tx, f); err != nil {
			return err
		}
		return tx.audit("suggestion.list", "participant", f.ParticipantID)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, next, nil
}

// suggestions lists a page of the suggestions the transaction's actor may
// see, and the cursor of the next page (0 when none): first who, in ID
// order, then their evidence, read for the page's people only.
func suggestions(ctx context.Context, tx *Tx, f pathway.SuggestionFilter) ([]pathway.Suggestion, int64, error) {
	today := tx.today()
	args := []any{f.After, today.String(), today.AddDays(-pathway.SuggestionWindowDays).String()}
	q := suggestedSQL
	if f.ParticipantID != 0 {
		q += ` AND p.id = ?`
		args = append(args, f.ParticipantID)
	}
	clause, cargs := caseloadClause(tx.actor)
	q += clause + ` ORDER BY p.id`
	args = append(args, cargs...)
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit+1)
	}
	var ids []int64
	err := each(ctx, tx, q, args, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("suggestions: %w", err)
	}
	var next int64
	if f.Limit > 0 && len(ids) > f.Limit {
		ids = ids[:f.Limit]
		next = ids[len(ids)-1]
	}
	out := []pathway.Suggestion{}
	var names sourceNames
	for chunk := range slices.Chunk(ids, 500) { // within SQLite's limit on parameters
		eargs := []any{nil, today.String(), today.AddDays(-pathway.SuggestionWindowDays).String()}
		for _, id := range chunk {
			eargs = append(eargs, id)
		}
		// The IN list's parameters follow the numbered ones: ?4 onwards.
		list := make([]string, len(chunk))
		for i := range chunk {
			list[i] = fmt.Sprintf("?%d", i+4)
		}
		err := each(ctx, tx, fmt.Sprintf(evidenceSQL, strings.Join(list, ",")), eargs, func(rows *sql.Rows) error {
			var sg pathway.Suggestion
			var ev pathway.Evidence
			var on string
			var src int64
			var title sql.NullString
			if err := rows.Scan(&sg.ParticipantID, &sg.DisplayName, &sg.CurrentRung, &ev.Kind, &ev.ID, &ev.Rung, &on, &src, &title); err != nil {
				return err
			}
			if n := len(out); n == 0 || out[n-1].ParticipantID != sg.ParticipantID {
				sg.SuggestedRung = ev.Rung // rows come highest rung first
				out = append(out, sg)
			}
			last := &out[len(out)-1]
			if len(last.Evidence) == maxEvidence {
				return nil
			}
			var err error
			if ev.On, err = pathway.ParseDate(on); err != nil {
				return err
			}
			ev.What = title.String // a role's title; fill adds the body, or the program and activity
			names.note(ev.Kind, src, ev.ID)
			last.Evidence = append(last.Evidence, ev)
			return nil
		})
		if err != nil {
			return nil, 0, fmt.Errorf("suggestion evidence: %w", err)
		}
	}
	if err := names.fill(ctx, tx, out); err != nil {
		return nil, 0, err
	}
	return out, next, nil
}

// sourceNames gathers what the evidence on a page needs to read: the bodies
// and programs it names, and the engagements whose activity it shows.
type sourceNames struct {
	bodies, programs, engagements map[int64]string
	src                           map[pathway.EvidenceKind]map[int64]int64 // evidence ID -> body or program ID
}

func (n *sourceNames) note(kind pathway.EvidenceKind, src, id int64) {
	if n.src == nil {
		n.bodies, n.programs, n.engagements = map[int64]string{}, map[int64]string{}, map[int64]string{}
		n.src = map[pathway.EvidenceKind]map[int64]int64{pathway.EvidenceRole: {}, pathway.EvidenceEngagement: {}}
	}
	n.src[kind][id] = src
	if kind == pathway.EvidenceRole {
		n.bodies[src] = ""
	} else {
		n.programs[src] = ""
		n.engagements[id] = ""
	}
}

// fill reads the names noted and writes each piece of evidence's "what" as
// the body or program and the title or activity.
func (n *sourceNames) fill(ctx context.Context, tx *Tx, out []pathway.Suggestion) error {
	if n.src == nil {
		return nil
	}
	for _, r := range []struct {
		q    string
		into map[int64]string
	}{
		{`SELECT id, name FROM bodies WHERE id IN `, n.bodies},
		{`SELECT id, name FROM programs WHERE id IN `, n.programs},
		{`SELECT id, activity FROM engagements WHERE id IN `, n.engagements},
	} {
		if len(r.into) == 0 {
			continue
		}
		ids := make([]int64, 0, len(r.into))
		for id := range r.into {
			ids = append(ids, id)
		}
		for chunk := range slices.Chunk(ids, 500) { // within SQLite's limit on parameters
			in, args := inList(chunk)
			err := each(ctx, tx, r.q+`(`+in+`)`, args, func(rows *sql.Rows) error {
				var id int64
				var name string
				if err := rows.Scan(&id, &name); err != nil {
					return err
				}
				r.into[id] = name
				return nil
			})
			if err != nil {
				return fmt.Errorf("suggestion evidence: %w", err)
			}
		}
	}
	for i := range out {
		for j := range out[i].Evidence {
			ev := &out[i].Evidence[j]
			src := n.src[ev.Kind][ev.ID]
			if ev.Kind == pathway.EvidenceRole {
				ev.What = n.bodies[src] + ": " + ev.What
			} else {
				ev.What = n.programs[src] + ": " + n.engagements[ev.ID]
			}
		}
	}
	return nil
}

// Dismiss implements pathway.SuggestionService.
func (s *SuggestionService) Dismiss(ctx context.Context, a pathway.Actor, participantID int64, reason string) (*pathway.Dismissal, error) {
	const q = `INSERT INTO suggestion_dismissals (participant_id, dismissed_at, dismissed_by, reason) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (participant_id) DO UPDATE SET dismissed_at = ?2, dismissed_by = ?3, reason = ?4`
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > pathway.MaxDismissReason {
		return nil, pathway.Invalid("reason", "field.max_chars", pathway.MaxDismissReason)
	}
	var d *pathway.Dismissal
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		open, _, err := suggestions(ctx, tx, pathway.SuggestionFilter{ParticipantID: participantID})
		if err != nil {
			return err
		}
		if len(open) == 0 {
			return pathway.Errorf(pathway.ECONFLICT, "suggestion.nothing_to_dismiss")
		}
		if _, err := tx.ExecContext(ctx, q, participantID, formatTime(tx.now), a.UserID, reason); err != nil {
			return fmt.Errorf("dismiss suggestion: %w", err)
		}
		d = &pathway.Dismissal{ParticipantID: participantID, DismissedAt: tx.now, DismissedBy: a.Email, Reason: reason}
		return tx.audit("suggestion.dismiss", "participant", participantID)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// UndoAcceptance implements pathway.SuggestionService.
func (s *SuggestionService) UndoAcceptance(ctx context.Context, a pathway.Actor, participantID, placementID int64) error {
	const q = `SELECT ` + placementColumns + `, EXISTS (SELECT 1 FROM placement_evidence pe WHERE pe.placement_id = pl.id)
FROM placements pl JOIN users u ON u.id = pl.recorded_by WHERE pl.id = ? AND pl.participant_id = ?`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := requireParticipant(ctx, tx, participantID); err != nil {
			return err
		}
		var accepted bool
		p, err := scanPlacement(tx.QueryRowContext(ctx, q, placementID, participantID), &accepted)
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Errorf(pathway.ENOTFOUND, "suggestion.undo_not_found")
		} else if err != nil {
			return fmt.Errorf("find placement: %w", err)
		}
		if !accepted {
			return pathway.Errorf(pathway.ECONFLICT, "suggestion.undo_not_accepted")
		}
		if p.RecordedByID != a.UserID {
			return pathway.Errorf(pathway.EFORBIDDEN, "suggestion.undo_forbidden")
		}
		if tx.now.Sub(p.RecordedAt) > pathway.UndoWindow {
			return pathway.Errorf(pathway.ECONFLICT, "suggestion.undo_too_late", int(pathway.UndoWindow/time.Minute))
		}
		if err := removePlacement(ctx, tx, p); err != nil {
			return err
		}
		return tx.audit("suggestion.undo", "placement", placementID)
	})
}

// resolveEvidence fills the rung, day and description of each piece of
// evidence offered for a placement, checking it is the participant's own.
func resolveEvidence(ctx context.Context, tx *Tx, participantID int64, evs []pathway.Evidence) error {
	const roleQ = `SELECT b.rung, r.starts_on, b.name || ': ' || r.title FROM roles r JOIN bodies b ON b.id = r.body_id WHERE r.id = ? AND r.participant_id = ?`
	const engQ = `SELECT pr.rung, e.occurred_on, pr.name || ': ' || e.activity FROM engagements e LEFT JOIN programs pr ON pr.id = e.program_id WHERE e.id = ? AND e.participant_id = ?`
	for i := range evs {
		ev := &evs[i]
		q := roleQ
		if ev.Kind == pathway.EvidenceEngagement {
			q = engQ
		}
		var rung sql.NullInt64
		var on string
		var what sql.NullString
		err := tx.QueryRowContext(ctx, q, ev.ID, participantID).Scan(&rung, &on, &what)
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Invalid(fmt.Sprintf("evidence[%d].id", i), "suggestion.evidence_missing")
		} else if err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
		if !rung.Valid {
			return pathway.Invalid(fmt.Sprintf("evidence[%d].id", i), "suggestion.evidence_no_program")
		}
		ev.Rung, ev.What = pathway.Rung(rung.Int64), what.String
		if ev.On, err = pathway.ParseDate(on); err != nil {
			return err
		}
	}
	return nil
}

// insertEvidence stores what a placement was accepted on.
func insertEvidence(ctx context.Context, tx *Tx, placementID int64, evs []pathway.Evidence) error {
	const q = `INSERT OR IGNORE INTO placement_evidence (placement_id, kind, ref_id, rung, on_date, what) VALUES (?, ?, ?, ?, ?, ?)`
	for _, ev := range evs {
		if _, err := tx.ExecContext(ctx, q, placementID, ev.Kind, ev.ID, int(ev.Rung), ev.On.String(), ev.What); err != nil {
			return fmt.Errorf("store evidence: %w", err)
		}
	}
	return nil
}

// placementEvidence returns the evidence of every placement of a participant, by placement.
func placementEvidence(ctx context.Context, tx *Tx, participantID int64) (map[int64][]pathway.Evidence, error) {
	const q = `SELECT pe.placement_id, pe.kind, pe.ref_id, pe.rung, pe.on_date, pe.what
FROM placement_evidence pe JOIN placements pl ON pl.id = pe.placement_id WHERE pl.participant_id = ? ORDER BY pe.on_date DESC`
	rows, err := tx.QueryContext(ctx, q, participantID)
	if err != nil {
		return nil, fmt.Errorf("placement evidence: %w", err)
	}
	defer rows.Close()
	out := map[int64][]pathway.Evidence{}
	for rows.Next() {
		var pid int64
		var ev pathway.Evidence
		var on string
		if err := rows.Scan(&pid, &ev.Kind, &ev.ID, &ev.Rung, &on, &ev.What); err != nil {
			return nil, err
		}
		if ev.On, err = pathway.ParseDate(on); err != nil {
			return nil, err
		}
		out[pid] = append(out[pid], ev)
	}
	return out, rows.Err()
}
