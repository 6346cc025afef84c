package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"pathway/internal/pathway"
)

// ImportStore writes CSV imports and keeps their record.
type ImportStore struct{ db *DB }

// NewImportStore returns an ImportStore on db.
func NewImportStore(db *DB) *ImportStore { return &ImportStore{db: db} }

var _ pathway.ImportStore = (*ImportStore)(nil)

// errRollback ends a batch whose writes must not stand: a dry run, or an
// aborting import with a bad row. Every row was still checked.
var errRollback = errors.New("import batch rolled back")

// progressEvery is how many rows pass between progress reports.
const progressEvery = 500

// importFields maps the fields the shared write rules name to the CSV
// columns they come from.
var importFields = map[string]string{
	"consent.given_on": "consent_given_on",
	"consent.scopes":   "consent_scopes",
	"consent.method":   "consent_method",
	"program_ids":      "programs",
	"program_id":       "program",
	"effective_on":     "rung_effective_on",
}

// rowOutcome is what one imported row did.
type rowOutcome int

const (
	rowCreated rowOutcome = iota
	rowUpdated
	rowUnchanged
)

// importBatch runs each row in a savepoint of its own inside one write:
// a bad row is rolled back alone and reported; at the end the whole batch
// is rolled back when w says so, or when a row failed and w keeps no
// partial batch.
func (s *ImportStore) importBatch(ctx context.Context, a pathway.Actor, n int, w pathway.ImportWrite, setup func(*Tx) error, rowNumber func(int) int, one func(*Tx, int) (rowOutcome, error)) (pathway.ImportResult, error) {
	var res pathway.ImportResult
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		res = pathway.ImportResult{}
		if err := setup(tx); err != nil {
			return err
		}
		for i := range n {
			if i%progressEvery == 0 {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("import stopped: %w", err)
				}
				if w.Progress != nil && i > 0 {
					w.Progress(i)
				}
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT import_row`); err != nil {
				return fmt.Errorf("row savepoint: %w", err)
			}
			outcome, err := one(tx, i)
			if err != nil {
				if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO import_row`); rerr != nil {
					return fmt.Errorf("roll back row: %w", rerr)
				}
			}
			if _, rerr := tx.ExecContext(ctx, `RELEASE import_row`); rerr != nil {
				return fmt.Errorf("release row: %w", rerr)
			}
			if err != nil {
				err = mapError(err)
				if pathway.ErrorCode(err) == pathway.EINTERNAL {
					return err
				}
				res.Errors = append(res.Errors, rowErrors(rowNumber(i), err)...)
				continue
			}
			switch outcome {
			case rowCreated:
				res.Created++
			case rowUpdated:
				res.Updated++
			case rowUnchanged:
				res.Unchanged++
			}
		}
		if w.Progress != nil {
			w.Progress(n)
		}
		if w.Rollback || (!w.KeepGood && len(res.Errors) > 0) {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return res, err
}

// rowErrors turns a domain error into the errors of one row, in the
// file's column names.
func rowErrors(row int, err error) []pathway.ImportError {
	fields := pathway.ErrorFields(err)
	if len(fields) == 0 {
		return []pathway.ImportError{{Row: row, Field: "", Message: pathway.ErrorMessage(err)}}
	}
	out := make([]pathway.ImportError, len(fields))
	for i, fe := range fields {
		field := fe.Field
		if f, ok := importFields[field]; ok {
			field = f
		}
		out[i] = pathway.ImportError{Row: row, Field: field, Message: fe.Message}
	}
	return out
}

// programNames maps each program's lower-cased name to its ID.
func programNames(ctx context.Context, tx *Tx) (map[string]int64, error) {
	progs, err := listPrograms(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(progs))
	for _, p := range progs {
		out[strings.ToLower(strings.TrimSpace(p.Name))] = p.ID
	}
	return out, nil
}

