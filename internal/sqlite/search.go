package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"pathway/internal/pathway"
)

// Finding people. A participant's name and reference are kept folded
// (foldText) in two places: participants.name_key, to sort by name, and the
// participant_search index (FTS5, words with prefix indexes, secure-delete),
// to find the start of any word without reading every row. Both name
// the person, so both go with them: name_key with their row, the index
// entry in WithdrawConsent.

// foldText is the form in which search ignores case and accents: the
// compatibility decomposition without its combining marks, case-folded and
// recomposed, runs of space made one. "Lucía", "LUCIA" and "lucia" all read
// "lucia"; "Straße" reads "strasse".
func foldText(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), cases.Fold(), norm.NFKC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = strings.ToLower(s)
	}
	return strings.Join(strings.Fields(out), " ")
}

// execer runs a statement: a *Tx, or the *sql.Tx Open fills keys in.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// indexParticipant writes participant id's name key and search entry from
// their current name and reference, replacing any earlier entry; with the
// index's secure-delete option nothing of the old name stays in it.
func indexParticipant(ctx context.Context, tx execer, id int64, name, ref string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE participants SET name_key = ? WHERE id = ?`, foldText(name), id); err != nil {
		return fmt.Errorf("index participant: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM participant_search WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("index participant: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO participant_search (rowid, text) VALUES (?, ?)`, id, foldText(name)+" "+foldText(ref)); err != nil {
		return fmt.Errorf("index participant: %w", err)
	}
	return nil
}

// reindexParticipant indexes participant id again from their stored name
// and reference.
func reindexParticipant(ctx context.Context, tx *Tx, id int64) error {
	var name, ref string
	if err := tx.QueryRowContext(ctx, `SELECT display_name, external_ref FROM participants WHERE id = ?`, id).Scan(&name, &ref); err != nil {
		return fmt.Errorf("index participant: %w", err)
	}
	return indexParticipant(ctx, tx, id, name, ref)
}

// unindexParticipant removes participant id from the search index.
func unindexParticipant(ctx context.Context, tx execer, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM participant_search WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("unindex participant: %w", err)
	}
	return nil
}

// fillSearchKeys indexes every participant who is not yet (name_key NULL):
// migration 000011 cannot fold Unicode in SQL, so Open does it in Go before
// serving.
func (db *DB) fillSearchKeys(ctx context.Context) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fill search keys: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, display_name, external_ref FROM participants WHERE name_key IS NULL`)
	if err != nil {
		return fmt.Errorf("fill search keys: %w", err)
	}
	type person struct {
		id        int64
		name, ref string
	}
	var todo []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.name, &p.ref); err != nil {
			rows.Close()
			return fmt.Errorf("fill search keys: %w", err)
		}
		todo = append(todo, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("fill search keys: %w", err)
	}
	if len(todo) == 0 {
		return nil
	}
	for _, p := range todo {
		if err := indexParticipant(ctx, tx, p.id, p.name, p.ref); err != nil {
			return fmt.Errorf("fill search keys: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("fill search keys: %w", err)
	}
	return nil
}

// searchTerms splits a search into the index's query, one quoted prefix
// phrase for each folded word of two letters or more ("" when there is
// none): every word must start a word of the name or reference, in any
// order. Single letters, which the index does not hold, come back in short.
func searchTerms(text string) (match string, short []string) {
	var long []string
	for _, w := range strings.Fields(foldText(text)) {
		if utf8.RuneCountInString(w) >= 2 {
			long = append(long, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
		} else {
			short = append(short, w)
		}
	}
	return strings.Join(long, " "), short
}

// containsAll is the condition on participants p for the single letters of
// a search: a word of their folded name or reference starts with each. When the search has
// no word the index can find (alone), the participant whose external_ref is
// exactly text is found too; otherwise the index holds the folded reference
// and finds it.
func containsAll(short []string, alone bool, text string) (string, []any) {
	if len(short) == 0 {
		return "", nil
	}
	var b strings.Builder
	var args []any
	b.WriteString(` AND (`)
	if alone {
		b.WriteString(`p.ref_key = ? OR `)
		args = append(args, pathway.NormalizeRef(text))
	}
	b.WriteString(`(1`)
	for _, w := range short {
		b.WriteString(` AND instr(' ' || p.name_key || ' ' || replace(p.ref_key, '-', ' '), ?) > 0`)
		args = append(args, " "+w)
	}
	b.WriteString(`))`)
	return b.String(), args
}

// viewsKept is how many recently opened people an account's list keeps.
const viewsKept = 50

// noteView records that account userID opened participant id at the given
// time, for "people I saw recently", keeping only the latest viewsKept. It
// follows the audit entry of the read (insertAudit, Tx.audit), so it is
// written by the committer with that entry and never on a read's own path;
// a person erased since the read is not noted.
func noteView(ctx context.Context, tx execer, userID, id int64, at string) error {
	if userID == 0 || id == 0 {
		return nil
	}
	const (
		upsert = `INSERT INTO participant_views (user_id, participant_id, seen_seq, seen_at)
SELECT ?1, ?2, (SELECT coalesce(max(seen_seq), 0) + 1 FROM participant_views WHERE user_id = ?1), ?3
WHERE EXISTS (SELECT 1 FROM participants WHERE id = ?2)
ON CONFLICT (user_id, participant_id) DO UPDATE SET seen_seq = excluded.seen_seq, seen_at = excluded.seen_at`
		trim = `DELETE FROM participant_views WHERE user_id = ?1 AND seen_seq <=
    (SELECT seen_seq FROM participant_views WHERE user_id = ?1 ORDER BY seen_seq DESC LIMIT 1 OFFSET ?2)`
	)
	if _, err := tx.ExecContext(ctx, upsert, userID, id, at); err != nil {
		return fmt.Errorf("note view: %w", err)
	}
	if _, err := tx.ExecContext(ctx, trim, userID, viewsKept); err != nil {
		return fmt.Errorf("note view: %w", err)
	}
	return nil
}

// viewAction is the audit action of opening a participant's record, which
// also notes the view for "people I saw recently".
const viewAction = "participant.read"
