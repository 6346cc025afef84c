-- A term's ends_on is its last day, inclusive: the API and the store have
-- always read it so, and a body's term_months gives a term ending the day
-- before its anniversary. The web app's form, though, proposed the
-- anniversary itself (starts_on plus term_months), one day too many, so a
-- term filled from it overlapped the next term starting on its anniversary.
-- This moves each such end back one day, to the last day the body's term
-- length means. Only ends on exactly that anniversary move; an end a person
-- typed on another day stays.
--
-- Each moved term keeps its former end in role_end_corrections, so the down
-- migration can put it back and the correction can be read; the row goes
-- with the role when a person is erased. Each is audited as role.correct_end
-- by "migration 000013", and announced on the change feed as role.ended,
-- like any other moved end.
CREATE TABLE role_end_corrections (
    role_id      INTEGER PRIMARY KEY REFERENCES roles (id) ON DELETE CASCADE,
    ends_on_was  TEXT NOT NULL,
    corrected_at TEXT NOT NULL
);

INSERT INTO role_end_corrections (role_id, ends_on_was, corrected_at)
SELECT r.id, r.ends_on, strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.000000Z'
FROM roles r JOIN bodies b ON b.id = r.body_id
WHERE b.term_months IS NOT NULL AND r.ends_on IS NOT NULL
  AND r.ends_on = date(r.starts_on, '+' || b.term_months || ' months');

UPDATE roles SET ends_on = date(ends_on, '-1 day')
WHERE id IN (SELECT role_id FROM role_end_corrections);

INSERT INTO audit_log (at, user_id, user_email, action, entity, entity_id, remote_addr)
SELECT corrected_at, NULL, 'migration 000013', 'role.correct_end', 'role', role_id, ''
FROM role_end_corrections;

INSERT INTO changes (at, type, participant_id, role_id, body_id)
SELECT c.corrected_at, 'role.ended', r.participant_id, r.id, r.body_id
FROM role_end_corrections c JOIN roles r ON r.id = c.role_id
ORDER BY c.role_id;

INSERT INTO outbox (endpoint_id, change_id, created_at, next_attempt_at, attempts)
SELECT w.id, ch.id, ch.at, ch.at, 0
FROM changes ch JOIN role_end_corrections c ON c.role_id = ch.role_id AND c.corrected_at = ch.at
JOIN webhooks w ON w.disabled_at IS NULL AND instr(',' || w.events || ',', ',role.ended,') > 0
WHERE ch.type = 'role.ended';
