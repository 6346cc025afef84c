-- A suggestion someone dismissed: it returns only with evidence recorded
-- after dismissed_at. One row per participant, the latest dismissal; the
-- audit trail keeps every one. It goes with the participant on erasure.
CREATE TABLE suggestion_dismissals (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    dismissed_at   TEXT NOT NULL,
    dismissed_by   INTEGER NOT NULL REFERENCES users (id),
    reason         TEXT NOT NULL DEFAULT ''
);
