-- Check-ins the participants recorded themselves have no staff recorder to
-- keep under the old rule, so they go with the links.
ALTER TABLE audit_log DROP COLUMN by_participant;
DELETE FROM capacity_checkins WHERE recorded_by IS NULL;
CREATE TABLE capacity_checkins_old (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id      INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    assessed_on         TEXT NOT NULL,
    perspective         TEXT NOT NULL CHECK (perspective IN ('self', 'staff')),
    self_advocacy       INTEGER NOT NULL CHECK (self_advocacy BETWEEN 1 AND 4),
    root_cause_analysis INTEGER NOT NULL CHECK (root_cause_analysis BETWEEN 1 AND 4),
    leadership          INTEGER NOT NULL CHECK (leadership BETWEEN 1 AND 4),
    note                TEXT NOT NULL DEFAULT '',
    recorded_by         INTEGER NOT NULL REFERENCES users (id),
    recorded_at         TEXT NOT NULL
);
INSERT INTO capacity_checkins_old SELECT * FROM capacity_checkins;
INSERT INTO sqlite_sequence (name, seq) SELECT 'capacity_checkins_old', seq FROM sqlite_sequence WHERE name = 'capacity_checkins'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'capacity_checkins_old');
UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'capacity_checkins'))
    WHERE name = 'capacity_checkins_old' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'capacity_checkins');
DROP TABLE capacity_checkins;
ALTER TABLE capacity_checkins_old RENAME TO capacity_checkins;
CREATE INDEX capacity_checkins_participant ON capacity_checkins (participant_id, assessed_on);
CREATE INDEX capacity_checkins_report ON capacity_checkins (perspective, participant_id, assessed_on);
DROP TABLE invitations;
