-- Back to undated enrolments: the open ones stay, past periods go.
CREATE TABLE enrollments_undated (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    program_id     INTEGER NOT NULL REFERENCES programs (id),
    PRIMARY KEY (participant_id, program_id)
) WITHOUT ROWID;
INSERT INTO enrollments_undated (participant_id, program_id)
SELECT participant_id, program_id FROM enrollments WHERE left_on IS NULL;
DROP TABLE enrollments;
ALTER TABLE enrollments_undated RENAME TO enrollments;
CREATE INDEX enrollments_program ON enrollments (program_id, participant_id);
