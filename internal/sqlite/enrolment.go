package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"pathway/internal/pathway"
)

// openEnd stands for "still enrolled" where a period's end is compared.
const openEnd = "9999-12-31"

const enrolmentColumns = `e.id, e.participant_id, e.program_id, pr.name, e.enrolled_on, e.left_on`

// scanEnrolment reads one row of enrolmentColumns and the participant it belongs to.
func scanEnrolment(row interface{ Scan(...any) error }) (int64, *pathway.Enrolment, error) {
	var e pathway.Enrolment
	var pid int64
	var on string
	var left sql.NullString
	if err := row.Scan(&e.ID, &pid, &e.ProgramID, &e.Program, &on, &left); err != nil {
		return 0, nil, err
	}
	var err error
	if e.EnrolledOn, err = pathway.ParseDate(on); err != nil {
		return 0, nil, err
	}
	if e.LeftOn, err = scanNullDate(left); err != nil {
		return 0, nil, err
	}
	return pid, &e, nil
}

// loadEnrolments fills the enrolments, past and current, and the current
// program IDs of ps, keyed in byID; in and args list their IDs.
func loadEnrolments(ctx context.Context, tx *Tx, byID map[int64]*pathway.Participant, in string, args []any) error {
	const q = `SELECT ` + enrolmentColumns + ` FROM enrollments e JOIN programs pr ON pr.id = e.program_id
WHERE e.participant_id IN (%s) ORDER BY e.participant_id, e.enrolled_on, e.program_id, e.id`
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(q, in), args...)
	if err != nil {
		return fmt.Errorf("load enrolments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		pid, e, err := scanEnrolment(rows)
		if err != nil {
			return err
		}
		p := byID[pid]
		p.Enrolments = append(p.Enrolments, *e)
		if e.Open() {
			p.ProgramIDs = append(p.ProgramIDs, e.ProgramID)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range byID {
		slices.Sort(p.ProgramIDs)
	}
	return nil
}

// openEnrolments returns the programs a participant is enrolled in now.
func openEnrolments(ctx context.Context, tx *Tx, participantID int64) ([]int64, error) {
	const q = `SELECT program_id FROM enrollments WHERE participant_id = ? AND left_on IS NULL`
	rows, err := tx.QueryContext(ctx, q, participantID)
	if err != nil {
		return nil, fmt.Errorf("open enrolments: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// startEnrolments enrols a new participant in programs from the given day.
func startEnrolments(ctx context.Context, tx *Tx, participantID int64, programs []int64, on pathway.Date) error {
	const q = `INSERT INTO enrollments (participant_id, program_id, enrolled_on) VALUES (?, ?, ?)`
	programs = slices.Compact(slices.Sorted(slices.Values(programs)))
	for _, id := range programs {
		if _, err := tx.ExecContext(ctx, q, participantID, id, on.String()); err != nil {
			return fmt.Errorf("enrol: %w", err)
		}
	}
	return nil
}

// setEnrolments makes programs the participant's current enrolments as of
// the transaction's today, keeping the history: an enrolment left out ends
// today and a program added starts today. Adding back a program left
// earlier today reopens that enrolment, so undoing a slip leaves no trace.
func setEnrolments(ctx context.Context, tx *Tx, participantID int64, programs []int64) error {
	const (
		leave  = `UPDATE enrollments SET left_on = max(enrolled_on, ?3) WHERE participant_id = ?1 AND program_id = ?2 AND left_on IS NULL`
		reopen = `UPDATE enrollments SET left_on = NULL WHERE id = (
    SELECT id FROM enrollments WHERE participant_id = ?1 AND program_id = ?2 AND left_on = ?3 ORDER BY id DESC LIMIT 1)`
		enrol = `INSERT INTO enrollments (participant_id, program_id, enrolled_on) VALUES (?1, ?2, ?3)`
	)
	current, err := openEnrolments(ctx, tx, participantID)
	if err != nil {
		return err
	}
	today := tx.today().String()
	for _, id := range current {
		if slices.Contains(programs, id) {
			continue
		}
		if _, err := tx.ExecContext(ctx, leave, participantID, id, today); err != nil {
			return fmt.Errorf("end enrolment: %w", err)
		}
	}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(programs))) {
		if slices.Contains(current, id) {
			continue
		}
		res, err := tx.ExecContext(ctx, reopen, participantID, id, today)
		if err != nil {
			return fmt.Errorf("reopen enrolment: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, enrol, participantID, id, today); err != nil {
			return fmt.Errorf("enrol: %w", err)
		}
	}
	return nil
}

// findEnrolment loads one enrolment of a participant.
func findEnrolment(ctx context.Context, tx *Tx, participantID, enrolmentID int64) (*pathway.Enrolment, error) {
	const q = `SELECT ` + enrolmentColumns + ` FROM enrollments e JOIN programs pr ON pr.id = e.program_id WHERE e.id = ? AND e.participant_id = ?`
	_, e, err := scanEnrolment(tx.QueryRowContext(ctx, q, enrolmentID, participantID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pathway.Errorf(pathway.ENOTFOUND, "enrolment.not_found")
	} else if err != nil {
		return nil, fmt.Errorf("find enrolment: %w", err)
	}
	return e, nil
}

// scanNullDate reads an optional stored date: nil for NULL.
func scanNullDate(s sql.NullString) (*pathway.Date, error) {
	if !s.Valid {
		return nil, nil
	}
	d, err := pathway.ParseDate(s.String)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// nullDate stores an optional date: NULL for nil.
func nullDate(d *pathway.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

// checkOverlap refuses an enrolment whose period shares a day with another
// of the same person in the same program: on any day someone is in a
// program once or not at all. field names the date the caller changed.
func checkOverlap(ctx context.Context, tx *Tx, participantID int64, e *pathway.Enrolment, field string) error {
	const q = `SELECT enrolled_on, left_on FROM enrollments
WHERE participant_id = ?1 AND program_id = ?2 AND id <> ?3
  AND enrolled_on <= coalesce(?4, '` + openEnd + `') AND coalesce(left_on, '` + openEnd + `') >= ?5
ORDER BY enrolled_on LIMIT 1`
	var on string
	var left sql.NullString
	err := tx.QueryRowContext(ctx, q, participantID, e.ProgramID, e.ID, nullDate(e.LeftOn), e.EnrolledOn.String()).Scan(&on, &left)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("check enrolment overlap: %w", err)
	}
	if !left.Valid {
		return pathway.Conflict(field, "enrolment.overlaps_open", on)
	}
	return pathway.Conflict(field, "enrolment.overlaps", on, left.String)
}

// openConflict is the field error for a second open enrolment in one program.
func openConflict() error {
	return pathway.Conflict("left_on", "enrolment.one_open")
}

// AddEnrolment implements pathway.ParticipantService.
func (s *ParticipantService) AddEnrolment(ctx context.Context, a pathway.Actor, participantID int64, e *pathway.Enrolment) error {
	const q = `INSERT INTO enrollments (participant_id, program_id, enrolled_on, left_on) VALUES (?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		since, err := requireParticipant(ctx, tx, participantID)
		if err != nil {
			return err
		}
		if err := requireProgram(ctx, tx, "program_id", e.ProgramID); err != nil {
			return err
		}
		if err := e.CheckDates(since, tx.today()); err != nil {
			return err
		}
		if err := checkOverlap(ctx, tx, participantID, e, "enrolled_on"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, q, participantID, e.ProgramID, e.EnrolledOn.String(), nullDate(e.LeftOn))
		if isUniqueViolation(err) {
			return openConflict()
		} else if err != nil {
			return fmt.Errorf("record enrolment: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		saved, err := findEnrolment(ctx, tx, participantID, id)
		if err != nil {
			return err
		}
		*e = *saved
		if err := tx.recordChange(ctx, change{typ: pathway.ParticipantUpdated, participantID: participantID, programID: e.ProgramID}); err != nil {
			return err
		}
		return tx.audit("enrolment.create", "participant", participantID)
	})
}

// UpdateEnrolment implements pathway.ParticipantService.
func (s *ParticipantService) UpdateEnrolment(ctx context.Context, a pathway.Actor, participantID, enrolmentID int64, upd pathway.EnrolmentUpdate) (*pathway.Enrolment, error) {
	const q = `UPDATE enrollments SET enrolled_on = ?, left_on = ? WHERE id = ?`
	var e *pathway.Enrolment
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		since, err := requireParticipant(ctx, tx, participantID)
		if err != nil {
			return err
		}
		if e, err = findEnrolment(ctx, tx, participantID, enrolmentID); err != nil {
			return err
		}
		field := "enrolled_on"
		if upd.EnrolledOn != nil {
			e.EnrolledOn = *upd.EnrolledOn
		}
		if upd.LeftOn != nil {
			e.LeftOn, field = *upd.LeftOn, "left_on"
		}
		if err := e.CheckDates(since, tx.today()); err != nil {
			return err
		}
		if err := checkOverlap(ctx, tx, participantID, e, field); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, q, e.EnrolledOn.String(), nullDate(e.LeftOn), enrolmentID)
		if isUniqueViolation(err) {
			return openConflict()
		} else if err != nil {
			return fmt.Errorf("correct enrolment: %w", err)
		}
		// Ending a scoped staff member's last program with this person
		// would hide them from the one correcting the record.
		if _, err := requireParticipant(ctx, tx, participantID); pathway.ErrorCode(err) == pathway.ENOTFOUND {
			return pathway.Invalid("left_on", "participant.keep_own_program")
		} else if err != nil {
			return err
		}
		if err := tx.recordChange(ctx, change{typ: pathway.ParticipantUpdated, participantID: participantID, programID: e.ProgramID}); err != nil {
			return err
		}
		return tx.audit("enrolment.update", "participant", participantID)
	})
	return e, err
}
