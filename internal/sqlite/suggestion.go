package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"pathway/internal/pathway"
)

// SuggestionService finds the participants whose evidence points past
// their current rung.
type SuggestionService struct{ db *DB }

// NewSuggestionService returns a SuggestionService on db.
func NewSuggestionService(db *DB) *SuggestionService { return &SuggestionService{db: db} }

var _ pathway.SuggestionService = (*SuggestionService)(nil)

// evidenceSQL lists every piece of evidence: roles held on the day (first
// two parameters) and engagements in programs since a day (third).
const evidenceSQL = `
SELECT 'role' AS kind, r.id AS ref, r.participant_id AS pid, b.rung AS rung, r.starts_on AS on_date, b.name || ': ' || r.title AS what
FROM roles r JOIN bodies b ON b.id = r.body_id
WHERE r.starts_on <= ? AND (r.ends_on IS NULL OR r.ends_on >= ?)
UNION ALL
SELECT 'engagement', e.id, e.participant_id, pr.rung, e.occurred_on, pr.name || ': ' || e.activity
FROM engagements e JOIN programs pr ON pr.id = e.program_id
WHERE e.occurred_on >= ?`

// maxEvidence bounds the evidence listed for one suggestion.
const maxEvidence = 10

// Suggestions implements pathway.SuggestionService.
func (s *SuggestionService) Suggestions(ctx context.Context, a pathway.Actor, participantID int64) ([]pathway.Suggestion, error) {
	out := []pathway.Suggestion{}
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		clause, cargs := caseloadClause(a)
		if participantID != 0 {
			clause += ` AND p.id = ?`
			cargs = append(cargs, participantID)
		}
		q := `SELECT p.id, p.display_name, p.current_rung, ev.kind, ev.ref, ev.rung, ev.on_date, ev.what
FROM (` + evidenceSQL + `) ev JOIN participants p ON p.id = ev.pid
WHERE ev.rung > p.current_rung` + clause + `
ORDER BY p.id, ev.rung DESC, ev.on_date DESC, ev.ref DESC`
		today := tx.today()
		args := append([]any{today.String(), today.String(), today.AddDays(-pathway.SuggestionWindowDays).String()}, cargs...)
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("suggestions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var sg pathway.Suggestion
			var ev pathway.Evidence
			var on string
			if err := rows.Scan(&sg.ParticipantID, &sg.DisplayName, &sg.CurrentRung, &ev.Kind, &ev.ID, &ev.Rung, &on, &ev.What); err != nil {
				return err
			}
			if ev.On, err = pathway.ParseDate(on); err != nil {
				return err
			}
			if n := len(out); n == 0 || out[n-1].ParticipantID != sg.ParticipantID {
				sg.SuggestedRung = ev.Rung // rows come highest rung first
				out = append(out, sg)
			}
			last := &out[len(out)-1]
			if len(last.Evidence) < maxEvidence {
				last.Evidence = append(last.Evidence, ev)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.audit("suggestion.list", "participant", 0)
	})
	return out, err
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
