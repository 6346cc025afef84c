package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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

// rungOn is the rung of participant p.id on the day in parameter ?1: the
// latest effective placement, the later recorded winning a tie. It is one
// backward seek in the covering index placements_asof (participant_id,
// effective_on, recorded_at, id, rung); TestReportQueryPlans holds the plan.
const rungOn = `(SELECT pl.rung FROM placements pl WHERE pl.participant_id = p.id AND pl.effective_on <= ?1
 ORDER BY pl.effective_on DESC, pl.recorded_at DESC, pl.id DESC LIMIT 1)`

// rungOnParam is rungOn reading its day from parameter ?n instead.
func rungOnParam(n int) string { return strings.Replace(rungOn, "?1", fmt.Sprintf("?%d", n), 1) }

// read runs fn in a read transaction with no actor: reports are not personal.
func (s *ReportStore) read(ctx context.Context, fn func(*Tx) error) error {
	return s.db.read(ctx, pathway.Actor{}, fn)
}

// rungCountsNow counts people per rung today from the maintained
// current_rung, which equals the rung on today because no placement may be
// dated in the future: a scan of the covering index participants_current.
const rungCountsNow = `SELECT p.current_rung, count(*) FROM participants p WHERE p.consented_since <= ?1%s GROUP BY p.current_rung`

// rungCountsOn counts people per rung on a past day, one seek per person.
// Participants are read in id order (NOT INDEXED), so the seeks walk
// placements_asof from start to end instead of jumping about it, and
// HAVING, not WHERE, drops people with no placement yet: a WHERE on the
// subquery's alias would run the subquery twice for every person.
const rungCountsOn = `SELECT r, count(*) FROM (SELECT ` + rungOn + ` AS r FROM participants p NOT INDEXED WHERE p.consented_since <= ?1%s) GROUP BY r HAVING r IS NOT NULL`

