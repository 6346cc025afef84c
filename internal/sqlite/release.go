package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"pathway/internal/pathway"
)

// rungOn is the rung of participant p.id on the day in parameter ?N: the
// latest effective placement, the later recorded winning a tie. It is one
// backward seek in the covering index placements_asof (participant_id,
// effective_on, recorded_at, id, rung); TestReleaseQueryPlans holds the plan.
const rungOn = `(SELECT pl.rung FROM placements pl WHERE pl.participant_id = p.id AND pl.effective_on <= ?N
 ORDER BY pl.effective_on DESC, pl.recorded_at DESC, pl.id DESC LIMIT 1)`

// rungOnParam is rungOn reading its day from parameter ?n.
func rungOnParam(n int) string { return strings.Replace(rungOn, "?N", fmt.Sprintf("?%d", n), 1) }

// ReleaseStore keeps published releases and reads, on the reader pool, the
// raw counts they are computed from. Nothing it reads or stores names a
// person.
type ReleaseStore struct{ db *DB }

// NewReleaseStore returns a ReleaseStore on db.
func NewReleaseStore(db *DB) *ReleaseStore { return &ReleaseStore{db: db} }

var _ pathway.ReleaseStore = (*ReleaseStore)(nil)

// Today implements pathway.ReleaseStore.
func (s *ReleaseStore) Today() pathway.Date { return pathway.DateOf(s.db.Now(), s.db.Location) }

// releasePeople reads everyone followed on the period's last day (?2), in
// id order, with their rung the day before it begins (?1; NULL: none yet,
// they entered during it) and on that last day: two backward seeks per
// person in placements_asof, participants read in id order so the seeks
// walk the index from start to end. OFFSET 0 keeps each rung computed once.
var releasePeople = `SELECT pid, rb, re FROM (SELECT p.id AS pid, ` + rungOnParam(1) + ` AS rb, ` + rungOnParam(2) + ` AS re
FROM participants p NOT INDEXED WHERE p.consented_since <= ?2 LIMIT -1 OFFSET 0) WHERE re IS NOT NULL`

// releaseEnrolments lists who was enrolled in which program at some time
// in the period (?1 to ?2), in participant order and, for each person, in
// the order they joined (then by program id): a walk of the covering index
// enrollments_participant, merged in Go with releasePeople.
const releaseEnrolments = `SELECT participant_id, program_id FROM enrollments INDEXED BY enrollments_participant
WHERE enrolled_on <= ?2 AND (left_on IS NULL OR left_on >= ?1) ORDER BY participant_id, enrolled_on, program_id`

// releaseBodies counts, per body, the people holding a role in it on the
// period's last day (?2) and those who spoke for it during the period (?1
// to ?2), each person in at most BodiesPerPerson (?3) bodies: those among
// the ones they held a role in during the period where they started first.
const releaseBodies = `WITH pb AS (SELECT participant_id AS pid, body_id,
    row_number() OVER (PARTITION BY participant_id ORDER BY min(starts_on), body_id) AS n
  FROM roles WHERE starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?1) GROUP BY participant_id, body_id)
SELECT pb.body_id,
  sum(EXISTS (SELECT 1 FROM roles r WHERE r.participant_id = pb.pid AND r.body_id = pb.body_id
    AND r.starts_on <= ?2 AND (r.ends_on IS NULL OR r.ends_on >= ?2))),
  sum(EXISTS (SELECT 1 FROM speakers sp JOIN speaking_engagements se ON se.id = sp.speaking_engagement_id
    WHERE sp.participant_id = pb.pid AND se.body_id = pb.body_id AND se.held_on BETWEEN ?1 AND ?2))
FROM pb WHERE pb.n <= ?3 GROUP BY pb.body_id`

// releaseTalks counts the speaking engagements of the period by body and
// audience.
const releaseTalks = `SELECT body_id, audience, count(*) FROM speaking_engagements WHERE held_on BETWEEN ?1 AND ?2 GROUP BY body_id, audience`

