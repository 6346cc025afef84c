-- Audited reads write their audit entries to a read log beside the
-- database (internal/sqlite/readlog.go); the committer moves each segment
-- of it into audit_log and records here, in the same transaction, the
-- newest segment moved, so a segment left on disk by a crash after that
-- commit is never moved twice.
CREATE TABLE read_log_moved (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    segment INTEGER NOT NULL
);
INSERT INTO read_log_moved (id, segment) VALUES (1, 0);
