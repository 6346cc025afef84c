package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"pathway/internal/pathway"
)

// ReportStore counts what the anonymised reports are made of, on the reader
// pool. Nothing it returns names a person.
type ReportStore struct{ db *DB }

// NewReportStore returns a ReportStore on db.
func NewReportStore(db *DB) *ReportStore { return &ReportStore{db: db} }

var _ pathway.ReportStore = (*ReportStore)(nil)

// Today implements pathway.ReportStore.
func (s *ReportStore) Today() pathway.Date { return pathway.DateOf(s.db.Now(), s.db.Location) }

// rungOn is the rung of participant p.id on day ?1: the latest effective
// placement, the later recorded winning a tie; one seek in placements_asof.
const rungOn = `(SELECT pl.rung FROM placements pl WHERE pl.participant_id = p.id AND pl.effective_on <= ?1
 ORDER BY pl.effective_on DESC, pl.recorded_at DESC, pl.id DESC LIMIT 1)`

// read runs fn in a read transaction with no actor: reports are not personal.
func (s *ReportStore) read(ctx context.Context, fn func(*Tx) error) error {
	return s.db.read(ctx, pathway.Actor{}, fn)
}

// RungCountsOn implements pathway.ReportStore. On today it reads the
// maintained current_rung, which equals the rung on today because no
// placement may be dated in the future.
func (s *ReportStore) RungCountsOn(ctx context.Context, day pathway.Date, programID int64) (pathway.RungCounts, error) {
	var c pathway.RungCounts
	err := s.read(ctx, func(tx *Tx) error {
		var cond string
		if programID != 0 {
			cond = ` AND EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = p.id AND e.program_id = ?2)`
		}
		q := `SELECT r, count(*) FROM (SELECT ` + rungOn + ` AS r FROM participants p WHERE p.consented_since <= ?1` + cond + `) WHERE r IS NOT NULL GROUP BY r`
		if !day.Before(tx.today()) {
			q = `SELECT p.current_rung, count(*) FROM participants p WHERE p.consented_since <= ?1` + cond + ` GROUP BY p.current_rung`
		}
		args := []any{day.String()}
		if programID != 0 {
			args = append(args, programID)
		}
		return scanRungCounts(ctx, tx, &c, q, args...)
	})
	return c, err
}

func scanRungCounts(ctx context.Context, tx *Tx, c *pathway.RungCounts, q string, args ...any) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("rung counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r pathway.Rung
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return err
		}
		c[r-1] = n
	}
	return rows.Err()
}

// peopleOn lists (participant, rung on day) for everyone followed on day.
func peopleOn(ctx context.Context, tx *Tx, day pathway.Date) (map[int64]pathway.Rung, error) {
	q := `SELECT id, r FROM (SELECT p.id, ` + rungOn + ` AS r FROM participants p WHERE p.consented_since <= ?1) WHERE r IS NOT NULL`
	args := []any{day.String()}
	if !day.Before(tx.today()) {
		q, args = `SELECT id, current_rung FROM participants`, nil
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("rungs on %s: %w", day, err)
	}
	defer rows.Close()
	out := map[int64]pathway.Rung{}
	for rows.Next() {
		var id int64
		var r pathway.Rung
		if err := rows.Scan(&id, &r); err != nil {
			return nil, err
		}
		out[id] = r
	}
	return out, rows.Err()
}

