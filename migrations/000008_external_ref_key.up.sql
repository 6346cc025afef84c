-- The case-management system's reference, in the form two spellings of the
-- same person share (pathway.NormalizeRef: NFKC, case-folded, trimmed), so
-- that "cm-10035", "ＣＭ-10035" and "CM-10035 " are one person, enforced by
-- a UNIQUE index rather than by a check in Go.
--
-- SQL cannot apply NFKC, so the key is filled here only where the two agree:
-- for a reference of printable ASCII, NFKC changes nothing and case folding is
-- lower(), so lower(trim()) is exactly the Go form. Other references are left
-- NULL (a UNIQUE index allows many NULLs), and sqlite.DB.Open fills every
-- missing key in Go before it serves a request. If two existing references
-- already normalise to the same key, this migration (ASCII) or Open (the rest)
-- fails and names it, so that the two records are merged by a person rather
-- than guessed at.
ALTER TABLE participants ADD COLUMN ref_key TEXT;

UPDATE participants SET ref_key = lower(trim(external_ref, ' '))
WHERE external_ref NOT GLOB '*[^ -~]*';

CREATE UNIQUE INDEX participants_ref_key ON participants (ref_key);

-- Idempotency-Key: the first response to a POST, kept 24 hours, so a retry
-- with the same key and body gets it back instead of writing again. A
-- response can name a participant, so it goes with them when they are
-- erased: by participant_id (the person the request was about), and by
-- content for any other response that names them.
CREATE TABLE idempotency_keys (
    account_id   INTEGER NOT NULL,
    participant_id INTEGER REFERENCES participants (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    location     TEXT NOT NULL, -- the Location header of a 201, or ''
    body         BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX idempotency_keys_participant ON idempotency_keys (participant_id) WHERE participant_id IS NOT NULL;

-- CSV imports run in the background; their progress and outcome are kept
-- here so a finished import can still be read. No names, references or
-- notes: errors name a row and a field.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL CHECK (kind IN ('participants', 'engagements')),
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    dry_run     INTEGER NOT NULL,
    on_error    TEXT NOT NULL CHECK (on_error IN ('abort', 'skip')),
    rows_total  INTEGER NOT NULL DEFAULT 0,
    rows_done   INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    errors      TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
