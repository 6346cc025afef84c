DROP TABLE participant_views;
DROP TABLE participant_search;
DROP INDEX participants_last_engaged;
ALTER TABLE participants DROP COLUMN last_engaged_on;
DROP INDEX participants_name_key;
ALTER TABLE participants DROP COLUMN name_key;
