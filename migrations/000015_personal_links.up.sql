-- Personal links: a participant reaches their own journey through an
-- expiring, revocable link whose token is stored only as a hash. A check-in
-- the participant records themself has no staff recorder, and an audit entry
-- may name the participant, through their link, as the one who acted.

CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    token_hash     BLOB NOT NULL UNIQUE,
    language       TEXT NOT NULL CHECK (language IN ('en', 'es')),
    created_by     INTEGER NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    revoked_at     TEXT
);
CREATE INDEX invitations_participant ON invitations (participant_id, id);

-- recorded_by becomes optional: NULL is the participant themself, and only
-- their own view may be recorded that way. SQLite changes a column's
-- constraint only by rebuilding the table; the AUTOINCREMENT counter is
-- carried over so an erased check-in's id is never given again.
CREATE TABLE capacity_checkins_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id      INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    assessed_on         TEXT NOT NULL,
    perspective         TEXT NOT NULL CHECK (perspective IN ('self', 'staff')),
    self_advocacy       INTEGER NOT NULL CHECK (self_advocacy BETWEEN 1 AND 4),
    root_cause_analysis INTEGER NOT NULL CHECK (root_cause_analysis BETWEEN 1 AND 4),
    leadership          INTEGER NOT NULL CHECK (leadership BETWEEN 1 AND 4),
    note                TEXT NOT NULL DEFAULT '',
    recorded_by         INTEGER REFERENCES users (id), -- NULL: recorded by the participant through their personal link
    recorded_at         TEXT NOT NULL,
    CHECK (recorded_by IS NOT NULL OR perspective = 'self')
);
INSERT INTO capacity_checkins_new (id, participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, note, recorded_by, recorded_at)
SELECT id, participant_id, assessed_on, perspective, self_advocacy, root_cause_analysis, leadership, note, recorded_by, recorded_at FROM capacity_checkins;
INSERT INTO sqlite_sequence (name, seq) SELECT 'capacity_checkins_new', seq FROM sqlite_sequence WHERE name = 'capacity_checkins'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'capacity_checkins_new');
UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'capacity_checkins'))
    WHERE name = 'capacity_checkins_new' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'capacity_checkins');
DROP TABLE capacity_checkins;
ALTER TABLE capacity_checkins_new RENAME TO capacity_checkins;
CREATE INDEX capacity_checkins_participant ON capacity_checkins (participant_id, assessed_on);
CREATE INDEX capacity_checkins_report ON capacity_checkins (perspective, participant_id, assessed_on);

-- 1 when the participant acted themself, through their personal link.
ALTER TABLE audit_log ADD COLUMN by_participant INTEGER NOT NULL DEFAULT 0 CHECK (by_participant IN (0, 1));
