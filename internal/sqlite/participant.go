package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"pathway/internal/pathway"
)

// ParticipantService stores consenting participants and their history.
type ParticipantService struct{ db *DB }

// NewParticipantService returns a ParticipantService on db.
func NewParticipantService(db *DB) *ParticipantService { return &ParticipantService{db: db} }

var _ pathway.ParticipantService = (*ParticipantService)(nil)

// caseloadClause limits a query over participants p to the actor's
// caseload; it returns "" and no arguments for an unscoped actor.
func caseloadClause(a pathway.Actor) (string, []any) { return caseloadOf(a, "p.id") }

// caseloadOf limits a query to the rows whose participant, named by the
// column, is in the actor's caseload; "" for an unscoped actor.
func caseloadOf(a pathway.Actor, column string) (string, []any) {
	if !a.Scoped() {
		return "", nil
	}
	in, args := inList(a.ProgramIDs)
	return ` AND EXISTS (SELECT 1 FROM enrollments ce WHERE ce.participant_id = ` + column + ` AND ce.program_id IN (` + in + `) AND ce.left_on IS NULL)`, args
}

// requireParticipant checks that the actor may see participant id and
// returns the earliest date their history may carry.
func requireParticipant(ctx context.Context, tx *Tx, id int64) (pathway.Date, error) {
	clause, args := caseloadClause(tx.actor)
	var since string
	err := tx.QueryRowContext(ctx, `SELECT p.consented_since FROM participants p WHERE p.id = ?`+clause, append([]any{id}, args...)...).Scan(&since)
	if errors.Is(err, sql.ErrNoRows) {
		return pathway.Date{}, pathway.Errorf(pathway.ENOTFOUND, "participant.not_found")
	} else if err != nil {
		return pathway.Date{}, fmt.Errorf("find participant: %w", err)
	}
	return pathway.ParseDate(since)
}

// requirePublicStory checks that a participant's current consent covers
// public-facing activity.
func requirePublicStory(ctx context.Context, tx *Tx, field string, participantID int64) error {
	var scopes string
	err := tx.QueryRowContext(ctx, `SELECT scopes FROM consents WHERE participant_id = ? ORDER BY id DESC LIMIT 1`, participantID).Scan(&scopes)
	if err != nil {
		return fmt.Errorf("consent scopes: %w", err)
	}
	c := pathway.Consent{Scopes: splitList[pathway.ConsentScope](scopes)}
	if !c.Has(pathway.ScopePublicStory) {
		return pathway.Invalid(field, "consent.public_story_required")
	}
	return nil
}

const participantColumns = `p.id, p.external_ref, p.display_name, p.current_rung, p.consented_since, p.created_at, p.updated_at, p.last_engaged_on`

func scanParticipant(row interface{ Scan(...any) error }) (*pathway.Participant, error) {
	var p pathway.Participant
	var since, created, updated, engaged string
	if err := row.Scan(&p.ID, &p.ExternalRef, &p.DisplayName, &p.CurrentRung, &since, &created, &updated, &engaged); err != nil {
		return nil, err
	}
	var err error
	if engaged != "" {
		d, err := pathway.ParseDate(engaged)
		if err != nil {
			return nil, err
		}
		p.LastEngagedOn = &d
	}
	if p.FirstConsent, err = pathway.ParseDate(since); err != nil {
		return nil, err
	}
	if p.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	p.UpdatedAt, err = parseTime(updated)
	return &p, err
}

