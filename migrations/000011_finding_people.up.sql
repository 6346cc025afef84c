-- Finding people: a search that ignores case and accents, the list sorted by
-- name or by last engagement, and the people each account opened recently.
--
-- name_key is the display name folded (sqlite.foldText: compatibility
-- decomposition, accents removed, case folded), for sorting by name. SQL
-- cannot fold Unicode, so it is left NULL here and sqlite.DB.Open fills every
-- missing key, and the search index below, in Go before it serves a request.
-- NULL means "not yet indexed".
ALTER TABLE participants ADD COLUMN name_key TEXT;
CREATE INDEX participants_name_key ON participants (name_key, id);

-- The latest day an engagement of theirs happened, '' for none yet, kept up
-- to date as engagements are logged (they are only removed with the person).
ALTER TABLE participants ADD COLUMN last_engaged_on TEXT NOT NULL DEFAULT '';
UPDATE participants SET last_engaged_on = coalesce(
    (SELECT max(occurred_on) FROM engagements e WHERE e.participant_id = participants.id), '');
CREATE INDEX participants_last_engaged ON participants (last_engaged_on, id);

-- The search index: one row per participant (rowid = participants.id) holding
-- the folded name and reference as words, with prefix indexes of two and
-- three letters, so the start of any word is found through the index
-- ("gom" finds "Gómez"). It names people, so an erasure deletes their row.
-- With the index's secure-delete option, FTS5 removes their entries from the
-- index pages at once, rather than leaving them behind a delete marker or a
-- tombstone until a merge (which is also why the table keeps its own copy of
-- the text: a contentless table records deletions as tombstones), and the
-- database's secure_delete then overwrites the freed bytes.
CREATE VIRTUAL TABLE participant_search USING fts5 (
    text, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO participant_search (participant_search, rank) VALUES ('secure-delete', 1);

-- The people an account opened, for "people I saw recently": ids and a time,
-- never a name, and gone with the person (or the account). Trimmed to the
-- latest few per account as it is written.
CREATE TABLE participant_views (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    seen_seq       INTEGER NOT NULL, -- the account's count of openings: the latest is the highest
    seen_at        TEXT NOT NULL,
    PRIMARY KEY (user_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX participant_views_recent ON participant_views (user_id, seen_seq);
CREATE INDEX participant_views_participant ON participant_views (participant_id);