// ProgramCountsOn implements pathway.ReportStore.
func (s *ReportStore) ProgramCountsOn(ctx context.Context, day pathway.Date) (*pathway.ProgramCounts, error) {
	pc := &pathway.ProgramCounts{ByProgram: map[int64]pathway.RungCounts{}}
	err := s.read(ctx, func(tx *Tx) error {
		var err error
		if pc.Programs, err = listPrograms(ctx, tx); err != nil {
			return err
		}
		people, err := peopleOn(ctx, tx, day)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT participant_id, program_id FROM enrollments`)
		if err != nil {
			return fmt.Errorf("enrollments: %w", err)
		}
		defer rows.Close()
		enrolled := map[int64]bool{}
		for rows.Next() {
			var pid, prog int64
			if err := rows.Scan(&pid, &prog); err != nil {
				return err
			}
			r, ok := people[pid]
			if !ok {
				continue
			}
			c := pc.ByProgram[prog]
			c.Add(r)
			pc.ByProgram[prog] = c
			enrolled[pid] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for pid, r := range people {
			pc.All.Add(r)
			if !enrolled[pid] {
				pc.None.Add(r)
			}
		}
		return nil
	})
	return pc, err
}

// Movement implements pathway.ReportStore.
func (s *ReportStore) Movement(ctx context.Context, start, end pathway.Date) (*pathway.MovementCounts, error) {
	mc := &pathway.MovementCounts{}
	err := s.read(ctx, func(tx *Tx) error {
		before := start.AddDays(-1).String()
		// One pass over everyone followed at the end: the rung the day
		// before the period, at its end, and the highest ever reached.
		const q = `SELECT
 (SELECT pl.rung FROM placements pl WHERE pl.participant_id = p.id AND pl.effective_on <= ?1
  ORDER BY pl.effective_on DESC, pl.recorded_at DESC, pl.id DESC LIMIT 1),
 (SELECT pl.rung FROM placements pl WHERE pl.participant_id = p.id AND pl.effective_on <= ?2
  ORDER BY pl.effective_on DESC, pl.recorded_at DESC, pl.id DESC LIMIT 1),
 (SELECT max(pl.rung) FROM placements pl WHERE pl.participant_id = p.id AND pl.effective_on <= ?2)
FROM participants p WHERE p.consented_since <= ?2`
		rows, err := tx.QueryContext(ctx, q, before, end.String())
		if err != nil {
			return fmt.Errorf("movement: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var from, to, peak sql.NullInt64
			if err := rows.Scan(&from, &to, &peak); err != nil {
				return err
			}
			if !to.Valid {
				continue // consent dated before the first placement: not on a rung yet
			}
			if from.Valid {
				mc.From[from.Int64-1].Add(pathway.Rung(to.Int64))
			} else {
				mc.Entered.Add(pathway.Rung(to.Int64))
			}
			if to.Int64 < peak.Int64 {
				mc.BelowPeak++
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return daysBeforeUp(ctx, tx, start, end, mc)
	})
	return mc, err
}

// daysBeforeUp collects, for every move up that took effect in the period,
// how many days the person had been on the rung they left.
func daysBeforeUp(ctx context.Context, tx *Tx, start, end pathway.Date, mc *pathway.MovementCounts) error {
	const q = `WITH moved AS (SELECT DISTINCT participant_id FROM placements WHERE effective_on BETWEEN ?1 AND ?2),
steps AS (
  SELECT pl.participant_id, pl.rung, pl.effective_on,
         lag(pl.rung) OVER w AS prev_rung, lag(pl.effective_on) OVER w AS prev_on
  FROM placements pl JOIN moved m ON m.participant_id = pl.participant_id
  WHERE pl.effective_on <= ?2
  WINDOW w AS (PARTITION BY pl.participant_id ORDER BY pl.effective_on, pl.recorded_at, pl.id))
SELECT prev_rung, julianday(effective_on) - julianday(prev_on) FROM steps
WHERE effective_on BETWEEN ?1 AND ?2 AND prev_rung IS NOT NULL AND rung > prev_rung`
	rows, err := tx.QueryContext(ctx, q, start.String(), end.String())
	if err != nil {
		return fmt.Errorf("days before moving up: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var from pathway.Rung
		var days float64
		if err := rows.Scan(&from, &days); err != nil {
			return err
		}
		mc.DaysBeforeUp[from-1] = append(mc.DaysBeforeUp[from-1], int(days))
	}
	return rows.Err()
}

// BodyCountsIn implements pathway.ReportStore.
func (s *ReportStore) BodyCountsIn(ctx context.Context, start, end pathway.Date) ([]pathway.BodyCounts, error) {
	var out []pathway.BodyCounts
	err := s.read(ctx, func(tx *Tx) error {
		const q = `SELECT ` + bodyColumns + `, ` + filledOn + `,
 (SELECT count(DISTINCT r.participant_id) FROM roles r WHERE r.body_id = b.id AND r.starts_on <= ? AND (r.ends_on IS NULL OR r.ends_on >= ?))
FROM bodies b ORDER BY b.name`
		rows, err := tx.QueryContext(ctx, q, end.String(), end.String(), end.String(), start.String())
		if err != nil {
			return fmt.Errorf("body counts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var bc pathway.BodyCounts
			var b pathway.Body
			var kind, created, updated string
			var seats, months, limit sql.NullInt64
			if err := rows.Scan(&b.ID, &b.Name, &kind, &b.Description, &seats, &b.Rung, &months, &limit, &created, &updated, &bc.FilledAtEnd, &bc.PeopleInPeriod); err != nil {
				return err
			}
			b.Kind, b.Seats, b.TermMonths, b.TermLimit = pathway.BodyKind(kind), nullInt(seats), nullInt(months), nullInt(limit)
			bc.Body, bc.TalksByAudience = b, map[pathway.Audience]int{}
			out = append(out, bc)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if err := talkCounts(ctx, tx, &out[i], start, end); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func talkCounts(ctx context.Context, tx *Tx, bc *pathway.BodyCounts, start, end pathway.Date) error {
	rows, err := tx.QueryContext(ctx, `SELECT audience, count(*) FROM speaking_engagements WHERE body_id = ? AND held_on BETWEEN ? AND ? GROUP BY audience`, bc.Body.ID, start.String(), end.String())
	if err != nil {
		return fmt.Errorf("talk counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		var n int
		if err := rows.Scan(&a, &n); err != nil {
			return err
		}
		bc.TalksByAudience[pathway.Audience(a)] = n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	const sq = `SELECT count(DISTINCT sp.participant_id) FROM speakers sp JOIN speaking_engagements se ON se.id = sp.speaking_engagement_id
WHERE se.body_id = ? AND se.held_on BETWEEN ? AND ?`
	return tx.QueryRowContext(ctx, sq, bc.Body.ID, start.String(), end.String()).Scan(&bc.SpeakersInPeriod)
}

// CapacityCountsOn implements pathway.ReportStore.
func (s *ReportStore) CapacityCountsOn(ctx context.Context, day pathway.Date, perspective pathway.Perspective) ([]pathway.CapacityCounts, error) {
	out := make([]pathway.CapacityCounts, len(pathway.Capacities))
	for i, c := range pathway.Capacities {
		out[i].Capacity = c
	}
	err := s.read(ctx, func(tx *Tx) error {
		// The first and the latest check-in of each person up to day.
		const q = `WITH ranked AS (
  SELECT participant_id, self_advocacy, root_cause_analysis, leadership,
         row_number() OVER (PARTITION BY participant_id ORDER BY assessed_on, id) AS first_n,
         row_number() OVER (PARTITION BY participant_id ORDER BY assessed_on DESC, id DESC) AS last_n,
         count(*) OVER (PARTITION BY participant_id) AS n
  FROM capacity_checkins WHERE perspective = ? AND assessed_on <= ?)
SELECT f.self_advocacy, f.root_cause_analysis, f.leadership, l.self_advocacy, l.root_cause_analysis, l.leadership, l.n
FROM ranked f JOIN ranked l ON l.participant_id = f.participant_id AND l.last_n = 1
WHERE f.first_n = 1`
		rows, err := tx.QueryContext(ctx, q, string(perspective), day.String())
		if err != nil {
			return fmt.Errorf("capacity counts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var first, last [3]int
			var n int
			if err := rows.Scan(&first[0], &first[1], &first[2], &last[0], &last[1], &last[2], &n); err != nil {
				return err
			}
			for i := range out {
				out[i].ByScore[last[i]-1]++
				switch {
				case n < 2:
				case last[i] > first[i]:
					out[i].Improved++
				case last[i] < first[i]:
					out[i].Declined++
				default:
					out[i].Stayed++
				}
			}
		}
		return rows.Err()
	})
	return out, err
}
