-- Enrolments carry dates, so a past period's program counts do not move
-- when someone joins or leaves a program today. A row is one period in a
-- program: from enrolled_on through left_on (the last day enrolled), or
-- still open while left_on is NULL. AUTOINCREMENT: rows are erased with a
-- participant (see 000001).
CREATE TABLE enrollments_dated (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    program_id     INTEGER NOT NULL REFERENCES programs (id),
    enrolled_on    TEXT NOT NULL,
    left_on        TEXT, -- last day enrolled, inclusive; NULL while enrolled
    CHECK (left_on IS NULL OR left_on >= enrolled_on)
);
-- Existing rows: enrolled from the day consent was first given, the
-- earliest date any history of theirs may carry.
INSERT INTO enrollments_dated (participant_id, program_id, enrolled_on)
SELECT e.participant_id, e.program_id, p.consented_since
FROM enrollments e JOIN participants p ON p.id = e.participant_id
ORDER BY e.participant_id, e.program_id;
DROP TABLE enrollments;
ALTER TABLE enrollments_dated RENAME TO enrollments;
-- At most one open enrolment per person and program.
CREATE UNIQUE INDEX enrollments_open ON enrollments (participant_id, program_id) WHERE left_on IS NULL;
CREATE INDEX enrollments_participant ON enrollments (participant_id, enrolled_on, program_id, left_on);
CREATE INDEX enrollments_program ON enrollments (program_id, participant_id);