// RungCountsOn implements pathway.ReportStore.
func (s *ReportStore) RungCountsOn(ctx context.Context, day pathway.Date, programID int64) (pathway.RungCounts, error) {
	var c pathway.RungCounts
	err := s.read(ctx, func(tx *Tx) error {
		var cond string
		args := []any{day.String()}
		if programID != 0 {
			cond = ` AND EXISTS (SELECT 1 FROM enrollments e WHERE e.participant_id = p.id AND e.program_id = ?2)`
			args = append(args, programID)
		}
		q := fmt.Sprintf(rungCountsOn, cond)
		if !day.Before(tx.today()) {
			q = fmt.Sprintf(rungCountsNow, cond)
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

// programCountsNow counts people per program and rung today: one pass over
// participants joined to their enrollments; program_id NULL is people in
// no program. Everyone, counted once, comes from rungCountsNow.
const programCountsNow = `SELECT e.program_id, p.current_rung, count(*) FROM participants p LEFT JOIN enrollments e ON e.participant_id = p.id
WHERE p.consented_since <= ?1 GROUP BY e.program_id, p.current_rung`

// programCountsOn counts people per program and rung on a past day in one
// pass, one seek per person (in id order, as in rungCountsOn): each person
// is read twice through d, once as program 0 (everyone, counted once) and
// once joined to their enrollments (program_id NULL: in no program).
const programCountsOn = `SELECT CASE d.k WHEN 0 THEN 0 ELSE e.program_id END AS prog, r.rung, count(*)
FROM (SELECT p.id, ` + rungOn + ` AS rung FROM participants p NOT INDEXED WHERE p.consented_since <= ?1 LIMIT -1 OFFSET 0) r
CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) d
LEFT JOIN enrollments e ON d.k = 1 AND e.participant_id = r.id
WHERE r.rung IS NOT NULL GROUP BY prog, r.rung`

// ProgramCountsOn implements pathway.ReportStore.
func (s *ReportStore) ProgramCountsOn(ctx context.Context, day pathway.Date) (*pathway.ProgramCounts, error) {
	pc := &pathway.ProgramCounts{ByProgram: map[int64]pathway.RungCounts{}}
	err := s.read(ctx, func(tx *Tx) error {
		var err error
		if pc.Programs, err = listPrograms(ctx, tx); err != nil {
			return err
		}
		q := programCountsOn
		if !day.Before(tx.today()) {
			q = programCountsNow
			if err := scanRungCounts(ctx, tx, &pc.All, fmt.Sprintf(rungCountsNow, ""), day.String()); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, q, day.String())
		if err != nil {
			return fmt.Errorf("program counts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var prog sql.NullInt64
			var r pathway.Rung
			var n int
			if err := rows.Scan(&prog, &r, &n); err != nil {
				return err
			}
			switch {
			case !prog.Valid:
				pc.None[r-1] = n
			case prog.Int64 == 0:
				pc.All[r-1] = n
			default:
				c := pc.ByProgram[prog.Int64]
				c[r-1] = n
				pc.ByProgram[prog.Int64] = c
			}
		}
		return rows.Err()
	})
	return pc, err
}

// movementEnd counts everyone followed at the end of a period (?2) by their
// rung then (%s), with how many of them stand below the highest rung they
// had reached by then: one seek per person in placements_peak
// (participant_id, rung, effective_on) for a higher rung, skipped on the top
// rung. Participants are read in id order, as in rungCountsOn; OFFSET 0
// keeps the inner query from being merged into the outer one, which would
// run a past day's rung subquery once for every mention of r_end.
const movementEnd = `SELECT sum(r_end = 1), sum(r_end = 2), sum(r_end = 3), sum(r_end = 4), sum(r_end = 5),
  sum(r_end < 5 AND EXISTS (SELECT 1 FROM placements pl WHERE pl.participant_id = pid AND pl.rung > r_end AND pl.effective_on <= ?2))
FROM (SELECT p.id AS pid, %s AS r_end FROM participants p NOT INDEXED WHERE p.consented_since <= ?2 LIMIT -1 OFFSET 0)`

// movementSteps lists every placement that took effect in the period (?1
// to ?2), from the covering index placements_effective, in each person's
// order, with the rung of the placement before it (one seek in
// placements_asof; NULL: none, so the person arrived during the period).
// For a move up it adds the days since the person arrived on the rung they
// left: the first placement after their latest one on another rung, or
// their first placement if there is none, so that re-recording a rung does
// not restart the count. Sorting by person keeps the seeks close together;
// OFFSET 0 keeps prev computed once rather than once per mention.
const movementSteps = `SELECT pid, rung, prev, CASE WHEN rung > prev THEN julianday(on_) - julianday(coalesce(
  (SELECT min(a.effective_on) FROM placements a WHERE a.participant_id = pid
     AND (a.effective_on, a.recorded_at, a.id) < (on_, rec, xid)
     AND (a.effective_on, a.recorded_at, a.id) > (
       SELECT y.effective_on, y.recorded_at, y.id FROM placements y WHERE y.participant_id = pid AND y.rung <> prev
         AND (y.effective_on, y.recorded_at, y.id) < (on_, rec, xid)
       ORDER BY y.effective_on DESC, y.recorded_at DESC, y.id DESC LIMIT 1)),
  (SELECT min(a.effective_on) FROM placements a WHERE a.participant_id = pid))) END
FROM (SELECT pid, on_, rec, xid, rung,
    (SELECT pr.rung FROM placements pr WHERE pr.participant_id = pid AND (pr.effective_on, pr.recorded_at, pr.id) < (on_, rec, xid)
     ORDER BY pr.effective_on DESC, pr.recorded_at DESC, pr.id DESC LIMIT 1) AS prev
  FROM (SELECT x.participant_id AS pid, x.effective_on AS on_, x.recorded_at AS rec, x.id AS xid, x.rung AS rung
    FROM placements x WHERE x.effective_on BETWEEN ?1 AND ?2 ORDER BY x.participant_id, x.effective_on, x.recorded_at, x.id)
  LIMIT -1 OFFSET 0)`

// Movement implements pathway.ReportStore. Everyone with no placement in
// the period stayed where they were, so only the people who have one are
// followed move by move, and the rest fill the diagonal.
func (s *ReportStore) Movement(ctx context.Context, start, end pathway.Date) (*pathway.MovementCounts, error) {
	mc := &pathway.MovementCounts{}
	err := s.read(ctx, func(tx *Tx) error {
		rungEnd := rungOnParam(2)
		if !end.Before(tx.today()) {
			rungEnd = `p.current_rung`
		}
		var atEnd [6]sql.NullInt64 // people per rung at the end, then how many are below their highest
		dest := make([]any, len(atEnd))
		for i := range atEnd {
			dest[i] = &atEnd[i]
		}
		if err := tx.QueryRowContext(ctx, fmt.Sprintf(movementEnd, rungEnd), start.String(), end.String()).Scan(dest...); err != nil {
			return fmt.Errorf("movement: %w", err)
		}
		mc.BelowPeak = int(atEnd[5].Int64)
		var moved pathway.RungCounts // people with a placement in the period, by their rung at the end
		// A mover's rung before the period is the one before their first
		// placement in it; their rung at the end, that of their last.
		count := func(from sql.NullInt64, to pathway.Rung) {
			if from.Valid {
				mc.From[from.Int64-1][to-1]++
			} else {
				mc.Entered[to-1]++
			}
			moved[to-1]++
		}
		rows, err := tx.QueryContext(ctx, movementSteps, start.String(), end.String())
		if err != nil {
			return fmt.Errorf("movement steps: %w", err)
		}
		defer rows.Close()
		var cur int64 // the person whose placements are being read
		var from sql.NullInt64
		var to pathway.Rung
		for rows.Next() {
			var pid int64
			var rung pathway.Rung
			var prev sql.NullInt64
			var days sql.NullFloat64
			if err := rows.Scan(&pid, &rung, &prev, &days); err != nil {
				return err
			}
			if pid != cur {
				if pid < cur {
					return fmt.Errorf("movement steps: placements out of order (%d after %d)", pid, cur)
				}
				if cur != 0 {
					count(from, to)
				}
				cur, from = pid, prev
			}
			to = rung
			if days.Valid {
				mc.DaysBeforeUp[prev.Int64-1] = append(mc.DaysBeforeUp[prev.Int64-1], int(days.Float64))
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if cur != 0 {
			count(from, to)
		}
		for i := range moved {
			stayed := int(atEnd[i].Int64) - moved[i]
			if stayed < 0 {
				return fmt.Errorf("movement: %d people end on rung %d but %d moved there", atEnd[i].Int64, i+1, moved[i])
			}
			mc.From[i][i] += stayed
		}
		return nil
	})
	return mc, err
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