// programIDs resolves program names, sorted and without repeats.
func programIDs(names map[string]int64, field string, list []string) ([]int64, error) {
	ids := []int64{}
	for _, name := range list {
		id, ok := names[strings.ToLower(name)]
		if !ok {
			return nil, pathway.Invalid(field, "there is no program named %q", name)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// storedPerson is what an import compares a row with.
type storedPerson struct {
	id          int64
	displayName string
	rung        pathway.Rung
	since       pathway.Date
}

// findByRef finds the participant whose reference normalises to ref's key,
// within the actor's caseload. ENOTFOUND when there is none anywhere;
// EINVALID when there is one the actor may not see.
func findByRef(ctx context.Context, tx *Tx, ref string) (*storedPerson, error) {
	key := pathway.NormalizeRef(ref)
	clause, args := caseloadClause(tx.actor)
	var p storedPerson
	var since string
	err := tx.QueryRowContext(ctx, `SELECT p.id, p.display_name, p.current_rung, p.consented_since FROM participants p WHERE p.ref_key = ?`+clause, append([]any{key}, args...)...).Scan(&p.id, &p.displayName, &p.rung, &since)
	if errors.Is(err, sql.ErrNoRows) {
		if !tx.actor.Scoped() {
			return nil, pathway.Errorf(pathway.ENOTFOUND, "No participant has this external_ref.")
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM participants WHERE ref_key = ?`, key).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, pathway.Errorf(pathway.ENOTFOUND, "No participant has this external_ref.")
		} else if err != nil {
			return nil, fmt.Errorf("find participant by reference: %w", err)
		}
		return nil, pathway.Invalid("external_ref", "is followed in programs outside your caseload")
	} else if err != nil {
		return nil, fmt.Errorf("find participant by reference: %w", err)
	}
	p.since, err = pathway.ParseDate(since)
	return &p, err
}

// ImportParticipants implements pathway.ImportStore.
func (s *ImportStore) ImportParticipants(ctx context.Context, a pathway.Actor, rows []pathway.ParticipantRow, w pathway.ImportWrite) (pathway.ImportResult, error) {
	var names map[string]int64
	setup := func(tx *Tx) (err error) {
		names, err = programNames(ctx, tx)
		return err
	}
	return s.importBatch(ctx, a, len(rows), w, setup, func(i int) int { return rows[i].Row }, func(tx *Tx, i int) (rowOutcome, error) {
		return importParticipant(ctx, tx, names, rows[i])
	})
}

// importParticipant creates or brings up to date the participant of one row.
func importParticipant(ctx context.Context, tx *Tx, names map[string]int64, row pathway.ParticipantRow) (rowOutcome, error) {
	programs, err := programIDs(names, "programs", row.Programs)
	if err != nil {
		return 0, err
	}
	p, err := findByRef(ctx, tx, row.ExternalRef)
	if pathway.ErrorCode(err) == pathway.ENOTFOUND {
		rung := row.Rung
		if rung == 0 {
			rung = pathway.Observer
		}
		_, err := createParticipant(ctx, tx, pathway.NewParticipant{
			ExternalRef: row.ExternalRef, DisplayName: row.DisplayName, ProgramIDs: programs,
			Consent: row.Consent, Rung: rung, RungEffectiveOn: row.RungEffectiveOn,
		})
		return rowCreated, err
	} else if err != nil {
		return 0, err
	}
	// The consent of a person already followed is left as recorded: it is
	// renewed through the API, with its own audit entry.
	if err := row.Consent.Validate("consent", tx.today()); err != nil {
		return 0, err
	}
	changed := false
	if row.DisplayName != p.displayName {
		const q = `UPDATE participants SET display_name = ?, updated_at = ? WHERE id = ?`
		if _, err := tx.ExecContext(ctx, q, row.DisplayName, formatTime(tx.now), p.id); err != nil {
			return 0, fmt.Errorf("update participant: %w", err)
		}
		if err := reindexParticipant(ctx, tx, p.id); err != nil {
			return 0, err
		}
		changed = true
	}
	current, err := openEnrolments(ctx, tx, p.id)
	if err != nil {
		return 0, err
	}
	slices.Sort(current)
	if row.HasPrograms && !slices.Equal(slices.Compact(current), programs) {
		if err := checkPrograms(ctx, tx, programs); err != nil {
			return 0, err
		}
		if err := setEnrolments(ctx, tx, p.id, programs); err != nil {
			return 0, err
		}
		changed = true
	}
	if changed {
		if err := tx.recordChange(ctx, change{typ: pathway.ParticipantUpdated, participantID: p.id}); err != nil {
			return 0, err
		}
		if err := tx.audit("participant.update", "participant", p.id); err != nil {
			return 0, err
		}
	}
	if row.Rung != 0 && row.Rung != p.rung {
		pl := pathway.Placement{Rung: row.Rung, EffectiveOn: tx.today()}
		if !row.RungEffectiveOn.IsZero() {
			pl.EffectiveOn = row.RungEffectiveOn
		}
		if err := pathway.CheckHistoryDate("rung_effective_on", pl.EffectiveOn, p.since, tx.today()); err != nil {
			return 0, err
		}
		if err := insertPlacement(ctx, tx, p.id, &pl); err != nil {
			return 0, err
		}
		if err := tx.recordChange(ctx, change{typ: pathway.PlacementCreated, participantID: p.id, placementID: pl.ID, rung: pl.Rung}); err != nil {
			return 0, err
		}
		if err := tx.audit("placement.create", "participant", p.id); err != nil {
			return 0, err
		}
		changed = true
	}
	if !changed {
		return rowUnchanged, nil
	}
	return rowUpdated, nil
}

// ImportEngagements implements pathway.ImportStore.
func (s *ImportStore) ImportEngagements(ctx context.Context, a pathway.Actor, rows []pathway.EngagementRow, w pathway.ImportWrite) (pathway.ImportResult, error) {
	var names map[string]int64
	setup := func(tx *Tx) (err error) {
		names, err = programNames(ctx, tx)
		return err
	}
	return s.importBatch(ctx, a, len(rows), w, setup, func(i int) int { return rows[i].Row }, func(tx *Tx, i int) (rowOutcome, error) {
		return importEngagement(ctx, tx, names, rows[i])
	})
}

// importEngagement logs the engagement of one row, unless it is stored already.
func importEngagement(ctx context.Context, tx *Tx, names map[string]int64, row pathway.EngagementRow) (rowOutcome, error) {
	const same = `SELECT 1 FROM engagements WHERE participant_id = ? AND occurred_on = ? AND activity = ?
AND program_id IS ? AND strategy IS ? AND note = ? LIMIT 1`
	p, err := findByRef(ctx, tx, row.ExternalRef)
	if pathway.ErrorCode(err) == pathway.ENOTFOUND {
		return 0, pathway.Invalid("external_ref", "no participant has this reference; import them first")
	} else if err != nil {
		return 0, err
	}
	e := &pathway.Engagement{OccurredOn: row.OccurredOn, Activity: row.Activity, Strategy: row.Strategy, Note: row.Note}
	if row.Program != "" {
		id, ok := names[strings.ToLower(row.Program)]
		if !ok {
			return 0, pathway.Invalid("program", "there is no program named %q", row.Program)
		}
		e.ProgramID = &id
	}
	var one int
	err = tx.QueryRowContext(ctx, same, p.id, e.OccurredOn.String(), e.Activity, e.ProgramID, e.Strategy, e.Note).Scan(&one)
	if err == nil {
		return rowUnchanged, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find engagement: %w", err)
	}
	return rowCreated, insertEngagement(ctx, tx, p.id, p.since, e)
}

const importColumns = `id, owner_id, kind, status, dry_run, on_error, rows_total, rows_done, created, updated, unchanged, errors, created_at, finished_at`

func scanImport(row interface{ Scan(...any) error }) (*pathway.Import, error) {
	var im pathway.Import
	var errs, created string
	var finished sql.NullString
	if err := row.Scan(&im.ID, &im.OwnerID, &im.Kind, &im.Status, &im.DryRun, &im.OnError, &im.RowsTotal, &im.RowsDone, &im.Created, &im.Updated, &im.Unchanged, &errs, &created, &finished); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(errs), &im.Errors); err != nil {
		return nil, fmt.Errorf("read import errors: %w", err)
	}
	var err error
	if im.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	im.FinishedAt, err = nullTime(finished)
	return &im, err
}

// CreateImport implements pathway.ImportStore.
func (s *ImportStore) CreateImport(ctx context.Context, a pathway.Actor, im *pathway.Import) error {
	const q = `INSERT INTO imports (owner_id, kind, status, dry_run, on_error, rows_total, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, q, a.UserID, string(im.Kind), string(im.Status), im.DryRun, im.OnError, im.RowsTotal, formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("create import: %w", err)
		}
		if im.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		im.OwnerID, im.CreatedAt = a.UserID, tx.now
		if im.Errors == nil {
			im.Errors = []pathway.ImportError{}
		}
		return tx.audit("import.create", "import", im.ID)
	})
}

// SaveImport implements pathway.ImportStore.
func (s *ImportStore) SaveImport(ctx context.Context, a pathway.Actor, im *pathway.Import) error {
	const q = `UPDATE imports SET status = ?, rows_total = ?, rows_done = ?, created = ?, updated = ?, unchanged = ?, errors = ?, finished_at = ? WHERE id = ?`
	errs, err := json.Marshal(im.Errors)
	if err != nil {
		return fmt.Errorf("save import: %w", err)
	}
	if im.Errors == nil {
		errs = []byte("[]")
	}
	return s.db.commit(ctx, a, func(tx *Tx) error {
		var finished any
		if im.Status != pathway.ImportRunning {
			im.FinishedAt = &tx.now
			finished = formatTime(tx.now)
		}
		res, err := tx.ExecContext(ctx, q, string(im.Status), im.RowsTotal, im.RowsDone, im.Created, im.Updated, im.Unchanged, string(errs), finished, im.ID)
		if err != nil {
			return fmt.Errorf("save import: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return pathway.Errorf(pathway.ENOTFOUND, "No import with id %d.", im.ID)
		}
		return nil
	})
}

// FindImport implements pathway.ImportStore.
func (s *ImportStore) FindImport(ctx context.Context, a pathway.Actor, id int64) (*pathway.Import, error) {
	const q = `SELECT ` + importColumns + ` FROM imports WHERE id = ?`
	var im *pathway.Import
	err := s.db.read(ctx, a, func(tx *Tx) error {
		var err error
		im, err = scanImport(tx.QueryRowContext(ctx, q, id))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && im.OwnerID != a.UserID && a.Role != pathway.RoleAdmin) {
			return pathway.Errorf(pathway.ENOTFOUND, "No import with id %d.", id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return im, nil
}