// releaseCapacity counts people by their latest check-in up to the
// period's last day (?1), per perspective: one count per person, capacity
// and perspective, each found by one backward seek in
// capacity_checkins_report (perspective, participant_id, assessed_on), so
// the cost follows the number of people, not of check-ins.
const releaseCapacity = `SELECT v.persp, c.self_advocacy, c.root_cause_analysis, c.leadership, count(*)
FROM participants p NOT INDEXED CROSS JOIN (SELECT 'self' AS persp UNION ALL SELECT 'staff') v
JOIN capacity_checkins c ON c.id = (SELECT c2.id FROM capacity_checkins c2
  WHERE c2.perspective = v.persp AND c2.participant_id = p.id AND c2.assessed_on <= ?1
  ORDER BY c2.assessed_on DESC, c2.id DESC LIMIT 1)
GROUP BY 1, 2, 3, 4`

// ReleaseCounts implements pathway.ReleaseStore.
func (s *ReleaseStore) ReleaseCounts(ctx context.Context, p pathway.Period) (*pathway.ReleaseCounts, error) {
	c := &pathway.ReleaseCounts{Period: p, ByProgram: map[int64]pathway.RungCounts{}, Capacity: map[pathway.Perspective][]pathway.CapacityScores{}}
	before, start, end := p.Start.AddDays(-1).String(), p.Start.String(), p.End.String()
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		var err error
		if c.Programs, err = listPrograms(ctx, tx); err != nil {
			return err
		}
		if err := s.people(ctx, tx, c, before, start, end); err != nil {
			return err
		}
		if err := s.bodies(ctx, tx, c, start, end); err != nil {
			return err
		}
		return s.capacity(ctx, tx, c, end)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// people counts the movement grid and the by-program table in one pass
// over everyone, merging their enrolments in as both are read in
// participant order.
func (s *ReleaseStore) people(ctx context.Context, tx *Tx, c *pathway.ReleaseCounts, before, start, end string) error {
	enrolled, err := tx.QueryContext(ctx, releaseEnrolments, start, end)
	if err != nil {
		return fmt.Errorf("release enrolments: %w", err)
	}
	defer enrolled.Close()
	var epid, eprog int64
	more := enrolled.Next()
	if more {
		if err := enrolled.Scan(&epid, &eprog); err != nil {
			return err
		}
	}
	var programs []int64 // of the person being counted, at most ProgramsPerPerson
	err = each(ctx, tx, releasePeople, []any{before, end}, func(rows *sql.Rows) error {
		var pid int64
		var rb sql.NullInt64
		var re pathway.Rung
		if err := rows.Scan(&pid, &rb, &re); err != nil {
			return err
		}
		if rb.Valid {
			c.Grid.From[rb.Int64-1][re-1]++
		} else {
			c.Grid.Entered[re-1]++
		}
		programs = programs[:0]
		for more && epid <= pid {
			if epid == pid && len(programs) < pathway.ProgramsPerPerson && !slices.Contains(programs, eprog) {
				programs = append(programs, eprog)
			}
			if more = enrolled.Next(); more {
				if err := enrolled.Scan(&epid, &eprog); err != nil {
					return err
				}
			}
		}
		if len(programs) == 0 {
			c.NoProgram[re-1]++
		}
		for _, id := range programs {
			rc := c.ByProgram[id]
			rc[re-1]++
			c.ByProgram[id] = rc
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release people: %w", err)
	}
	return enrolled.Err()
}

// each runs q and calls fn for every row.
func each(ctx context.Context, tx *Tx, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *ReleaseStore) bodies(ctx context.Context, tx *Tx, c *pathway.ReleaseCounts, start, end string) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+bodyColumns+`, 0 FROM bodies b ORDER BY b.name`)
	if err != nil {
		return fmt.Errorf("release bodies: %w", err)
	}
	index := map[int64]int{}
	for rows.Next() {
		b, err := scanBody(rows)
		if err != nil {
			rows.Close()
			return err
		}
		index[b.ID] = len(c.Bodies)
		c.Bodies = append(c.Bodies, pathway.BodyHeadcount{Body: *b, Talks: map[pathway.Audience]int{}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := each(ctx, tx, releaseBodies, []any{start, end, pathway.BodiesPerPerson}, func(rows *sql.Rows) error {
		var id int64
		var held, spoke int
		if err := rows.Scan(&id, &held, &spoke); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			c.Bodies[i].HoldingAtEnd, c.Bodies[i].Speakers = held, spoke
		}
		return nil
	}); err != nil {
		return fmt.Errorf("release headcounts: %w", err)
	}
	if err := each(ctx, tx, releaseTalks, []any{start, end}, func(rows *sql.Rows) error {
		var id int64
		var a string
		var n int
		if err := rows.Scan(&id, &a, &n); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			c.Bodies[i].Talks[pathway.Audience(a)] = n
		}
		return nil
	}); err != nil {
		return fmt.Errorf("release talks: %w", err)
	}
	return nil
}

func (s *ReleaseStore) capacity(ctx context.Context, tx *Tx, c *pathway.ReleaseCounts, end string) error {
	counts := map[pathway.Perspective]*[3][4]int{}
	for _, p := range pathway.Perspectives {
		counts[p] = &[3][4]int{}
	}
	if err := each(ctx, tx, releaseCapacity, []any{end}, func(rows *sql.Rows) error {
		var p string
		var scores [3]int
		var n int
		if err := rows.Scan(&p, &scores[0], &scores[1], &scores[2], &n); err != nil {
			return err
		}
		byCap, ok := counts[pathway.Perspective(p)]
		if !ok {
			return fmt.Errorf("unknown perspective %q", p)
		}
		for i, v := range scores {
			byCap[i][v-1] += n
		}
		return nil
	}); err != nil {
		return fmt.Errorf("release capacity: %w", err)
	}
	for _, p := range pathway.Perspectives {
		for i, capacity := range pathway.Capacities {
			c.Capacity[p] = append(c.Capacity[p], pathway.CapacityScores{Capacity: capacity, ByScore: counts[p][i]})
		}
	}
	return nil
}

// CreateRelease implements pathway.ReleaseStore. The budget is checked in
// the same transaction that writes, so two releases of one year published
// at once cannot both slip under it.
func (s *ReleaseStore) CreateRelease(ctx context.Context, a pathway.Actor, r *pathway.Release, budgetLimit float64) error {
	return s.db.commit(ctx, a, func(tx *Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM releases WHERE period = ?`, r.Period.Label).Scan(&exists); err != nil {
			return fmt.Errorf("create release: %w", err)
		}
		if exists > 0 {
			return pathway.Conflict("period", "release.already_published", r.Period.Label)
		}
		var spent float64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(epsilon), 0) FROM releases WHERE year = ?`, r.Period.Year()).Scan(&spent); err != nil {
			return fmt.Errorf("create release: %w", err)
		}
		if err := pathway.CheckBudget(r.Period.Year(), spent, r.Epsilon, budgetLimit); err != nil {
			return err
		}
		const q = `INSERT INTO releases (period, kind, year, starts_on, ends_on, published_at, published_by, epsilon, method, library, min_cell_size)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		if _, err := tx.ExecContext(ctx, q, r.Period.Label, string(r.Period.Kind), r.Period.Year(), r.Period.Start.String(), r.Period.End.String(),
			formatTime(r.PublishedAt), r.PublishedBy, r.Epsilon, r.Method, r.Library, r.MinCellSize); err != nil {
			return fmt.Errorf("create release: %w", err)
		}
		const tq = `INSERT INTO release_tables (period, name, epsilon, l0, linf, bound, margin_95, json, csv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
		for _, t := range r.Tables {
			if _, err := tx.ExecContext(ctx, tq, r.Period.Label, t.Name, t.Epsilon, t.L0, t.LInf, t.Bound, t.Margin95, t.JSON, t.CSV); err != nil {
				return fmt.Errorf("store release table %s: %w", t.Name, err)
			}
		}
		return tx.audit("release.publish", "release", 0)
	})
}

const releaseColumns = `period, published_at, published_by, epsilon, method, library, min_cell_size`

func scanRelease(row interface{ Scan(...any) error }) (*pathway.Release, error) {
	var r pathway.Release
	var label, at string
	if err := row.Scan(&label, &at, &r.PublishedBy, &r.Epsilon, &r.Method, &r.Library, &r.MinCellSize); err != nil {
		return nil, err
	}
	var err error
	if r.Period, err = pathway.ParsePeriod(label); err != nil {
		return nil, fmt.Errorf("stored release: %w", err)
	}
	if r.PublishedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	return &r, nil
}

// loadLedger fills the tables of releases, with their bytes when withBytes.
func loadLedger(ctx context.Context, tx *Tx, rs map[string]*pathway.Release, where string, args []any, withBytes bool) error {
	cols := `period, name, epsilon, l0, linf, bound, margin_95, x'', x''`
	if withBytes {
		cols = `period, name, epsilon, l0, linf, bound, margin_95, json, csv`
	}
	return each(ctx, tx, `SELECT `+cols+` FROM release_tables`+where+` ORDER BY period, name`, args, func(rows *sql.Rows) error {
		var label string
		var t pathway.ReleaseTable
		if err := rows.Scan(&label, &t.Name, &t.Epsilon, &t.L0, &t.LInf, &t.Bound, &t.Margin95, &t.JSON, &t.CSV); err != nil {
			return err
		}
		if r, ok := rs[label]; ok {
			r.Tables = append(r.Tables, t)
		}
		return nil
	})
}

// FindRelease implements pathway.ReleaseStore.
func (s *ReleaseStore) FindRelease(ctx context.Context, label string) (*pathway.Release, error) {
	var r *pathway.Release
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		var err error
		r, err = scanRelease(tx.QueryRowContext(ctx, `SELECT `+releaseColumns+` FROM releases WHERE period = ?`, label))
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Errorf(pathway.ENOTFOUND, "release.none", label)
		} else if err != nil {
			return fmt.Errorf("find release: %w", err)
		}
		return loadLedger(ctx, tx, map[string]*pathway.Release{label: r}, ` WHERE period = ?`, []any{label}, true)
	})
	if err != nil {
		return nil, err
	}
	sortTables(r)
	return r, nil
}