// findParticipant loads one visible participant with programs and consent.
func findParticipant(ctx context.Context, tx *Tx, id int64) (*pathway.Participant, error) {
	clause, args := caseloadClause(tx.actor)
	p, err := scanParticipant(tx.QueryRowContext(ctx, `SELECT `+participantColumns+` FROM participants p WHERE p.id = ?`+clause, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pathway.Errorf(pathway.ENOTFOUND, "participant.not_found")
	} else if err != nil {
		return nil, fmt.Errorf("find participant: %w", err)
	}
	if err := loadDetails(ctx, tx, []*pathway.Participant{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// loadDetails fills the enrolments, current consent and roles of ps in three queries.
func loadDetails(ctx context.Context, tx *Tx, ps []*pathway.Participant) error {
	if len(ps) == 0 {
		return nil
	}
	byID := make(map[int64]*pathway.Participant, len(ps))
	ids := make([]int64, len(ps))
	for i, p := range ps {
		byID[p.ID], ids[i] = p, p.ID
		p.ProgramIDs, p.Enrolments, p.Roles = []int64{}, []pathway.Enrolment{}, []pathway.BodyRole{}
	}
	in, args := inList(ids)
	roles, err := queryRoles(ctx, tx, ` AND r.participant_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	for _, r := range roles {
		byID[r.ParticipantID].Roles = append(byID[r.ParticipantID].Roles, r)
	}
	if err := loadEnrolments(ctx, tx, byID, in, args); err != nil {
		return err
	}
	const q = `SELECT c.participant_id, c.given_on, c.method, c.scopes, u.email, c.recorded_at
FROM consents c JOIN users u ON u.id = c.recorded_by
WHERE c.id IN (SELECT max(id) FROM consents WHERE participant_id IN (%s) GROUP BY participant_id)`
	crows, err := tx.QueryContext(ctx, fmt.Sprintf(q, in), args...)
	if err != nil {
		return fmt.Errorf("load consents: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var pid int64
		var given, method, scopes, recorded string
		var c pathway.Consent
		if err := crows.Scan(&pid, &given, &method, &scopes, &c.RecordedBy, &recorded); err != nil {
			return err
		}
		if c.GivenOn, err = pathway.ParseDate(given); err != nil {
			return err
		}
		if c.RecordedAt, err = parseTime(recorded); err != nil {
			return err
		}
		c.Method = pathway.ConsentMethod(method)
		c.Scopes = splitList[pathway.ConsentScope](scopes)
		byID[pid].Consent = c
	}
	return crows.Err()
}

// checkPrograms checks that every program exists and that a scoped actor
// keeps the participant inside their own caseload.
func checkPrograms(ctx context.Context, tx *Tx, ids []int64) error {
	for _, id := range ids {
		if err := requireProgram(ctx, tx, "program_ids", id); err != nil {
			return err
		}
	}
	if tx.actor.Scoped() && !slices.ContainsFunc(ids, func(id int64) bool { return slices.Contains(tx.actor.ProgramIDs, id) }) {
		return pathway.Invalid("program_ids", "participant.keep_own_program")
	}
	return nil
}

func insertConsent(ctx context.Context, tx *Tx, participantID int64, c pathway.Consent) error {
	const q = `INSERT INTO consents (participant_id, given_on, method, scopes, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`
	if _, err := tx.ExecContext(ctx, q, participantID, c.GivenOn.String(), string(c.Method), joinList(c.Scopes), tx.actor.UserID, formatTime(tx.now)); err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// createParticipant stores a new participant with consent, enrolments and a
// first placement, after the same checks for every way in (the API and the
// CSV import), and audits it.
func createParticipant(ctx context.Context, tx *Tx, np pathway.NewParticipant) (int64, error) {
	const q = `INSERT INTO participants (external_ref, ref_key, display_name, current_rung, consented_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	if err := np.Consent.Validate("consent", tx.today()); err != nil {
		return 0, err
	}
	first := pathway.Placement{Rung: np.Rung, EffectiveOn: np.Consent.GivenOn}
	if !np.RungEffectiveOn.IsZero() {
		if err := pathway.CheckHistoryDate("rung_effective_on", np.RungEffectiveOn, np.Consent.GivenOn, tx.today()); err != nil {
			return 0, err
		}
		first.EffectiveOn = np.RungEffectiveOn
	}
	if err := checkPrograms(ctx, tx, np.ProgramIDs); err != nil {
		return 0, err
	}
	now := formatTime(tx.now)
	res, err := tx.ExecContext(ctx, q, np.ExternalRef, pathway.NormalizeRef(np.ExternalRef), np.DisplayName, int(np.Rung), np.Consent.GivenOn.String(), now, now)
	if isUniqueViolation(err) {
		return 0, refClash(ctx, tx, np.ExternalRef, pathway.Conflict("external_ref", "participant.ref_taken"))
	} else if err != nil {
		return 0, fmt.Errorf("create participant: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := indexParticipant(ctx, tx, id, np.DisplayName, np.ExternalRef); err != nil {
		return 0, err
	}
	// Enrolments start with the journey, on the day consent was given.
	if err := startEnrolments(ctx, tx, id, np.ProgramIDs, np.Consent.GivenOn); err != nil {
		return 0, err
	}
	if err := insertConsent(ctx, tx, id, np.Consent); err != nil {
		return 0, err
	}
	if err := insertPlacement(ctx, tx, id, &first); err != nil {
		return 0, err
	}
	if err := tx.recordChange(ctx, change{typ: pathway.ParticipantCreated, participantID: id, placementID: first.ID, rung: np.Rung}); err != nil {
		return 0, err
	}
	return id, tx.audit("participant.create", "participant", id)
}

// CreateParticipant implements pathway.ParticipantService.
func (s *ParticipantService) CreateParticipant(ctx context.Context, a pathway.Actor, np pathway.NewParticipant) (*pathway.Participant, error) {
	var p *pathway.Participant
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		id, err := createParticipant(ctx, tx, np)
		if err != nil {
			return err
		}
		p, err = findParticipant(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, s.refuseHiddenRef(ctx, a, err)
	}
	return p, nil
}

// hiddenClash is the error inside a transaction when an external_ref is
// already held by a participant outside the actor's caseload.
type hiddenClash struct{ id int64 }

func (hiddenClash) Error() string { return "external_ref held outside the caseload" }

// refClash explains a clash on external_ref ref: visible is the answer when
// the actor may see the participant who holds it, else a hiddenClash.
func refClash(ctx context.Context, tx *Tx, ref string, visible error) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM participants WHERE ref_key = ?`, pathway.NormalizeRef(ref)).Scan(&id); err != nil {
		return fmt.Errorf("find external_ref holder: %w", err)
	}
	if _, err := requireParticipant(ctx, tx, id); pathway.ErrorCode(err) == pathway.ENOTFOUND {
		return hiddenClash{id}
	} else if err != nil {
		return err
	}
	return visible
}

// refuseHiddenRef turns a hiddenClash into a conflict that does not say
// whether the ID is held, and audits the attempt (the failed transaction
// wrote nothing); other errors pass through.
func (s *ParticipantService) refuseHiddenRef(ctx context.Context, a pathway.Actor, err error) error {
	var hc hiddenClash
	if !errors.As(err, &hc) {
		return err
	}
	if err := s.db.commit(ctx, a, func(tx *Tx) error {
		return tx.audit("participant.ref_refused", "participant", hc.id)
	}); err != nil {
		return err
	}
	return &pathway.Error{Code: pathway.ECONFLICT, Message: "participant.ref_unusable", Fields: []pathway.FieldError{{Field: "external_ref", Message: "participant.ref_unusable_field"}}}
}

// FindParticipant implements pathway.ParticipantService.
func (s *ParticipantService) FindParticipant(ctx context.Context, a pathway.Actor, id int64) (*pathway.Participant, error) {
	var p *pathway.Participant
	err := s.db.read(ctx, a, func(tx *Tx) (err error) {
		if p, err = findParticipant(ctx, tx, id); err != nil {
			return err
		}
		return tx.audit(viewAction, "participant", id)
	})
	return p, err
}

// ListParticipants implements pathway.ParticipantService. Every order
// reads an index: the primary key, participants_name_key or
// participants_last_engaged, from the cursor's own key on; a search in the
// order people were added is read from the participant_search index in id
// order and stops at the page's end, and a search in another order sorts
// only its matches.
func (s *ParticipantService) ListParticipants(ctx context.Context, a pathway.Actor, f pathway.ParticipantFilter) ([]pathway.Participant, int64, error) {
	var out []pathway.Participant
	var next int64
	if f.Recent {
		// The people an account opened are noted as their reads' audit
		// entries move in (noteView); wait for those already answered.
		if err := s.db.FlushReads(ctx); err != nil {
			return nil, 0, err
		}
	}
	err := s.db.read(ctx, a, func(tx *Tx) error {
		var q strings.Builder
		var args []any
		add := func(sql string, as ...any) { q.WriteString(sql); args = append(args, as...) }
		match, short := searchTerms(f.Text)
		add(`SELECT ` + participantColumns)
		byIndex := match != "" && !f.Recent && f.Sort == pathway.SortByID
		switch {
		case f.Recent:
			add(` FROM participant_views v JOIN participants p ON p.id = v.participant_id WHERE v.user_id = ?`, a.UserID)
		case byIndex:
			add(` FROM participant_search s JOIN participants p ON p.id = s.rowid WHERE participant_search MATCH ?`, match)
		default:
			add(` FROM participants p WHERE 1`)
		}
		if match != "" && !byIndex {
			// Sorted by name or engagement, a search either sorts its
			// matches, when they are few, or walks that order's index and
			// keeps the matches, when they are many (a common first name):
			// the unary + keeps SQLite from reaching the people through
			// the match list, so it reads the order's index instead.
			n, err := countMatches(ctx, tx, match)
			if err != nil {
				return err
			}
			id := "p.id"
			if !f.Recent && n > sortMatchesMax {
				id = "+p.id"
			}
			add(` AND `+id+` IN (SELECT rowid FROM participant_search WHERE participant_search MATCH ?)`, match)
		}
		if f.Text != "" {
			clause, targs := containsAll(short, match == "", f.Text)
			add(clause, targs...)
		}
		if f.After != 0 && !f.Recent {
			switch f.Sort {
			case pathway.SortByName:
				if err := requireCursor(ctx, tx, f.After); err != nil {
					return err
				}
				add(` AND (p.name_key, p.id) > ((SELECT name_key FROM participants WHERE id = ?), ?)`, f.After, f.After)
			case pathway.SortByLastEngaged:
				if err := requireCursor(ctx, tx, f.After); err != nil {
					return err
				}
				add(` AND (p.last_engaged_on, p.id) < ((SELECT last_engaged_on FROM participants WHERE id = ?), ?)`, f.After, f.After)
			default:
				add(` AND p.id > ?`, f.After)
			}
		}
		if f.Rung != 0 {
			add(` AND p.current_rung = ?`, int(f.Rung))
		}
		if f.ExternalRef != "" {
			add(` AND p.ref_key = ?`, pathway.NormalizeRef(f.ExternalRef))
		}
		if f.ProgramID != 0 {
			add(` AND p.id IN (SELECT fe.participant_id FROM enrollments fe WHERE fe.program_id = ? AND fe.left_on IS NULL)`, f.ProgramID)
		}
		clause, cargs := caseloadClause(a)
		add(clause, cargs...)
		switch {
		case f.Recent:
			add(` ORDER BY v.seen_seq DESC`)
		case f.Sort == pathway.SortByName:
			add(` ORDER BY p.name_key, p.id`)
		case f.Sort == pathway.SortByLastEngaged:
			add(` ORDER BY p.last_engaged_on DESC, p.id DESC`)
		case byIndex:
			add(` ORDER BY s.rowid`)
		default:
			add(` ORDER BY p.id`)
		}
		add(` LIMIT ?`, f.Limit+1)
		rows, err := tx.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return fmt.Errorf("list participants: %w", err)
		}
		defer rows.Close()
		var ps []*pathway.Participant
		for rows.Next() {
			p, err := scanParticipant(rows)
			if err != nil {
				return err
			}
			ps = append(ps, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ps) > f.Limit {
			ps = ps[:f.Limit]
			if !f.Recent {
				next = ps[len(ps)-1].ID
			}
		}
		if err := loadDetails(ctx, tx, ps); err != nil {
			return err
		}
		out = make([]pathway.Participant, len(ps))
		for i, p := range ps {
			out[i] = *p
		}
		return tx.audit("participant.list", "participant", 0)
	})
	return out, next, err
}

// sortMatchesMax is the most matches a search sorted by name or engagement
// sorts; with more, walking the order's index finds a page of them sooner.
const sortMatchesMax = 400

// countMatches counts the people a search's index terms match, up to one
// more than sortMatchesMax: enough to choose how to read them.
func countMatches(ctx context.Context, tx *Tx, match string) (int, error) {
	var n int
	const q = `SELECT count(*) FROM (SELECT 1 FROM participant_search WHERE participant_search MATCH ? LIMIT ?)`
	if err := tx.QueryRowContext(ctx, q, match, sortMatchesMax+1).Scan(&n); err != nil {
		return 0, fmt.Errorf("count matches: %w", err)
	}
	return n, nil
}

// requireCursor checks that the participant a cursor starts after is still
// there: a page ordered by name or engagement starts from their key.
func requireCursor(ctx context.Context, tx *Tx, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM participants WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return pathway.Invalid("cursor", "query.cursor_stale")
	} else if err != nil {
		return fmt.Errorf("list participants: %w", err)
	}
	return nil
}

// CountByRung implements pathway.ParticipantService. It reads the
// maintained current_rung through the participants_rung index.
func (s *ParticipantService) CountByRung(ctx context.Context, a pathway.Actor) (pathway.RungCounts, error) {
	var c pathway.RungCounts
	err := s.db.read(ctx, a, func(tx *Tx) error {
		clause, args := caseloadClause(a)
		return each(ctx, tx, `SELECT p.current_rung, count(*) FROM participants p WHERE 1=1`+clause+` GROUP BY p.current_rung`, args, func(rows *sql.Rows) error {
			var r pathway.Rung
			var n int
			if err := rows.Scan(&r, &n); err != nil {
				return err
			}
			c[r-1] = n
			return nil
		})
	})
	return c, err
}

// scanRungCounts reads rows of (rung, count) into c.
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

// UpdateParticipant implements pathway.ParticipantService.
func (s *ParticipantService) UpdateParticipant(ctx context.Context, a pathway.Actor, id int64, upd pathway.ParticipantUpdate) (*pathway.Participant, error) {
	var p *pathway.Participant
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		var err error
		if p, err = findParticipant(ctx, tx, id); err != nil {
			return err
		}
		if upd.ExternalRef != nil {
			p.ExternalRef = *upd.ExternalRef
		}
		if upd.DisplayName != nil {
			p.DisplayName = *upd.DisplayName
		}
		_, err = tx.ExecContext(ctx, `UPDATE participants SET external_ref = ?, ref_key = ?, display_name = ?, updated_at = ? WHERE id = ?`, p.ExternalRef, pathway.NormalizeRef(p.ExternalRef), p.DisplayName, formatTime(tx.now), id)
		if isUniqueViolation(err) {
			return refClash(ctx, tx, p.ExternalRef, pathway.Conflict("external_ref", "participant.ref_taken_other"))
		} else if err != nil {
			return fmt.Errorf("update participant: %w", err)
		}
		if err := indexParticipant(ctx, tx, id, p.DisplayName, p.ExternalRef); err != nil {
			return err
		}
		if upd.ProgramIDs != nil {
			if err := checkPrograms(ctx, tx, *upd.ProgramIDs); err != nil {
				return err
			}
			if err := setEnrolments(ctx, tx, id, *upd.ProgramIDs); err != nil {
				return err
			}
		}
		if p, err = findParticipant(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.recordChange(ctx, change{typ: pathway.ParticipantUpdated, participantID: id}); err != nil {
			return err
		}
		return tx.audit("participant.update", "participant", id)
	})
	if err != nil {
		return nil, s.refuseHiddenRef(ctx, a, err)
	}
	return p, nil
}

// RenewConsent implements pathway.ParticipantService.
func (s *ParticipantService) RenewConsent(ctx context.Context, a pathway.Actor, id int64, c pathway.Consent) (*pathway.Participant, error) {
	var p *pathway.Participant
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := requireParticipant(ctx, tx, id); err != nil {
			return err
		}
		if err := c.Validate("", tx.today()); err != nil {
			return err
		}
		if err := insertConsent(ctx, tx, id, c); err != nil {
			return err
		}
		// A renewal dated earlier than the first consent corrects it.
		const q = `UPDATE participants SET consented_since = min(consented_since, ?), updated_at = ? WHERE id = ?`
		if _, err := tx.ExecContext(ctx, q, c.GivenOn.String(), formatTime(tx.now), id); err != nil {
			return fmt.Errorf("renew consent: %w", err)
		}
		var err error
		if p, err = findParticipant(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.recordChange(ctx, change{typ: pathway.ConsentChanged, participantID: id}); err != nil {
			return err
		}
		return tx.audit("consent.update", "participant", id)
	})
	return p, err
}

// withdrawalPatience is how long a withdrawal waits for readers to let go
// of the write-ahead log before it leaves the scrub to the scrubber.
const withdrawalPatience = time.Second

// unlinkAudit removes the participant's id from the audit entries written
// about them before their erasure, and the ids of their placements and
// roles, which lead back to them: the entries stay (who did what, when, from
// where) but no longer say to whom. Talks are not theirs alone, so entries
// about talks keep their ids.
func unlinkAudit(ctx context.Context, tx *Tx, participantID int64) error {
	const q = `UPDATE audit_log SET entity_id = NULL
WHERE (entity = 'participant' AND entity_id = ?1)
   OR (entity = 'placement' AND entity_id IN (SELECT id FROM placements WHERE participant_id = ?1))
   OR (entity = 'role' AND entity_id IN (SELECT id FROM roles WHERE participant_id = ?1))`
	if _, err := tx.ExecContext(ctx, q, participantID); err != nil {
		return fmt.Errorf("unlink audit: %w", err)
	}
	return nil
}

// WithdrawConsent implements pathway.ParticipantService. The rows go, not
// a flag: with secure_delete on, the freed space is overwritten, and a
// truncating checkpoint afterwards clears the write-ahead log that still
// held them. The erasure marks the scrub pending in its own transaction,
// so a crash before the checkpoint is finished on the next start.
func (s *ParticipantService) WithdrawConsent(ctx context.Context, a pathway.Actor, id int64) (scrubPending bool, err error) {
	err = s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := requireParticipant(ctx, tx, id); err != nil {
			return err
		}
		var ref, name string
		if err := tx.QueryRowContext(ctx, `SELECT external_ref, display_name FROM participants WHERE id = ?`, id).Scan(&ref, &name); err != nil {
			return fmt.Errorf("erase participant: %w", err)
		}
		if err := forgetResponses(ctx, tx, ref, name); err != nil {
			return err
		}
		if err := unlinkAudit(ctx, tx, id); err != nil {
			return err
		}
		if err := unindexParticipant(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM participants WHERE id = ?`, id); err != nil {
			return fmt.Errorf("erase participant: %w", err)
		}
		// Their earlier feed items go with their history, and their pending
		// deliveries with those; the erasure itself is announced last.
		if err := tx.forgetChanges(ctx, id); err != nil {
			return err
		}
		if err := tx.recordChange(ctx, change{typ: pathway.ParticipantErased, participantID: id}); err != nil {
			return err
		}
		if err := tx.markScrub(); err != nil {
			return err
		}
		return tx.audit("participant.erase", "participant", id)
	})
	if err != nil {
		return false, err
	}
	// The person is erased from the database. If readers hold the log now,
	// the scrubber clears it as soon as they let go, rather than fail a
	// request whose erasure has already happened.
	clean, err := s.db.scrub(ctx, withdrawalPatience)
	if err != nil {
		s.db.Logger.Warn("scrub after an erasure failed; the scrubber will retry", "error", err.Error())
	}
	if !clean {
		s.db.wakeScrubber()
		return true, nil
	}
	return false, nil
}
