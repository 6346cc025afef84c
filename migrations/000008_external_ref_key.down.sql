DROP TABLE imports;
DROP TABLE idempotency_keys;
DROP INDEX participants_ref_key;
ALTER TABLE participants DROP COLUMN ref_key;