// sortTables puts a release's tables in their published order.
func sortTables(r *pathway.Release) {
	var out []pathway.ReleaseTable
	for _, name := range pathway.ReleaseTables {
		if t := r.Table(name); t != nil {
			out = append(out, *t)
		}
	}
	r.Tables = out
}

// FindReleaseTable implements pathway.ReleaseStore.
func (s *ReleaseStore) FindReleaseTable(ctx context.Context, label, name string) (*pathway.ReleaseTable, error) {
	var t pathway.ReleaseTable
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		const q = `SELECT name, epsilon, l0, linf, bound, margin_95, json, csv FROM release_tables WHERE period = ? AND name = ?`
		err := tx.QueryRowContext(ctx, q, label, name).Scan(&t.Name, &t.Epsilon, &t.L0, &t.LInf, &t.Bound, &t.Margin95, &t.JSON, &t.CSV)
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Errorf(pathway.ENOTFOUND, "release.none", label)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ListReleases implements pathway.ReleaseStore.
func (s *ReleaseStore) ListReleases(ctx context.Context) ([]pathway.Release, error) {
	var out []*pathway.Release
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		byLabel := map[string]*pathway.Release{}
		if err := each(ctx, tx, `SELECT `+releaseColumns+` FROM releases ORDER BY ends_on DESC, starts_on DESC`, nil, func(rows *sql.Rows) error {
			r, err := scanRelease(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
			byLabel[r.Period.Label] = r
			return nil
		}); err != nil {
			return fmt.Errorf("list releases: %w", err)
		}
		return loadLedger(ctx, tx, byLabel, "", nil, false)
	})
	if err != nil {
		return nil, err
	}
	rs := make([]pathway.Release, len(out))
	for i, r := range out {
		sortTables(r)
		rs[i] = *r
	}
	return rs, nil
}

// Spent implements pathway.ReleaseStore.
func (s *ReleaseStore) Spent(ctx context.Context) (map[int]float64, error) {
	out := map[int]float64{}
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		return each(ctx, tx, `SELECT year, sum(epsilon) FROM releases GROUP BY year`, nil, func(rows *sql.Rows) error {
			var y int
			var e float64
			if err := rows.Scan(&y, &e); err != nil {
				return err
			}
			out[y] = e
			return nil
		})
	})
	return out, err
}

// FirstDay implements pathway.ReleaseStore.
func (s *ReleaseStore) FirstDay(ctx context.Context) (pathway.Date, bool, error) {
	var first sql.NullString
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT min(consented_since) FROM participants`).Scan(&first)
	})
	if err != nil || !first.Valid {
		return pathway.Date{}, false, err
	}
	d, err := pathway.ParseDate(first.String)
	if err != nil {
		return pathway.Date{}, false, fmt.Errorf("first day: %w", err)
	}
	return d, true, nil
}
