-- A suggestion someone dismissed: it returns only with evidence recorded
-- after dismissed_at. One row per participant, the latest dismissal; the
-- audit trail keeps every one. It goes with the participant on erasure.
CREATE TABLE suggestion_dismissals (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    dismissed_at   TEXT NOT NULL,
    dismissed_by   INTEGER NOT NULL REFERENCES users (id),
    reason         TEXT NOT NULL DEFAULT ''
);

-- The evidence of the last 90 days, found by date without visiting the
-- table: the organisation's suggestions read only these entries.
CREATE INDEX engagements_recent ON engagements (occurred_on, program_id, participant_id, recorded_at);
